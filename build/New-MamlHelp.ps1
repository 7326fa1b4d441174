#requires -Version 7.2
<#
.SYNOPSIS
    Generates the MAML help (Get-Help) of Sheriff's cmdlets from the C# XML documentation.
.DESCRIPTION
    platyPS and XmlDoc2CmdletDoc are not available, so this script does their job. It imports the laid-out module,
    and for every exported cmdlet writes a MAML command entry built from two sources:
      - the runtime metadata (Get-Command): parameter sets, types, Mandatory, Position, pipeline input, aliases,
        wildcard support, ValidateSet values, [OutputType], default values (read from a fresh cmdlet instance);
      - the XML doc comments, in the XmlDoc2CmdletDoc style:
          class:     <summary><para type="synopsis">..</para><para type="description">..</para>
                     [<para type="link" uri="..">..</para>]</summary>
                     <example><code>..</code><para>..</para></example> (one or more)
          property:  <summary><para type="description">..</para></summary>
        A parameter's docs are read from the property on its declaring type (P:<DeclaringType>.<Name>), walking
        up the base types for overrides and <inheritdoc/>. WhatIf/Confirm and the paging parameters
        (First/Skip/IncludeTotalCount) are PowerShell's own and get PowerShell's standard descriptions.
      The common parameters are left out (Get-Help adds [<CommonParameters>] itself).

    The file is written once, to <ModulePath>/<culture>/<HelpFile> (HelpFile is the cmdlet's:
    Sheriff.PowerShell.dll-Help.xml). Get-Help (CommandHelpProvider.FindHelpFile, the same in Windows PowerShell
    5.1 and PowerShell 7) looks for a cmdlet's HelpFile under <culture> folders of the ModuleBase of the cmdlet's
    module. Sheriff.psm1 imports the binary module as a nested module and re-exports its cmdlets, so that module is
    the root module (Sheriff, ModuleBase = the module folder), whichever of net8.0/net462 was loaded: the root
    en-US folder serves both editions, and no copy under net8.0/ or net462/ is needed (those are only a fallback,
    '<nested module file>-Help.xml' next to the nested module, used when the first lookup fails). The script
    checks the result by asking Get-Help for every cmdlet, and fails if Get-Help does not show the generated help.

    Missing documentation is reported as warnings (the Pester suite tests/pester/ModuleHelp.Tests.ps1 fails on
    it); a missing or unreadable XML documentation file, or one that documents none of the cmdlets, is an error.
.PARAMETER ModulePath
    The laid-out module folder (holding <name>.psd1), e.g. out/Sheriff.
.PARAMETER DocXml
    The XML documentation file the C# build wrote, e.g. src/Sheriff.PowerShell/bin/Release/net8.0/Sheriff.PowerShell.xml.
.PARAMETER Culture
    The help culture folder to write (default en-US).
.EXAMPLE
    pwsh -NoProfile -File build/New-MamlHelp.ps1 -ModulePath out/Sheriff -DocXml src/Sheriff.PowerShell/bin/Release/net8.0/Sheriff.PowerShell.xml
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $DocXml,
    [string] $Culture = 'en-US'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Stop-WithError([string] $Message) {
    [Console]::Error.WriteLine("New-MamlHelp: ERROR: $Message")
    exit 1
}

# ---------------------------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------------------------

if (-not (Test-Path -LiteralPath $DocXml -PathType Leaf)) {
    Stop-WithError ("The XML documentation file '$DocXml' does not exist. Build the project first (it sets " +
        'GenerateDocumentationFile), e.g. dotnet build src/Sheriff.PowerShell -c Release.')
}
if (-not (Test-Path -LiteralPath $ModulePath -PathType Container)) {
    Stop-WithError "The module folder '$ModulePath' does not exist."
}
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$DocXml = (Resolve-Path -LiteralPath $DocXml).ProviderPath

$docs = [System.Xml.XmlDocument]::new()
try {
    $docs.Load($DocXml)
} catch {
    Stop-WithError "The XML documentation file '$DocXml' cannot be read: $($_.Exception.Message)"
}
# name -> <member> element. Work on XmlNode APIs only: PowerShell's XML adapter turns text-only elements into
# [string] and mixed ones into XmlElement, which breaks property-style access on exactly the short doc comments.
$members = @{}
foreach ($m in $docs.SelectNodes('/doc/members/member')) { $members[$m.GetAttribute('name')] = $m }
if ($members.Count -eq 0) { Stop-WithError "The XML documentation file '$DocXml' holds no <member> entries." }

$manifest = Join-Path $ModulePath ((Split-Path -Leaf $ModulePath) + '.psd1')
if (-not (Test-Path -LiteralPath $manifest)) {
    $candidates = @(Get-ChildItem -LiteralPath $ModulePath -Filter '*.psd1' -File)
    if ($candidates.Count -ne 1) { Stop-WithError "No single module manifest (*.psd1) found in '$ModulePath'." }
    $manifest = $candidates[0].FullName
}
try {
    $module = Import-Module -Name $manifest -Force -PassThru -ErrorAction Stop
} catch {
    Stop-WithError "Importing '$manifest' failed: $($_.Exception.Message)"
}
$cmdlets = @($module.ExportedCmdlets.Values | Sort-Object Name)
if ($cmdlets.Count -eq 0) { Stop-WithError "The module '$manifest' exports no cmdlets." }

# ---------------------------------------------------------------------------------------------------------------
# XML doc reading
# ---------------------------------------------------------------------------------------------------------------

function Get-DocId([type] $Type) {
    if ($Type.IsGenericType -and -not $Type.IsGenericTypeDefinition) { $Type = $Type.GetGenericTypeDefinition() }
    $Type.FullName.Replace('+', '.')
}

# Text of a doc node: inline markup (<c>, <see cref/langword/href>, <paramref>) becomes plain text.
function Get-InlineText([System.Xml.XmlNode] $Node) {
    $sb = [System.Text.StringBuilder]::new()
    foreach ($child in $Node.ChildNodes) {
        switch ($child.NodeType) {
            { $_ -in 'Text', 'CDATA', 'Whitespace', 'SignificantWhitespace' } { [void]$sb.Append($child.Value); break }
            'Element' {
                $el = [System.Xml.XmlElement]$child
                switch ($el.LocalName) {
                    { $_ -in 'see', 'seealso' } {
                        if ($el.HasAttribute('langword')) { [void]$sb.Append($el.GetAttribute('langword')) }
                        elseif ($el.InnerText.Trim()) { [void]$sb.Append((Get-InlineText $el)) }
                        elseif ($el.HasAttribute('cref')) { [void]$sb.Append(($el.GetAttribute('cref') -replace '^\w:', '' -replace '\(.*$', '' -split '\.')[-1]) }
                        elseif ($el.HasAttribute('href')) { [void]$sb.Append($el.GetAttribute('href')) }
                        break
                    }
                    { $_ -in 'paramref', 'typeparamref' } { [void]$sb.Append($el.GetAttribute('name')); break }
                    'br' { [void]$sb.Append("`n"); break }
                    default { [void]$sb.Append((Get-InlineText $el)) }
                }
            }
        }
    }
    $sb.ToString()
}

# Prose: whitespace (the doc comment's line breaks and indentation) collapses to single spaces.
function Get-ParaText([System.Xml.XmlNode] $Node) {
    ((Get-InlineText $Node) -replace '\s+', ' ').Trim()
}

# Code: keeps its lines, minus the indentation common to all of them and blank edge lines.
function Get-CodeText([System.Xml.XmlNode] $Node) {
    $lines = [System.Collections.Generic.List[string]]((Get-InlineText $Node) -replace "`r`n", "`n" -split "`n")
    while ($lines.Count -gt 0 -and -not $lines[0].Trim()) { $lines.RemoveAt(0) }
    while ($lines.Count -gt 0 -and -not $lines[$lines.Count - 1].Trim()) { $lines.RemoveAt($lines.Count - 1) }
    if ($lines.Count -eq 0) { return '' }
    # the first line sits right after <code> and carries no comment indentation: leave it out of the minimum
    $rest = @($lines | Select-Object -Skip 1 | Where-Object { $_.Trim() })
    $indent = if ($rest.Count) { ($rest | ForEach-Object { $_.Length - $_.TrimStart().Length } | Measure-Object -Minimum).Minimum } else { 0 }
    $out = for ($i = 0; $i -lt $lines.Count; $i++) {
        $line = $lines[$i].TrimEnd()
        if ($i -eq 0) { $line.Trim() } elseif ($line.Length -ge $indent) { $line.Substring($indent) } else { $line.Trim() }
    }
    $out -join "`n"
}

# The typed paragraphs of a member's <summary>: @{ synopsis = [string[]]; description = [string[]]; link = ... }
function Get-SummaryParas([System.Xml.XmlElement] $Member, [string] $Type) {
    if (-not $Member) { return @() }
    @($Member.SelectNodes("summary/para[@type='$Type']") | ForEach-Object { Get-ParaText $_ } | Where-Object { $_ })
}

function Get-TypeMember([type] $Type) { $members['T:' + (Get-DocId $Type)] }

# Doc member of a cmdlet parameter property: on its declaring type, else up the base types (override, inheritdoc).
function Get-ParameterMember([type] $CmdletType, [string] $Name) {
    $flags = [System.Reflection.BindingFlags]'Public, Instance, DeclaredOnly'
    for ($t = $CmdletType; $t -and $t -ne [object]; $t = $t.BaseType) {
        if (-not $t.GetProperty($Name, $flags)) { continue }
        $member = $members['P:' + (Get-DocId $t) + '.' + $Name]
        if ($member -and $member.SelectNodes("summary/para[@type='description']").Count -gt 0) { return $member }
    }
    $null
}

# PowerShell's own parameters that a cmdlet gets from its attributes rather than from properties.
$BuiltInParameterDocs = @{
    WhatIf            = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm           = 'Prompts you for confirmation before running the cmdlet.'
    UseTransaction    = 'Includes the command in the active transaction.'
    First             = 'Gets only the specified number of objects. Enter the number of objects to get.'
    Skip              = 'Ignores the specified number of objects and then gets the remaining objects. Enter the number of objects to skip.'
    IncludeTotalCount = 'Reports the total number of objects in the data set (an integer) followed by the selected objects. If the cmdlet cannot determine the total count, it displays "Unknown total count". The integer has an Accuracy property that indicates the reliability of the total count value.'
}
$CommonParameters = [System.Collections.Generic.HashSet[string]]::new([string[]][System.Management.Automation.PSCmdlet]::CommonParameters,
    [StringComparer]::OrdinalIgnoreCase)

# ---------------------------------------------------------------------------------------------------------------
# Metadata helpers
# ---------------------------------------------------------------------------------------------------------------

function Get-ShortTypeName([type] $Type) {
    $inner = [Nullable]::GetUnderlyingType($Type)
    if ($inner) { $Type = $inner }
    if ($Type.IsArray) { return (Get-ShortTypeName $Type.GetElementType()) + '[]' }
    if ($Type.IsGenericType) {
        $genericArgs = ($Type.GetGenericArguments() | ForEach-Object { Get-ShortTypeName $_ }) -join ', '
        return ($Type.Name -replace '`\d+$', '') + "[$genericArgs]"
    }
    $Type.Name
}

function Get-FullTypeName([type] $Type) {
    $inner = [Nullable]::GetUnderlyingType($Type)
    if ($inner) { $Type = $inner }
    if ($Type.IsArray) { return (Get-FullTypeName $Type.GetElementType()) + '[]' }
    if ($Type.IsGenericType) {
        $genericArgs = ($Type.GetGenericArguments() | ForEach-Object { Get-FullTypeName $_ }) -join ', '
        return ($Type.GetGenericTypeDefinition().FullName -replace '`\d+$', '') + "[$genericArgs]"
    }
    $Type.FullName
}

function Get-PipelineInput($ParameterInfos) {
    $kinds = @()
    if ($ParameterInfos | Where-Object ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($ParameterInfos | Where-Object ValueFromPipeline) { $kinds += 'ByValue' }
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

function Get-PositionText([int] $Position) { if ($Position -lt 0) { 'named' } else { [string]$Position } }

# Default values: the property initializers, read from a fresh instance of the cmdlet class. A value equal to the
# type's own default (0, null, empty) shows as None: such a value usually means "not given", and the description
# says what then happens.
function Get-DefaultValues([type] $CmdletType) {
    $values = @{}
    try { $instance = [Activator]::CreateInstance($CmdletType) } catch { return $values }
    foreach ($p in $CmdletType.GetProperties([System.Reflection.BindingFlags]'Public, Instance')) {
        if (-not $p.CanRead -or $p.GetIndexParameters().Length) { continue }
        try { $v = $p.GetValue($instance) } catch { continue }
        $clrDefault = if ($p.PropertyType.IsValueType -and -not [Nullable]::GetUnderlyingType($p.PropertyType)) { [Activator]::CreateInstance($p.PropertyType) }
        $text = if ($null -eq $v) { $null }
            elseif ($v -is [System.Management.Automation.SwitchParameter]) { if ($v.IsPresent) { 'True' } else { 'False' } }
            elseif ($v -is [string]) { if ($v) { $v } else { $null } }
            elseif ($v -is [System.Collections.IEnumerable]) { $items = @($v); if ($items.Count) { $items -join ', ' } else { $null } }
            elseif ($null -ne $clrDefault -and $v.Equals($clrDefault)) { $null }
            else { [System.Convert]::ToString($v, [cultureinfo]::InvariantCulture) }
        $values[$p.Name] = if ($text) { $text } else { 'None' }
    }
    if ($instance -is [System.IDisposable]) { $instance.Dispose() }
    $values
}

# Everything about one parameter, merged over the parameter sets it belongs to.
function Get-ParameterModel($Cmdlet, [string] $Name, $Defaults, [ref] $Missing) {
    $perSet = @(foreach ($set in $Cmdlet.ParameterSets) {
            $pi = $set.Parameters | Where-Object Name -EQ $Name
            if ($pi) { [pscustomobject]@{ Set = $set.Name; Info = $pi } }
        })
    $info = $perSet[0].Info
    $type = $info.ParameterType
    $isSwitch = $type -eq [System.Management.Automation.SwitchParameter]
    # (not GetProperty(name): a property re-declared with 'new' makes that ambiguous; the most derived one comes first)
    $property = $Cmdlet.ImplementingType.GetProperties([System.Reflection.BindingFlags]'Public, Instance') |
        Where-Object Name -EQ $Name | Select-Object -First 1

    $description = @()
    if ($property) {
        $member = Get-ParameterMember $Cmdlet.ImplementingType $Name
        if ($member) { $description = Get-SummaryParas $member 'description' }
        if (-not $description) {
            $Missing.Value += "parameter -$Name (P:$(Get-DocId $property.DeclaringType).$Name)"
        }
    } elseif ($BuiltInParameterDocs.ContainsKey($Name)) {
        $description = @($BuiltInParameterDocs[$Name])
    } else {
        $Missing.Value += "parameter -$Name (no property on $($Cmdlet.ImplementingType.FullName); dynamic?)"
    }

    $mandatory = @($perSet | ForEach-Object { $_.Info.IsMandatory } | Select-Object -Unique)
    $required = if ($mandatory.Count -eq 1) { ([string]$mandatory[0]).ToLowerInvariant() } else {
        ($perSet | ForEach-Object { '{0} ({1})' -f ([string]$_.Info.IsMandatory).ToLowerInvariant(), $_.Set }) -join ', '
    }
    $positions = @($perSet | ForEach-Object { Get-PositionText $_.Info.Position } | Select-Object -Unique)
    $position = if ($positions.Count -eq 1) { $positions[0] } else {
        ($perSet | ForEach-Object { '{0} ({1})' -f (Get-PositionText $_.Info.Position), $_.Set }) -join ', '
    }
    # The accepted values: [ValidateSet], else the names of an enum type (also of an array or nullable of one).
    $validSet = @($info.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } |
        ForEach-Object { $_.ValidValues })
    $elementType = if ($type.IsArray) { $type.GetElementType() } else { $type }
    $elementType = [Nullable]::GetUnderlyingType($elementType) ?? $elementType
    if (-not $validSet -and $elementType.IsEnum) { $validSet = [enum]::GetNames($elementType) }
    $sets = @($perSet | ForEach-Object { if ($_.Set -eq '__AllParameterSets') { '(All)' } else { $_.Set } })

    [pscustomobject]@{
        Name          = $Name
        Description   = @($description)
        IsSwitch      = $isSwitch
        ShortType     = Get-ShortTypeName $type
        FullType      = Get-FullTypeName $type
        VariableLength = $type.IsArray
        Required      = $required
        Position      = $position
        PipelineInput = Get-PipelineInput ($perSet | ForEach-Object Info)
        Globbing      = [bool]($info.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        Aliases       = if ($info.Aliases.Count) { $info.Aliases -join ', ' } else { 'None' }
        ValidSet      = @($validSet)
        Sets          = $sets
        Default       = if ($Defaults.ContainsKey($Name)) { $Defaults[$Name] } elseif ($isSwitch) { 'False' } else { 'None' }
        PerSet        = $perSet
    }
}

# ---------------------------------------------------------------------------------------------------------------
# MAML writing
# ---------------------------------------------------------------------------------------------------------------

$ns = @{
    msh     = 'http://msh'
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}

function Write-Element([System.Xml.XmlWriter] $W, [string] $Prefix, [string] $Name, [string] $Text) {
    $W.WriteStartElement($Prefix, $Name, $ns[$Prefix])
    if ($null -ne $Text) { $W.WriteString($Text) }
    $W.WriteEndElement()
}

function Write-Paras([System.Xml.XmlWriter] $W, [string[]] $Paras) {
    if (-not $Paras) { $Paras = @('') }
    foreach ($p in $Paras) { Write-Element $W 'maml' 'para' $p }
}

function Write-Description([System.Xml.XmlWriter] $W, [string[]] $Paras) {
    $W.WriteStartElement('maml', 'description', $ns.maml)
    Write-Paras $W $Paras
    $W.WriteEndElement()
}

function Write-DevType([System.Xml.XmlWriter] $W, [string] $Name) {
    $W.WriteStartElement('dev', 'type', $ns.dev)
    Write-Element $W 'maml' 'name' $Name
    Write-Element $W 'maml' 'uri' ''
    $W.WriteEndElement()
}

# One <command:parameter>; in a syntax item the per-set values win over the merged ones.
function Write-Parameter([System.Xml.XmlWriter] $W, $Model, $SetInfo) {
    $required = $Model.Required; $position = $Model.Position; $pipeline = $Model.PipelineInput
    if ($SetInfo) {
        $required = ([string]$SetInfo.IsMandatory).ToLowerInvariant()
        $position = Get-PositionText $SetInfo.Position
        $pipeline = Get-PipelineInput @($SetInfo)
    }
    $W.WriteStartElement('command', 'parameter', $ns.command)
    $W.WriteAttributeString('required', $required)
    $W.WriteAttributeString('variableLength', ([string]$Model.VariableLength).ToLowerInvariant())
    $W.WriteAttributeString('globbing', ([string]$Model.Globbing).ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', $pipeline)
    $W.WriteAttributeString('position', $position)
    $W.WriteAttributeString('aliases', $Model.Aliases)
    if (-not $SetInfo) { $W.WriteAttributeString('parameterSetName', ($Model.Sets -join ', ')) }
    Write-Element $W 'maml' 'name' $Model.Name
    Write-Description $W $Model.Description
    if ($Model.ValidSet.Count) {
        $W.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($v in $Model.ValidSet) {
            $W.WriteStartElement('command', 'parameterValue', $ns.command)
            $W.WriteAttributeString('required', 'false')
            $W.WriteAttributeString('command', 'variableLength', $ns.command, 'false')
            $W.WriteString($v)
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    # A switch takes no value: Get-Help shows [-Name] for it only when there is no <command:parameterValue>.
    if (-not $Model.IsSwitch -or -not $SetInfo) {
        $W.WriteStartElement('command', 'parameterValue', $ns.command)
        $W.WriteAttributeString('required', ([string](-not $Model.IsSwitch)).ToLowerInvariant())
        $W.WriteAttributeString('variableLength', ([string]$Model.VariableLength).ToLowerInvariant())
        $W.WriteString($Model.ShortType)
        $W.WriteEndElement()
    }
    Write-DevType $W $Model.FullType
    Write-Element $W 'dev' 'defaultValue' $Model.Default
    $W.WriteEndElement()
}

function Write-Command([System.Xml.XmlWriter] $W, $Cmdlet, $AllCmdlets) {
    $type = $Cmdlet.ImplementingType
    $member = Get-TypeMember $type
    $missing = @()
    if (-not $member) { $missing += "documentation (no member T:$(Get-DocId $type))" }

    $synopsis = Get-SummaryParas $member 'synopsis'
    $description = Get-SummaryParas $member 'description'
    if (-not $synopsis) { $missing += 'synopsis (<para type="synopsis">)' }
    if (-not $description) { $missing += 'description (<para type="description">)' }

    $examples = @(if ($member) {
            foreach ($ex in $member.SelectNodes('example')) {
                $code = @($ex.SelectNodes('code') | ForEach-Object { Get-CodeText $_ } | Where-Object { $_ }) -join "`n"
                $remarks = @($ex.SelectNodes('para') | ForEach-Object { Get-ParaText $_ } | Where-Object { $_ })
                if ($code) { [pscustomobject]@{ Code = $code; Remarks = $remarks } }
            }
        })
    if (-not $examples) { $missing += 'examples (<example><code>..</code><para>..</para></example>)' }

    $defaults = Get-DefaultValues $type
    # Parameter order: the class's properties as declared (the cmdlet's own before its base classes'), then
    # PowerShell's (WhatIf, Confirm, paging).
    $orderedSets = @($Cmdlet.ParameterSets | Sort-Object { -not $_.IsDefault })
    $declared = @($type.GetProperties([System.Reflection.BindingFlags]'Public, Instance') | ForEach-Object Name)
    $names = [System.Collections.Generic.List[string]]::new()
    $all = @($orderedSets | ForEach-Object { $_.Parameters } | ForEach-Object Name | Select-Object -Unique |
        Where-Object { -not $CommonParameters.Contains($_) })
    foreach ($n in @($all | Sort-Object { $i = [array]::IndexOf($declared, $_); if ($i -lt 0) { [int]::MaxValue } else { $i } }, { [array]::IndexOf($all, $_) })) {
        $names.Add($n)
    }
    $missingRef = [ref]@()
    $models = [ordered]@{}
    foreach ($n in $names) { $models[$n] = Get-ParameterModel $Cmdlet $n $defaults $missingRef }
    $missing += $missingRef.Value
    foreach ($m in $missing) { Write-Warning "$($Cmdlet.Name): missing $m" }

    $W.WriteStartElement('command', 'command', $ns.command)
    foreach ($prefix in 'maml', 'command', 'dev', 'MSHelp') { $W.WriteAttributeString('xmlns', $prefix, $null, $ns[$prefix]) }

    $W.WriteStartElement('command', 'details', $ns.command)
    Write-Element $W 'command' 'name' $Cmdlet.Name
    Write-Element $W 'command' 'verb' $Cmdlet.Verb
    Write-Element $W 'command' 'noun' $Cmdlet.Noun
    Write-Description $W $synopsis
    $W.WriteEndElement()

    Write-Description $W $description

    $W.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in $orderedSets) {
        $W.WriteStartElement('command', 'syntaxItem', $ns.command)
        Write-Element $W 'maml' 'name' $Cmdlet.Name
        # Positional parameters first, in position order, then mandatory named ones, then the rest (as PowerShell does).
        $inSet = @($set.Parameters | Where-Object { $models.Contains($_.Name) } |
            Sort-Object @{ Expression = { if ($_.Position -ge 0) { 0 } elseif ($_.IsMandatory) { 1 } else { 2 } } },
                @{ Expression = { $_.Position } }, @{ Expression = { $names.IndexOf($_.Name) } })
        foreach ($pi in $inSet) { Write-Parameter $W $models[$pi.Name] $pi }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($m in $models.Values) { Write-Parameter $W $m $null }
    $W.WriteEndElement()

    # Inputs: the types bound by value from the pipeline, and what binds by property name.
    $W.WriteStartElement('command', 'inputTypes', $ns.command)
    $byValue = @($models.Values | Where-Object { $_.PerSet.Info.ValueFromPipeline -contains $true })
    $byName = @($models.Values | Where-Object { $_.PerSet.Info.ValueFromPipelineByPropertyName -contains $true })
    foreach ($group in ($byValue | Group-Object FullType)) {
        $W.WriteStartElement('command', 'inputType', $ns.command)
        Write-DevType $W $group.Name
        Write-Description $W @("You can pipe $($group.Group[0].ShortType) objects to the -$(($group.Group.Name) -join ', -') parameter.")
        $W.WriteEndElement()
    }
    if ($byName) {
        $W.WriteStartElement('command', 'inputType', $ns.command)
        Write-DevType $W 'System.Management.Automation.PSObject'
        $props = $byName | ForEach-Object { if ($_.Aliases -ne 'None') { "$($_.Name) (or $($_.Aliases -replace ', ', ' or '))" } else { $_.Name } }
        Write-Description $W @("Any object with a property named $($props -join ', '): the property binds to the parameter of that name.")
        $W.WriteEndElement()
    }
    if (-not $byValue -and -not $byName) {
        $W.WriteStartElement('command', 'inputType', $ns.command)
        Write-DevType $W 'None'
        Write-Description $W @('You cannot pipe objects to this cmdlet.')
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    # Outputs: [OutputType], per parameter set when the attribute names one.
    $outputs = @($type.GetCustomAttributes([System.Management.Automation.OutputTypeAttribute], $true))
    if ($outputs) {
        $W.WriteStartElement('command', 'returnValues', $ns.command)
        foreach ($attr in $outputs) {
            foreach ($t in $attr.Type) {
                $W.WriteStartElement('command', 'returnValue', $ns.command)
                $isVoid = $t.Type -eq [void] -or $t.Name -in 'System.Void', 'Void'
                Write-DevType $W $(if ($isVoid) { 'None' } else { $t.Name })
                $sets = @($attr.ParameterSetName | Where-Object { $_ -and $_ -ne '__AllParameterSets' })
                $text = if ($isVoid) { 'This cmdlet returns no output.' } elseif ($sets) { "Returned with the $($sets -join ', ') parameter set(s)." } else { '' }
                Write-Description $W @($text)
                $W.WriteEndElement()
            }
        }
        $W.WriteEndElement()
    }

    $W.WriteStartElement('command', 'examples', $ns.command)
    $i = 0
    foreach ($ex in $examples) {
        $i++
        $W.WriteStartElement('command', 'example', $ns.command)
        Write-Element $W 'maml' 'title' "-------------------------- Example $i --------------------------"
        Write-Element $W 'dev' 'code' $ex.Code
        $W.WriteStartElement('dev', 'remarks', $ns.dev)
        Write-Paras $W (@($ex.Remarks) + '')  # the empty paragraph separates the examples on screen
        $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    # Related links: the doc's <para type="link" uri="..">, the module's about topic, the cmdlets of the same noun.
    $W.WriteStartElement('command', 'relatedLinks', $ns.command)
    $links = [System.Collections.Generic.List[object]]::new()
    if ($member) {
        foreach ($l in $member.SelectNodes("summary/para[@type='link']")) {
            $links.Add([pscustomobject]@{ Text = Get-ParaText $l; Uri = $l.GetAttribute('uri') })
        }
    }
    $links.Add([pscustomobject]@{ Text = "about_$($module.Name)"; Uri = '' })
    foreach ($other in $AllCmdlets | Where-Object { $_.Noun -eq $Cmdlet.Noun -and $_.Name -ne $Cmdlet.Name }) {
        $links.Add([pscustomobject]@{ Text = $other.Name; Uri = '' })
    }
    foreach ($l in $links) {
        $W.WriteStartElement('maml', 'navigationLink', $ns.maml)
        Write-Element $W 'maml' 'linkText' $l.Text
        Write-Element $W 'maml' 'uri' $l.Uri
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteEndElement() # command:command
    [pscustomobject]@{ Name = $Cmdlet.Name; Documented = [bool]$member; Missing = $missing }
}

# ---------------------------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------------------------

if (-not ($cmdlets | Where-Object { Get-TypeMember $_.ImplementingType })) {
    Stop-WithError ("'$DocXml' documents none of the exported cmdlets ($($cmdlets.Name -join ', ')): is it the " +
        'documentation file of the assembly the module loads?')
}

$helpDir = Join-Path $ModulePath $Culture
New-Item -ItemType Directory -Force -Path $helpDir | Out-Null
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.IndentChars = '  '
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)

$results = @()
$written = @()
# One file per HelpFile (the implementing assembly's '<assembly>.dll-Help.xml').
foreach ($group in ($cmdlets | Group-Object HelpFile)) {
    if (-not $group.Name) { Stop-WithError "Cmdlets $($group.Group.Name -join ', ') have no HelpFile." }
    $path = Join-Path $helpDir $group.Name
    $writer = [System.Xml.XmlWriter]::Create($path, $settings)
    try {
        $writer.WriteStartDocument()
        $writer.WriteStartElement('helpItems', $ns.msh)
        $writer.WriteAttributeString('schema', 'maml')
        foreach ($c in $group.Group) { $results += Write-Command $writer $c $cmdlets }
        $writer.WriteEndElement()
        $writer.WriteEndDocument()
    } finally {
        $writer.Dispose()
    }
    $written += $path
}

# Prove that Get-Help finds what was written (a misplaced file silently falls back to the generated syntax).
foreach ($c in $cmdlets) {
    $help = Get-Help -Name $c.Name -Full
    $generated = $help.Synopsis -and $help.Synopsis.Trim().StartsWith($c.Name, [StringComparison]::OrdinalIgnoreCase)
    $documented = ($results | Where-Object Name -EQ $c.Name).Documented
    if ($documented -and ($generated -or -not $help.examples)) {
        Stop-WithError "Get-Help $($c.Name) does not show the generated help from $($written -join ', ') (synopsis: '$($help.Synopsis)')."
    }
}

$incomplete = @($results | Where-Object { $_.Missing })
foreach ($path in $written) { Write-Host "MAML help: $path ($($cmdlets.Count) cmdlets, $($incomplete.Count) with incomplete docs)" }
exit 0
