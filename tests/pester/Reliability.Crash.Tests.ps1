# Crash test: GenieLocal is SIGKILLed while jobs run and restarted on the same port and data directory. No job record
# may be lost, the running jobs must end FAILED with a reason, finished jobs stay as they were, the orphaned job
# processes are killed, and a client waiting across the crash (Wait-GenieJob) rides through and reports FAILED.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'ReliabilityCommon.ps1')

    $script:dataDir = New-TestDataDirectory
    $script:port = Get-FreeTcpPort
    $script:server = Start-TestGenieLocal -DataDirectory $script:dataDir -Port $script:port -ExtraArgs '--max-running', '8'
    $script:uri = $script:server.Uri
    $null = Connect-Genie -Uri $script:uri

    # Finished jobs (succeeded and failed), and a snapshot of what the server says about them.
    $script:finishedIds = @(
        Submit-TestShellJob -Server $script:uri -Script 'echo first' -Name 'crash-done-1'
        Submit-TestShellJob -Server $script:uri -Script 'echo second' -Name 'crash-done-2'
        Submit-TestShellJob -Server $script:uri -Script 'echo broken >&2; exit 3' -Name 'crash-failed'
    )
    $script:before = @{}
    foreach ($id in $script:finishedIds) {
        $null = Wait-TestJobFinished -Server $script:uri -Id $id
        $script:before[$id] = Get-GenieLocalJson -Server $script:uri -Path "api/v3/jobs/$id"
    }

    # Long-running jobs, running when the server dies.
    $script:runningIds = @(1..3 | ForEach-Object { Submit-TestShellJob -Server $script:uri -Script 'sleep 30' -Name "crash-running-$_" })
    foreach ($id in $script:runningIds) { $null = Wait-TestJobStatus -Server $script:uri -Id $id -Status RUNNING }
    $script:jobPids = @{}
    foreach ($id in $script:runningIds) { $script:jobPids[$id] = @(Get-JobProcessId -DataDirectory $script:dataDir -JobId $id) }
    $script:totalBefore = (Get-GenieLocalJson -Server $script:uri -Path 'api/v3/jobs?size=1').page.totalElements

    # A client waiting on one running job across the crash, in its own runspace (the user's Wait-GenieJob).
    $script:waiter = Start-ThreadJob -ArgumentList $script:ModulePath, $script:uri, $script:runningIds[0] -ScriptBlock {
        param($ModulePath, $Uri, $Id)
        Import-Module $ModulePath
        $null = Connect-Genie -Uri $Uri -MaxConsecutiveFailures 60
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $job = Wait-GenieJob -Id $Id -PollInterval 0.5 -Timeout 120 -ErrorVariable waitErrors -ErrorAction SilentlyContinue -Verbose 4>&1
        [pscustomobject]@{
            Output  = @($job | Where-Object { $_ -is [Sheriff.Core.Genie.GenieJob] })
            Verbose = @($job | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
            Errors  = @($waitErrors)
            Seconds = $sw.Elapsed.TotalSeconds
        }
    }
    Start-Sleep -Seconds 2 # the waiter is polling

    # The crash: SIGKILL, nothing flushed, nothing cleaned up.
    $script:server.Process.Kill()
    $null = $script:server.Process.WaitForExit(10000)
    $script:orphansAliveAfterCrash = @($script:jobPids.Values | ForEach-Object { $_ } | Where-Object { Test-ProcessAlive $_ })
    Start-Sleep -Seconds 3 # the waiter meets a dead server for a while

    $script:server = Start-TestGenieLocal -DataDirectory $script:dataDir -Port $script:port -ExtraArgs '--max-running', '8'
    $script:waitResult = $script:waiter | Wait-Job -Timeout 120 | Receive-Job
    "crash: $($script:finishedIds.Count) finished + $($script:runningIds.Count) running jobs; $(@($script:jobPids.Values | ForEach-Object { $_ }).Count) job processes orphaned; " +
        "waiter finished after $([Math]::Round($script:waitResult.Seconds, 1)) s with $(@($script:waitResult.Verbose | Where-Object { $_ -match 'fail|retry|refused' }).Count) ride-through messages" | Write-Host
}

AfterAll {
    if ($script:waiter) { $script:waiter | Remove-Job -Force -ErrorAction SilentlyContinue }
    Stop-TestGenieLocal $script:server
    foreach ($p in $script:jobPids.Values | ForEach-Object { $_ }) { if (Test-ProcessAlive $p) { & kill -KILL $p 2>$null } }
    Remove-Item -Recurse -Force $script:dataDir -ErrorAction SilentlyContinue
}

Describe 'GenieLocal killed with SIGKILL while jobs run, then restarted' {
    It 'the test is not vacuous: the jobs were running and their processes outlived the server' {
        $script:runningIds.Count | Should -Be 3
        foreach ($id in $script:runningIds) { $script:jobPids[$id] | Should -Not -BeNullOrEmpty -Because "job $id had processes" }
        $script:orphansAliveAfterCrash | Should -Not -BeNullOrEmpty
        $script:server.Port | Should -Be $script:port
    }

    It 'loses no job record' {
        $all = Get-GenieLocalJson -Server $script:server.Uri -Path 'api/v3/jobs?size=1000'
        $all.page.totalElements | Should -Be $script:totalBefore
        $ids = @($all._embedded.jobSearchResultList.id)
        foreach ($id in $script:finishedIds + $script:runningIds) { $ids | Should -Contain $id }
    }

    It 'reports the jobs that were running as FAILED, with the reason' {
        foreach ($id in $script:runningIds) {
            $job = Get-GenieLocalJson -Server $script:server.Uri -Path "api/v3/jobs/$id"
            $job.status | Should -Be 'FAILED'
            $job.statusMsg | Should -Match 'GenieLocal stopped'
            $job.finished | Should -Not -BeNullOrEmpty
        }
    }

    It 'leaves the finished jobs exactly as they were' {
        foreach ($id in $script:finishedIds) {
            $job = Get-GenieLocalJson -Server $script:server.Uri -Path "api/v3/jobs/$id"
            foreach ($field in 'status', 'statusMsg', 'started', 'finished', 'exitCode', 'name') {
                $job.$field | Should -Be $script:before[$id].$field -Because "job $id field $field"
            }
        }
        (Get-GenieLocalJson -Server $script:server.Uri -Path "api/v3/jobs/$($script:finishedIds[0])/output/stdout") | Should -Match 'first'
    }

    It 'kills the orphaned job processes' {
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        do {
            $alive = @($script:jobPids.Values | ForEach-Object { $_ } | Where-Object { Test-ProcessAlive $_ })
            if (-not $alive) { break }
            Start-Sleep -Milliseconds 200
        } while ([DateTime]::UtcNow -lt $deadline)
        $alive | Should -BeNullOrEmpty
        foreach ($id in $script:runningIds) { Get-JobProcessId -DataDirectory $script:dataDir -JobId $id | Should -BeNullOrEmpty }
    }

    It 'lets a Wait-GenieJob that waited across the crash finish, reporting FAILED' {
        $script:waitResult | Should -Not -BeNullOrEmpty -Because 'the waiting client must finish'
        $script:waitResult.Output.Count | Should -Be 1
        $script:waitResult.Output[0].Id | Should -Be $script:runningIds[0]
        $script:waitResult.Output[0].Status | Should -Be 'FAILED'
        $script:waitResult.Errors.FullyQualifiedErrorId | Should -Be 'GenieJobFailed,Sheriff.PowerShell.Commands.WaitGenieJobCommand'
        # it saw the outage and rode through it
        ($script:waitResult.Verbose -join "`n") | Should -Match 'fail|retry|refused'
    }

    It 'runs new jobs after the restart' {
        $id = Submit-TestShellJob -Server $script:server.Uri -Script 'echo after' -Name 'crash-after'
        Wait-TestJobFinished -Server $script:server.Uri -Id $id | Should -Be 'SUCCEEDED'
    }
}
