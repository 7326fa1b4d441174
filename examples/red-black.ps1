<#
.SYNOPSIS
    A red/black cluster swap under load, proven: no job lost, none failed, every one on the cluster it should be on.
.DESCRIPTION
    Starts GenieLocal with two clusters, red (UP; sched:adhoc, type:local) and black (UP; type:local), and a shell
    command that runs on type:local clusters. A background runspace submits short jobs that ask for sched:adhoc, one
    after another, while

        Switch-GenieCluster -From red -To black -Tag sched:adhoc -Drain

    runs. Each job's submit time (request start and end) is recorded and, at the end, the cluster it landed on. The swap
    adds the tag to black (step "AddTags") before it removes it from red (step "RemoveTags"), so:
      - a job whose submission ended before AddTags started must be on red;
      - a job whose submission started after RemoveTags finished must be on black;
      - a job submitted while both carried the tag (the make-before-break window) may be on either;
      - every job must exist and end SUCCEEDED; every job on red must have finished before the drain ended, and red
        must end OUT_OF_SERVICE without the tag.
    Prints a summary and exits 1 on any violation. Non-interactive; about 10-15 seconds.
.EXAMPLE
    dotnet pwsh -NoProfile -File examples/red-black.ps1
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Sheriff/Sheriff.psd1'),
    # Seconds of submissions before the swap starts, and after it returns.
    [double] $LoadSeconds = 1.5
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $ModulePath -Force

$work = Join-Path ([IO.Path]::GetTempPath()) ('sheriff-redblack-' + [guid]::NewGuid().ToString('n').Substring(0, 8))
New-Item -ItemType Directory -Path $work | Out-Null
$seedFile = Join-Path $work 'seed.json'
@{
    clusters = @(
        @{ id = 'red'; name = 'red'; user = 'ops'; version = '1'; status = 'UP'; tags = @('sched:adhoc', 'type:local') }
        @{ id = 'black'; name = 'black'; user = 'ops'; version = '1'; status = 'UP'; tags = @('type:local') }
    )
    commands = @(
        @{
            id = 'shell'; name = 'shell'; user = 'ops'; version = '1'; status = 'ACTIVE'; tags = @('type:shell')
            executableAndArguments = @('bash', '-c'); clusterCriteria = @(@{ tags = @('type:local') })
        }
    )
} | ConvertTo-Json -Depth 6 | Set-Content -Encoding utf8 $seedFile

$server = Start-GenieLocal -DataDirectory (Join-Path $work 'data') -SeedPath $seedFile -MaxRunning 16
$violations = [System.Collections.Generic.List[string]]::new()
try {
    Write-Host "GenieLocal at $($server.Uri): red carries sched:adhoc, black does not."

    # The load: a background runspace submits one job after another over plain REST until told to stop.
    $state = [hashtable]::Synchronized(@{ Stop = $false })
    $records = [System.Collections.ArrayList]::Synchronized([System.Collections.ArrayList]::new())
    $submitter = [powershell]::Create().AddScript({
        param($Server, $State, $Records)
        $http = [System.Net.Http.HttpClient]::new()
        $http.BaseAddress = $Server
        $n = 0
        while (-not $State.Stop) {
            $n++
            $id = 'rb-{0:0000}-{1}' -f $n, [guid]::NewGuid().ToString('n').Substring(0, 6)
            $body = @{
                id = $id; name = 'red-black-load'; user = 'ops'; version = 'NA'
                clusterCriterias = @(@{ tags = @('sched:adhoc') }); commandCriteria = @('type:shell')
                commandArgs = "'sleep 0.3'"
            } | ConvertTo-Json -Depth 4
            $start = [DateTimeOffset]::UtcNow
            $code = 0; $err = $null
            try {
                $content = [System.Net.Http.StringContent]::new($body, [Text.Encoding]::UTF8, 'application/json')
                $response = $http.PostAsync('api/v3/jobs', $content).GetAwaiter().GetResult()
                $code = [int]$response.StatusCode
                if ($code -ne 202) { $err = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult() }
                $response.Dispose()
            } catch { $err = $_.Exception.Message }
            $end = [DateTimeOffset]::UtcNow
            $null = $Records.Add([pscustomobject]@{ Id = $id; SubmitStart = $start; SubmitEnd = $end; Code = $code; Error = $err })
            Start-Sleep -Milliseconds 40
        }
        $http.Dispose()
    }).AddArgument($server.Uri).AddArgument($state).AddArgument($records)
    $handle = $submitter.BeginInvoke()

    Start-Sleep -Seconds $LoadSeconds
    Write-Host "Switching red -> black while jobs keep arriving ($($records.Count) submitted so far)."
    $result = Switch-GenieCluster -From red -To black -Tag sched:adhoc -Drain -DrainTimeout 30 -PassThru -Confirm:$false -Verbose
    Start-Sleep -Seconds $LoadSeconds
    $state.Stop = $true
    $submitter.EndInvoke($handle)
    if ($submitter.HadErrors) { $violations.Add("the submitter failed: $($submitter.Streams.Error | Select-Object -First 1)") }
    $submitter.Dispose()

    $result.Steps | Format-Table | Out-String | Write-Host
    $add = $result.Steps | Where-Object Kind -EQ 'AddTags'
    $remove = $result.Steps | Where-Object Kind -EQ 'RemoveTags'
    $drain = $result.Steps | Where-Object Kind -EQ 'Drain'
    if (-not $result.Succeeded -or -not $result.Drained) { $violations.Add("the switch did not succeed and drain: $result") }

    # Every submission was accepted, and every accepted job exists and ends SUCCEEDED.
    $submitted = @($records.ToArray())
    foreach ($r in $submitted | Where-Object Code -NE 202) { $violations.Add("job $($r.Id) was not accepted: $($r.Code) $($r.Error)") }
    $accepted = @($submitted | Where-Object Code -EQ 202)
    $jobs = @{}
    Wait-GenieJob -Id $accepted.Id -Timeout 60 -ErrorAction SilentlyContinue -ErrorVariable waitErrors | ForEach-Object { $jobs[$_.Id] = $_ }
    foreach ($e in $waitErrors) { $violations.Add("wait: $($e.FullyQualifiedErrorId): $($e.Exception.Message)") }

    $before = 0; $after = 0; $windowRed = 0; $windowBlack = 0
    foreach ($r in $accepted) {
        $job = $jobs[$r.Id]
        if (-not $job) { $violations.Add("job $($r.Id) was accepted but is lost"); continue }
        if ($job.Status -ne 'SUCCEEDED') { $violations.Add("job $($r.Id) ended $($job.Status)") }
        if ($r.SubmitEnd -lt $add.Started) {
            $before++
            if ($job.ClusterName -ne 'red') { $violations.Add("job $($r.Id), submitted before the swap, ran on $($job.ClusterName)") }
        } elseif ($r.SubmitStart -gt $remove.Finished) {
            $after++
            if ($job.ClusterName -ne 'black') { $violations.Add("job $($r.Id), submitted after the swap, ran on $($job.ClusterName)") }
        } else {
            switch ($job.ClusterName) {
                'red' { $windowRed++ }
                'black' { $windowBlack++ }
                default { $violations.Add("job $($r.Id), submitted during the swap, ran on $($job.ClusterName)") }
            }
        }
        if ($job.ClusterName -eq 'red' -and $job.Finished -and $job.Finished -gt $drain.Finished.AddMilliseconds(50)) {
            $violations.Add("job $($r.Id) ran on red until $($job.Finished.ToString('o')), after the drain ended at $($drain.Finished.ToString('o'))")
        }
    }
    if ($before -eq 0) { $violations.Add('no job was submitted before the swap: the proof is vacuous') }
    if ($after -eq 0) { $violations.Add('no job was submitted after the swap: the proof is vacuous') }

    $red = Invoke-RestMethod ([uri]::new($server.Uri, 'api/v3/clusters/red'))
    $black = Invoke-RestMethod ([uri]::new($server.Uri, 'api/v3/clusters/black'))
    if ($red.status -ne 'OUT_OF_SERVICE') { $violations.Add("red is $($red.status), not OUT_OF_SERVICE") }
    if ($red.tags -contains 'sched:adhoc') { $violations.Add('red still carries sched:adhoc') }
    if ($black.tags -notcontains 'sched:adhoc') { $violations.Add('black does not carry sched:adhoc') }

    Write-Host ('Submitted {0} jobs ({1} accepted): {2} before the swap, all on red; {3} after it, all on black; ' -f $submitted.Count, $accepted.Count, $before, $after) -NoNewline
    Write-Host ('{0} during the make-before-break window ({1} on red, {2} on black).' -f ($windowRed + $windowBlack), $windowRed, $windowBlack)
    Write-Host ('Swap: tags moved in {0:0} ms (AddTags start to RemoveTags end); drain {1:0.0} s; red is {2}, black carries [{3}].' -f `
        ($remove.Finished - $add.Started).TotalMilliseconds, ($drain.Finished - $drain.Started).TotalSeconds, $red.status, (($black.tags | Where-Object { $_ -notlike 'genie.*' }) -join ', '))
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
Write-Host 'PASSED: no job lost, none failed, each on the cluster the swap put it on.'
exit 0
