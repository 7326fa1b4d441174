# Help is part of the product: every exported cmdlet must have real help (from the MAML that build/New-MamlHelp.ps1
# generates out of the C# XML doc comments), with a synopsis, a description, an example and a description for every
# parameter that is not a common parameter; and the about_Sheriff topic must be found. A cmdlet or parameter whose
# doc comments are missing fails here by name.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $moduleName = [IO.Path]::GetFileNameWithoutExtension($script:ModulePath)
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters
    $cmdletCases = @(
        (Get-Module $moduleName).ExportedCmdlets.Values | Sort-Object Name | ForEach-Object {
            $cmdlet = $_
            @{
                Name       = $cmdlet.Name
                Parameters = @($cmdlet.Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object |
                    ForEach-Object { @{ Cmdlet = $cmdlet.Name; Parameter = $_ } })
            }
        }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:ModuleName = [IO.Path]::GetFileNameWithoutExtension($script:ModulePath)
    $PSStyle.OutputRendering = 'PlainText'

    # Text of a help field that may be missing, a string, or a list of { Text } paragraphs.
    function Get-HelpText($Value) {
        (@($Value | ForEach-Object { if ($_ -is [string]) { $_ } elseif ($null -ne $_) { $_.Text } }) -join "`n").Trim()
    }
}

Describe 'Module help' {
    It 'the module exports cmdlets (the data-driven tests below are not vacuous)' {
        (Get-Module $script:ModuleName).ExportedCmdlets.Count | Should -BeGreaterThan 0
    }

    It 'Get-Help about_Sheriff shows the about topic' {
        $text = Get-Help about_Sheriff -ErrorAction Stop | Out-String
        $text | Should -Match 'about_Sheriff'
        $text | Should -Match 'SHORT DESCRIPTION'
        $text | Should -Match 'LONG DESCRIPTION'
    }
}

Describe '<Name>' -ForEach $cmdletCases {
    BeforeAll {
        $help = Get-Help -Name $Name -Full
    }

    It '<Name> ships its MAML help file in the module''s en-US folder' {
        $helpFile = (Get-Command $Name).HelpFile
        $helpFile | Should -Not -BeNullOrEmpty
        Join-Path (Split-Path $script:ModulePath) "en-US/$(Split-Path -Leaf $helpFile)" | Should -Exist
    }

    It '<Name> has a synopsis that is not the generated syntax' {
        $synopsis = Get-HelpText $help.Synopsis
        $synopsis | Should -Not -BeNullOrEmpty -Because "$Name needs <para type=""synopsis""> in its class doc comment"
        $synopsis | Should -Not -BeLike "$Name*" -Because 'Get-Help falls back to the syntax when it finds no help'
    }

    It '<Name> has a description' {
        Get-HelpText $help.description | Should -Not -BeNullOrEmpty -Because "$Name needs <para type=""description""> in its class doc comment"
    }

    It '<Name> has at least one example with code' {
        $examples = @($help.examples.example | Where-Object { $_ -and (Get-HelpText $_.code) })
        $examples.Count | Should -BeGreaterThan 0 -Because "$Name needs an <example><code>..</code><para>..</para></example> doc comment"
    }

    It '<Cmdlet> documents -<Parameter>' -ForEach $Parameters {
        $entry = @($help.parameters.parameter | Where-Object { $_.name -eq $Parameter })
        $entry.Count | Should -Be 1 -Because "Get-Help $Cmdlet should list -$Parameter once"
        Get-HelpText $entry[0].description | Should -Not -BeNullOrEmpty -Because "-$Parameter of $Cmdlet needs <para type=""description""> on its property"
    }
}
