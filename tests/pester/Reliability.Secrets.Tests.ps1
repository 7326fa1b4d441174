# Secret scan: a bearer-protected GenieLocal with a known random token; the module's main scenarios run with verbose,
# debug and information on and every stream redirected (*>&1); every captured record (its text, error details, recommended action,
# exception chain, invocation info, target) and every file written (this test's temp folders, exported specs, the
# module's bundle cache, GenieLocal's data directory with its SQLite store, job folders and log) is searched for the
# secret, for a wrong token used on purpose, and for the encodings a header or a URL would carry.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'ReliabilityCommon.ps1')

    function New-Secret { 'shh' + [guid]::NewGuid().ToString('n') + [guid]::NewGuid().ToString('n').Substring(0, 8) }
    $script:secret = New-Secret
    $script:wrongSecret = New-Secret
    # What a leak could look like: the token, a long run of it, and base64/URL forms of it (as in an Authorization header).
    function Get-SecretForm([string] $s) {
        $s
        $s.Substring(6, 24)
        [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($s))
        [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("Bearer $s"))
        [uri]::EscapeDataString($s)
    }
    # Basic and OAuth2 client-credential secrets (GenieLocal --basic-user / --oauth-client), and their header forms.
    $script:basicUser = 'sheriff-user'
    $script:basicSecret = New-Secret
    $script:oauthClient = 'sheriff-client'
    $script:oauthSecret = New-Secret
    $script:forms = @(
        Get-SecretForm $script:secret
        Get-SecretForm $script:wrongSecret
        Get-SecretForm $script:basicSecret
        Get-SecretForm $script:oauthSecret
        [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("$($script:basicUser):$($script:basicSecret)"))
        [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("$($script:oauthClient):$($script:oauthSecret)"))
    ) | Select-Object -Unique
    # An access token GenieLocal's token endpoint issued ('gl-' and 43 base64url characters) is a secret too.
    $script:issuedToken = 'gl-[A-Za-z0-9_-]{43}'

    $script:root = New-TestDataDirectory
    $script:work = Join-Path $script:root 'work'
    New-Item -ItemType Directory -Path $script:work | Out-Null
    $script:savedCache = $env:XDG_CACHE_HOME
    $env:XDG_CACHE_HOME = Join-Path $script:root 'cache' # the module's bundle cache lands here
    $script:savedConfig = $env:SHERIFF_CONFIG
    $env:SHERIFF_CONFIG = Join-Path $script:root 'config.json'
    '{ "profiles": {} }' | Set-Content -Path $env:SHERIFF_CONFIG
    # the secrets' own files (what a user keeps in a vault) are the only files allowed to hold them
    $script:secretDir = Join-Path $script:root 'secrets'
    New-Item -ItemType Directory -Path $script:secretDir | Out-Null
    $script:tokenFile = Join-Path $script:secretDir 'token.txt'
    Set-Content -Path $script:tokenFile -Value $script:secret -NoNewline
    Set-Content -Path (Join-Path $script:secretDir 'basic.txt') -Value $script:basicSecret -NoNewline
    Set-Content -Path (Join-Path $script:secretDir 'oauth.txt') -Value $script:oauthSecret -NoNewline

    $script:dataDir = Join-Path $script:root 'genie'
    $script:server = Start-TestGenieLocal -DataDirectory $script:dataDir -ExtraArgs '--token', $script:secret, '--max-running', '8'
    $script:uri = $script:server.Uri
    # set only now: GenieLocal hands its own environment to its jobs (env.log), and a client's variable is not the server's
    $env:SHERIFF_TEST_SECRET = $script:secret

    $script:project = Join-Path $script:work 'project'
    New-Item -ItemType Directory -Path $script:project -Force | Out-Null
    "import helper`nprint(helper.greet())" | Set-Content (Join-Path $script:project 'main.py')
    "def greet():`n    return 'hello from the project'" | Set-Content (Join-Path $script:project 'helper.py')

    $script:captured = [System.Collections.Generic.List[object]]::new()

    # Everything a record can show: its text, error details, action, exception chain (with stack), invocation, target.
    function ConvertTo-ScanText($record) {
        $parts = [System.Collections.Generic.List[string]]::new()
        $parts.Add("$record")
        if ($record -is [System.Management.Automation.ErrorRecord]) {
            $parts.Add("$($record.Exception)") # type, message, inner exceptions, stack
            $parts.Add("$($record.ErrorDetails.Message) $($record.ErrorDetails.RecommendedAction)")
            $parts.Add("$($record.CategoryInfo) $($record.FullyQualifiedErrorId) $($record.TargetObject)")
            $parts.Add("$($record.InvocationInfo.Line) $($record.InvocationInfo.PositionMessage) $($record.ScriptStackTrace)")
            foreach ($key in $record.Exception.Data.Keys) { $parts.Add("$key=$($record.Exception.Data[$key])") }
        } elseif ($record -is [System.Management.Automation.InformationalRecord]) {
            $parts.Add($record.Message)
            $parts.Add("$($record.InvocationInfo.Line)")
        } elseif ($record -is [System.Management.Automation.InformationRecord]) {
            $parts.Add("$($record.MessageData)")
        } elseif ($null -ne $record) {
            $parts.Add(($record | Format-List -Property * -Force | Out-String -Width 4096))
            try { $parts.Add(($record | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue)) } catch { $parts.Add("(not JSON: $($_.Exception.Message))") }
        }
        $parts -join "`n"
    }

    # Runs a scenario with every stream merged into the output and the verbose/debug/information preferences on
    # (through the preference variables: -Debug on a cmdlet that calls ShouldProcess makes PowerShell ask "Continue
    # with this operation?", which would wait for a key in a console); keeps all records,
    # and a transcript of the scenario for what goes straight to the host (-WhatIf's "What if:" text).
    $script:transcripts = Join-Path $script:root 'transcripts'
    New-Item -ItemType Directory -Path $script:transcripts | Out-Null
    function Invoke-Scenario([string] $Name, [scriptblock] $Script) {
        $VerbosePreference = 'Continue'
        $DebugPreference = 'Continue'
        $InformationPreference = 'Continue'
        $WarningPreference = 'Continue'
        $transcript = Join-Path $script:transcripts (($Name -replace '[^\w-]+', '_') + '.txt')
        $null = Start-Transcript -Path $transcript -Force
        try { $records = @(try { & $Script *>&1 } catch { $_ }) } finally { $null = Stop-Transcript }
        foreach ($r in $records) { $script:captured.Add([pscustomobject]@{ Scenario = $Name; Record = $r; Text = ConvertTo-ScanText $r }) }
        $hostText = Get-Content -Raw -Path $transcript
        $script:captured.Add([pscustomobject]@{ Scenario = $Name; Record = 'transcript'; Text = $hostText })
        $records
    }

    function Find-Secret([string] $Text) {
        foreach ($f in $script:forms) { if ($Text.Contains($f)) { $f } }
        if ($Text -match $script:issuedToken) { "issued access token $($Matches[0].Substring(0, 8))..." }
    }

    Push-Location $script:work
    $secure = ConvertTo-SecureString $script:secret -AsPlainText -Force
    $wrong = ConvertTo-SecureString $script:wrongSecret -AsPlainText -Force
    $script:outcome = @{}

    # Connect: from an environment variable, a SecureString, a command that prints the token.
    $script:outcome.ConnectEnv = Invoke-Scenario 'Connect-Genie -TokenEnvironmentVariable' {
        Connect-Genie -Uri $script:uri -TokenEnvironmentVariable SHERIFF_TEST_SECRET -Verbose }
    $script:outcome.ConnectCommand = Invoke-Scenario 'Connect-Genie -TokenCommand' {
        Connect-Genie -Uri $script:uri -TokenCommand "cat '$($script:tokenFile)'" -Verbose }
    $script:outcome.Connect = Invoke-Scenario 'Connect-Genie -Token' {
        Connect-Genie -Uri $script:uri -Token $secure -Verbose }
    $script:outcome.Session = Invoke-Scenario 'session object shown' {
        $session = $script:outcome.Connect | Where-Object { $_ -is [Sheriff.Core.Genie.GenieSession] }
        $session
        $session | Format-List * -Force | Out-String -Width 4096
        $session.Options | Format-List * -Force | Out-String -Width 4096
        $session.Options.Credential | Format-List * -Force | Out-String -Width 4096 }

    # Submit: -WhatIf, -ExportSpec, for real (a project bundle through the cache), with -Wait.
    $script:specFile = Join-Path $script:work 'exported-spec.json'
    $script:outcome.WhatIf = Invoke-Scenario 'Submit-SparkJob -WhatIf' {
        Submit-SparkJob -Script (Join-Path $script:project 'main.py') -ProjectPath $script:project -ClusterTags sched:adhoc -Name secret-whatif -WhatIf -Verbose }
    $script:outcome.Export = Invoke-Scenario 'Submit-SparkJob -ExportSpec' {
        Submit-SparkJob -Script (Join-Path $script:project 'main.py') -ProjectPath $script:project -ClusterTags sched:adhoc -Name secret-export -ExportSpec $script:specFile -Verbose }
    $script:outcome.Submit = Invoke-Scenario 'Submit-SparkJob -Wait' {
        Submit-SparkJob -Script (Join-Path $script:project 'main.py') -ProjectPath $script:project -ClusterTags sched:adhoc -Name secret-submit -Tag secret:scan -Wait -WaitTimeout 60 -Verbose }
    $script:jobId = ($script:outcome.Submit | Where-Object { $_ -is [Sheriff.Core.Genie.GenieJob] } | Select-Object -First 1).Id
    $failing = Join-Path $script:work 'fail.py'
    "import sys`nsys.stderr.write('java.lang.OutOfMemoryError: Java heap space\n')`nsys.exit(1)" | Set-Content $failing
    $script:failedId = (Submit-SparkJob -Script $failing -ClusterTags sched:adhoc -Name secret-failed).Id

    # Read: get, search with details (metadata shown), wait, output, listing, diagnosis, stop.
    $script:outcome.Get = Invoke-Scenario 'Get-GenieJob -Id' { Get-GenieJob -Id $script:jobId -Verbose | Format-List * | Out-String -Width 4096 }
    $script:outcome.Detailed = Invoke-Scenario 'Get-GenieJob -Detailed' { Get-GenieJob -Tag secret:scan -Detailed -Verbose | Format-List * | Out-String -Width 4096 }
    $script:outcome.Wait = Invoke-Scenario 'Wait-GenieJob' { Wait-GenieJob -Id $script:jobId, $script:failedId -Timeout 60 -PollInterval 0.5 -Verbose }
    $script:outcome.Output = Invoke-Scenario 'Get-GenieJobOutput' {
        Get-GenieJobOutput -Id $script:jobId -Verbose
        Get-GenieJobOutput -Id $script:jobId -List -Verbose | Format-Table * | Out-String -Width 4096
        Get-GenieJobOutput -Id $script:jobId -Path run -Raw -Verbose
        Get-GenieJobOutput -Id $script:jobId -OutFile (Join-Path $script:work 'stdout.txt') -Verbose }
    $script:outcome.Diagnosis = Invoke-Scenario 'Get-JobDiagnosis' { Get-JobDiagnosis -Id $script:failedId -Verbose | Format-List * | Out-String -Width 4096 }
    $sleepy = Join-Path $script:work 'sleep.py'
    "import time`ntime.sleep(60)" | Set-Content $sleepy
    $sleeper = (Submit-SparkJob -Script $sleepy -ClusterTags sched:adhoc -Name secret-sleeper).Id
    $script:outcome.Stop = Invoke-Scenario 'Stop-GenieJob' { Stop-GenieJob -Id $sleeper -Wait -PassThru -Verbose }

    # Errors: a wrong token (on connect and on a request), a missing variable, a token command that fails after
    # printing the token, a job that does not exist.
    $script:outcome.WrongConnect = Invoke-Scenario 'Connect-Genie wrong token' { Connect-Genie -Uri $script:uri -Token $wrong -Verbose }
    $script:outcome.WrongRequest = Invoke-Scenario 'request with a wrong token' {
        $s = Connect-Genie -Uri $script:uri -Token $wrong -NoValidation
        Get-GenieJob -Id $script:jobId -Session $s -Verbose
        Submit-SparkJob -Script (Join-Path $script:project 'main.py') -ClusterTags sched:adhoc -Name secret-denied -Session $s -Verbose }
    $script:outcome.MissingVariable = Invoke-Scenario 'Connect-Genie missing variable' {
        Connect-Genie -Uri $script:uri -TokenEnvironmentVariable SHERIFF_TEST_NO_SUCH_VARIABLE -Verbose }
    $script:outcome.FailingCommand = Invoke-Scenario 'Connect-Genie failing token command' {
        Connect-Genie -Uri $script:uri -TokenCommand "cat '$($script:tokenFile)'; cat '$($script:tokenFile)' >&2; exit 3" -Verbose }
    $script:outcome.NotFound = Invoke-Scenario 'Get-GenieJob missing job' { Get-GenieJob -Id 'no-such-job' -Verbose }

    # Basic auth and OAuth2 client credentials, each against its own GenieLocal (when this GenieLocal has the modes).
    $script:modes = @{}
    foreach ($mode in 'basic', 'oauth') {
        $modeArgs = if ($mode -eq 'basic') { '--basic-user', $script:basicUser, '--basic-password-file', (Join-Path $script:secretDir 'basic.txt') }
            else { '--oauth-client', $script:oauthClient, '--oauth-secret-file', (Join-Path $script:secretDir 'oauth.txt') }
        # as above: the client's secret variable must not be in the environment a server (and so its jobs) inherits
        $env:SHERIFF_TEST_SECRET = $null
        try { $script:modes[$mode] = Start-TestGenieLocal -DataDirectory (Join-Path $script:root "genie-$mode") -ExtraArgs $modeArgs }
        catch { $script:modes[$mode] = $null }
        finally { $env:SHERIFF_TEST_SECRET = $script:secret }
    }
    if ($script:modes.basic) {
        $u = $script:modes.basic.Uri
        $cred = [pscredential]::new($script:basicUser, (ConvertTo-SecureString $script:basicSecret -AsPlainText -Force))
        $badCred = [pscredential]::new($script:basicUser, $wrong)
        $script:outcome.BasicConnect = Invoke-Scenario 'basic: Connect-Genie -Credential' { Connect-Genie -Uri $u -Credential $cred -Verbose }
        $s = $script:outcome.BasicConnect | Where-Object { $_ -is [Sheriff.Core.Genie.GenieSession] }
        $script:outcome.BasicWork = Invoke-Scenario 'basic: submit, wait, read' {
            $job = Submit-SparkJob -Script (Join-Path $script:project 'main.py') -ProjectPath $script:project -ClusterTags sched:adhoc -Name basic-submit -Wait -WaitTimeout 60 -Session $s -Verbose
            $job
            Get-GenieJob -Id $job.Id -Session $s -Verbose | Format-List * | Out-String -Width 4096
            Get-GenieJobOutput -Id $job.Id -Session $s -Verbose
            $s | Format-List * -Force | Out-String -Width 4096 }
        $script:outcome.BasicWrong = Invoke-Scenario 'basic: wrong password' {
            Connect-Genie -Uri $u -Credential $badCred -Verbose
            Get-GenieJob -Id 'x' -Session (Connect-Genie -Uri $u -Credential $badCred -NoValidation) -Verbose }
    }
    if ($script:modes.oauth) {
        $u = $script:modes.oauth.Uri
        $tokenUri = [uri]::new($u, 'oauth/token')
        $clientSecret = ConvertTo-SecureString $script:oauthSecret -AsPlainText -Force
        $script:outcome.OAuthConnect = Invoke-Scenario 'oauth: Connect-Genie client credentials' {
            Connect-Genie -Uri $u -OAuthTokenUri $tokenUri -ClientId $script:oauthClient -ClientSecret $clientSecret -Verbose }
        $s = $script:outcome.OAuthConnect | Where-Object { $_ -is [Sheriff.Core.Genie.GenieSession] }
        $script:outcome.OAuthWork = Invoke-Scenario 'oauth: submit, wait, read' {
            $job = Submit-SparkJob -Script (Join-Path $script:project 'main.py') -ProjectPath $script:project -ClusterTags sched:adhoc -Name oauth-submit -Wait -WaitTimeout 60 -Session $s -Verbose
            $job
            Get-GenieJob -Id $job.Id -Session $s -Verbose | Format-List * | Out-String -Width 4096
            Get-GenieJobOutput -Id $job.Id -Session $s -Verbose
            $s | Format-List * -Force | Out-String -Width 4096 }
        $script:outcome.OAuthWrong = Invoke-Scenario 'oauth: wrong client secret' {
            Connect-Genie -Uri $u -OAuthTokenUri $tokenUri -ClientId $script:oauthClient -ClientSecret $wrong -Verbose }
    }

    $null = Connect-Genie -Uri $script:uri -Token $secure
    Pop-Location
}

AfterAll {
    Stop-TestGenieLocal $script:server
    foreach ($m in $script:modes.Values) { Stop-TestGenieLocal $m }
    $env:XDG_CACHE_HOME = $script:savedCache
    $env:SHERIFF_CONFIG = $script:savedConfig
    Remove-Item Env:SHERIFF_TEST_SECRET -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $script:root -ErrorAction SilentlyContinue
}

Describe 'No secret in any stream or file' {
    It 'ran the scenarios for real (connected, submitted, failed on the wrong token)' {
        $script:outcome.Connect | Where-Object { $_ -is [Sheriff.Core.Genie.GenieSession] } | Should -Not -BeNullOrEmpty
        $script:outcome.ConnectEnv | Where-Object { $_ -is [Sheriff.Core.Genie.GenieSession] } | Should -Not -BeNullOrEmpty
        $script:outcome.ConnectCommand | Where-Object { $_ -is [Sheriff.Core.Genie.GenieSession] } | Should -Not -BeNullOrEmpty
        $script:jobId | Should -Not -BeNullOrEmpty
        (Get-GenieJob -Id $script:jobId).Status | Should -Be 'SUCCEEDED'
        Test-Path $script:specFile | Should -BeTrue
        $wrongErrors = @($script:outcome.WrongConnect + $script:outcome.WrongRequest | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $wrongErrors | Should -Not -BeNullOrEmpty
        $wrongErrors | ForEach-Object { $_.CategoryInfo.Category | Should -Be 'AuthenticationError' }
        ($script:captured | Where-Object { $_.Record -is [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 10
        ($script:captured | Where-Object { $_.Record -is [System.Management.Automation.ErrorRecord] }).Count | Should -BeGreaterThan 3
    }

    It 'shows no secret in scenario <_>' -ForEach @(
        'Connect-Genie -TokenEnvironmentVariable', 'Connect-Genie -TokenCommand', 'Connect-Genie -Token', 'session object shown',
        'Submit-SparkJob -WhatIf', 'Submit-SparkJob -ExportSpec', 'Submit-SparkJob -Wait', 'Get-GenieJob -Id', 'Get-GenieJob -Detailed',
        'Wait-GenieJob', 'Get-GenieJobOutput', 'Get-JobDiagnosis', 'Stop-GenieJob', 'Connect-Genie wrong token',
        'request with a wrong token', 'Connect-Genie missing variable', 'Connect-Genie failing token command', 'Get-GenieJob missing job'
    ) {
        $records = @($script:captured | Where-Object Scenario -eq $_)
        @($records | Where-Object { $_.Record -ne 'transcript' }).Count + ($records | Where-Object { $_.Record -eq 'transcript' -and $_.Text -match 'What if' }).Count |
            Should -BeGreaterThan 0 -Because 'the scenario wrote something to scan'
        $leaks = foreach ($r in $records) {
            foreach ($form in Find-Secret $r.Text) { "$($r.Record.GetType().Name) holds '$form': $($r.Text.Substring(0, [Math]::Min(300, $r.Text.Length)))" }
        }
        $leaks | Should -BeNullOrEmpty
    }

    It 'writes no secret to any file: temp folders, exported spec, bundle cache, GenieLocal data (store, job folders, log)' {
        $files = @(Get-ChildItem -Path $script:root -Recurse -File -Force -ErrorAction SilentlyContinue |
            Where-Object { -not $_.FullName.StartsWith($script:secretDir) -and $_.FullName -ne $env:SHERIFF_CONFIG })
        $files.Count | Should -BeGreaterThan 10
        ($files.FullName -join "`n") | Should -Match 'genie\.db' -Because 'the SQLite store is scanned'
        ($files.FullName -join "`n") | Should -Match 'cache/sheriff/bundles' -Because 'the bundle cache is scanned'
        $leaks = foreach ($file in $files) {
            $bytes = [IO.File]::ReadAllBytes($file.FullName)
            $text = [Text.Encoding]::UTF8.GetString($bytes) + [Text.Encoding]::Unicode.GetString($bytes)
            foreach ($form in Find-Secret $text) { "$($file.FullName) holds '$form'" }
        }
        $leaks | Should -BeNullOrEmpty
    }

    It 'ran the basic-auth and OAuth2 scenarios for real (<_>)' -ForEach 'basic', 'oauth' {
        $script:modes[$_] | Should -Not -BeNullOrEmpty -Because "GenieLocal has the $_ auth mode and must start with it"
        $prefix = if ($_ -eq 'basic') { 'Basic' } else { 'OAuth' }
        $script:outcome["${prefix}Connect"] | Where-Object { $_ -is [Sheriff.Core.Genie.GenieSession] } | Should -Not -BeNullOrEmpty
        ($script:outcome["${prefix}Work"] | Where-Object { $_ -is [Sheriff.Core.Genie.GenieJob] } | Select-Object -First 1).Status | Should -Be 'SUCCEEDED'
        $wrongErrors = @($script:outcome["${prefix}Wrong"] | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $wrongErrors | Should -Not -BeNullOrEmpty
        $wrongErrors | ForEach-Object { $_.CategoryInfo.Category | Should -Be 'AuthenticationError' }
    }

    It 'shows no secret in scenario <_>' -ForEach @(
        'basic: Connect-Genie -Credential', 'basic: submit, wait, read', 'basic: wrong password',
        'oauth: Connect-Genie client credentials', 'oauth: submit, wait, read', 'oauth: wrong client secret'
    ) {
        $script:modes[$_.Split(':')[0]] | Should -Not -BeNullOrEmpty -Because 'GenieLocal has this auth mode and must start with it'
        $records = @($script:captured | Where-Object Scenario -eq $_)
        $records.Count | Should -BeGreaterThan 1
        $leaks = foreach ($r in $records) {
            foreach ($form in Find-Secret $r.Text) { "$($r.Record.GetType().Name) holds '$form': $($r.Text.Substring(0, [Math]::Min(300, $r.Text.Length)))" }
        }
        $leaks | Should -BeNullOrEmpty
    }

    It 'keeps the secret out of job metadata and the request GenieLocal stored' {
        foreach ($path in "api/v3/jobs/$($script:jobId)/request", "api/v3/jobs/$($script:jobId)/metadata", "api/v3/jobs/$($script:jobId)") {
            $json = Invoke-RestMethod -Uri ([uri]::new($script:uri, $path)) -Headers @{ Authorization = "Bearer $($script:secret)" } | ConvertTo-Json -Depth 10
            Find-Secret $json | Should -BeNullOrEmpty -Because $path
        }
    }
}
