#!/usr/bin/env pwsh
# The full soak of docs/reliability.md: 500 submissions under a 20% fault rate (every kind) against GenieLocal, through
# the users' client; prints the figures as a table and JSON. Needs the built module (build.ps1 -Task Build).
#   dotnet pwsh bench/Soak.ps1 [-Jobs 500] [-FaultRate 0.2] [-Seed 20261126] [-LatencyMs 2000] [-Concurrency 8] [-JobScript 'sleep 1'] [-MaxAttempts 8 (0: the default 5)]
param(
    [int] $Jobs = 500,
    [double] $FaultRate = 0.2,
    [int] $Seed = 20261126,
    [int] $LatencyMs = 2000,
    [int] $Concurrency = 8,
    [string] $JobScript = 'sleep 1',
    [int] $MaxAttempts = 8,
    [string] $OutFile
)
$ErrorActionPreference = 'Stop'
$env:SHERIFF_TEST_MODULE = if ($env:SHERIFF_TEST_MODULE) { $env:SHERIFF_TEST_MODULE } else { Join-Path $PSScriptRoot '../out/Sheriff/Sheriff.psd1' }
. (Join-Path $PSScriptRoot '../tests/pester/Common.ps1')
. (Join-Path $PSScriptRoot '../tests/pester/ReliabilityCommon.ps1')
$dir = New-TestDataDirectory
try {
    $r = Invoke-GenieSoak -Jobs $Jobs -FaultRate $FaultRate -Seed $Seed -LatencyMs $LatencyMs -Concurrency $Concurrency -JobScript $JobScript -MaxAttempts $MaxAttempts -DataDirectory $dir
    $r | Select-Object * -ExcludeProperty ClientFailures, WaitErrors, Injected, GaveUpEvents | Format-List | Out-String | Write-Host
    "injected by kind: $($r.Injected | ConvertTo-Json -Compress)" | Write-Host
    "client failures: $($r.ClientFailures.Count)  wait errors: $($r.WaitErrors.Count)" | Write-Host
    foreach ($f in $r.ClientFailures) { "  failure $($f.Id): $($f.Failure)" | Write-Host }
    foreach ($g in $r.GaveUpEvents) { "  gave up: $g" | Write-Host }
    foreach ($e in $r.WaitErrors) { "  wait error: $($e.FullyQualifiedErrorId) $($e.Exception.Message)" | Write-Host }
    $json = $r | Select-Object * -ExcludeProperty WaitErrors | ConvertTo-Json -Depth 4
    if ($OutFile) { $json | Set-Content -Path $OutFile }
    $ok = $r.ClientFailures.Count -eq 0 -and $r.ServerJobs -eq $Jobs -and $r.Duplicates -eq 0 -and $r.Lost -eq 0 -and
        $r.Unknown -eq 0 -and $r.Waited -eq $Jobs -and $r.WaitErrors.Count -eq 0
    "SOAK $(if ($ok) { 'PASSED' } else { 'FAILED' })" | Write-Host
    if (-not $ok) { exit 1 }
} finally {
    Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
}
