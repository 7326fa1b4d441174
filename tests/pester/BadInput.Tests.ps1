# The bad-input matrix: every public cmdlet parameter of the module tried with bad values (cases and expectations in
# BadInput.Cases.psd1), each case run against one real GenieLocal in a worker runspace under a 20 s limit.
# A case passes when: no hang; every error record is well formed (stable ErrorId, category other than NotSpecified,
# TargetObject on Sheriff's own errors, no raw .NET bug exception, no stack trace); the expected error shows up; a
# failed Submit-SparkJob leaves the job count unchanged; nothing leaks /etc/passwd.
# SHERIFF_BADINPUT_REPORT=<file> writes every case's outcome as JSON (docs/reliability.md "Bad input").

BeforeDiscovery {
    $data = Import-PowerShellDataFile (Join-Path $PSScriptRoot 'BadInput.Cases.psd1')
    $script:commandGroups = foreach ($name in ($data.Commands.Keys | Sort-Object)) {
        $entry = $data.Commands[$name]
        $cases = foreach ($parameter in ($entry.Params.Keys | Sort-Object)) {
            $spec = $entry.Params[$parameter]
            $kinds = if ($spec -is [hashtable]) { $spec.Kinds } else { $spec }
            $base = if ($spec -is [hashtable]) { $spec.Base } else { $null }
            foreach ($item in ($kinds -split ',')) {
                $kind, $expect = $item.Trim() -split '=', 2
                if (-not $expect) { $expect = if ($kind -in 'NonAscii', 'Wildcard', 'Huge') { 'Any' } else { 'Error' } }
                @{ Command = $name; Parameter = $parameter; Kind = $kind; Expect = $expect; Base = $base }
            }
        }
        @{ Command = $name; Cases = @($cases) }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:data = Import-PowerShellDataFile (Join-Path $PSScriptRoot 'BadInput.Cases.psd1')
    $script:results = [System.Collections.Generic.List[object]]::new()
    $script:caseTimeoutMs = 20000

    # A sandbox: files the cases point at, a deep working folder so ../ chains reach /, its own config file.
    $script:sandbox = New-TestDataDirectory
    $script:deep = Join-Path $script:sandbox 'a/b/c/d/e'
    New-Item -ItemType Directory -Path $script:deep -Force | Out-Null
    $script:savedConfig = $env:SHERIFF_CONFIG
    $env:SHERIFF_CONFIG = Join-Path $script:sandbox 'config.json'
    '{ "profiles": {} }' | Set-Content -Path $env:SHERIFF_CONFIG
    $script:scriptFile = Join-Path $script:sandbox 'main.py'
    "print('bad input')" | Set-Content -Path $script:scriptFile
    $script:jarFile = Join-Path $script:sandbox 'app.jar'
    [IO.File]::WriteAllBytes($script:jarFile, [byte[]](0x50, 0x4b, 0x05, 0x06) + [byte[]]::new(18))
    $script:logFile = Join-Path $script:sandbox 'spark.log'
    "24/01/01 00:00:00 ERROR Executor: boom`nException in thread `"main`" java.lang.OutOfMemoryError: Java heap space" |
        Set-Content -Path $script:logFile
    $script:sqlFile = Join-Path $script:sandbox 'query.sql'
    'SELECT 1 AS one' | Set-Content -Path $script:sqlFile
    $script:aFile = Join-Path $script:sandbox 'a-file.txt'
    'not a folder' | Set-Content -Path $script:aFile
    $script:aDir = Join-Path $script:sandbox 'a-folder'
    New-Item -ItemType Directory -Path $script:aDir | Out-Null

    $script:server = Start-GenieLocal -DataDirectory (Join-Path $script:sandbox 'genie') -MaxRunning 8
    $script:uri = $script:server.Uri
    $suffix = [guid]::NewGuid().ToString('n').Substring(0, 8)

    $jobId = Submit-TestShellJob -Server $script:uri -Script 'echo hello; echo oops >&2' -Name 'badinput-ok'
    $failedId = Submit-TestShellJob -Server $script:uri -Script 'echo "java.lang.OutOfMemoryError: Java heap space" >&2; exit 1' -Name 'badinput-failed'
    $null = Wait-TestJobFinished -Server $script:uri -Id $jobId
    $null = Wait-TestJobFinished -Server $script:uri -Id $failedId

    $script:tokens = @{
        Uri           = $script:uri
        JobId         = $jobId
        FailedJobId   = $failedId
        Job           = Get-GenieJob -Id $jobId
        Cluster       = (New-GenieCluster -Name 'badinput-cluster' -Id "badinput-cluster-$suffix" -Status UP -Tag 'badinput:cluster').Id
        SwitchFrom    = (New-GenieCluster -Name 'badinput-from' -Id "badinput-from-$suffix" -Status UP -Tag 'badinput:swap', 'badinput:fleet').Id
        SwitchTo      = (New-GenieCluster -Name 'badinput-to' -Id "badinput-to-$suffix" -Status UP -Tag 'badinput:fleet').Id
        Command       = (New-GenieCommand -Name 'badinput-command' -Id "badinput-command-$suffix" -Executable 'bash -c' -Tag 'badinput:command').Id
        SwitchCmdFrom = (New-GenieCommand -Name 'badinput-cmd-from' -Id "badinput-cmd-from-$suffix" -Executable 'bash -c' -Tag 'badinput:ver').Id
        SwitchCmdTo   = (New-GenieCommand -Name 'badinput-cmd-to' -Id "badinput-cmd-to-$suffix" -Executable 'bash -c').Id
        App           = (New-GenieApplication -Name 'badinput-app' -Id "badinput-app-$suffix").Id
        Script        = $script:scriptFile
        Jar           = $script:jarFile
        LogFile       = $script:logFile
        SqlFile       = $script:sqlFile
        Secret        = ConvertTo-SecureString 'badinput-secret' -AsPlainText -Force
        Credential    = [pscredential]::new('badinput', (ConvertTo-SecureString 'badinput-secret' -AsPlainText -Force))
    }

    $script:errorIds = [Sheriff.PowerShell.Infrastructure.ErrorIds].GetFields([Reflection.BindingFlags]'Public,Static') |
        Where-Object IsLiteral | ForEach-Object { $_.GetRawConstantValue() }
    # Exception types that mean a bug got through, whatever ErrorId wraps them.
    $script:bugExceptions = 'NullReferenceException', 'IndexOutOfRangeException', 'InvalidCastException', 'KeyNotFoundException',
        'NotImplementedException', 'WildcardPatternException', 'UriFormatException', 'FormatException', 'OverflowException',
        'AggregateException', 'TaskCanceledException'

    function New-Worker {
        $rs = [runspacefactory]::CreateRunspace([initialsessionstate]::CreateDefault2())
        $rs.Open()
        $ps = [powershell]::Create()
        $ps.Runspace = $rs
        $null = $ps.AddScript({
            param($ModulePath, $Uri, $Deep)
            Import-Module $ModulePath
            $null = Connect-Genie -Uri $Uri
            Set-Location $Deep
        }).AddArgument($script:ModulePath).AddArgument($script:uri).AddArgument($script:deep)
        $null = $ps.Invoke()
        if ($ps.HadErrors) { throw "worker set-up failed: $($ps.Streams.Error | Out-String)" }
        $ps.Dispose()
        $rs
    }
    $script:worker = New-Worker

    function Resolve-Token($value) {
        if ($value -is [string] -and $value -match '^\{(\w+)\}$') {
            switch ($Matches[1]) {
                'NewDataDir' { return (Join-Path $script:sandbox ('data-' + [guid]::NewGuid().ToString('n').Substring(0, 8))) }
                'OutFile' { return (Join-Path $script:sandbox ('out-' + [guid]::NewGuid().ToString('n').Substring(0, 8) + '.txt')) }
                default {
                    if (-not $script:tokens.ContainsKey($Matches[1])) { throw "unknown token $value" }
                    return $script:tokens[$Matches[1]]
                }
            }
        }
        if ($value -is [string] -and $value -match '\{(\w+)\}') {
            # a token inside a longer string: its text (e.g. '{Uri}oauth/token')
            return [regex]::Replace($value, '\{(\w+)\}', { param($m) "$($script:tokens[$m.Groups[1].Value])" })
        }
        $value
    }

    function New-QuickFailOptions {
        $options = [Sheriff.Core.Genie.Transport.GenieClientOptions]::new()
        $options.Retry.MaxAttempts = 2
        $options.Retry.BaseDelay = [TimeSpan]::FromMilliseconds(20)
        $options.Retry.MaxDelay = [TimeSpan]::FromMilliseconds(20)
        $options.MaxConsecutiveFailures = 2
        $options
    }

    function Get-ElementType([type] $type) {
        if ($type.IsArray) { $type = $type.GetElementType() }
        $inner = [Nullable]::GetUnderlyingType($type)
        if ($inner) { $inner } else { $type }
    }

    # The value of a bad-value kind for a parameter of the given type.
    function New-BadValue([string] $Kind, [type] $Type) {
        $element = Get-ElementType $Type
        switch ($Kind) {
            'Empty' { return '' }
            'Null' { return $null }
            'EmptyArray' { return , @() }
            'WrongValue' { return 'NO_SUCH_VALUE' }
            'Huge' { return ('x' * 1MB) }
            # unique per case, so that what one case creates (a job, a cluster, a file) never answers another
            'NonAscii' { return "$([char]0x30b8)$([char]0x30e7)$([char]0x30d6)-$([char]0xf1)-$([char]0x3a9)-$([char]::ConvertFromUtf32(0x1F600))-" + [guid]::NewGuid().ToString('n').Substring(0, 6) }
            'Wildcard' { return '*?[]' }
            'Control' { return "bad`0id`r`nX-Injected: 1" }
            'Traversal' { return '../../../../../../../../../../../../etc/passwd' }
            'TraversalWrite' { return '../../../../../../../../../../../../proc/sheriff-no/x' }
            'MissingFile' { return (Join-Path $script:sandbox ('missing-' + [guid]::NewGuid().ToString('n').Substring(0, 8) + '/file.txt')) }
            'Directory' { return $script:aDir }
            'NotADirectory' { return $script:aFile }
            'ExistingJobId' { return $script:tokens.JobId }
            'InUse' { return $script:uri.Port }
            # Sessions that fail: few, quick retries (this matrix checks the error, the retry tests check the retrying).
            'DeadServer' {
                if ($element -eq [uri]) { return 'http://127.0.0.1:9/' }
                return [Sheriff.Core.Genie.GenieSession]::new([uri]'http://127.0.0.1:9/', (New-QuickFailOptions), $null)
            }
            'Disposed' {
                $session = [Sheriff.Core.Genie.GenieSession]::new([uri]$script:uri, (New-QuickFailOptions), $null)
                $session.Dispose()
                return $session
            }
            'WrongType' {
                switch ($element) {
                    ([System.Management.Automation.SwitchParameter]) { return 'maybe' }
                    ([bool]) { return 'maybe' }
                    ([datetime]) { return 'not-a-date' }
                    ([uri]) { return 'not a uri' }
                    ([hashtable]) { return 'spark.a=b' }
                    ([string]) { throw 'WrongType is not a kind for a string parameter' }
                    default {
                        if ($element.IsEnum) { return 'NoSuchValue' }
                        if ($element.IsPrimitive) { return 'not-a-number' }
                        return [datetime]::Now # an object of an unrelated type
                    }
                }
            }
            'Overflow' {
                switch ($element) {
                    ([int]) { return [long][int]::MaxValue + 1 }
                    ([long]) { return [decimal][long]::MaxValue + 1 }
                    ([uint64]) { return [decimal][uint64]::MaxValue + 1 }
                    ([double]) { return [double]::MaxValue }
                    ([datetime]) { return [datetime]::MaxValue }
                    default { throw "Overflow is not a kind for $element" }
                }
            }
            'Negative' { if ($element -eq [datetime]) { return [datetime]::MinValue } return -1 }
            'Zero' { return 0 }
            default { throw "unknown kind $Kind" }
        }
    }

    function Get-Jobs {
        $page = Invoke-RestMethod ([uri]::new($script:uri, 'api/v3/jobs?size=5000'))
        @($page._embedded.jobSearchResultList)
    }

    # Runs one case in the worker; returns errors (terminating and not), output and whether it hung.
    function Invoke-BadInputCase($Case) {
        $command = Get-Command -Name $Case.Command -Module Sheriff
        $metadata = $command.Parameters[$Case.Parameter]
        $entry = $script:data.Commands[$Case.Command]
        $baseName = $Case.Base
        if (-not $baseName) {
            $sets = @($metadata.ParameterSets.Keys)
            $baseName = if ($sets -contains '__AllParameterSets') {
                if ($command.DefaultParameterSet -and $entry.Bases.ContainsKey($command.DefaultParameterSet)) { $command.DefaultParameterSet } else { '__AllParameterSets' }
            } else { $sets | Where-Object { $entry.Bases.ContainsKey($_) } | Select-Object -First 1 }
        }
        $base = if ($entry.Bases.ContainsKey($baseName)) { $entry.Bases[$baseName] } elseif ($entry.ExtraBases) { $entry.ExtraBases[$baseName] }
        if ($null -eq $base) { throw "no base '$baseName' for $($Case.Command) -$($Case.Parameter)" }
        $params = @{}
        foreach ($k in $base.Keys) { $params[$k] = Resolve-Token $base[$k] }
        $params[$Case.Parameter] = New-BadValue -Kind $Case.Kind -Type $metadata.ParameterType

        $ps = [powershell]::Create()
        $ps.Runspace = $script:worker
        $null = $ps.AddScript({
            param($Name, $Params)
            $ConfirmPreference = 'None'
            $ProgressPreference = 'SilentlyContinue'
            try { & $Name @Params } catch { [pscustomobject]@{ SheriffBadInputTerminating = $_ } }
        }).AddArgument($Case.Command).AddArgument($params)
        $handle = $ps.BeginInvoke()
        $hang = -not $handle.AsyncWaitHandle.WaitOne($script:caseTimeoutMs)
        $output = @()
        if ($hang) {
            $stop = $ps.BeginStop($null, $null)
            if (-not $stop.AsyncWaitHandle.WaitOne(10000)) {
                # the worker is stuck for good: leave it and start another
                $script:worker = New-Worker
            }
        } else {
            try { $output = @($ps.EndInvoke($handle)) } catch { $output = @([pscustomobject]@{ SheriffBadInputTerminating = $_.Exception.InnerException.ErrorRecord ?? $_ }) }
        }
        $errors = @($ps.Streams.Error) + @($output | Where-Object { $_.PSObject.Properties['SheriffBadInputTerminating'] } | ForEach-Object SheriffBadInputTerminating)
        $output = @($output | Where-Object { -not $_.PSObject.Properties['SheriffBadInputTerminating'] })
        $ps.Dispose()

        if ($Case.Command -in 'Start-GenieLocal', 'Connect-Genie', 'Stop-GenieLocal' -or $Case.Kind -in 'DeadServer', 'Disposed') {
            $cleanup = [powershell]::Create()
            $cleanup.Runspace = $script:worker
            $null = $cleanup.AddScript({
                param($Servers, $Uri, $Deep)
                foreach ($s in $Servers) { Stop-GenieLocal -InputObject $s -ErrorAction SilentlyContinue }
                $null = Connect-Genie -Uri $Uri
                Set-Location $Deep
            }).AddArgument(@($output | Where-Object { $_ -is [Sheriff.Core.Local.GenieLocalServer] })).AddArgument($script:uri).AddArgument($script:deep)
            $null = $cleanup.Invoke()
            $cleanup.Dispose()
        }
        [pscustomobject]@{ Hang = $hang; Errors = @($errors | Where-Object { $_ }); Output = $output }
    }

    function Format-ErrorRecord($e) {
        $message = "$($e.Exception.Message)"
        if ($message.Length -gt 160) { $message = $message.Substring(0, 160) + '...' }
        $target = "$($e.TargetObject)"
        if ($target.Length -gt 40) { $target = $target.Substring(0, 40) + '...' }
        "$($e.FullyQualifiedErrorId) [$($e.CategoryInfo.Category)] target='$target' $($e.Exception.GetType().Name): $message"
    }

    # What is wrong with an error record (nothing: well formed). PowerShell's own parameter-binding errors are good
    # errors (they wrap the conversion's FormatException/InvalidCastException on purpose). A TargetObject is required
    # unless the bad value itself is null or empty (then there is nothing to point at).
    function Get-ErrorProblem($e, [string] $Kind) {
        $fqid = "$($e.FullyQualifiedErrorId)"
        $id, $origin = $fqid -split ',', 2
        $binding = $e.Exception -is [System.Management.Automation.ParameterBindingException]
        if (-not $binding) {
            if ($id -notin $script:errorIds) { "ErrorId '$id' is not one of ErrorIds.cs" }
            if ($origin -notlike 'Sheriff.PowerShell.Commands.*') { "FullyQualifiedErrorId '$fqid' does not name the cmdlet" }
            if ($null -eq $e.TargetObject -and $Kind -notin 'Null', 'Empty', 'EmptyArray') { 'no TargetObject' }
            for ($x = $e.Exception; $x; $x = $x.InnerException) {
                if ($x.GetType().Name -in $script:bugExceptions) { "raw $($x.GetType().FullName)" }
            }
        }
        if ($e.CategoryInfo.Category -eq 'NotSpecified') { 'category NotSpecified' }
        if ("$($e.Exception.Message)$($e.ErrorDetails.Message)" -match '\n\s+at [\w.`]+[.(]') { 'stack trace in the message' }
    }
}

AfterAll {
    if ($script:worker) { $script:worker.Dispose() }
    if ($script:server -and -not $script:server.HasExited) { Stop-GenieLocal -InputObject $script:server }
    $env:SHERIFF_CONFIG = $script:savedConfig
    if ($env:SHERIFF_BADINPUT_REPORT) { $script:results | ConvertTo-Json -Depth 4 | Set-Content -Path $env:SHERIFF_BADINPUT_REPORT }
    Remove-Item -Recurse -Force $script:sandbox -ErrorAction SilentlyContinue
}

Describe 'Bad-input matrix coverage' {
    It 'covers every public cmdlet parameter of the module (or excludes it with a reason)' {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $missing = foreach ($command in Get-Command -Module Sheriff -CommandType Cmdlet, Function) {
            $entry = $script:data.Commands[$command.Name]
            foreach ($parameter in $command.Parameters.Keys) {
                if ($parameter -in $common) { continue }
                $key = "$($command.Name)/$parameter"
                if ($script:data.Exclusions.ContainsKey($key)) {
                    $script:data.Exclusions[$key] | Should -Not -BeNullOrEmpty -Because "the exclusion of $key needs a reason"
                    continue
                }
                if (-not $entry -or -not $entry.Params.ContainsKey($parameter)) { $key }
            }
        }
        $missing | Should -BeNullOrEmpty -Because 'every public parameter needs bad-input cases in BadInput.Cases.psd1'
    }

    It 'has no cases for parameters that no longer exist' {
        $stale = foreach ($name in $script:data.Commands.Keys) {
            $command = Get-Command -Name $name -Module Sheriff -ErrorAction SilentlyContinue
            if (-not $command) { $name; continue }
            foreach ($parameter in $script:data.Commands[$name].Params.Keys) {
                if (-not $command.Parameters.ContainsKey($parameter)) { "$name/$parameter" }
            }
        }
        $stale | Should -BeNullOrEmpty
    }
}

Describe 'Bad input: <Command>' -ForEach $script:commandGroups {
    It '-<Parameter> <Kind> (expect <Expect>)' -ForEach $Cases {
        $isSubmit = $Command -eq 'Submit-SparkJob'
        if ($isSubmit) { $before = @((Get-Jobs).id) }
        $result = Invoke-BadInputCase -Case $_
        $problems = [System.Collections.Generic.List[string]]::new()
        if ($result.Hang) { $problems.Add("hung for more than $($script:caseTimeoutMs / 1000) s") }
        foreach ($e in $result.Errors) {
            foreach ($p in Get-ErrorProblem $e $Kind) { $problems.Add("$p -- $(Format-ErrorRecord $e)") }
        }
        $ids = @($result.Errors | ForEach-Object { ("$($_.FullyQualifiedErrorId)" -split ',')[0] })
        if (-not $result.Hang) {
            if ($Expect -eq 'Error' -and $ids.Count -eq 0) { $problems.Add('no error for a bad value') }
            elseif ($Expect -notin 'Error', 'Any' -and $Expect -notin $ids) { $problems.Add("expected ErrorId $Expect, got: $($ids -join ', ')") }
        }
        # No half-done submission: after a failed Submit-SparkJob no new job may be queued, running or succeeded. A
        # record that Genie itself keeps of a request it rejected (412 when nothing matches: INVALID/FAILED) is fine.
        if ($isSubmit -and $result.Errors.Count -gt 0 -and -not $result.Hang) {
            foreach ($job in Get-Jobs | Where-Object { $_.id -notin $before }) {
                if ($job.status -notin 'INVALID', 'FAILED') { $problems.Add("a failed submission left job $($job.id) in $($job.status)") }
            }
        }
        $leak = @($result.Output) + @($result.Errors | ForEach-Object { "$_" }) | Where-Object { "$_" -match 'root:x?:0:0:' }
        if ($Kind -eq 'Traversal' -and $Command -eq 'Get-GenieJobOutput' -and $leak) { $problems.Add('/etc/passwd content came back') }

        $knownDefect = $script:data.KnownDefects["$Command/$Parameter/$Kind"]
        $script:results.Add([pscustomobject]@{
            Command = $Command; Parameter = $Parameter; Kind = $Kind; Expect = $Expect; Hang = $result.Hang
            ErrorIds = $ids; Categories = @($result.Errors | ForEach-Object { "$($_.CategoryInfo.Category)" })
            Problems = @($problems); Passed = $problems.Count -eq 0; KnownDefect = $knownDefect
        })
        $because = 'errors: ' + (@($result.Errors | ForEach-Object { Format-ErrorRecord $_ }) -join ' | ')
        if ($knownDefect) {
            $problems.Count | Should -BeGreaterThan 0 -Because "the known defect '$knownDefect' is gone: remove it from KnownDefects in BadInput.Cases.psd1"
            Set-ItResult -Skipped -Because "known defect: $knownDefect"
        }
        $problems | Should -BeNullOrEmpty -Because $because
    }
}
