# Soak (suite size: 100 jobs; bench/Soak.ps1 runs the full 500 for docs/reliability.md): submissions through the users'
# client against GenieLocal injecting 20% faults of every kind (503 and resets before and after the server did the work,
# 429 with Retry-After, latency, truncated bodies) -> exactly one job per submission, none twice, none lost, no failure
# the client can see, and every Wait-GenieJob completes.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'ReliabilityCommon.ps1')
    $script:dataDir = New-TestDataDirectory
    $script:soak = Invoke-GenieSoak -Jobs 100 -FaultRate 0.2 -LatencyMs 500 -Concurrency 8 -WaitTimeoutSec 600 -DataDirectory $script:dataDir
    $script:soak | Select-Object * -ExcludeProperty ClientFailures, WaitErrors, Injected | Format-List | Out-String | Write-Host
    "injected: $($script:soak.Injected | ConvertTo-Json -Compress)" | Write-Host
}

AfterAll {
    Remove-Item -Recurse -Force $script:dataDir -ErrorAction SilentlyContinue
}

Describe 'Soak: 100 submissions under a 20% fault rate (suite size)' {
    It 'injected faults of every kind, including after the server had done the work' {
        $script:soak.InjectedTotal | Should -BeGreaterThan 20
        foreach ($kind in '503-before', '503-after', '429', 'reset-before', 'reset-after', 'latency', 'truncate') {
            $script:soak.Injected.$kind | Should -BeGreaterThan 0 -Because "the mix includes $kind"
        }
        $script:soak.InjectedBy | Should -Match 'POST=[1-9]'
    }

    It 'no submission failed as far as the client can see' {
        $script:soak.ClientFailures | Should -BeNullOrEmpty
        $script:soak.WrongIdReturned | Should -Be 0
        $script:soak.SubmitRetries | Should -BeGreaterThan 0 -Because 'the faults made the client retry'
    }

    It 're-attached to jobs whose submission answer was lost, instead of submitting them twice' {
        $script:soak.Reattached | Should -BeGreaterThan 0
    }

    It 'exactly one job per submission exists: none twice, none lost' {
        $script:soak.ServerJobs | Should -Be 100
        $script:soak.DistinctIds | Should -Be 100
        $script:soak.Duplicates | Should -Be 0
        $script:soak.Lost | Should -Be 0
        $script:soak.Unknown | Should -Be 0
        $script:soak.Statuses | Should -Be 'SUCCEEDED=100'
    }

    It 'every wait completes' {
        $script:soak.WaitErrors | Should -BeNullOrEmpty
        $script:soak.Waited | Should -Be 100
        $script:soak.WaitedSucceeded | Should -Be 100
    }
}
