#requires -Version 7.5
<#
.SYNOPSIS
    PowerShell side of the "cmdlets" bench (launched by bench/Sheriff.Bench with --only cmdlets).
.DESCRIPTION
    Measures, each against a baseline taken in the same run on the same machine:
      get   - Get-GenieJob -Id latency vs a raw HttpClient GET of the same URL from this process (warm, medians).
      wait  - Wait-GenieJob on 1, 100 and 1,000 'sleep 2' jobs: requests per second it sent (its verbose
              'Sent N requests') vs a naive loop polling every pending job's /status once a second (pygenie style;
              run for every size in -NaiveCounts, by default all three),
              and the lag between each job's Finished timestamp and the moment the cmdlet emitted it, vs the
              job's own runtime.
    Every figure is written as JSON to -ResultPath (an array of objects with Name, Measured, Baseline,
    MeasuredValue, BaselineValue, Unit, Goal, Note); progress goes to the host.
    Each wait size uses a fresh GenieLocal (-MaxRunning 64) on a fresh temporary data directory.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ResultPath,
    [ValidateSet('get', 'wait')] [string[]] $Part = @('get', 'wait'),
    [int] $GetIterations = 200,
    # Comma-separated job counts (a string, so that it passes through pwsh -File unchanged).
    [string] $WaitCounts = '1,100,1000',
    # Comma-separated counts for which the naive pygenie-style loop is also measured (the request-rate baseline).
    [string] $NaiveCounts = '1,100,1000',
    [int] $MaxRunning = 64,
    [string] $JobScript = 'sleep 2'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$ProgressPreference = 'SilentlyContinue'
$PSStyle.OutputRendering = 'PlainText'
$waitCountList = [int[]]@($WaitCounts -split ',' | Where-Object { $_.Trim() } | ForEach-Object { [int]$_.Trim() })
$naiveCountList = [int[]]@($NaiveCounts -split ',' | Where-Object { $_.Trim() } | ForEach-Object { [int]$_.Trim() })
Import-Module (Resolve-Path -LiteralPath $ModulePath).ProviderPath -Force

$results = [System.Collections.Generic.List[object]]::new()
$http = [System.Net.Http.HttpClient]::new()
$user = 'sheriff-bench'

function Add-Result {
    param([string] $Name, [string] $Measured, [string] $Baseline, [double] $MeasuredValue, [double] $BaselineValue,
        [string] $Unit = 'ms', [string] $Goal, [string] $Note)
    $results.Add([ordered]@{
            Name = $Name; Measured = $Measured; Baseline = $Baseline; MeasuredValue = $MeasuredValue
            BaselineValue = $BaselineValue; Unit = $Unit; Goal = $Goal; Note = $Note
        })
}

function Get-Percentile {
    param([double[]] $Values, [double] $P)
    if ($Values.Count -eq 0) { return [double]::NaN }
    $sorted = [double[]]($Values | Sort-Object)
    if ($P -eq 50) {
        $n = $sorted.Count
        return $(if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 })
    }
    # nearest rank
    $rank = [math]::Ceiling($P / 100 * $sorted.Count)
    $sorted[[math]::Max(0, $rank - 1)]
}

function Start-BenchServer {
    $dir = Join-Path ([IO.Path]::GetTempPath()) ('sheriff-bench-' + [guid]::NewGuid().ToString('n').Substring(0, 8))
    $server = Start-GenieLocal -DataDirectory $dir -MaxRunning $MaxRunning
    [pscustomobject]@{ Uri = [uri]$server.Uri; DataDirectory = $dir }
}

function Stop-BenchServer {
    param($Server)
    Stop-GenieLocal
    Remove-Item -Recurse -Force $Server.DataDirectory -ErrorAction SilentlyContinue
}

# Submits $Count shell jobs through the REST API, up to 16 requests in flight; returns their ids.
function Submit-BenchJobs {
    param([uri] $Uri, [int] $Count, [string] $Prefix)
    $jobsUri = [uri]::new($Uri, 'api/v3/jobs')
    $shellArgs = "'" + $JobScript.Replace("'", "'\''") + "'"
    $ids = [System.Collections.Generic.List[string]]::new()
    $inflight = [System.Collections.Generic.List[System.Threading.Tasks.Task[System.Net.Http.HttpResponseMessage]]]::new()
    $check = {
        foreach ($t in $inflight) {
            $r = $t.GetAwaiter().GetResult()
            if ([int]$r.StatusCode -ne 202) { throw "submit answered $([int]$r.StatusCode): $($r.Content.ReadAsStringAsync().GetAwaiter().GetResult())" }
            $r.Dispose()
        }
        $inflight.Clear()
    }
    for ($i = 0; $i -lt $Count; $i++) {
        $id = '{0}-{1:d4}-{2}' -f $Prefix, $i, [guid]::NewGuid().ToString('n').Substring(0, 8)
        $body = [ordered]@{
            id = $id; name = $Prefix; user = $user; version = 'NA'
            clusterCriterias = @(@{ tags = @('sched:adhoc') }); commandCriteria = @('type:shell'); commandArgs = $shellArgs
        } | ConvertTo-Json -Depth 5 -Compress
        $content = [System.Net.Http.StringContent]::new($body, [Text.Encoding]::UTF8, 'application/json')
        $inflight.Add($http.PostAsync($jobsUri, $content))
        $ids.Add($id)
        if ($inflight.Count -ge 16) { & $check }
    }
    & $check
    $ids.ToArray()
}

function Wait-AllFinished {
    param([uri] $Uri, [string[]] $Ids, [int] $TimeoutSec = 600)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    foreach ($id in $Ids) {
        while ($true) {
            $status = ($http.GetStringAsync([uri]::new($Uri, "api/v3/jobs/$id/status")).GetAwaiter().GetResult() | ConvertFrom-Json).status
            if ($status -in 'SUCCEEDED', 'FAILED', 'KILLED', 'INVALID') { break }
            if ([DateTime]::UtcNow -gt $deadline) { throw "job $id did not finish" }
            Start-Sleep -Milliseconds 200
        }
    }
}

function Get-JobTimes {
    # Started/Finished/Status of each job, read after the fact (these requests are not counted anywhere).
    param([uri] $Uri, [string[]] $Ids)
    $map = @{}
    foreach ($id in $Ids) {
        $j = $http.GetStringAsync([uri]::new($Uri, "api/v3/jobs/$id")).GetAwaiter().GetResult() | ConvertFrom-Json -DateKind String
        $map[$id] = [pscustomobject]@{
            Status   = $j.status
            Started  = [DateTimeOffset]::Parse($j.started, [cultureinfo]::InvariantCulture)
            Finished = [DateTimeOffset]::Parse($j.finished, [cultureinfo]::InvariantCulture)
        }
    }
    $map
}

# ---------------------------------------------------------------------------------------------------------------
if ('get' -in $Part) {
    Write-Host "== cmdlets/get: Get-GenieJob -Id vs raw HttpClient GET ($GetIterations iterations each, interleaved, medians)"
    $server = Start-BenchServer
    try {
        $id = @(Submit-BenchJobs -Uri $server.Uri -Count 1 -Prefix 'get')[0]
        Wait-AllFinished -Uri $server.Uri -Ids $id
        $url = [uri]::new($server.Uri, "api/v3/jobs/$id")
        $sw = [System.Diagnostics.Stopwatch]::new()
        for ($i = 0; $i -lt 30; $i++) {
            $null = Get-GenieJob -Id $id
            $null = $http.GetStringAsync($url).GetAwaiter().GetResult()
            $null = Invoke-RestMethod -Uri $url
        }
        $cmdlet = [System.Collections.Generic.List[double]]::new()
        $raw = [System.Collections.Generic.List[double]]::new()
        # For context only (not the baseline): PowerShell's own REST cmdlet on the same URL.
        $irm = [System.Collections.Generic.List[double]]::new()
        for ($i = 0; $i -lt $GetIterations; $i++) {
            $sw.Restart()
            $null = Get-GenieJob -Id $id
            $cmdlet.Add($sw.Elapsed.TotalMilliseconds)
            $sw.Restart()
            $null = $http.GetStringAsync($url).GetAwaiter().GetResult()
            $raw.Add($sw.Elapsed.TotalMilliseconds)
            $sw.Restart()
            $null = Invoke-RestMethod -Uri $url
            $irm.Add($sw.Elapsed.TotalMilliseconds)
        }
        $m = Get-Percentile $cmdlet 50
        $b = Get-Percentile $raw 50
        $i50 = Get-Percentile $irm 50
        Write-Host ("   Get-GenieJob median {0:0.000} ms (p95 {1:0.000}), raw GET median {2:0.000} ms (p95 {3:0.000}); for context Invoke-RestMethod median {4:0.000} ms" -f $m, (Get-Percentile $cmdlet 95), $b, (Get-Percentile $raw 95), $i50)
        Add-Result -Name 'cmdlets.get-genie-job' -Measured 'Get-GenieJob -Id (median)' -Baseline 'HttpClient GET api/v3/jobs/{id} (median)' `
            -MeasuredValue $m -BaselineValue $b -Goal 'ratio <= 1.5x' `
            -Note ("p95 {0:0.000} ms vs {1:0.000} ms; for context Invoke-RestMethod on the same URL: median {2:0.000} ms" -f (Get-Percentile $cmdlet 95), (Get-Percentile $raw 95), $i50)
    } finally {
        Stop-BenchServer $server
    }
}

# ---------------------------------------------------------------------------------------------------------------
if ('wait' -in $Part) {
    foreach ($count in $waitCountList) {
        Write-Host "== cmdlets/wait: $count job(s) of '$JobScript', GenieLocal -MaxRunning $MaxRunning on a fresh data directory"
        $server = Start-BenchServer
        try {
            # --- Wait-GenieJob
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            $ids = [string[]]@(Submit-BenchJobs -Uri $server.Uri -Count $count -Prefix "wait$count")
            Write-Host ("   submitted {0} job(s) in {1:0.0} s" -f $count, $sw.Elapsed.TotalSeconds)
            $emitted = @{}
            $sent = -1
            $waitStart = [DateTimeOffset]::UtcNow
            $sw.Restart()
            Wait-GenieJob -Id $ids -Verbose 4>&1 | ForEach-Object {
                $now = [DateTimeOffset]::UtcNow
                if ($_ -is [System.Management.Automation.VerboseRecord]) {
                    if ($_.Message -match '^Sent (\d+) requests') { $sent = [int]$Matches[1] }
                } elseif ($_.PSObject.Properties['Id']) {
                    $emitted[$_.Id] = $now
                }
            }
            $waitSeconds = $sw.Elapsed.TotalSeconds
            if ($sent -lt 0) { throw "Wait-GenieJob printed no 'Sent N requests' verbose line" }
            if ($emitted.Count -ne $count) { throw "Wait-GenieJob emitted $($emitted.Count) of $count jobs" }
            $times = Get-JobTimes -Uri $server.Uri -Ids $ids
            $bad = @($times.Values | Where-Object Status -ne 'SUCCEEDED').Count
            if ($bad) { throw "$bad of the $count bench jobs did not succeed" }
            # Lag only for jobs that finished after the wait began (earlier ones were finished before anyone asked).
            $lags = [System.Collections.Generic.List[double]]::new()
            $runtimes = [System.Collections.Generic.List[double]]::new()
            foreach ($id in $ids) {
                $t = $times[$id]
                $runtimes.Add(($t.Finished - $t.Started).TotalMilliseconds)
                if ($t.Finished -ge $waitStart) { $lags.Add(($emitted[$id] - $t.Finished).TotalMilliseconds) }
            }
            $excluded = $count - $lags.Count
            $rate = $sent / $waitSeconds
            $runtimeMedian = Get-Percentile $runtimes 50
            Write-Host ("   Wait-GenieJob: {0} requests in {1:0.00} s = {2:0.00} req/s; lag median {3:0} ms, p95 {4:0} ms over {5} job(s) ({6} finished before the wait began); job runtime median {7:0} ms" -f `
                    $sent, $waitSeconds, $rate, (Get-Percentile $lags 50), (Get-Percentile $lags 95), $lags.Count, $excluded, $runtimeMedian)

            # --- naive pygenie-style loop: every pending job's /status, then sleep a second
            $naive = $null
            if ($count -in $naiveCountList) {
                $sw.Restart()
                $nids = [string[]]@(Submit-BenchJobs -Uri $server.Uri -Count $count -Prefix "naive$count")
                Write-Host ("   submitted {0} job(s) for the naive loop in {1:0.0} s" -f $count, $sw.Elapsed.TotalSeconds)
                $pending = [System.Collections.Generic.List[string]]::new([string[]]$nids)
                $detected = @{}
                $requests = 0
                $naiveStart = [DateTimeOffset]::UtcNow
                $sw.Restart()
                while ($pending.Count -gt 0) {
                    foreach ($id in @($pending)) {
                        $requests++
                        $status = ($http.GetStringAsync([uri]::new($server.Uri, "api/v3/jobs/$id/status")).GetAwaiter().GetResult() | ConvertFrom-Json).status
                        if ($status -in 'SUCCEEDED', 'FAILED', 'KILLED', 'INVALID') {
                            $detected[$id] = [DateTimeOffset]::UtcNow
                            $null = $pending.Remove($id)
                        }
                    }
                    if ($pending.Count -gt 0) { Start-Sleep -Seconds 1 }
                    if ($sw.Elapsed.TotalSeconds -gt 900) { throw 'naive loop did not finish in 15 min' }
                }
                $naiveSeconds = $sw.Elapsed.TotalSeconds
                $ntimes = Get-JobTimes -Uri $server.Uri -Ids $nids
                $nlags = [System.Collections.Generic.List[double]]::new()
                foreach ($id in $nids) {
                    if ($ntimes[$id].Finished -ge $naiveStart) { $nlags.Add(($detected[$id] - $ntimes[$id].Finished).TotalMilliseconds) }
                }
                $naive = [pscustomobject]@{ Rate = $requests / $naiveSeconds; Requests = $requests; Seconds = $naiveSeconds; LagMedian = (Get-Percentile $nlags 50); LagP95 = (Get-Percentile $nlags 95) }
                Write-Host ("   naive loop: {0} requests in {1:0.00} s = {2:0.00} req/s; lag median {3:0} ms, p95 {4:0} ms" -f `
                        $requests, $naiveSeconds, $naive.Rate, $naive.LagMedian, $naive.LagP95)
            }

            $rateNote = "{0} requests in {1:0.00} s" -f $sent, $waitSeconds
            if ($naive) {
                Add-Result -Name "cmdlets.wait-$count.request-rate" -Measured "Wait-GenieJob on $count job(s)" -Baseline 'naive loop (each pending /status every 1 s)' `
                    -MeasuredValue $rate -BaselineValue $naive.Rate -Unit 'req/s' -Goal '<= 10 req/s' `
                    -Note ("$rateNote; naive {0} requests in {1:0.00} s" -f $naive.Requests, $naive.Seconds)
            } else {
                Add-Result -Name "cmdlets.wait-$count.request-rate" -Measured "Wait-GenieJob on $count job(s)" -Baseline 'MaxRequestsPerSecond default (10/s); naive loop not run' `
                    -MeasuredValue $rate -BaselineValue 10 -Unit 'req/s' -Goal '<= 10 req/s' -Note $rateNote
            }
            $lagNote = "over $($lags.Count) job(s); $excluded finished before the wait began and are left out"
            if ($naive) { $lagNote += ("; naive loop lag median {0:0} ms, p95 {1:0} ms" -f $naive.LagMedian, $naive.LagP95) }
            Add-Result -Name "cmdlets.wait-$count.lag-median" -Measured 'Finished -> emitted (median)' -Baseline 'job runtime (median)' `
                -MeasuredValue (Get-Percentile $lags 50) -BaselineValue $runtimeMedian -Note $lagNote
            Add-Result -Name "cmdlets.wait-$count.lag-p95" -Measured 'Finished -> emitted (p95)' -Baseline 'job runtime (median)' `
                -MeasuredValue (Get-Percentile $lags 95) -BaselineValue $runtimeMedian -Note $lagNote
        } finally {
            Stop-BenchServer $server
        }
    }
}

$results | ConvertTo-Json -Depth 4 -AsArray | Set-Content -Encoding utf8 $ResultPath
