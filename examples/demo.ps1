<#
.SYNOPSIS
    The main job, end to end against GenieLocal: start a local Genie, submit a job that ships a data file,
    follow it to the end, show the job and its output, stop the server.
.DESCRIPTION
    Run it through build.ps1 (`dotnet pwsh ./build.ps1 -Task Demo`), which builds the module first.
    Until Submit-SparkJob exists the job is submitted through Genie's REST API directly; everything after that is
    Sheriff: Wait-GenieJob follows it, Get-GenieJobOutput reads what it printed.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Sheriff/Sheriff.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

$dataDir = Join-Path ([IO.Path]::GetTempPath()) ("sheriff-demo-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
$server = Start-GenieLocal -DataDirectory $dataDir
try {
    Write-Host "GenieLocal is listening at $($server.Uri) (data in $dataDir)"

    # The job: count the most frequent words of a data file that Genie downloads into the job directory.
    $data = (Resolve-Path (Join-Path $PSScriptRoot 'data/reviews.txt')).Path
    $script = 'echo "job $GENIE_JOB_ID on cluster $GENIE_CLUSTER_NAME, command $GENIE_COMMAND_NAME"; ' +
              "tr -cs 'A-Za-z' '\n' < reviews.txt | tr 'A-Z' 'a-z' | grep -v '^`$' | sort | uniq -c | sort -k1,1nr -k2 | head -5"
    $id = 'demo-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
    $request = @{
        id               = $id
        name             = 'demo-word-count'
        user             = [Environment]::UserName
        version          = 'NA'
        tags             = @('sheriff', 'demo')
        clusterCriterias = @(@{ tags = @('sched:adhoc') })
        commandCriteria  = @('type:shell')
        dependencies     = @([uri]::new($data).AbsoluteUri)   # a file:// URI: Genie downloads it into the job directory
        commandArgs      = "'" + $script.Replace("'", "'\''") + "'"
    } | ConvertTo-Json -Depth 5
    $null = Invoke-WebRequest -Method Post -Uri ([uri]::new($server.Uri, 'api/v3/jobs')) -Body $request -ContentType 'application/json'
    Write-Host "Submitted job $id"

    # Follow it to the end. A failed job writes a GenieJobFailed error (a timeout GenieJobWaitTimeout): show why, stop.
    $job = Wait-GenieJob -Id $id -Timeout 120 -ErrorVariable waitErrors -ErrorAction SilentlyContinue
    if ($waitErrors) {
        Get-GenieJobOutput -Id $id -Path stderr -Tail 20 -ErrorAction SilentlyContinue | Write-Host
        throw $waitErrors[0]
    }
    $job | Format-List | Out-String | Write-Host
    Write-Host '--- stdout'
    $stdout = Get-GenieJobOutput -Id $id -Raw
    Write-Host $stdout
    if ($stdout -notmatch '(?m)^\s*\d+ the$') { throw "The demo job's output has no word counts; the data file did not reach the job." }
    Write-Host "Demo finished: job $id $($job.Status) in $($job.Runtime)."
} finally {
    Stop-GenieLocal -InputObject $server
    Remove-Item -Recurse -Force $dataDir -ErrorAction SilentlyContinue
}
