<#
.SYNOPSIS
    Azure Automation runbook: submit the nightly review job and fail loudly when it fails.
.DESCRIPTION
    Runs unattended (Windows PowerShell 5.1 or PowerShell 7 runbooks): no prompts, no progress records, errors are
    terminating so the Automation job ends Failed and alerts fire. The Genie address comes from an Automation
    variable; the job itself from a spec file kept in git next to this runbook.
#>
param(
    # The day to process; defaults to yesterday (UTC).
    [string] $Date = [DateTime]::UtcNow.AddDays(-1).ToString('yyyy-MM-dd'),
    [string] $SpecFile = (Join-Path $PSScriptRoot 'nightly-job.json'),
    [int] $TimeoutSeconds = 4 * 3600
)

$ErrorActionPreference = 'Stop'        # every Sheriff error (GenieJobFailed, GenieJobWaitTimeout, ...) ends the runbook
$ProgressPreference = 'SilentlyContinue' # Automation should not record progress
Import-Module Sheriff

$genieUri = if (Get-Command Get-AutomationVariable -ErrorAction SilentlyContinue) { Get-AutomationVariable -Name 'GenieUri' } else { $env:SHERIFF_GENIE_URI }
Connect-Genie -Uri $genieUri | Out-Null

# One job per day: the grouping instance makes reruns of the same day easy to find (Get-GenieJob ... -Tag / Genie UI).
$job = Submit-SparkJob -SpecFile $SpecFile -GroupingInstance $Date -ArgumentList "s3://acme-reviews/daily/$Date/reviews.txt", '--top', '10' `
    -Tag "ds:$Date" -Wait -WaitTimeout $TimeoutSeconds

Write-Output "Nightly job $($job.Id) $($job.Status) in $($job.Runtime)"
Get-GenieJobOutput -Id $job.Id -Tail 20
