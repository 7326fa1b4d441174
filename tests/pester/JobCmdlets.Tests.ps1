BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:dataDir = New-TestDataDirectory
    $script:server = Start-GenieLocal -DataDirectory $script:dataDir -MaxRunning 8
    $script:uri = $script:server.Uri
    function New-Tag { 'pester:' + [guid]::NewGuid().ToString('n').Substring(0, 10) }
}

AfterAll {
    if ($script:server -and -not $script:server.HasExited) { Stop-GenieLocal -InputObject $script:server }
    Remove-Item -Recurse -Force $script:dataDir -ErrorAction SilentlyContinue
}

Describe 'Get-GenieJob search' {
    BeforeAll {
        $script:tag = New-Tag
        $script:ids = foreach ($i in 1..12) {
            Submit-TestShellJob -Server $script:uri -Script 'true' -Name ('search-{0:00}' -f $i) -Tags @($script:tag, 'pester')
        }
        $script:failId = Submit-TestShellJob -Server $script:uri -Script 'exit 1' -Name 'other-fail' -Tags @($script:tag)
        foreach ($id in $script:ids + $script:failId) { $null = Wait-TestJobFinished -Server $script:uri -Id $id }
    }

    It 'finds jobs by tag, across several pages, streaming each as a GenieJob summary' {
        $found = Get-GenieJob -Tag $script:tag -PageSize 5
        $found.Count | Should -Be 13
        ($found.Id | Sort-Object) | Should -Be (($script:ids + $script:failId) | Sort-Object)
        $found[0] | Should -BeOfType 'Sheriff.Core.Genie.GenieJob'
        $found[0].IsSummary | Should -BeTrue
    }

    It 'requires every tag given' {
        (Get-GenieJob -Tag $script:tag, 'pester').Count | Should -Be 12
        Get-GenieJob -Tag $script:tag, 'no-such-tag' | Should -BeNullOrEmpty
    }

    It 'maps PowerShell wildcards in -Name and filters exactly' {
        (Get-GenieJob -Tag $script:tag -Name 'search-0*').Count | Should -Be 9
        (Get-GenieJob -Tag $script:tag -Name 'search-1?').Id | Sort-Object | Should -Be ($script:ids[9..11] | Sort-Object)
        (Get-GenieJob -Tag $script:tag -Name 'other-fail').Id | Should -Be $script:failId
    }

    It 'filters by status (any of several)' {
        (Get-GenieJob -Tag $script:tag -Status FAILED).Id | Should -Be $script:failId
        (Get-GenieJob -Tag $script:tag -Status failed, succeeded).Count | Should -Be 13
        Get-GenieJob -Tag $script:tag -Status RUNNING | Should -BeNullOrEmpty
    }

    It 'filters by user: -Mine is the current user, -User another' {
        (Get-GenieJob -Tag $script:tag -Mine).Count | Should -Be 13
        Get-GenieJob -Tag $script:tag -User 'somebody-else' | Should -BeNullOrEmpty
    }

    It 'filters by cluster and command name' {
        (Get-GenieJob -Tag $script:tag -ClusterName 'loc*').Count | Should -Be 13
        Get-GenieJob -Tag $script:tag -CommandName 'spark*' | Should -BeNullOrEmpty
    }

    It 'filters by start time' {
        (Get-GenieJob -Tag $script:tag -After (Get-Date).AddHours(-1)).Count | Should -Be 13
        Get-GenieJob -Tag $script:tag -After (Get-Date).AddHours(1) | Should -BeNullOrEmpty
        Get-GenieJob -Tag $script:tag -Before (Get-Date).AddHours(-1) | Should -BeNullOrEmpty
    }

    It 'pages with -First and -Skip' {
        $all = Get-GenieJob -Tag $script:tag -PageSize 4
        $page = Get-GenieJob -Tag $script:tag -PageSize 4 -Skip 3 -First 5
        $page.Id | Should -Be $all.Id[3..7]
        (Get-GenieJob -Tag $script:tag -First 2).Count | Should -Be 2
    }

    It '-Detailed returns full jobs with tags and messages' {
        $job = Get-GenieJob -Tag $script:tag -Status FAILED -Detailed
        $job.IsSummary | Should -BeFalse
        $job.Tags | Should -Contain $script:tag
        $job.StatusMessage | Should -Be 'Job failed.'
    }

    It '-After later than -Before is a terminating InvalidParameterValue error' {
        { Get-GenieJob -After (Get-Date) -Before (Get-Date).AddDays(-1) -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidParameterValue,Sheriff.PowerShell.Commands.GetGenieJobCommand'
    }
}

Describe 'Wait-GenieJob' {
    It 'waits for piped ids and emits each job once it has finished' {
        $ids = 1..3 | ForEach-Object { Submit-TestShellJob -Server $script:uri -Script "sleep 0.$_" }
        $done = $ids | Wait-GenieJob -Timeout 60
        ($done.Id | Sort-Object) | Should -Be ($ids | Sort-Object)
        $done.Status | Should -Not -Contain 'RUNNING'
        $done | ForEach-Object { $_.Status | Should -Be 'SUCCEEDED' }
    }

    It 'takes GenieJob objects from Get-GenieJob' {
        $id = Submit-TestShellJob -Server $script:uri -Script 'sleep 0.5'
        $job = Get-GenieJob -Id $id | Wait-GenieJob -Timeout 60
        $job.Id | Should -Be $id
        $job.Status | Should -Be 'SUCCEEDED'
        $job.Finished | Should -Not -BeNullOrEmpty
    }

    It 'a FAILED job is emitted and writes a GenieJobFailed error that -ErrorAction Stop turns fatal' {
        $id = Submit-TestShellJob -Server $script:uri -Script 'echo boom >&2; exit 7'
        $job = Wait-GenieJob -Id $id -Timeout 60 -ErrorVariable errs -ErrorAction SilentlyContinue
        $job.Status | Should -Be 'FAILED'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'GenieJobFailed,Sheriff.PowerShell.Commands.WaitGenieJobCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $errs[0].TargetObject | Should -Be $id
        $errs[0].Exception.Message | Should -Match 'ended FAILED: Job failed\.'
        $errs[0].ErrorDetails.RecommendedAction | Should -Match 'Get-GenieJobOutput'
        { Wait-GenieJob -Id $id -ErrorAction Stop } | Should -Throw -ErrorId 'GenieJobFailed,Sheriff.PowerShell.Commands.WaitGenieJobCommand'
    }

    It 'a KILLED job writes GenieJobFailed with category OperationStopped' {
        $id = Submit-TestShellJob -Server $script:uri -Script 'sleep 30'
        Stop-GenieJob -Id $id
        $job = Wait-GenieJob -Id $id -Timeout 60 -ErrorVariable errs -ErrorAction SilentlyContinue
        $job.Status | Should -Be 'KILLED'
        $errs[0].FullyQualifiedErrorId | Should -Be 'GenieJobFailed,Sheriff.PowerShell.Commands.WaitGenieJobCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'OperationStopped'
    }

    It 'a timeout writes GenieJobWaitTimeout for each job still running, and leaves it running' {
        $id = Submit-TestShellJob -Server $script:uri -Script 'sleep 30'
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $out = Wait-GenieJob -Id $id -Timeout 2 -ErrorVariable errs -ErrorAction SilentlyContinue
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 10
        $out | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -Be 'GenieJobWaitTimeout,Sheriff.PowerShell.Commands.WaitGenieJobCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $errs[0].TargetObject | Should -Be $id
        (Get-GenieJob -Id $id).IsFinished | Should -BeFalse
        Stop-GenieJob -Id $id -Wait
    }

    It '-StopOnTimeout kills what is still running at the timeout' {
        $id = Submit-TestShellJob -Server $script:uri -Script 'sleep 30'
        $null = Wait-GenieJob -Id $id -Timeout 1 -StopOnTimeout -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'GenieJobWaitTimeout,Sheriff.PowerShell.Commands.WaitGenieJobCommand'
        $errs[0].Exception.Message | Should -Match 'asked to stop'
        (Wait-GenieJob -Id $id -Timeout 30 -ErrorAction SilentlyContinue).Status | Should -Be 'KILLED'
    }

    It '-Any returns the first job to finish and no more' {
        $slow = Submit-TestShellJob -Server $script:uri -Script 'sleep 20'
        $fast = Submit-TestShellJob -Server $script:uri -Script 'true'
        $first = Wait-GenieJob -Id $slow, $fast -Any -Timeout 30
        $first.Id | Should -Be $fast
        (Get-GenieJob -Id $slow).IsFinished | Should -BeFalse
        Stop-GenieJob -Id $slow
    }

    It 'an unknown id writes GenieJobNotFound and the other jobs are still waited for' {
        $id = Submit-TestShellJob -Server $script:uri -Script 'true'
        $out = Wait-GenieJob -Id 'no-such-job', $id -Timeout 30 -ErrorVariable errs -ErrorAction SilentlyContinue
        $out.Id | Should -Be $id
        $errs[0].FullyQualifiedErrorId | Should -Be 'GenieJobNotFound,Sheriff.PowerShell.Commands.WaitGenieJobCommand'
        $errs[0].TargetObject | Should -Be 'no-such-job'
    }

    It 'follows many jobs at once (the search sweep) and emits every one' {
        $tag = New-Tag
        $jobs = 1..30 | ForEach-Object { Submit-TestShellJob -Server $script:uri -Script 'true' -Tags @($tag) } | Get-GenieJob
        $done = $jobs | Wait-GenieJob -Timeout 120 -MaxRequestsPerSecond 4 -Verbose 4>&1
        $verbose = $done | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $finished = $done | Where-Object { $_ -is [Sheriff.Core.Genie.GenieJob] }
        ($finished.Id | Sort-Object) | Should -Be ($jobs.Id | Sort-Object)
        # 30 jobs one by one would need 30+ requests; the sweep needs far fewer
        $sent = [int](($verbose.Message -match 'Sent (\d+) requests') -replace '\D', '')
        $sent | Should -BeLessThan 30
    }

    It 'many jobs known only by id are found by the sweep too, not one request each' {
        $tag = New-Tag
        $ids = 1..30 | ForEach-Object { Submit-TestShellJob -Server $script:uri -Script 'true' -Tags @($tag) }
        foreach ($id in $ids) { $null = Wait-TestJobFinished -Server $script:uri -Id $id }
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $done = $ids | Wait-GenieJob -Timeout 120 -MaxRequestsPerSecond 4 -Verbose 4>&1
        $sw.Stop()
        $finished = $done | Where-Object { $_ -is [Sheriff.Core.Genie.GenieJob] }
        ($finished.Id | Sort-Object) | Should -Be ($ids | Sort-Object)
        $sent = [int]((($done | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -match 'Sent (\d+) requests') -replace '\D', '')
        $sent | Should -BeLessThan 10
        $sent / [math]::Max(1, $sw.Elapsed.TotalSeconds) | Should -BeLessOrEqual 4.5
    }

    It 'Stop (Ctrl+C) ends a wait at once' {
        $id = Submit-TestShellJob -Server $script:uri -Script 'sleep 30'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$script:ModulePath'; Connect-Genie -Uri '$script:uri' | Out-Null; Wait-GenieJob -Id '$id'")
            $handle = $ps.BeginInvoke()
            Start-Sleep -Seconds 3
            $handle.IsCompleted | Should -BeFalse
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 1
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        } finally {
            $ps.Dispose()
            Stop-GenieJob -Id $id
        }
    }
}

Describe 'Tab completion' {
    It 'completes job ids seen in this runspace and the statuses, without calling Genie' {
        $id = Submit-TestShellJob -Server $script:uri -Script 'true'
        $null = Get-GenieJob -Id $id
        # point the default connection at a dead address: completion must not need it
        $null = Connect-Genie -Uri "http://127.0.0.1:$(Get-FreeTcpPort)" -NoValidation
        try {
            $line = "Get-GenieJob -Id $($id.Substring(0, 12))"
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $ids = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 1
            $ids | Should -Contain $id
            $line = 'Get-GenieJob -Status RUN'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'RUNNING'
        } finally { $null = Connect-Genie -Uri $script:uri }
    }
}

Describe 'Stop-GenieJob' {
    It '-WhatIf stops nothing' {
        $id = Submit-TestShellJob -Server $script:uri -Script 'sleep 20'
        Stop-GenieJob -Id $id -WhatIf
        Start-Sleep -Milliseconds 500
        (Get-GenieJob -Id $id).IsFinished | Should -BeFalse
        Stop-GenieJob -Id $id
    }

    It '-Wait -PassThru returns the job once it is KILLED' {
        $id = Submit-TestShellJob -Server $script:uri -Script 'sleep 30'
        $job = Stop-GenieJob -Id $id -Wait -PassThru -Timeout 30
        $job.Id | Should -Be $id
        $job.Status | Should -Be 'KILLED'
        $job.StatusMessage | Should -Not -BeNullOrEmpty
    }

    It 'takes jobs from the pipeline and never prompts under -NonInteractive defaults' {
        $tag = New-Tag
        $ids = 1..2 | ForEach-Object { Submit-TestShellJob -Server $script:uri -Script 'sleep 30' -Tags @($tag) }
        Get-GenieJob -Tag $tag | Stop-GenieJob -Wait
        (Get-GenieJob -Tag $tag).Status | Should -Be @('KILLED', 'KILLED')
    }

    It 'stopping a finished job leaves it as it was' {
        $id = Submit-TestShellJob -Server $script:uri -Script 'true'
        $null = Wait-TestJobFinished -Server $script:uri -Id $id
        (Stop-GenieJob -Id $id -PassThru).Status | Should -Be 'SUCCEEDED'
    }

    It 'an unknown id is a GenieJobNotFound error' {
        Stop-GenieJob -Id 'no-such-job' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'GenieJobNotFound,Sheriff.PowerShell.Commands.StopGenieJobCommand'
        $errs[0].TargetObject | Should -Be 'no-such-job'
    }
}

Describe 'Connection profiles from the config file' {
    BeforeAll {
        $script:savedConfig = $env:SHERIFF_CONFIG
        $script:configFile = Join-Path $script:dataDir 'config.json'
    }
    AfterAll { $env:SHERIFF_CONFIG = $script:savedConfig; $null = Connect-Genie -Uri $script:uri }

    It 'Connect-Genie -Profile connects to the profile''s server' {
        @{ defaultProfile = 'local'; profiles = @{ local = @{ uri = $script:uri.AbsoluteUri; requestTimeoutSec = 30 } } } |
            ConvertTo-Json -Depth 4 | Set-Content $script:configFile
        $env:SHERIFF_CONFIG = $script:configFile
        $session = Connect-Genie -Profile local
        $session.ProfileName | Should -Be 'local'
        $session.Uri.AbsoluteUri | Should -Be $script:uri.AbsoluteUri
    }

    It 'a fresh runspace uses the config''s defaultProfile when nothing else is set' {
        @{ defaultProfile = 'local'; profiles = @{ local = @{ uri = $script:uri.AbsoluteUri } } } | ConvertTo-Json -Depth 4 | Set-Content $script:configFile
        $env:SHERIFF_CONFIG = $script:configFile
        $id = Submit-TestShellJob -Server $script:uri -Script 'true'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$script:ModulePath'; Get-GenieJob -Id '$id'")
            $r = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $r[0].Id | Should -Be $id
        } finally { $ps.Dispose() }
    }

    It 'an unknown profile is GenieProfileNotFound naming the known ones' {
        @{ profiles = @{ prod = @{ uri = 'https://genie.example.com' } } } | ConvertTo-Json -Depth 4 | Set-Content $script:configFile
        $env:SHERIFF_CONFIG = $script:configFile
        $err = { Connect-Genie -Profile dev -ErrorAction Stop } | Should -Throw -ErrorId 'GenieProfileNotFound,Sheriff.PowerShell.Commands.ConnectGenieCommand' -PassThru
        $err.Exception.Message | Should -Match 'prod'
    }

    It 'a malformed config is SheriffConfigInvalid with the line and the field' {
        Set-Content $script:configFile "{`n  ""profiles"": {`n    ""prod"": { ""uri"": ""https://g"", ""timeout"": 5 }`n  }`n}"
        $env:SHERIFF_CONFIG = $script:configFile
        $err = { Connect-Genie -Profile prod -ErrorAction Stop } | Should -Throw -ErrorId 'SheriffConfigInvalid,Sheriff.PowerShell.Commands.ConnectGenieCommand' -PassThru
        $err.Exception.Message | Should -Match 'line 3'
        $err.Exception.Message | Should -Match "unknown key 'timeout'"
    }
}
