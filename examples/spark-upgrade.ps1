<#
.SYNOPSIS
    A Spark minor-version upgrade by moving the version alias: ver:3.5 goes from Spark 3.5.0 to Spark 3.5.1.
.DESCRIPTION
    Starts GenieLocal with one cluster and two spark-submit command versions (genie-api.md §9.4, version indirection):
        spark-3.5.0   tags type:spark-submit, ver:3.5, ver:3.5.0
        spark-3.5.1   tags type:spark-submit, ver:3.5.1
    Both run GenieLocal's spark-submit stand-in through a small wrapper that first prints which build it is.
    Jobs submitted with Submit-SparkJob -SparkVersion 3.5 (command tag ver:3.5) get 3.5.0. Then

        Switch-GenieCommand -Tag ver:3.5 -From spark-3.5.0 -To spark-3.5.1

    moves the alias (after a -WhatIf that must change nothing), and new ver:3.5 jobs get 3.5.1, while jobs that pin
    ver:3.5.0 still get 3.5.0. Asserts each job's command and output, prints a table, exits 1 on any violation.
    Needs python3 (as GenieLocal's spark-submit stand-in does). About 10 seconds.
.EXAMPLE
    dotnet pwsh -NoProfile -File examples/spark-upgrade.ps1
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Sheriff/Sheriff.psd1')
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $ModulePath -Force

$work = Join-Path ([IO.Path]::GetTempPath()) ('sheriff-upgrade-' + [guid]::NewGuid().ToString('n').Substring(0, 8))
New-Item -ItemType Directory -Path $work | Out-Null
# The spark-submit stand-in ships with GenieLocal; the wrapper says which build runs, then hands over.
Copy-Item (Join-Path (Split-Path (Get-Module Sheriff).Path) 'genielocal/seed/sheriff-spark-submit.py') $work
Set-Content -Path (Join-Path $work 'spark-submit.sh') -Encoding ascii -Value @'
build="$1"; shift
echo "spark-submit build $build"
exec python3 "$(dirname "$0")/sheriff-spark-submit.py" "$@"
'@
function New-SparkCommand([string] $Version, [string[]] $Tags) {
    @{
        id = "spark-$Version"; name = 'spark-submit'; user = 'platform'; version = $Version; status = 'ACTIVE'
        tags = @('type:spark-submit') + $Tags
        executableAndArguments = @('bash', '{seedDir:sh}/spark-submit.sh', $Version)
        clusterCriteria = @(@{ tags = @('type:local') })
    }
}
$seedFile = Join-Path $work 'seed.json'
@{
    clusters = @(@{ id = 'local'; name = 'local'; user = 'platform'; version = '1'; status = 'UP'; tags = @('sched:adhoc', 'type:local') })
    commands = @(
        New-SparkCommand '3.5.0' @('ver:3.5', 'ver:3.5.0')
        New-SparkCommand '3.5.1' @('ver:3.5.1')
    )
} | ConvertTo-Json -Depth 6 | Set-Content -Encoding utf8 $seedFile
Set-Content -Path (Join-Path $work 'hello.py') -Encoding utf8 -Value 'print("hello from the job")'

$server = Start-GenieLocal -DataDirectory (Join-Path $work 'data') -SeedPath $seedFile
$violations = [System.Collections.Generic.List[string]]::new()
$rows = [System.Collections.Generic.List[object]]::new()

# Submits hello.py asking for a Spark version; records which command ran it and what the job printed.
function Test-SparkJob([string] $When, [string] $AskFor, [string] $Expected) {
    $job = Submit-SparkJob -Script (Join-Path $work 'hello.py') -SparkVersion $AskFor -ClusterTags sched:adhoc -Name "upgrade-$AskFor" -Wait -WaitTimeout 60
    $command = Invoke-RestMethod ([uri]::new($server.Uri, "api/v3/jobs/$($job.Id)/command"))
    $stdout = Get-GenieJobOutput -Id $job.Id -Raw
    $rows.Add([pscustomobject]@{ When = $When; AskedFor = "ver:$AskFor"; Command = $command.id; Status = $job.Status; Expected = $Expected })
    if ($job.Status -ne 'SUCCEEDED') { $violations.Add("$When, ver:$AskFor job $($job.Id) ended $($job.Status)") }
    if ($command.id -ne $Expected) { $violations.Add("$When, ver:$AskFor ran on $($command.id), expected $Expected") }
    if ($stdout -notmatch "spark-submit build $([regex]::Escape($Expected.Substring(6)))" -or $stdout -notmatch 'hello from the job') {
        $violations.Add("$When, ver:$AskFor job printed: $stdout")
    }
}

function Get-CommandTags([string] $Id) {
    @((Invoke-RestMethod ([uri]::new($server.Uri, "api/v3/commands/$Id/tags"))) | Where-Object { $_ -notlike 'genie.*' } | Sort-Object)
}

try {
    Test-SparkJob 'before' '3.5' 'spark-3.5.0'
    Test-SparkJob 'before' '3.5.1' 'spark-3.5.1'

    $tagsBefore = @{ old = (Get-CommandTags 'spark-3.5.0') -join ','; new = (Get-CommandTags 'spark-3.5.1') -join ',' }
    Write-Host '--- the plan (-WhatIf):'
    Switch-GenieCommand -Tag ver:3.5 -From spark-3.5.0 -To spark-3.5.1 -WhatIf
    if ((Get-CommandTags 'spark-3.5.0') -join ',' -ne $tagsBefore.old -or (Get-CommandTags 'spark-3.5.1') -join ',' -ne $tagsBefore.new) {
        $violations.Add('-WhatIf changed the command tags')
    }

    $result = Switch-GenieCommand -Tag ver:3.5 -From spark-3.5.0 -To spark-3.5.1 -PassThru -Confirm:$false
    Write-Host "--- switched: $result"
    $result.Steps | Format-Table Number, Kind, State, Detail -Wrap | Out-String | Write-Host
    if (-not $result.Succeeded) { $violations.Add("the switch did not succeed: $result") }

    Test-SparkJob 'after' '3.5' 'spark-3.5.1'
    Test-SparkJob 'after' '3.5.0' 'spark-3.5.0'
    Test-SparkJob 'after' '3.5.1' 'spark-3.5.1'

    $old = Get-CommandTags 'spark-3.5.0'
    $new = Get-CommandTags 'spark-3.5.1'
    if ($old -contains 'ver:3.5' -or $new -notcontains 'ver:3.5') { $violations.Add("tags after the switch: spark-3.5.0 [$($old -join ', ')], spark-3.5.1 [$($new -join ', ')]") }
    Write-Host "spark-3.5.0 carries [$($old -join ', ')]; spark-3.5.1 carries [$($new -join ', ')]"
    $rows | Format-Table | Out-String | Write-Host
} catch {
    $violations.Add("the example failed: $($_.Exception.Message)")
} finally {
    Stop-GenieLocal -InputObject $server
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

if ($violations.Count -gt 0) {
    Write-Host "FAILED: $($violations.Count) violation(s):"
    $violations | ForEach-Object { Write-Host "  - $_" }
    exit 1
}
Write-Host 'PASSED: ver:3.5 jobs moved from Spark 3.5.0 to 3.5.1; pinned versions unaffected.'
exit 0
