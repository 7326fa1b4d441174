@{
    RootModule           = 'Sheriff.psm1'
    ModuleVersion        = '{{ModuleVersion}}'
    GUID                 = '5b0f5a6e-8c1d-4d61-9a57-2f3c4e1d9b7a'
    Author               = 'Sheriff developers'
    CompanyName          = 'Sheriff'
    Copyright            = '(c) Sheriff developers. All rights reserved.'
    Description          = 'Run Spark work on Netflix Genie from PowerShell: submit, follow, stop and read jobs; a local Genie (GenieLocal) for a sandbox.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('Sheriff.format.ps1xml')
    CmdletsToExport      = @(
        'Connect-Genie'
        'Get-GenieJob'
        'Get-GenieJobOutput'
        'Stop-GenieJob'
        'Wait-GenieJob'
        'Start-GenieLocal'
        'Stop-GenieLocal'
        'Submit-SparkJob'
        'Get-GenieCluster'
        'Get-GenieCommand'
        'Get-GenieApplication'
        'New-GenieCluster'
        'New-GenieCommand'
        'New-GenieApplication'
        'Set-GenieCluster'
        'Set-GenieCommand'
        'Set-GenieApplication'
        'Remove-GenieCluster'
        'Remove-GenieCommand'
        'Remove-GenieApplication'
        'Add-GenieTag'
        'Remove-GenieTag'
        'Set-GenieClusterStatus'
        'Resolve-GenieJob'
        'Switch-GenieCluster'
        'Switch-GenieCommand'
        'Get-JobDiagnosis'
        'Invoke-SparkSql'
        'Update-TableStatistics'
        'Get-TableStatistics'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @('Get-GenieJobDiagnosis')
    PrivateData          = @{
        PSData = @{
            Tags         = @('Genie', 'Spark', 'Netflix', 'BigData', 'Jobs', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/sheriff-ps/sheriff'
            LicenseUri   = 'https://github.com/sheriff-ps/sheriff/blob/main/LICENSE'
            ReleaseNotes = 'See CHANGELOG in the project repository.'
        }
    }
}
