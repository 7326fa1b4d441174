# Edition loader: Windows PowerShell 5.1 (Desktop) loads the net462 build, PowerShell 7 the net8.0 build.
# [IO.Path]::Combine, not Join-Path: Join-Path would autoload Microsoft.PowerShell.Management (~0.3 s) on import.
$framework = if ($PSEdition -eq 'Core') { 'net8.0' } else { 'net462' }
$binary = Import-Module -Name ([System.IO.Path]::Combine($PSScriptRoot, $framework, 'Sheriff.PowerShell.dll')) -PassThru
$ExecutionContext.SessionState.Module.OnRemove = { Remove-Module -ModuleInfo $binary -ErrorAction SilentlyContinue }
# A KeyCollection is not a string[]: export by wildcard and let the manifest's explicit list filter.
Export-ModuleMember -Cmdlet * -Alias *
