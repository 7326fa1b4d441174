BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:savedEnv = @{}
    foreach ($name in 'SHERIFF_CONFIG', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'AWS_ENDPOINT_URL_S3') {
        $script:savedEnv[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    # S3 (moto) for staging; GenieLocal inherits the same credentials to fetch s3:// dependencies.
    $script:moto = Start-MotoServer
    $env:AWS_ACCESS_KEY_ID = 'test'; $env:AWS_SECRET_ACCESS_KEY = 'test'; $env:AWS_REGION = 'us-east-1'
    $env:AWS_ENDPOINT_URL_S3 = $script:moto.Endpoint
    $null = Invoke-WebRequest -Method Put -Uri "$($script:moto.Endpoint)/sheriff-staging"

    $script:work = New-TestDataDirectory
    $env:SHERIFF_CONFIG = Join-Path $script:work 'config.json'
    '{}' | Set-Content $env:SHERIFF_CONFIG
    $script:server = Start-GenieLocal -DataDirectory (Join-Path $script:work 'genie') -S3Endpoint $script:moto.Endpoint -MaxRunning 8
    $script:uri = $script:server.Uri
    $script:examples = (Resolve-Path (Join-Path $PSScriptRoot '../../examples')).Path

    # Routes jobs to GenieLocal's argv-recorder command, which prints the spark-submit arguments it got as JSON.
    function Use-ArgvRecorder {
        param([hashtable] $Team = @{}, [hashtable] $Profile = @{})
        $Team['sparkCommandTag'] = 'type:argv-recorder'
        @{ sparkDefaults = $Team; defaultProfile = 'local'
           profiles = @{ local = @{ uri = $script:uri.AbsoluteUri; sparkDefaults = $Profile } } } | ConvertTo-Json -Depth 6 | Set-Content $env:SHERIFF_CONFIG
        $null = Connect-Genie -Profile local
    }
    function Use-Spark {
        @{ defaultProfile = 'local'; profiles = @{ local = @{ uri = $script:uri.AbsoluteUri } } } | ConvertTo-Json -Depth 6 | Set-Content $env:SHERIFF_CONFIG
        $null = Connect-Genie -Profile local
    }
    # The argv the job's command received (after the executable).
    function Get-RecordedArgv {
        param([Parameter(Mandatory)] $Job)
        $raw = Get-GenieJobOutput -Id $Job.Id -Raw
        , ($raw | ConvertFrom-Json)
    }
    function Get-OptionValue {
        param([string[]] $Argv, [string] $Option)
        $i = [array]::IndexOf($Argv, $Option)
        if ($i -lt 0) { return $null }
        $Argv[$i + 1]
    }
    $script:main = Join-Path $script:examples 'pyspark-project/main.py'
    $script:project = Join-Path $script:examples 'pyspark-project'
    $script:data = Join-Path $script:examples 'data/reviews.txt'
}

AfterAll {
    if ($script:server -and -not $script:server.HasExited) { Stop-GenieLocal -InputObject $script:server }
    Stop-MotoServer $script:moto
    foreach ($name in $script:savedEnv.Keys) { [Environment]::SetEnvironmentVariable($name, $script:savedEnv[$name]) }
    Remove-Item -Recurse -Force $script:work -ErrorAction SilentlyContinue
}

Describe 'Submit-SparkJob end to end on GenieLocal' {
    BeforeAll { Use-Spark }

    It 'runs a PySpark project: script, packaged modules and a data file travel as attachments' {
        $job = Submit-SparkJob -Script $script:main -ProjectPath $script:project -Files $script:data -ArgumentList 'reviews.txt', '--top', '3' `
            -ClusterTags sched:adhoc -SparkVersion 3.5 -Name 'pester-words' -Tag 'pester' -Wait
        $job | Should -BeOfType 'Sheriff.Core.Genie.GenieJob'
        $job.Status | Should -Be 'SUCCEEDED'
        $job.Name | Should -Be 'pester-words'
        $job.CommandName | Should -Be 'spark-submit'
        $out = Get-GenieJobOutput -Id $job.Id
        $out[0] | Should -Match '^\d+\tcluster$'
        $out.Count | Should -Be 3
        $sparkLog = Get-GenieJobOutput -Id $job.Id -Path spark.log -Raw
        $sparkLog | Should -Match 'spark.executor.memory=4g'
        $sparkLog | Should -Match 'spark.executor.cores=3'
        $sparkLog | Should -Match 'spark.driver.memory=4g'
        $files = (Get-GenieJobOutput -Id $job.Id -List).Name
        $files | Should -Contain 'main.py'
        $files | Should -Contain 'reviews.txt'
        ($files | Where-Object { $_ -like 'pyspark-project-*.zip' }).Count | Should -Be 1
    }

    It 'emits the job at once without -Wait, tagged and with Sheriff metadata' {
        $job = Submit-SparkJob -Script $script:main -ProjectPath $script:project -Files $script:data -ArgumentList 'reviews.txt' -ClusterTags sched:adhoc -Tag pester, 'team:ds'
        $job.IsFinished | Should -BeFalse -Because 'it was just submitted'
        $job.Id | Should -Match '^sheriff-[0-9a-f]{32}$'
        $job.Tags | Should -Contain 'team:ds'
        $job.Tags | Where-Object { $_ -like 'sheriff.version:*' } | Should -Not -BeNullOrEmpty
        $meta = $job.MetadataJson | ConvertFrom-Json
        $meta.sheriff.version | Should -Not -BeNullOrEmpty
        $meta.sheriff.host | Should -Be ([Environment]::MachineName)
        $meta.sheriff.requestHash | Should -Match '^[0-9a-f]{64}$'
        $meta.sheriff.git.commit | Should -Match '^[0-9a-f]{40}$'
        (Wait-GenieJob -Id $job.Id -Timeout 60).Status | Should -Be 'SUCCEEDED'
    }

    It 'a failing script ends FAILED, and -Wait writes GenieJobFailed' {
        $bad = Join-Path $script:work 'bad.py'
        'import fire' | Set-Content $bad
        $job = Submit-SparkJob -Script $bad -ClusterTags sched:adhoc -Wait -ErrorVariable errs -ErrorAction SilentlyContinue
        $job.Status | Should -Be 'FAILED'
        $errs[0].FullyQualifiedErrorId | Should -Be 'GenieJobFailed,Sheriff.PowerShell.Commands.SubmitSparkJobCommand'
        (Get-GenieJobOutput -Id $job.Id -Path stderr -Raw) | Should -Match 'No module named .fire.'
    }

    It 'an unknown Spark version finds no command: GenieJobSubmitFailed names the tags' {
        $err = { Submit-SparkJob -Script $script:main -ClusterTags sched:adhoc -SparkVersion 9.9 -ErrorAction Stop } |
            Should -Throw -ErrorId 'GenieJobSubmitFailed,Sheriff.PowerShell.Commands.SubmitSparkJobCommand' -PassThru
        $err.Exception.StatusCode | Should -Be 'PreconditionFailed'
        $err.ErrorDetails.RecommendedAction | Should -Match 'ver:9\.9'
    }

    It 'an unchanged project is not packaged again (bundle cache)' {
        $first = Submit-SparkJob -Script $script:main -ProjectPath $script:project -Files $script:data -ClusterTags sched:adhoc -ArgumentList reviews.txt -Verbose 4>&1
        $second = Submit-SparkJob -Script $script:main -ProjectPath $script:project -Files $script:data -ClusterTags sched:adhoc -ArgumentList reviews.txt -Verbose 4>&1
        ($second | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'from the cache'
    }
}

Describe 'Arguments reach the program exactly (bash quoting)' {
    BeforeAll { Use-ArgvRecorder }

    It 'spaces, quotes, $, backticks, globs, newlines and non-ASCII survive' {
        $nasty = @('a b', "c'd", 'e"f', '$HOME', '`id`', '$(id)', '*', '?', 'x;y', "tab`there", "new`nline", 'ünïcödé ✓', '', '--conf', '#not-a-comment')
        $job = Submit-SparkJob -Script $script:main -ClusterTags sched:adhoc -ArgumentList $nasty -Name "it's a `$name" -Wait
        $argv = Get-RecordedArgv $job
        $i = [array]::IndexOf($argv, 'main.py')
        $i | Should -BeGreaterThan 0
        $argv[($i + 1)..($argv.Count - 1)] | Should -Be $nasty
        Get-OptionValue $argv '--name' | Should -Be "it's a `$name"
    }

    It '-Conf values of every kind arrive as key=value pairs' {
        $job = Submit-SparkJob -Script $script:main -ClusterTags sched:adhoc -Conf @{ 'spark.sql.shuffle.partitions' = 400; 'spark.dynamicAllocation.enabled' = $true; 'spark.x' = 'a b' } -Wait
        $argv = Get-RecordedArgv $job
        $confs = for ($i = 0; $i -lt $argv.Count - 1; $i++) { if ($argv[$i] -eq '--conf') { $argv[$i + 1] } }
        $confs | Should -Contain 'spark.sql.shuffle.partitions=400'
        $confs | Should -Contain 'spark.dynamicAllocation.enabled=true'
        $confs | Should -Contain 'spark.x=a b'
    }
}

Describe 'Defaults and overrides: built-in < team config < profile config < spec file < parameters' {
    BeforeAll {
        $script:spec = Join-Path $script:work 'precedence.json'
        @{ script = $script:main; executorMemory = '8g'; clusterTags = @('sched:adhoc') } | ConvertTo-Json | Set-Content $script:spec
    }

    It '<case>' -ForEach @(
        @{ case = 'built-in default only'; Team = @{}; Profile = @{}; UseSpec = $false; Param = $null; Expected = '4g' }
        @{ case = 'team config beats built-in'; Team = @{ executorMemory = '5g' }; Profile = @{}; UseSpec = $false; Param = $null; Expected = '5g' }
        @{ case = 'profile config beats team'; Team = @{ executorMemory = '5g' }; Profile = @{ executorMemory = '6g' }; UseSpec = $false; Param = $null; Expected = '6g' }
        @{ case = 'spec file beats profile'; Team = @{ executorMemory = '5g' }; Profile = @{ executorMemory = '6g' }; UseSpec = $true; Param = $null; Expected = '8g' }
        @{ case = 'parameter beats spec file'; Team = @{ executorMemory = '5g' }; Profile = @{ executorMemory = '6g' }; UseSpec = $true; Param = '9g'; Expected = '9g' }
    ) {
        Use-ArgvRecorder -Team $Team -Profile $Profile
        $splat = @{ Wait = $true }
        if ($UseSpec) { $splat.SpecFile = $script:spec } else { $splat.Script = $script:main; $splat.ClusterTags = 'sched:adhoc' }
        if ($Param) { $splat.ExecutorMemory = $Param }
        $argv = Get-RecordedArgv (Submit-SparkJob @splat)
        Get-OptionValue $argv '--executor-memory' | Should -Be $Expected
        Get-OptionValue $argv '--executor-cores' | Should -Be '3'
        Get-OptionValue $argv '--driver-memory' | Should -Be '4g'
    }

    It 'cluster tags from config are the ordered fallback list' {
        Use-ArgvRecorder -Team @{ clusterTags = @('sched:sla,type:yarn', 'sched:adhoc') }
        $job = Submit-SparkJob -Script $script:main -Wait
        $job.ClusterName | Should -Be 'local' -Because 'no cluster has sched:sla and type:yarn, so the second set matched'
        $request = Invoke-RestMethod ([uri]::new($script:uri, "api/v3/jobs/$($job.Id)/request"))
        $request.clusterCriterias.Count | Should -Be 2
        ($request.clusterCriterias[0].tags | Sort-Object) | Should -Be @('sched:sla', 'type:yarn')
        $request.clusterCriterias[1].tags | Should -Be @('sched:adhoc')
        $request.commandCriteria | Should -Be @('type:argv-recorder')
    }

    It '-WhatIf shows where each value came from and the bundle, and submits nothing' {
        Use-ArgvRecorder -Team @{ executorMemory = '5g'; clusterTags = @('sched:adhoc') }
        $tag = 'whatif-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
        # "What if:" text goes to the host, so run it in a child pwsh and read its console output.
        $pwsh = Join-Path $PSHOME 'pwsh'
        $text = & $pwsh -NoProfile -NonInteractive -Command "Import-Module '$script:ModulePath'; Submit-SparkJob -Script '$script:main' -ProjectPath '$script:project' -DriverMemory 2g -Tag '$tag' -WhatIf" | Out-String
        $text | Should -Match 'executorMemory\s+= 5g\s+\(team config\)'
        $text | Should -Match 'driverMemory\s+= 2g\s+\(parameter\)'
        $text | Should -Match 'executorCores\s+= 3\s+\(built-in default\)'
        $text | Should -Match 'reviews/words\.py'
        $text | Should -Match 'Genie would run it with: command argv-recorder on cluster local'
        $text | Should -Not -Match 'notebook'
        Get-GenieJob -Tag $tag | Should -BeNullOrEmpty
    }

    It '-ExportSpec writes a spec that submits the same job' {
        Use-ArgvRecorder -Team @{ clusterTags = @('sched:adhoc') }
        $out = Join-Path $script:work 'exported.json'
        $file = Submit-SparkJob -Script $script:main -ExecutorMemory 6g -Conf @{ 'spark.a' = 'b' } -ArgumentList 'x y' -ExportSpec $out
        $file.FullName | Should -Be $out
        $spec = Get-Content -Raw $out | ConvertFrom-Json
        $spec.executorMemory | Should -Be '6g'
        $spec.PSObject.Properties.Name | Should -Not -Contain 'executorCores' -Because 'defaults are not exported'
        $argv = Get-RecordedArgv (Submit-SparkJob -SpecFile $out -Wait)
        Get-OptionValue $argv '--executor-memory' | Should -Be '6g'
        $argv | Should -Contain 'spark.a=b'
        $argv[-1] | Should -Be 'x y'
    }
}

Describe 'Staging on S3' {
    BeforeAll { Use-Spark }

    It '-StagingUri uploads the files under their content hash, Genie fetches them, a re-submit uploads nothing' {
        $first = Submit-SparkJob -Script $script:main -ProjectPath $script:project -Files $script:data -ArgumentList 'reviews.txt', '--top', '2' `
            -ClusterTags sched:adhoc -StagingUri 's3://sheriff-staging/jobs' -Wait -Verbose 4>&1
        $job = $first | Where-Object { $_ -is [Sheriff.Core.Genie.GenieJob] }
        $verbose = ($first | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $job.Status | Should -Be 'SUCCEEDED'
        $verbose | Should -Match 'Staged 3 file\(s\) on s3://sheriff-staging/jobs: 3 uploaded'
        (Get-GenieJobOutput -Id $job.Id).Count | Should -Be 2
        $listing = Invoke-RestMethod "$($script:moto.Endpoint)/sheriff-staging?list-type=2&prefix=jobs/"
        ($listing.ListBucketResult.Contents.Key | Where-Object { $_ -match '^jobs/[0-9a-f]{64}/main\.py$' }).Count | Should -Be 1

        $again = Submit-SparkJob -Script $script:main -ProjectPath $script:project -Files $script:data -ArgumentList 'reviews.txt' `
            -ClusterTags sched:adhoc -StagingUri 's3://sheriff-staging/jobs' -Verbose 4>&1
        ($again | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match '0 uploaded, 3 already there'
    }

    It 'an unreachable S3 is StagingFailed and nothing is submitted' {
        $saved = $env:AWS_ENDPOINT_URL_S3
        try {
            $env:AWS_ENDPOINT_URL_S3 = "http://127.0.0.1:$(Get-FreeTcpPort)"
            $id = 'sheriff-s3down-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
            { Submit-SparkJob -Script $script:main -ClusterTags sched:adhoc -StagingUri 's3://sheriff-staging/jobs' -JobId $id -ErrorAction Stop } |
                Should -Throw -ErrorId 'StagingFailed,Sheriff.PowerShell.Commands.SubmitSparkJobCommand'
            { Get-GenieJob -Id $id -ErrorAction Stop } | Should -Throw -ErrorId 'GenieJobNotFound,Sheriff.PowerShell.Commands.GetGenieJobCommand'
        } finally { $env:AWS_ENDPOINT_URL_S3 = $saved }
    }
}

Describe 'Bad input is refused before anything is sent' {
    BeforeAll {
        Use-Spark
        $script:big = Join-Path $script:work 'big.bin'
        $fs = [IO.File]::Create($script:big); $fs.SetLength(101MB); $fs.Dispose()   # sparse: costs no disk
        $script:outside = Join-Path $script:work 'outside.py'
        'print(1)' | Set-Content $script:outside
        $script:badSpec = Join-Path $script:work 'bad-spec.json'
        "{`n  ""script"": ""main.py"",`n  ""executorMemroy"": ""4g""`n}" | Set-Content $script:badSpec
    }

    It '<case> -> <errorId>' -ForEach @(
        @{ case = 'missing script'; errorId = 'SparkJobFileNotFound'; target = 'nope.py'; Splat = @{ Script = 'nope.py' } }
        @{ case = 'no program'; errorId = 'SparkJobInvalid'; target = $null; Splat = @{ Name = 'x' } }
        @{ case = 'script and jar'; errorId = 'SparkJobConflict'; target = $null; Splat = @{ Script = 'SCRIPT'; Jar = 'app.jar' } }
        @{ case = 'class without jar'; errorId = 'SparkJobConflict'; target = 'com.x.Main'; Splat = @{ Script = 'SCRIPT'; Class = 'com.x.Main' } }
        @{ case = 'memory with a space'; errorId = 'SparkJobInvalid'; target = '4 GB'; Splat = @{ Script = 'SCRIPT'; ExecutorMemory = '4 GB' } }
        @{ case = 'negative memory'; errorId = 'SparkJobInvalid'; target = '-3g'; Splat = @{ Script = 'SCRIPT'; DriverMemory = '-3g' } }
        @{ case = 'folder as script'; errorId = 'SparkJobInvalid'; target = $null; Splat = @{ Script = 'PROJECT' } }
        @{ case = 'script outside the project'; errorId = 'SparkJobConflict'; target = $null; Splat = @{ Script = 'OUTSIDE'; ProjectPath = 'PROJECT' } }
        @{ case = 'missing project'; errorId = 'SparkJobFileNotFound'; target = $null; Splat = @{ Script = 'SCRIPT'; ProjectPath = 'no-such-folder' } }
        @{ case = 'missing py-file'; errorId = 'SparkJobFileNotFound'; target = 'gone.zip'; Splat = @{ Script = 'SCRIPT'; PyFiles = 'gone.zip' } }
        @{ case = 'bad maven coordinate'; errorId = 'SparkJobInvalid'; target = 'not-a-coordinate'; Splat = @{ Script = 'SCRIPT'; Packages = 'not-a-coordinate' } }
        @{ case = 'bad spark version'; errorId = 'SparkJobInvalid'; target = 'latest'; Splat = @{ Script = 'SCRIPT'; SparkVersion = 'latest' } }
        @{ case = 'bad staging uri'; errorId = 'SparkJobInvalid'; target = 'http://x'; Splat = @{ Script = 'SCRIPT'; StagingUri = 'http://x' } }
        @{ case = 'over the attachment limits without staging'; errorId = 'SparkJobTooLarge'; target = $null; Splat = @{ Script = 'SCRIPT'; Files = 'BIG' } }
        @{ case = 'a spec file with an unknown key'; errorId = 'SparkJobSpecInvalid'; target = $null; Splat = @{ SpecFile = 'BADSPEC' } }
    ) {
        $map = @{ SCRIPT = $script:main; PROJECT = $script:project; OUTSIDE = $script:outside; BIG = $script:big; BADSPEC = $script:badSpec }
        $args2 = @{ ClusterTags = 'sched:adhoc' }
        foreach ($k in $Splat.Keys) { $v = $Splat[$k]; $args2[$k] = if ($map.ContainsKey("$v")) { $map["$v"] } else { $v } }
        $id = 'sheriff-bad-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
        $err = { Submit-SparkJob @args2 -JobId $id -ErrorAction Stop } | Should -Throw -ErrorId "$errorId,Sheriff.PowerShell.Commands.SubmitSparkJobCommand" -PassThru
        $err.Exception.Message | Should -Not -BeNullOrEmpty
        if ($target) { "$($err.TargetObject)" | Should -BeLike "*$target*" }
        { Get-GenieJob -Id $id -ErrorAction Stop } | Should -Throw -ErrorId 'GenieJobNotFound,Sheriff.PowerShell.Commands.GetGenieJobCommand'
    }

    It 'a spec file error names the line and column' {
        $err = { Submit-SparkJob -SpecFile $script:badSpec -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception.Message | Should -Match 'line 3'
        $err.Exception.Message | Should -Match 'executorMemory'
    }

    It 'the memory error names the parameter and the accepted form' {
        $err = { Submit-SparkJob -Script $script:main -ClusterTags sched:adhoc -ExecutorMemory '4 GB' -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception.Message | Should -Match 'ExecutorMemory'
        $err.ErrorDetails.RecommendedAction + $err.Exception.Message | Should -Match '512m|4g'
    }
}
