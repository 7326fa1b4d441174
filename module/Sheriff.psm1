# Edition loader: Windows PowerShell 5.1 (Desktop) loads the net462 build, PowerShell 7 the net8.0 build.
$framework = if ($PSEdition -eq 'Core') { 'net8.0' } else { 'net462' }
$binary = Import-Module -Name (Join-Path $PSScriptRoot "$framework/Sheriff.PowerShell.dll") -PassThru
$ExecutionContext.SessionState.Module.OnRemove = { Remove-Module -ModuleInfo $binary -ErrorAction SilentlyContinue }
# A KeyCollection is not a string[]: export by wildcard and let the manifest's explicit list filter.
Export-ModuleMember -Cmdlet *
