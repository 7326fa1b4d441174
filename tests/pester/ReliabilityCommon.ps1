# Helpers of the Reliability.*.Tests.ps1 files (and bench/Soak.ps1): a GenieLocal process the test owns (fixed port,
# its own data directory, extra options such as --fault-rate), crashed with SIGKILL and restarted like a real one.

function Get-GenieLocalDll {
    $dll = Join-Path (Split-Path -Parent $script:ModulePath) 'genielocal/sheriff-genie-local.dll'
    if (-not (Test-Path $dll)) { throw "GenieLocal is not built: $dll" }
    $dll
}

# Starts sheriff-genie-local as a child process (stdout read for the LISTENING line, stderr appended to a log file in the
# data directory) and returns @{ Process; Uri; Port; DataDirectory; Log }.
function Start-TestGenieLocal {
    param(
        [Parameter(Mandatory)] [string] $DataDirectory,
        [int] $Port = 0,
        [string[]] $ExtraArgs = @(),
        [int] $TimeoutSec = 45
    )
    New-Item -ItemType Directory -Path $DataDirectory -Force | Out-Null
    $log = Join-Path $DataDirectory 'server.log'
    $psi = [System.Diagnostics.ProcessStartInfo]::new('bash')
    # exec: the process we hold is dotnet itself, so Kill() is a SIGKILL of the server and nothing else
    foreach ($a in @('-c', 'exec "$@" 2>>"$SHERIFF_TEST_SERVER_LOG"', 'bash', 'dotnet', (Get-GenieLocalDll),
            '--port', $Port, '--data-dir', $DataDirectory) + $ExtraArgs) {
        $psi.ArgumentList.Add([string]$a)
    }
    $psi.Environment['SHERIFF_TEST_SERVER_LOG'] = $log
    $psi.Environment['DOTNET_NOLOGO'] = '1'
    $psi.RedirectStandardOutput = $true
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    $read = $process.StandardOutput.ReadLineAsync()
    if (-not $read.Wait([TimeSpan]::FromSeconds($TimeoutSec)) -or -not $read.Result) {
        if (-not $process.HasExited) { $process.Kill() }
        throw "GenieLocal did not start: $(Get-Content -Raw $log -ErrorAction SilentlyContinue)"
    }
    if ($read.Result -notmatch '^LISTENING (\S+)') { throw "unexpected first line from GenieLocal: $($read.Result)" }
    $uri = [uri]($Matches[1].TrimEnd('/') + '/')
    [pscustomobject]@{ Process = $process; Uri = $uri; Port = $uri.Port; DataDirectory = $DataDirectory; Log = $log }
}

# Stops a server started by Start-TestGenieLocal: SIGTERM (it stops its jobs), then SIGKILL if it lingers.
function Stop-TestGenieLocal {
    param($Server)
    if (-not $Server -or $Server.Process.HasExited) { return }
    & kill -TERM $Server.Process.Id 2>$null
    if (-not $Server.Process.WaitForExit(25000)) { $Server.Process.Kill(); $null = $Server.Process.WaitForExit(5000) }
}

# Ids of the processes whose working directory is inside <data dir>/jobs/<job id> (a job's process tree).
function Get-JobProcessId {
    param([Parameter(Mandatory)] [string] $DataDirectory, [Parameter(Mandatory)] [string] $JobId)
    $jobDir = [IO.Path]::GetFullPath((Join-Path $DataDirectory "jobs/$JobId"))
    foreach ($proc in Get-ChildItem -Path /proc -Directory -ErrorAction SilentlyContinue) {
        if ($proc.Name -notmatch '^\d+$') { continue }
        try { $cwd = (Get-Item -LiteralPath "/proc/$($proc.Name)/cwd" -Force -ErrorAction Stop).LinkTarget } catch { continue }
        if ($cwd -and ($cwd -eq $jobDir -or $cwd.StartsWith($jobDir + '/'))) { [int]$proc.Name }
    }
}

function Test-ProcessAlive {
    param([int] $ProcessId)
    # a zombie (already exited, not yet reaped) counts as gone
    $stat = Get-Content -LiteralPath "/proc/$ProcessId/stat" -Raw -ErrorAction SilentlyContinue
    if (-not $stat) { return $false }
    $state = ($stat.Substring($stat.LastIndexOf(')') + 2)).Split(' ')[0]
    $state -ne 'Z'
}

function Get-GenieLocalJson {
    param([Parameter(Mandatory)] [uri] $Server, [Parameter(Mandatory)] [string] $Path)
    Invoke-RestMethod -Uri ([uri]::new($Server, $Path)) -TimeoutSec 30
}

function Wait-TestJobStatus {
    param([Parameter(Mandatory)] [uri] $Server, [Parameter(Mandatory)] [string] $Id, [Parameter(Mandatory)] [string[]] $Status, [int] $TimeoutSec = 30)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ([DateTime]::UtcNow -lt $deadline) {
        $s = (Get-GenieLocalJson -Server $Server -Path "api/v3/jobs/$Id/status").status
        if ($s -in $Status) { return $s }
        Start-Sleep -Milliseconds 100
    }
    throw "job $Id did not reach $($Status -join '/') within $TimeoutSec s"
}

# The soak: $Jobs submissions (a small shell job each, 'sleep 1' so that the waits poll running jobs, with its own client id) through the users' client (the session's
# GenieClient, $Concurrency at a time) against GenieLocal injecting faults at $FaultRate; then the users' Wait-GenieJob
# on all of them with the faults still on; then faults off and the server's own view: how many jobs exist, any twice,
# any lost, their statuses. Returns the figures (docs/reliability.md "Soak and crash").
function Invoke-GenieSoak {
    param(
        [int] $Jobs = 100,
        [double] $FaultRate = 0.2,
        [string] $Faults = '503,429,reset,latency,truncate',
        [int] $Seed = 20261126,
        [int] $LatencyMs = 1000,
        [int] $Concurrency = 8,
        [int] $WaitTimeoutSec = 900,
        [string] $JobScript = 'sleep 1',
        # Attempts per request (Connect-Genie -MaxAttempts); 0 keeps the default (5). At a 20% fault rate about 17% of
        # attempts fail retryably, so 5 attempts still give up on ~0.17^5 = 1.4e-4 of requests; 8 makes it ~7e-7.
        [int] $MaxAttempts = 8,
        [Parameter(Mandatory)] [string] $DataDirectory
    )
    $culture = [Globalization.CultureInfo]::InvariantCulture
    $server = Start-TestGenieLocal -DataDirectory $DataDirectory -ExtraArgs @(
        '--fault-rate', $FaultRate.ToString($culture), '--faults', $Faults, '--fault-seed', $Seed, '--fault-latency-ms', $LatencyMs, '--max-running', '16')
    try {
        $run = 'soak-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
        $total = [Diagnostics.Stopwatch]::StartNew()
        $connect = @{ Uri = $server.Uri }
        if ($MaxAttempts -gt 0) { $connect.MaxAttempts = $MaxAttempts }
        $session = Connect-Genie @connect # validated through the faults too
        $client = $session.Client
        # the client's transport events (retries, give-ups, re-attachments), queued by the engine, read at the end
        $sourceId = "soak-events-$run"
        $null = Register-ObjectEvent -InputObject $client -EventName TransportEvent -SourceIdentifier $sourceId

        # Submit, $Concurrency in flight.
        $submit = [Diagnostics.Stopwatch]::StartNew()
        $inFlight = [System.Collections.Generic.List[object]]::new()
        $outcomes = [System.Collections.Generic.List[object]]::new()
        $collect = {
            param([bool] $All)
            while ($inFlight.Count -gt 0 -and ($All -or $inFlight.Count -ge $Concurrency)) {
                $done = [System.Threading.Tasks.Task]::WaitAny([System.Threading.Tasks.Task[]]@($inFlight | ForEach-Object Task))
                $item = $inFlight[$done]
                $inFlight.RemoveAt($done)
                $failure = if ($item.Task.IsFaulted) { $item.Task.Exception.GetBaseException() } elseif ($item.Task.IsCanceled) { 'canceled' }
                $outcomes.Add([pscustomobject]@{
                    Id = $item.Id; Returned = if (-not $failure) { $item.Task.Result }; Failure = if ($failure) { "$($failure.GetType().Name): $($failure.Message)" }
                })
            }
        }
        for ($i = 1; $i -le $Jobs; $i++) {
            $dto = [Sheriff.Core.Genie.JobRequestDto]::new()
            $dto.Id = '{0}-{1:d4}' -f $run, $i
            $dto.Name = '{0}-{1:d4}' -f $run, $i
            $dto.User = [Environment]::UserName
            $dto.Version = '1.0'
            $dto.Tags.Add('soak'); $dto.Tags.Add("soak:$run")
            $criteria = [Sheriff.Core.Genie.ClusterCriteriaDto]::new(); $criteria.Tags.Add('sched:adhoc')
            $dto.ClusterCriterias.Add($criteria)
            $dto.CommandCriteria.Add('type:shell')
            $dto.CommandArgs = "'" + $JobScript.Replace("'", "'\''") + "'"
            $inFlight.Add([pscustomobject]@{ Id = $dto.Id; Task = $client.SubmitJobAsync($dto, [System.Threading.CancellationToken]::None) })
            & $collect $false
        }
        & $collect $true
        $submit.Stop()
        $afterSubmit = [pscustomobject]@{ Attempts = $client.Statistics.Attempts; Retries = $client.Statistics.Retries
            Reattached = $client.Statistics.Reattached; GaveUp = $client.Statistics.GaveUp; ByReason = $client.Statistics.RetriesByReason }

        # Wait for every job the client got an id for, faults still on.
        $ids = @($outcomes | Where-Object { -not $_.Failure } | ForEach-Object Returned)
        $wait = [Diagnostics.Stopwatch]::StartNew()
        $waited = @(Wait-GenieJob -Id $ids -Session $session -Timeout $WaitTimeoutSec -PollInterval 1 -MaxRequestsPerSecond 200 `
            -ErrorVariable waitErrors -ErrorAction SilentlyContinue)
        $wait.Stop()
        $total.Stop()
        $waitAttempts = $client.Statistics.Attempts - $afterSubmit.Attempts
        $waitRetries = $client.Statistics.Retries - $afterSubmit.Retries

        $events = @(Get-Event -SourceIdentifier $sourceId -ErrorAction SilentlyContinue | ForEach-Object { $_.SourceEventArgs })
        Unregister-Event -SourceIdentifier $sourceId -ErrorAction SilentlyContinue
        Remove-Event -SourceIdentifier $sourceId -ErrorAction SilentlyContinue

        # The server's view, faults off.
        $faultState = Invoke-RestMethod -Uri ([uri]::new($server.Uri, 'genielocal/faults'))
        $null = Invoke-RestMethod -Method Post -Uri ([uri]::new($server.Uri, 'genielocal/faults')) -Body '{"rate":0}' -ContentType 'application/json'
        $page = Invoke-RestMethod -Uri ([uri]::new($server.Uri, "api/v3/jobs?tag=soak:$run&size=5000"))
        $serverJobs = @($page._embedded.jobSearchResultList)
        $submittedIds = @($outcomes | ForEach-Object Id)
        $byName = $serverJobs | Group-Object name
        [pscustomobject]@{
            Run              = $run
            Jobs             = $Jobs
            FaultRate        = $FaultRate
            Seed             = $Seed
            LatencyMs        = $LatencyMs
            Concurrency      = $Concurrency
            JobScript        = $JobScript
            MaxAttempts      = if ($MaxAttempts -gt 0) { $MaxAttempts } else { 'default (5)' }
            ClientFailures   = @($outcomes | Where-Object Failure)
            WrongIdReturned  = @($outcomes | Where-Object { -not $_.Failure -and $_.Returned -ne $_.Id }).Count
            ServerJobs       = $serverJobs.Count
            DistinctIds      = @($serverJobs.id | Sort-Object -Unique).Count
            Duplicates       = @($byName | Where-Object Count -gt 1 | ForEach-Object { $_.Count - 1 } | Measure-Object -Sum).Sum + 0
            Lost             = @($submittedIds | Where-Object { $_ -notin $serverJobs.id }).Count
            Unknown          = @($serverJobs | Where-Object { $_.id -notin $submittedIds }).Count
            Statuses         = ($serverJobs | Group-Object status | ForEach-Object { "$($_.Name)=$($_.Count)" }) -join ', '
            Waited           = $waited.Count
            WaitedSucceeded  = @($waited | Where-Object Status -eq 'SUCCEEDED').Count
            WaitErrors       = @($waitErrors)
            GaveUpEvents     = @($events | Where-Object { "$($_.Kind)" -eq 'GaveUp' } | ForEach-Object Message)
            ReattachEvents   = @($events | Where-Object { "$($_.Kind)" -eq 'Reattached' }).Count
            WaitAttempts     = $waitAttempts
            WaitRetries      = $waitRetries
            SubmitAttempts   = $afterSubmit.Attempts
            SubmitRetries    = $afterSubmit.Retries
            Reattached       = $afterSubmit.Reattached
            SubmitGaveUp     = $afterSubmit.GaveUp
            SubmitRetriesBy  = ($afterSubmit.ByReason.GetEnumerator() | Sort-Object Key | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ', '
            Attempts         = $client.Statistics.Attempts
            Retries          = $client.Statistics.Retries
            GaveUp           = $client.Statistics.GaveUp
            RetriesBy        = ($client.Statistics.RetriesByReason.GetEnumerator() | Sort-Object Key | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ', '
            ServerRequests   = $faultState.requests
            ServerRequestsBy = ($faultState.requestsByMethod.PSObject.Properties | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join ', '
            Injected         = $faultState.injected
            InjectedTotal    = $faultState.total
            InjectedBy       = ($faultState.injectedByMethod.PSObject.Properties | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join ', '
            SubmitSeconds    = [Math]::Round($submit.Elapsed.TotalSeconds, 1)
            WaitSeconds      = [Math]::Round($wait.Elapsed.TotalSeconds, 1)
            TotalSeconds     = [Math]::Round($total.Elapsed.TotalSeconds, 1)
        }
    } finally {
        Stop-TestGenieLocal $server
    }
}
