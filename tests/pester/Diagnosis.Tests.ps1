BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Cmd = 'Sheriff.PowerShell.Commands.GetJobDiagnosisCommand'
    $script:FireTitle = 'Script error - import error (bad name or module not installed): No module named fire'
}

Describe 'Get-JobDiagnosis against GenieLocal' {
    BeforeAll {
        $script:dataDir = New-TestDataDirectory
        $script:server = Start-GenieLocal -DataDirectory $script:dataDir
        $uri = $script:server.Uri
        $script:fire = Submit-TestShellJob -Server $uri -Name 'diag-fire' -Script "echo 'starting'; python3 -c 'import fire'"
        $script:ok = Submit-TestShellJob -Server $uri -Name 'diag-ok' -Script "echo '24/05/01 10:00:00 WARN NativeCodeLoader: Unable to load native-hadoop library' >&2; echo '24/05/01 10:00:01 WARN TaskSetManager: Lost task 1.0 in stage 0.0 (TID 1): java.lang.OutOfMemoryError: Java heap space' >&2; echo done"
        # 20 MB of noise on stderr before the real error: only the end may be downloaded.
        $script:big = Submit-TestShellJob -Server $uri -Name 'diag-big' -Script "yes '24/05/01 10:00:00 INFO Noise: nothing to see here, just a long and boring line of log output' | head -c 20000000 >&2; python3 -c 'import fire'"
        Wait-TestJobFinished -Server $uri -Id $script:fire -TimeoutSec 60 | Should -Be 'FAILED'
        Wait-TestJobFinished -Server $uri -Id $script:ok -TimeoutSec 60 | Should -Be 'SUCCEEDED'
        Wait-TestJobFinished -Server $uri -Id $script:big -TimeoutSec 120 | Should -Be 'FAILED'
    }
    AfterAll {
        if ($script:server -and -not $script:server.HasExited) { Stop-GenieLocal -InputObject $script:server }
        Remove-Item -Recurse -Force $script:dataDir -ErrorAction SilentlyContinue
    }

    It 'diagnoses a piped GenieJob that failed on a missing Python module' {
        $d = Get-GenieJob -Id $script:fire | Get-JobDiagnosis
        $d | Should -HaveCount 1
        $d | Should -BeOfType ([Sheriff.Core.Diagnosis.JobDiagnosis])
        $d.Title | Should -BeExactly $script:FireTitle
        $d.Category | Should -Be 'MissingModule'
        $d.RuleId | Should -Be 'python-no-module'
        $d.JobId | Should -Be $script:fire
        $d.JobStatus | Should -Be 'FAILED'
        $d.IsFailure | Should -BeTrue
        $d.Recommendation | Should -Match 'dependencies'
        ($d.Evidence | Where-Object File -eq 'stderr').Text | Should -Contain "ModuleNotFoundError: No module named 'fire'"
    }

    It 'binds ids by value and -JobId, and answers to Get-GenieJobDiagnosis' {
        ($script:fire | Get-JobDiagnosis).Category | Should -Be 'MissingModule'
        (Get-JobDiagnosis -JobId $script:fire).Category | Should -Be 'MissingModule'
        (Get-GenieJobDiagnosis -Id $script:fire).Title | Should -BeExactly $script:FireTitle
    }

    It 'the default view reads like a report, and -AsText returns it as one string' {
        $view = Get-JobDiagnosis -Id $script:fire | Out-String
        $view | Should -Match '========= Report =========='
        $view | Should -Match ([regex]::Escape($script:FireTitle))
        $text = Get-JobDiagnosis -Id $script:fire -AsText
        $text | Should -BeOfType [string]
        $text | Should -BeLike "========= Report ==========`n$($script:FireTitle)`n*"
        $text | Should -Match 'Evidence:'
    }

    It 'gives no failure diagnosis for a successful job with scary warnings' {
        $d = Get-JobDiagnosis -Id $script:ok
        $d.IsFailure | Should -BeFalse
        $d.Category | Should -Be 'None'
        $d.RuleId | Should -BeNullOrEmpty
    }

    It 'reads only the end of a large stderr (at most 2 MB)' {
        $d = Get-JobDiagnosis -Id $script:big
        $d.Title | Should -BeExactly $script:FireTitle
        $d.BytesRead | Should -BeLessOrEqual (2MB)
    }

    It 'writes GenieJobNotFound for an unknown job and goes on' {
        $results = Get-JobDiagnosis -Id 'no-such-job', $script:fire -ErrorVariable errs -ErrorAction SilentlyContinue
        $results | Should -HaveCount 1
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be "GenieJobNotFound,$script:Cmd"
        $errs[0].TargetObject | Should -Be 'no-such-job'
    }
}

Describe 'Get-JobDiagnosis on local files and text' {
    BeforeAll {
        $script:dir = New-TestDataDirectory
        $script:log = Join-Path $script:dir 'stderr.log'
        Set-Content -Path $script:log -Value @(
            '24/05/01 10:00:00 INFO SparkContext: Running Spark version 3.5.1'
            'Traceback (most recent call last):'
            '  File "job.py", line 9, in <module>'
            "AttributeError: 'DataFrame' object has no attribute 'union'"
        )
    }
    AfterAll { Remove-Item -Recurse -Force $script:dir -ErrorAction SilentlyContinue }

    It '-Path streams a local file' {
        $d = Get-JobDiagnosis -Path $script:log
        $d.Title | Should -BeExactly "Script error - AttributeError: 'DataFrame' object has no attribute 'union'"
        $d.Category | Should -Be 'UserCode'
        $d.Evidence[-1].LineNumber | Should -Be 4
    }

    It '-InputObject takes text; -JobStatus SUCCEEDED suppresses a failure diagnosis' {
        $text = Get-Content -Raw $script:log
        (Get-JobDiagnosis -InputObject $text).Category | Should -Be 'UserCode'
        (Get-JobDiagnosis -InputObject $text -JobStatus SUCCEEDED).Category | Should -Be 'None'
    }

    It 'says so when nothing matches, with the last error lines' {
        $d = Get-JobDiagnosis -InputObject "step 1`nERROR flux capacitor misaligned`nstep 2" -JobStatus FAILED
        $d.Category | Should -Be 'Unknown'
        $d.Title | Should -Be 'No known failure signature matched'
        $d.Evidence.Text | Should -Contain 'ERROR flux capacitor misaligned'
    }

    It '-RulePath adds team rules' {
        $rules = Join-Path $script:dir 'team.json'
        Set-Content -Path $rules -Value '[{"id":"team-flux","category":"UserCode","patterns":["flux capacitor (?<state>\\w+)"],"titleTemplate":"Flux capacitor {state}","priority":99}]'
        (Get-JobDiagnosis -InputObject 'ERROR flux capacitor misaligned' -RulePath $rules).Title | Should -Be 'Flux capacitor misaligned'
    }

    It 'a malformed rule file is a terminating RuleFileInvalid error naming file, rule and field' {
        $rules = Join-Path $script:dir 'bad.json'
        Set-Content -Path $rules -Value '[{"id":"broken","category":"UserCode","patterns":["(unclosed"],"titleTemplate":"t"}]'
        $err = { Get-JobDiagnosis -InputObject 'x' -RulePath $rules } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be "RuleFileInvalid,$script:Cmd"
        $err.Exception.Message | Should -Match ([regex]::Escape($rules))
        $err.Exception.Message | Should -Match "rule 'broken'"
        $err.Exception.Message | Should -Match "field 'patterns\[0\]'"
    }
}
