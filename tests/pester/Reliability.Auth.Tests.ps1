# Connect-Genie with every auth mode against GenieLocal's test modes, HTTPS checks, config-file auth, and retries in
# -Verbose without any secret (docs/reliability.md, sections Transport and Auth).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:dirs = [System.Collections.Generic.List[string]]::new()
    $script:servers = [System.Collections.Generic.List[object]]::new()
    $script:processes = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()

    function New-Secret { 'secret-' + [guid]::NewGuid().ToString('n') }
    function ConvertTo-Secure([string] $Text) { ConvertTo-SecureString -String $Text -AsPlainText -Force }
    function Start-TestServer {
        param([hashtable] $Parameters = @{})
        $dir = New-TestDataDirectory
        $script:dirs.Add($dir)
        $server = Start-GenieLocal -DataDirectory $dir @Parameters
        $script:servers.Add($server)
        $server
    }
    # GenieLocal with raw arguments (fault injection): returns its base URI
    function Start-RawGenieLocal {
        param([string[]] $Arguments)
        $dll = Join-Path (Split-Path (Get-Module Sheriff).Path) 'genielocal/sheriff-genie-local.dll'
        $dir = New-TestDataDirectory
        $script:dirs.Add($dir)
        $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @($dll, '--port', '0', '--data-dir', $dir) + $Arguments) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $p = [System.Diagnostics.Process]::Start($psi)
        $script:processes.Add($p)
        $null = $p.StandardError.ReadToEndAsync()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ([DateTime]::UtcNow -lt $deadline) {
            $line = $p.StandardOutput.ReadLine()
            if ($null -eq $line) { throw 'GenieLocal exited before it listened' }
            if ($line -like 'LISTENING *') { return [uri]($line.Substring(10).TrimEnd('/') + '/') }
        }
        throw 'GenieLocal did not start'
    }
    # everything a command writes to any stream, as text
    function Get-AllText([scriptblock] $Script) {
        (& $Script *>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.ToString() + ' ' + $_.ErrorDetails } else { $_ | Out-String } }) -join "`n"
    }
}

AfterAll {
    foreach ($s in $script:servers) { if (-not $s.HasExited) { Stop-GenieLocal -InputObject $s -ErrorAction SilentlyContinue } }
    foreach ($p in $script:processes) { if (-not $p.HasExited) { $p.Kill($true); $null = $p.WaitForExit(5000) } }
    foreach ($d in $script:dirs) { Remove-Item -Recurse -Force $d -ErrorAction SilentlyContinue }
    Remove-Item Env:SHERIFF_PESTER_TOKEN -ErrorAction SilentlyContinue
}

Describe 'Bearer tokens' {
    BeforeAll {
        $script:token = New-Secret
        $script:server = Start-TestServer @{ Token = (ConvertTo-Secure $script:token) }
        $script:tokenFile = Join-Path $script:dirs[-1] 'token.txt'
        Set-Content -Path $script:tokenFile -Value $script:token -NoNewline
    }

    It 'Start-GenieLocal -Token makes a default session that sends the token' {
        { Get-GenieJob -Id 'no-such-job' -ErrorAction Stop } | Should -Throw -ErrorId 'GenieJobNotFound,Sheriff.PowerShell.Commands.GetGenieJobCommand'
    }

    It 'connects with -Token <SecureString>' {
        $session = Connect-Genie -Uri $script:server.Uri -Token (ConvertTo-Secure $script:token)
        $session.Authentication | Should -Be 'bearer token from a SecureString'
        $session.ServerDescription | Should -Not -BeNullOrEmpty
    }

    It 'connects with -TokenEnvironmentVariable, reading the variable at each request' {
        $env:SHERIFF_PESTER_TOKEN = $script:token
        $session = Connect-Genie -Uri $script:server.Uri -TokenEnvironmentVariable SHERIFF_PESTER_TOKEN
        $session.Authentication | Should -Be 'bearer token from environment variable SHERIFF_PESTER_TOKEN'
        $env:SHERIFF_PESTER_TOKEN = 'rotated-but-wrong'
        { Get-GenieJob -Id x -Session $session -ErrorAction Stop } | Should -Throw -ErrorId 'GenieAuthenticationFailed,Sheriff.PowerShell.Commands.GetGenieJobCommand'
    }

    It 'connects with -TokenCommand (the platform shell runs it; its output is the token)' {
        $session = Connect-Genie -Uri $script:server.Uri -TokenCommand "cat '$script:tokenFile'"
        $session.Authentication | Should -Be 'bearer token from a token command'
        { Get-GenieJob -Id 'no-such-job' -Session $session -ErrorAction Stop } | Should -Throw -ErrorId 'GenieJobNotFound,Sheriff.PowerShell.Commands.GetGenieJobCommand'
    }

    It 'a failing token command is GenieAuthenticationFailed naming the command, not its text' {
        $err = { Connect-Genie -Uri $script:server.Uri -TokenCommand 'echo secret-on-stderr >&2; exit 4' -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'GenieAuthenticationFailed,Sheriff.PowerShell.Commands.ConnectGenieCommand'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.TargetObject | Should -Be 'token command'
        $err.Exception.Message | Should -Match 'exited with code 4'
        $err.Exception.Message | Should -Not -Match 'secret-on-stderr'
    }

    It 'no credential or a wrong token is GenieAuthenticationFailed (401), not retried' {
        { Connect-Genie -Uri $script:server.Uri -ErrorAction Stop } | Should -Throw -ErrorId 'GenieAuthenticationFailed,Sheriff.PowerShell.Commands.ConnectGenieCommand'
        $records = [System.Collections.Generic.List[object]]::new()
        $err = { Connect-Genie -Uri $script:server.Uri -Token (ConvertTo-Secure 'wrong') -Verbose 4>&1 | ForEach-Object { $records.Add($_) } } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'GenieAuthenticationFailed,Sheriff.PowerShell.Commands.ConnectGenieCommand'
        @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 0
        ($records.Message -match 'retry') | Should -BeNullOrEmpty
    }

    It 'two ways to authenticate at once is an InvalidParameterValue error' {
        { Connect-Genie -Uri $script:server.Uri -Token (ConvertTo-Secure 'a') -TokenEnvironmentVariable X -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidParameterValue,Sheriff.PowerShell.Commands.ConnectGenieCommand'
    }

    It 'never shows the token: session formatting, verbose, errors' {
        $text = Get-AllText {
            $s = Connect-Genie -Uri $script:server.Uri -Token (ConvertTo-Secure $script:token) -Verbose
            $s | Format-List * | Out-String
            $s.Options | Format-List * | Out-String
            Get-GenieJob -Id 'missing' -Session $s -Verbose
        }
        $text | Should -Match 'GenieJob|missing'
        $text | Should -Not -Match ([regex]::Escape($script:token))
    }
}

Describe 'Basic auth' {
    BeforeAll {
        $script:password = New-Secret
        $script:credential = [pscredential]::new('svc-genie', (ConvertTo-Secure $script:password))
        $script:basic = Start-TestServer @{ Credential = $script:credential }
    }

    It 'connects with -Credential' {
        $session = Connect-Genie -Uri $script:basic.Uri -Credential $script:credential
        $session.Authentication | Should -Match "^basic auth as 'svc-genie'"
    }

    It 'a wrong password is GenieAuthenticationFailed' {
        $wrong = [pscredential]::new('svc-genie', (ConvertTo-Secure 'wrong'))
        { Connect-Genie -Uri $script:basic.Uri -Credential $wrong -ErrorAction Stop } | Should -Throw -ErrorId 'GenieAuthenticationFailed,Sheriff.PowerShell.Commands.ConnectGenieCommand'
    }
}

Describe 'OAuth2 client credentials' {
    BeforeAll {
        $script:clientSecret = New-Secret
        $script:client = [pscredential]::new('sheriff-pester', (ConvertTo-Secure $script:clientSecret))
        $script:oauth = Start-TestServer @{ OAuthCredential = $script:client; OAuthTokenTtl = 60 }
        $script:tokenUri = [uri]::new($script:oauth.Uri, 'oauth/token')
    }

    It 'Start-GenieLocal -OAuthCredential makes a default session that gets its tokens there' {
        { Get-GenieJob -Id 'no-such-job' -ErrorAction Stop } | Should -Throw -ErrorId 'GenieJobNotFound,Sheriff.PowerShell.Commands.GetGenieJobCommand'
    }

    It 'connects with -OAuthTokenUri -ClientId -ClientSecret, fetching one token for many requests' {
        $session = Connect-Genie -Uri $script:oauth.Uri -OAuthTokenUri $script:tokenUri -ClientId 'sheriff-pester' -ClientSecret (ConvertTo-Secure $script:clientSecret) -Scope genie
        1..3 | ForEach-Object { Get-GenieJob -Id 'nope' -Session $session -ErrorAction SilentlyContinue }
        $session.Options.Credential.TokensFetched | Should -Be 1
        $session.Client.Statistics.TokenFetches | Should -Be 1
    }

    It 'connects with -OAuthCredential' {
        $session = Connect-Genie -Uri $script:oauth.Uri -OAuthTokenUri $script:tokenUri -OAuthCredential $script:client
        $session.Authentication | Should -Match "^OAuth2 client 'sheriff-pester'"
    }

    It 'a wrong client secret is GenieAuthenticationFailed with the token endpoint as target' {
        $err = { Connect-Genie -Uri $script:oauth.Uri -OAuthTokenUri $script:tokenUri -ClientId 'sheriff-pester' -ClientSecret (ConvertTo-Secure 'wrong') -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'GenieAuthenticationFailed,Sheriff.PowerShell.Commands.ConnectGenieCommand'
        $err.TargetObject | Should -Be $script:tokenUri.AbsoluteUri
        $err.Exception.Message | Should -Match 'invalid_client'
    }

    It '-ClientId without -OAuthTokenUri is an InvalidParameterValue error' {
        { Connect-Genie -Uri $script:oauth.Uri -ClientId x -ClientSecret (ConvertTo-Secure 'y') -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidParameterValue,Sheriff.PowerShell.Commands.ConnectGenieCommand'
    }
}

Describe 'HTTPS' {
    BeforeAll {
        $script:https = Start-TestServer @{ Https = $true }
    }

    It 'Start-GenieLocal -Https serves HTTPS and its session trusts exactly that certificate' {
        $script:https.Uri.Scheme | Should -Be 'https'
        $script:https.CertificateThumbprint | Should -Match '^[0-9A-F]{40}$'
        { Get-GenieJob -Id 'no-such-job' -ErrorAction Stop } | Should -Throw -ErrorId 'GenieJobNotFound,Sheriff.PowerShell.Commands.GetGenieJobCommand'
    }

    It 'verifies certificates by default: an untrusted one is GenieConnectionFailed (SecurityError)' {
        $err = { Connect-Genie -Uri $script:https.Uri -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'GenieConnectionFailed,Sheriff.PowerShell.Commands.ConnectGenieCommand'
        $err.CategoryInfo.Category | Should -Be 'SecurityError'
        $err.ErrorDetails.RecommendedAction | Should -Match 'SkipCertificateCheck'
    }

    It '-SkipCertificateCheck connects and warns once' {
        $session = Connect-Genie -Uri $script:https.Uri -SkipCertificateCheck -WarningVariable warnings -WarningAction SilentlyContinue
        $session.Options.SkipCertificateCheck | Should -BeTrue
        @($warnings).Count | Should -Be 1
        $warnings[0] | Should -Match 'certificate check is off'
        Get-GenieJob -Id 'x' -Session $session -ErrorAction SilentlyContinue -WarningVariable more -WarningAction SilentlyContinue
        @($more).Count | Should -Be 0
    }

    It '-TrustedCertificateThumbprint trusts that one certificate without turning checks off' {
        $session = Connect-Genie -Uri $script:https.Uri -TrustedCertificateThumbprint $script:https.CertificateThumbprint -WarningVariable warnings
        $session.Options.SkipCertificateCheck | Should -BeFalse
        @($warnings).Count | Should -Be 0
    }
}

Describe 'Auth and retries from the config file' {
    BeforeAll {
        $script:cfgToken = New-Secret
        $script:cfgServer = Start-TestServer @{ Token = (ConvertTo-Secure $script:cfgToken) }
        $script:config = Join-Path $script:dirs[-1] 'sheriff-config.json'
        $script:savedConfig = $env:SHERIFF_CONFIG
    }
    AfterAll { $env:SHERIFF_CONFIG = $script:savedConfig }

    It 'a profile names the token variable and its retry policy' {
        @{ profiles = @{ pester = @{ uri = $script:cfgServer.Uri.ToString(); requestTimeoutSeconds = 30
                    retry = @{ maxAttempts = 3; baseDelayMs = 10; maxDelayMs = 100; maxTotalSeconds = 20 }; maxConsecutiveFailures = 7
                    auth = @{ type = 'bearer'; tokenEnv = 'SHERIFF_PESTER_TOKEN' } } } } | ConvertTo-Json -Depth 6 | Set-Content $script:config
        $env:SHERIFF_CONFIG = $script:config
        $env:SHERIFF_PESTER_TOKEN = $script:cfgToken
        $session = Connect-Genie -Profile pester
        $session.Authentication | Should -Be 'bearer token from environment variable SHERIFF_PESTER_TOKEN'
        $session.Options.Retry.MaxAttempts | Should -Be 3
        $session.Options.RequestTimeout.TotalSeconds | Should -Be 30
        $session.Options.MaxConsecutiveFailures | Should -Be 7
        (Connect-Genie -Profile pester -MaxAttempts 1).Options.Retry.MaxAttempts | Should -Be 1
    }

    It 'refuses a literal secret in the file' {
        @{ profiles = @{ pester = @{ uri = $script:cfgServer.Uri.ToString(); auth = @{ type = 'bearer'; token = 'literal' } } } } | ConvertTo-Json -Depth 6 | Set-Content $script:config
        $env:SHERIFF_CONFIG = $script:config
        $err = { Connect-Genie -Profile pester -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'SheriffConfigInvalid,Sheriff.PowerShell.Commands.ConnectGenieCommand'
        $err.Exception.Message | Should -Match "cannot hold a secret \('token'\)"
        $err.Exception.Message | Should -Not -Match 'literal'
    }
}

Describe 'Retries in -Verbose' {
    BeforeAll {
        $script:faultToken = New-Secret
        $tokenFile = Join-Path ([IO.Path]::GetTempPath()) ('sheriff-pester-token-' + [guid]::NewGuid().ToString('n'))
        Set-Content -Path $tokenFile -Value $script:faultToken -NoNewline
        try {
            # half of the API requests answer 503 before doing anything (GenieLocal's fault injection, fixed seed)
            $script:faultUri = Start-RawGenieLocal @('--token-file', $tokenFile, '--fault-rate', '0.5', '--faults', '503-before', '--fault-seed', '11')
        } finally { Remove-Item $tokenFile -ErrorAction SilentlyContinue }
    }

    It 'shows each retry in the documented shape, and the token nowhere' {
        $session = Connect-Genie -Uri $script:faultUri -NoValidation -Token (ConvertTo-Secure $script:faultToken) -MaxAttempts 10
        $records = foreach ($i in 1..6) { Get-GenieJob -Id "missing-$i" -Session $session -Verbose -ErrorAction Continue *>&1 }
        $verbose = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $retries = @($verbose -match '^Genie GET /api/v3/jobs/missing-\d: 503 Service Unavailable; retry \d+ of 9 in \d+\.\d s$')
        $retries.Count | Should -BeGreaterThan 0
        # every lookup got past the faults: six not-found errors, no 503 error
        $errors = @($records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors.Count | Should -Be 6
        $errors | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be 'GenieJobNotFound,Sheriff.PowerShell.Commands.GetGenieJobCommand' }
        ($records | Out-String) | Should -Not -Match ([regex]::Escape($script:faultToken))
        $session.Client.Statistics.Retries | Should -Be $retries.Count
    }
}

Describe 'Idempotent submit: a reused -JobId' {
    BeforeAll {
        $script:submitServer = Start-TestServer
        $script:py = Join-Path $script:dirs[-1] 'job.py'
        Set-Content -Path $script:py -Value "print('hi')"
        $script:jobId = 'pester-idem-' + [guid]::NewGuid().ToString('n').Substring(0, 10)
        $script:first = Submit-SparkJob -Script $script:py -ClusterTags sched:adhoc -JobId $script:jobId -Name 'idem' -ArgumentList 'a' -Confirm:$false
    }

    It 'the same request again from this session re-attaches to the job it created (verbose says so)' {
        $records = Submit-SparkJob -Script $script:py -ClusterTags sched:adhoc -JobId $script:jobId -Name 'idem' -ArgumentList 'a' -Confirm:$false -Verbose 4>&1
        $job = $records | Where-Object { $_ -is [Sheriff.Core.Genie.GenieJob] }
        $job.Id | Should -Be $script:jobId
        ($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain (
            "Genie POST /api/v3/jobs: 409 Conflict for job id '$script:jobId', which an earlier attempt of this submission created (same name and request hash); re-attached to it.")
        @(Get-GenieJob -Name 'idem' -Mine | Where-Object Id -eq $script:jobId).Count | Should -Be 1
    }

    It 'a different request under the same id is GenieJobIdConflict (ResourceExists, target the id, a way out)' {
        $err = { Submit-SparkJob -Script $script:py -ClusterTags sched:adhoc -JobId $script:jobId -Name 'idem' -ArgumentList 'b' -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'GenieJobIdConflict,Sheriff.PowerShell.Commands.SubmitSparkJobCommand'
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        $err.TargetObject | Should -Be $script:jobId
        $err.Exception.Message | Should -Match 'is a different request \(its request hash differs\)'
        $err.ErrorDetails.RecommendedAction | Should -Match '-JobId'
    }
}
