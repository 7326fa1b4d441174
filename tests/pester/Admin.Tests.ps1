# Clusters, commands and applications (Get-/New-/Set-/Remove-Genie*, Add-/Remove-GenieTag, Set-GenieClusterStatus),
# Resolve-GenieJob checked against what GenieLocal really picks, and tag/id completion, against GenieLocal over HTTP.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:dataDir = New-TestDataDirectory
    $script:server = Start-GenieLocal -DataDirectory $script:dataDir -MaxRunning 8
    $script:uri = $script:server.Uri
    $script:api = [uri]::new($script:uri, 'api/v3/')

    # A fresh prefix, so resources made by one test never match another test's tags or names.
    function New-Prefix { 'adm' + [guid]::NewGuid().ToString('n').Substring(0, 8) }

    # The resource as the server holds it (REST, not the cmdlets under test); $null when it does not exist.
    function Get-Raw([string] $Segment, [string] $Id) {
        $r = Invoke-WebRequest -Uri ([uri]::new($script:api, "$Segment/$([uri]::EscapeDataString($Id))")) -SkipHttpErrorCheck
        if ($r.StatusCode -eq 404) { return $null }
        if ($r.StatusCode -ne 200) { throw "GET $Segment/$Id answered $($r.StatusCode)" }
        # application/hal+json is not text to Invoke-WebRequest: decode the bytes.
        [Text.Encoding]::UTF8.GetString($r.RawContentStream.ToArray()) | ConvertFrom-Json
    }

    function Set-Raw([string] $Method, [string] $Path, $Body) {
        $json = if ($null -eq $Body) { $null } else { ConvertTo-Json -InputObject $Body -Depth 8 }
        $r = Invoke-WebRequest -Method $Method -Uri ([uri]::new($script:api, $Path)) -Body $json -ContentType 'application/json' -SkipHttpErrorCheck
        if ($r.StatusCode -ge 300) { throw "$Method $Path answered $($r.StatusCode): $($r.Content)" }
    }

    # Runs a block and separates what it wrote to the output from the errors it wrote.
    function Invoke-Capture([scriptblock] $Block, [object[]] $ArgumentList = @()) {
        $all = @(& $Block @ArgumentList 2>&1)
        [pscustomobject]@{
            Output = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
            Errors = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        }
    }

    # Submits a job with these criteria straight to Genie and reads what Genie chose.
    function Submit-CriteriaJob([string[]] $ClusterTags, [string[]] $CommandTags) {
        $id = 'resolve-' + [guid]::NewGuid().ToString('n').Substring(0, 12)
        $body = @{
            id               = $id
            name             = 'resolve-check'
            user             = [Environment]::UserName
            version          = 'NA'
            clusterCriterias = @($ClusterTags | ForEach-Object { @{ tags = @($_ -split ',') } })
            commandCriteria  = @($CommandTags)
            commandArgs      = ''
        } | ConvertTo-Json -Depth 5
        $r = Invoke-WebRequest -Method Post -Uri ([uri]::new($script:api, 'jobs')) -Body $body -ContentType 'application/json' -SkipHttpErrorCheck
        $job = Invoke-RestMethod ([uri]::new($script:api, "jobs/$id"))
        [pscustomobject]@{ StatusCode = [int]$r.StatusCode; ClusterName = $job.clusterName; CommandName = $job.commandName; Status = $job.status }
    }
}

AfterAll {
    if ($script:server -and -not $script:server.HasExited) { Stop-GenieLocal -InputObject $script:server }
    Remove-Item -Recurse -Force $script:dataDir -ErrorAction SilentlyContinue
}

Describe 'Clusters' {
    It 'New-GenieCluster registers a cluster and emits it as Genie stored it' {
        $p = New-Prefix
        $c = New-GenieCluster -Name "$p-a" -Id "$p-a" -Tag "type:$p", 'sched:x' -Version 3.3 -Description 'made by pester' -Configs 's3://b/core-site.xml'
        $c | Should -BeOfType 'Sheriff.Core.Genie.GenieCluster'
        $c.Kind | Should -Be 'Cluster'
        $c.Id | Should -Be "$p-a"
        $c.Status | Should -Be 'UP'
        $c.Tags | Should -Be @('sched:x', "type:$p")
        $c.User | Should -Be ([Environment]::UserName)
        $c.Configs | Should -Be @('s3://b/core-site.xml')
        $c.ToString() | Should -Be "cluster $p-a 3.3 UP [sched:x, type:$p]"
        $raw = Get-Raw clusters "$p-a"
        $raw.version | Should -Be '3.3'
        $raw.description | Should -Be 'made by pester'
        $raw.tags | Should -Contain "type:$p"
    }

    It 'New-GenieCluster without -Id lets Genie choose one, with version NA' {
        $p = New-Prefix
        $c = New-GenieCluster -Name $p -Status OUT_OF_SERVICE
        $c.Id | Should -Match '^[0-9a-f-]{36}$'
        $c.Version | Should -Be 'NA'
        $c.Status | Should -Be 'OUT_OF_SERVICE'
        (Get-Raw clusters $c.Id).name | Should -Be $p
    }

    It 'Get-GenieCluster takes ids positionally, from the pipeline and from objects' {
        $p = New-Prefix
        $null = New-GenieCluster -Name "$p-1" -Id "$p-1"
        $null = New-GenieCluster -Name "$p-2" -Id "$p-2"
        (Get-GenieCluster "$p-1").Id | Should -Be "$p-1"
        ("$p-1", "$p-2" | Get-GenieCluster).Id | Should -Be @("$p-1", "$p-2")
        ([pscustomobject]@{ ClusterId = "$p-2" } | Get-GenieCluster).Id | Should -Be "$p-2"
        (Get-GenieCluster "$p-1" | Get-GenieCluster).Id | Should -Be "$p-1"
    }

    It 'maps PowerShell wildcards in -Name and filters exactly' {
        $p = New-Prefix
        foreach ($n in 'x-1', 'x-2', 'y-1', 'x-10') { $null = New-GenieCluster -Name "$p-$n" -Id "$p-$n" }
        (Get-GenieCluster -Name "$p-x-*").Id | Sort-Object | Should -Be @("$p-x-1", "$p-x-10", "$p-x-2")
        (Get-GenieCluster -Name "$p-?-1").Id | Sort-Object | Should -Be @("$p-x-1", "$p-y-1")
        (Get-GenieCluster -Name "$p-x-1").Id | Should -Be "$p-x-1"
        Get-GenieCluster -Name "$p-z*" | Should -BeNullOrEmpty
    }

    It 'searches by status (any of several) and by tags (all of them)' {
        $p = New-Prefix
        $null = New-GenieCluster -Name "$p-up" -Id "$p-up" -Tag "t:$p", 'sched:a'
        $null = New-GenieCluster -Name "$p-oos" -Id "$p-oos" -Tag "t:$p" -Status OUT_OF_SERVICE
        $null = New-GenieCluster -Name "$p-term" -Id "$p-term" -Tag "t:$p", 'sched:a' -Status TERMINATED
        (Get-GenieCluster -Tag "t:$p").Count | Should -Be 3
        (Get-GenieCluster -Tag "t:$p", 'sched:a').Id | Sort-Object | Should -Be @("$p-term", "$p-up")
        (Get-GenieCluster -Tag "t:$p" -Status up).Id | Should -Be "$p-up"
        (Get-GenieCluster -Tag "t:$p" -Status OUT_OF_SERVICE, TERMINATED).Id | Sort-Object | Should -Be @("$p-oos", "$p-term")
        (Get-GenieCluster -Name "$p-*" -Status UP -Tag 'sched:a').Id | Should -Be "$p-up"
    }

    It 'Set-GenieCluster changes only the fields given' {
        $p = New-Prefix
        $null = New-GenieCluster -Name "$p" -Id "$p" -Tag 'a:1', 'b:2' -Version 1 -Description 'before' -Dependencies 's3://x/dep.tgz'
        $c = Set-GenieCluster -Id $p -Description 'after' -PassThru
        $c.Description | Should -Be 'after'
        $c.Tags | Should -Be @('a:1', 'b:2')
        $c.Version | Should -Be '1'
        $c.Dependencies | Should -Be @('s3://x/dep.tgz')
        Set-GenieCluster -Id $p -Tag 'c:3' -Version 2 -Description ''
        $raw = Get-Raw clusters $p
        $raw.tags | Where-Object { $_ -notlike 'genie.*' } | Should -Be @('c:3')
        $raw.version | Should -Be '2'
        $raw.description | Should -BeNullOrEmpty
        $raw.dependencies | Should -Be @('s3://x/dep.tgz')
        Set-GenieCluster -Id $p -Tag @() -Dependencies @()
        $raw = Get-Raw clusters $p
        @($raw.tags | Where-Object { $_ -notlike 'genie.*' }).Count | Should -Be 0
        @($raw.dependencies).Count | Should -Be 0
    }

    It 'Set-GenieClusterStatus changes the status; objects pipe in' {
        $p = New-Prefix
        $null = New-GenieCluster -Name "$p-1" -Id "$p-1" -Tag "t:$p"
        $null = New-GenieCluster -Name "$p-2" -Id "$p-2" -Tag "t:$p"
        Set-GenieClusterStatus -Id "$p-1" -Status OUT_OF_SERVICE | Should -BeNullOrEmpty
        (Get-Raw clusters "$p-1").status | Should -Be 'OUT_OF_SERVICE'
        $out = Get-GenieCluster -Tag "t:$p" | Set-GenieClusterStatus -Status terminated -PassThru
        $out.Status | Should -Be @('TERMINATED', 'TERMINATED')
        (Get-Raw clusters "$p-2").status | Should -Be 'TERMINATED'
    }

    It 'Remove-GenieCluster removes clusters, one by id and others from the pipeline' {
        $p = New-Prefix
        foreach ($n in 1..3) { $null = New-GenieCluster -Name "$p-$n" -Id "$p-$n" }
        Remove-GenieCluster "$p-1"
        Get-Raw clusters "$p-1" | Should -BeNullOrEmpty
        Get-GenieCluster -Name "$p-*" | Remove-GenieCluster
        Get-Raw clusters "$p-2" | Should -BeNullOrEmpty
        Get-Raw clusters "$p-3" | Should -BeNullOrEmpty
    }

    It 'Get-GenieCluster -Name x* | Add-GenieTag / Remove-GenieTag change every cluster' {
        $p = New-Prefix
        foreach ($n in 'x1', 'x2', 'y1') { $null = New-GenieCluster -Name "$p-$n" -Id "$p-$n" -Tag 'keep:1' }
        Get-GenieCluster -Name "$p-x*" | Add-GenieTag -Tag 'sched:sla', 'extra:1'
        (Get-Raw clusters "$p-x1").tags | Should -Contain 'sched:sla'
        (Get-Raw clusters "$p-x2").tags | Should -Contain 'extra:1'
        (Get-Raw clusters "$p-y1").tags | Should -Not -Contain 'sched:sla'

        $after = Get-GenieCluster -Name "$p-x*" | Remove-GenieTag -Tag 'extra:*' -PassThru
        $after.Count | Should -Be 2
        $after | ForEach-Object { $_.Tags | Should -Be @('keep:1', 'sched:sla') }
        (Get-Raw clusters "$p-x1").tags | Should -Not -Contain 'extra:1'
    }

    It 'Add-GenieTag -Kind -Id, and ids piped as strings; -PassThru emits the updated cluster' {
        $p = New-Prefix
        $null = New-GenieCluster -Name $p -Id $p
        $c = Add-GenieTag -Kind Cluster -Id $p -Tag 'a:1' -PassThru
        $c.Tags | Should -Be @('a:1')
        $p | Add-GenieTag -Kind Cluster -Tag 'b:2'
        (Get-Raw clusters $p).tags | Should -Contain 'b:2'
    }

    It 'Remove-GenieTag skips tags the resource does not carry, quietly' {
        $p = New-Prefix
        $null = New-GenieCluster -Name $p -Id $p -Tag 'a:1'
        $c = Remove-GenieTag -Kind Cluster -Id $p -Tag 'nope:1' -PassThru -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        $c.Tags | Should -Be @('a:1')
    }

    It 'Get-GenieCluster -Command lists the clusters the command''s criteria match' {
        (Get-GenieCluster -Command shell).Id | Should -Contain 'local'
        (Get-GenieCluster -Command shell -Status TERMINATED).Id | Should -Not -Contain 'local'
    }
}

Describe 'Commands' {
    It 'New-GenieCommand registers a command with cluster criteria from strings and hashtables' {
        $p = New-Prefix
        $c = New-GenieCommand -Name "$p-cmd" -Id $p -Executable 'bash -c' -Tag "type:$p", 'ver:1' -Memory 2048 `
            -ClusterCriteria "sched:sla,type:$p", @{ Tags = "type:$p"; Status = 'UP' }, "genie.name:$p-cluster"
        $c | Should -BeOfType 'Sheriff.Core.Genie.GenieCommand'
        $c.Kind | Should -Be 'Command'
        $c.Status | Should -Be 'ACTIVE'
        $c.Executable | Should -Be 'bash -c'
        $c.ExecutableAndArguments | Should -Be @('bash', '-c')
        $c.Memory | Should -Be 2048
        $c.ClusterCriteria.Count | Should -Be 3
        $c.ClusterCriteria[0].Tags | Should -Be @('sched:sla', "type:$p")
        $c.ClusterCriteria[1].Status | Should -Be 'UP'
        $c.ClusterCriteria[2].Name | Should -Be "$p-cluster"
        $raw = Get-Raw commands $p
        $raw.clusterCriteria[0].tags | Should -Be @('sched:sla', "type:$p")
        $raw.clusterCriteria[2].name | Should -Be "$p-cluster"
    }

    It 'New-GenieCommand -ExecutableAndArguments keeps the list; without criteria it warns' {
        $p = New-Prefix
        $c = New-GenieCommand -Name $p -Id $p -ExecutableAndArguments 'python3', '-u', 'my script.py' -WarningVariable warnings -WarningAction SilentlyContinue
        $c.ExecutableAndArguments | Should -Be @('python3', '-u', 'my script.py')
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -Match 'never selects'
    }

    It 'New-GenieCommand without an executable is InvalidParameterValue' {
        { New-GenieCommand -Name x -ClusterCriteria type:x -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidParameterValue,Sheriff.PowerShell.Commands.NewGenieCommandCommand'
    }

    It 'Get-GenieCommand searches by name, tag and status' {
        $p = New-Prefix
        $null = New-GenieCommand -Name "$p-a" -Id "$p-a" -Executable true -Tag "type:$p", 'ver:1' -ClusterCriteria x:y
        $null = New-GenieCommand -Name "$p-b" -Id "$p-b" -Executable true -Tag "type:$p", 'ver:2' -ClusterCriteria x:y -Status DEPRECATED
        (Get-GenieCommand -Tag "type:$p").Count | Should -Be 2
        (Get-GenieCommand -Tag "type:$p", 'ver:2').Id | Should -Be "$p-b"
        (Get-GenieCommand -Tag "type:$p" -Status ACTIVE).Id | Should -Be "$p-a"
        (Get-GenieCommand -Name "$p-*" -Status deprecated).Id | Should -Be "$p-b"
        (Get-GenieCommand "$p-a").Id | Should -Be "$p-a"
    }

    It 'Get-GenieCommand -Cluster takes an id or a name and uses the resolution rules' {
        $p = New-Prefix
        $null = New-GenieCluster -Name "$p-name" -Id "$p-id" -Tag "t:$p", 'sched:sla' -Status OUT_OF_SERVICE
        $null = New-GenieCommand -Name "$p-1" -Id "$p-1" -Executable true -ClusterCriteria "t:$p"
        $null = New-GenieCommand -Name "$p-2" -Id "$p-2" -Executable true -ClusterCriteria "other:$p", "t:$p,sched:sla"
        $null = New-GenieCommand -Name "$p-3" -Id "$p-3" -Executable true -ClusterCriteria "t:$p,sched:adhoc"
        $null = New-GenieCommand -Name "$p-4" -Id "$p-4" -Executable true -ClusterCriteria "genie.id:$p-id"
        (Get-GenieCommand -Cluster "$p-id").Id | Should -Be @("$p-1", "$p-2", "$p-4")
        (Get-GenieCommand -Cluster "$p-name").Id | Should -Be @("$p-1", "$p-2", "$p-4")
        (Get-GenieCommand -Cluster local).Id | Should -Contain 'shell'
    }

    It 'Get-GenieCommand -Cluster with an unknown cluster is GenieClusterNotFound' {
        Get-GenieCommand -Cluster 'no-such-cluster' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'GenieClusterNotFound,Sheriff.PowerShell.Commands.GetGenieCommandCommand'
        $errs[0].TargetObject | Should -Be 'no-such-cluster'
    }

    It 'Set-GenieCommand changes criteria, executable and status' {
        $p = New-Prefix
        $null = New-GenieCommand -Name $p -Id $p -ExecutableAndArguments 'bash', '-c' -Tag "type:$p" -ClusterCriteria 'a:1'
        $c = Set-GenieCommand -Id $p -ClusterCriteria 'b:2,c:3', 'b:2' -Status DEPRECATED -PassThru
        $c.Status | Should -Be 'DEPRECATED'
        ($c.ClusterCriteria | ForEach-Object ToString) | Should -Be @('b:2,c:3', 'b:2')
        $c.ExecutableAndArguments | Should -Be @('bash', '-c')
        $c = Set-GenieCommand -Id $p -Executable 'python3 -u' -PassThru
        $c.ExecutableAndArguments | Should -Be @('python3', '-u')
        $c.Tags | Should -Be @("type:$p")
    }

    It 'Set-GenieCommand keeps fields Sheriff does not model (GET + PUT round trip)' {
        $p = New-Prefix
        Set-Raw Post commands @{
            id = $p; name = $p; user = 'ops'; version = '1'; status = 'ACTIVE'; executableAndArguments = @('true')
            clusterCriteria = @(@{ tags = @('x:1') }); runtime = @{ resources = @{ memoryMb = 2048; cpu = 2 } }
            metadata = @{ owner = 'data-platform' }
        }
        Set-GenieCommand -Id $p -Description 'changed'
        $raw = Get-Raw commands $p
        $raw.description | Should -Be 'changed'
        $raw.runtime.resources.cpu | Should -Be 2
        $raw.metadata.owner | Should -Be 'data-platform'
        $raw.clusterCriteria[0].tags | Should -Be @('x:1')
    }

    It 'New-GenieCommand takes its fields from a piped command (copying one)' {
        $p = New-Prefix
        $copy = Get-GenieCommand spark-local | New-GenieCommand -Id "$p-copy" -Status INACTIVE
        try {
            $copy.Id | Should -Be "$p-copy"
            $copy.Name | Should -Be 'spark-submit'
            $copy.Status | Should -Be 'INACTIVE'
            $copy.Version | Should -Be '3.5.1'
            $copy.Tags | Should -Be @('type:spark-submit', 'ver:3.5', 'ver:3.5.1')
            ($copy.ClusterCriteria | ForEach-Object ToString) | Should -Be @('type:local')
            $copy.ExecutableAndArguments | Should -Be (Get-GenieCommand spark-local).ExecutableAndArguments
        } finally {
            Remove-GenieCommand "$p-copy"
        }
    }

    It 'Remove-GenieCommand removes a command' {
        $p = New-Prefix
        $null = New-GenieCommand -Name $p -Id $p -Executable true -ClusterCriteria 'x:1'
        Get-GenieCommand $p | Remove-GenieCommand
        Get-Raw commands $p | Should -BeNullOrEmpty
    }

    It 'tags of a command change with Add-GenieTag and Remove-GenieTag' {
        $p = New-Prefix
        $null = New-GenieCommand -Name $p -Id $p -Executable true -Tag 'ver:1' -ClusterCriteria 'x:1'
        (Get-GenieCommand $p | Add-GenieTag -Tag 'ver:1.0' -PassThru).Tags | Should -Be @('ver:1', 'ver:1.0')
        (Remove-GenieTag -Kind Command -Id $p -Tag 'ver:1' -PassThru).Tags | Should -Be @('ver:1.0')
    }
}

Describe 'Applications' {
    It 'New-GenieApplication registers an application; Get-GenieApplication finds it by type' {
        $p = New-Prefix
        $a = New-GenieApplication -Name "$p-spark" -Id $p -Type "sparky$p" -Version 3.5.1 -Dependencies 's3://dist/spark.tgz' -SetupFile 's3://dist/setup.sh' -Tag 'ver:3.5'
        $a | Should -BeOfType 'Sheriff.Core.Genie.GenieApplication'
        $a.Kind | Should -Be 'Application'
        $a.Type | Should -Be "sparky$p"
        $a.Status | Should -Be 'ACTIVE'
        $a.SetupFile | Should -Be 's3://dist/setup.sh'
        (Get-GenieApplication -Type "sparky$p").Id | Should -Be $p
        (Get-GenieApplication -Type "spark*$p").Id | Should -Be $p
        (Get-GenieApplication -Name "$p-*" -Status ACTIVE -Tag 'ver:3.5').Id | Should -Be $p
        (Get-GenieApplication $p).Version | Should -Be '3.5.1'
    }

    It 'Set-GenieApplication changes the given fields; Remove-GenieApplication removes it' {
        $p = New-Prefix
        $null = New-GenieApplication -Name $p -Id $p -Type spark -Tag 'a:1'
        $a = Set-GenieApplication -Id $p -Type hadoop -Status DEPRECATED -PassThru
        $a.Type | Should -Be 'hadoop'
        $a.Status | Should -Be 'DEPRECATED'
        $a.Tags | Should -Be @('a:1')
        Remove-GenieApplication -Id $p
        Get-Raw applications $p | Should -BeNullOrEmpty
    }

    It 'Get-GenieApplication -Command lists a command''s applications in order' {
        $p = New-Prefix
        $null = New-GenieApplication -Name "$p-hadoop" -Id "$p-hadoop"
        $null = New-GenieApplication -Name "$p-spark" -Id "$p-spark"
        $null = New-GenieCommand -Name $p -Id $p -Executable true -ClusterCriteria 'x:1'
        Set-Raw Put "commands/$p/applications" @("$p-hadoop", "$p-spark")
        (Get-GenieApplication -Command $p).Id | Should -Be @("$p-hadoop", "$p-spark")
    }
}

Describe 'ShouldProcess' {
    BeforeAll {
        $script:sp = New-Prefix
        $null = New-GenieCluster -Name "$script:sp-c" -Id "$script:sp-c" -Tag 'keep:1' -Description 'd0'
        $null = New-GenieCommand -Name "$script:sp-m" -Id "$script:sp-m" -Executable true -Tag 'keep:1' -ClusterCriteria 'x:1'
        $null = New-GenieApplication -Name "$script:sp-a" -Id "$script:sp-a" -Tag 'keep:1'
    }

    It '<Name> -WhatIf changes nothing' -ForEach @(
        @{ Name = 'New-GenieCluster'; Run = { New-GenieCluster -Name "$script:sp-new" -Id "$script:sp-new" -WhatIf }; Check = { Get-Raw clusters "$script:sp-new" | Should -BeNullOrEmpty } }
        @{ Name = 'New-GenieCommand'; Run = { New-GenieCommand -Name "$script:sp-new" -Id "$script:sp-new" -Executable true -ClusterCriteria x:1 -WhatIf }; Check = { Get-Raw commands "$script:sp-new" | Should -BeNullOrEmpty } }
        @{ Name = 'New-GenieApplication'; Run = { New-GenieApplication -Name "$script:sp-new" -Id "$script:sp-new" -WhatIf }; Check = { Get-Raw applications "$script:sp-new" | Should -BeNullOrEmpty } }
        @{ Name = 'Set-GenieCluster'; Run = { Set-GenieCluster "$script:sp-c" -Description changed -Tag other:1 -WhatIf }; Check = { $r = Get-Raw clusters "$script:sp-c"; $r.description | Should -Be 'd0'; $r.tags | Should -Contain 'keep:1' } }
        @{ Name = 'Set-GenieCommand'; Run = { Set-GenieCommand "$script:sp-m" -Status INACTIVE -ClusterCriteria y:1 -WhatIf }; Check = { $r = Get-Raw commands "$script:sp-m"; $r.status | Should -Be 'ACTIVE'; $r.clusterCriteria[0].tags | Should -Be 'x:1' } }
        @{ Name = 'Set-GenieApplication'; Run = { Set-GenieApplication "$script:sp-a" -Type changed -WhatIf }; Check = { (Get-Raw applications "$script:sp-a").type | Should -BeNullOrEmpty } }
        @{ Name = 'Set-GenieClusterStatus'; Run = { Set-GenieClusterStatus "$script:sp-c" OUT_OF_SERVICE -WhatIf }; Check = { (Get-Raw clusters "$script:sp-c").status | Should -Be 'UP' } }
        @{ Name = 'Add-GenieTag'; Run = { Get-GenieCluster "$script:sp-c" | Add-GenieTag -Tag new:1 -WhatIf }; Check = { (Get-Raw clusters "$script:sp-c").tags | Should -Not -Contain 'new:1' } }
        @{ Name = 'Remove-GenieTag'; Run = { Remove-GenieTag -Kind Command -Id "$script:sp-m" -Tag 'keep:*' -WhatIf }; Check = { (Get-Raw commands "$script:sp-m").tags | Should -Contain 'keep:1' } }
        @{ Name = 'Remove-GenieCluster'; Run = { Remove-GenieCluster "$script:sp-c" -WhatIf }; Check = { Get-Raw clusters "$script:sp-c" | Should -Not -BeNullOrEmpty } }
        @{ Name = 'Remove-GenieCommand'; Run = { Get-GenieCommand "$script:sp-m" | Remove-GenieCommand -WhatIf }; Check = { Get-Raw commands "$script:sp-m" | Should -Not -BeNullOrEmpty } }
        @{ Name = 'Remove-GenieApplication'; Run = { Remove-GenieApplication "$script:sp-a" -WhatIf }; Check = { Get-Raw applications "$script:sp-a" | Should -Not -BeNullOrEmpty } }
    ) {
        $out = & $Run
        $out | Should -BeNullOrEmpty
        & $Check
    }

    It 'every write cmdlet supports ShouldProcess with ConfirmImpact Medium' {
        $writers = 'New-GenieCluster', 'New-GenieCommand', 'New-GenieApplication', 'Set-GenieCluster', 'Set-GenieCommand', 'Set-GenieApplication',
            'Remove-GenieCluster', 'Remove-GenieCommand', 'Remove-GenieApplication', 'Add-GenieTag', 'Remove-GenieTag', 'Set-GenieClusterStatus'
        foreach ($name in $writers) {
            $attribute = (Get-Command $name).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
            $attribute.SupportsShouldProcess | Should -BeTrue -Because $name
            $attribute.ConfirmImpact | Should -Be 'Medium' -Because $name
        }
        (Get-Command Resolve-GenieJob).Parameters.ContainsKey('WhatIf') | Should -BeFalse -Because 'Resolve-GenieJob changes nothing'
    }

    It 'runs non-interactively without prompting, with and without -Confirm:$false' {
        $p = New-Prefix
        $pwsh = Join-Path $PSHOME 'pwsh'
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$script:ModulePath'
Connect-Genie -Uri '$script:uri' -NoValidation | Out-Null
New-GenieCluster -Name '$p' -Id '$p' -Tag a:1 | Out-Null
Set-GenieClusterStatus '$p' OUT_OF_SERVICE
Add-GenieTag -Kind Cluster -Id '$p' -Tag b:2
Remove-GenieTag -Kind Cluster -Id '$p' -Tag a:1 -Confirm:`$false
Set-GenieCluster '$p' -Description nonint
New-GenieCommand -Name '$p' -Id '$p' -Executable true -ClusterCriteria x:1 -Confirm:`$false | Out-Null
Remove-GenieCommand '$p'
'cluster:' + (Get-GenieCluster '$p').Status + ':' + ((Get-GenieCluster '$p').Tags -join '+')
Remove-GenieCluster '$p' -Confirm:`$false
'done'
"@
        $text = & $pwsh -NoProfile -NonInteractive -Command $script 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $text
        $text | Should -Match 'cluster:OUT_OF_SERVICE:b:2'
        $text | Should -Match 'done'
        Get-Raw clusters $p | Should -BeNullOrEmpty
        Get-Raw commands $p | Should -BeNullOrEmpty
    }
}

Describe 'Errors' {
    It '<Cmdlet> with an unknown id writes <ErrorId> and goes on' -ForEach @(
        @{ Cmdlet = 'Get-GenieCluster'; Class = 'GetGenieClusterCommand'; ErrorId = 'GenieClusterNotFound'; Run = { Get-GenieCluster 'nope-1', 'local' } }
        @{ Cmdlet = 'Get-GenieCommand'; Class = 'GetGenieCommandCommand'; ErrorId = 'GenieCommandNotFound'; Run = { Get-GenieCommand 'nope-1', 'shell' } }
        @{ Cmdlet = 'Get-GenieApplication'; Class = 'GetGenieApplicationCommand'; ErrorId = 'GenieApplicationNotFound'; Run = { Get-GenieApplication 'nope-1' } }
        @{ Cmdlet = 'Set-GenieCluster'; Class = 'SetGenieClusterCommand'; ErrorId = 'GenieClusterNotFound'; Run = { Set-GenieCluster 'nope-1' -Description x } }
        @{ Cmdlet = 'Set-GenieCommand'; Class = 'SetGenieCommandCommand'; ErrorId = 'GenieCommandNotFound'; Run = { Set-GenieCommand 'nope-1' -Description x } }
        @{ Cmdlet = 'Set-GenieApplication'; Class = 'SetGenieApplicationCommand'; ErrorId = 'GenieApplicationNotFound'; Run = { Set-GenieApplication 'nope-1' -Description x } }
        @{ Cmdlet = 'Remove-GenieCluster'; Class = 'RemoveGenieClusterCommand'; ErrorId = 'GenieClusterNotFound'; Run = { Remove-GenieCluster 'nope-1' } }
        @{ Cmdlet = 'Remove-GenieCommand'; Class = 'RemoveGenieCommandCommand'; ErrorId = 'GenieCommandNotFound'; Run = { Remove-GenieCommand 'nope-1' } }
        @{ Cmdlet = 'Remove-GenieApplication'; Class = 'RemoveGenieApplicationCommand'; ErrorId = 'GenieApplicationNotFound'; Run = { Remove-GenieApplication 'nope-1' } }
        @{ Cmdlet = 'Set-GenieClusterStatus'; Class = 'SetGenieClusterStatusCommand'; ErrorId = 'GenieClusterNotFound'; Run = { Set-GenieClusterStatus 'nope-1' UP } }
        @{ Cmdlet = 'Add-GenieTag'; Class = 'AddGenieTagCommand'; ErrorId = 'GenieCommandNotFound'; Run = { Add-GenieTag -Kind Command -Id 'nope-1' -Tag a:1 } }
        @{ Cmdlet = 'Remove-GenieTag'; Class = 'RemoveGenieTagCommand'; ErrorId = 'GenieApplicationNotFound'; Run = { Remove-GenieTag -Kind Application -Id 'nope-1' -Tag a:1 } }
        @{ Cmdlet = 'Get-GenieCluster -Command'; Class = 'GetGenieClusterCommand'; ErrorId = 'GenieCommandNotFound'; Run = { Get-GenieCluster -Command 'nope-1' } }
    ) {
        $result = Invoke-Capture $Run
        $errs = $result.Errors
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be "$ErrorId,Sheriff.PowerShell.Commands.$Class"
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'nope-1'
        if ($Cmdlet -in 'Get-GenieCluster', 'Get-GenieCommand') { $result.Output.Count | Should -Be 1 -Because 'the known id is still returned' }
    }

    It 'New-Genie<Kind> with an id already taken is GenieResourceExists' -ForEach @(
        @{ Kind = 'Cluster'; Run = { param($id) New-GenieCluster -Name x -Id $id } }
        @{ Kind = 'Command'; Run = { param($id) New-GenieCommand -Name x -Id $id -Executable true -ClusterCriteria x:1 } }
        @{ Kind = 'Application'; Run = { param($id) New-GenieApplication -Name x -Id $id } }
    ) {
        $id = New-Prefix
        $null = & $Run $id
        $errs = (Invoke-Capture $Run $id).Errors
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be "GenieResourceExists,Sheriff.PowerShell.Commands.NewGenie$($Kind)Command"
        $errs[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $errs[0].TargetObject | Should -Be $id
        $errs[0].ErrorDetails.RecommendedAction | Should -Match "Set-Genie$Kind"
    }

    It 'a status that is not the kind''s is a parameter validation error (<Line>)' -ForEach @(
        @{ Line = 'New-GenieCluster -Status ACTIVE'; Class = 'NewGenieClusterCommand'; Run = { New-GenieCluster -Name x -Status ACTIVE } }
        @{ Line = 'Set-GenieClusterStatus -Status DOWN'; Class = 'SetGenieClusterStatusCommand'; Run = { Set-GenieClusterStatus -Id local -Status DOWN } }
        @{ Line = 'Get-GenieCommand -Status UP'; Class = 'GetGenieCommandCommand'; Run = { Get-GenieCommand -Status UP } }
        @{ Line = 'Set-GenieApplication -Status UP'; Class = 'SetGenieApplicationCommand'; Run = { Set-GenieApplication -Id x -Status UP } }
    ) {
        { & $Run } | Should -Throw -ErrorId "ParameterArgumentValidationError,Sheriff.PowerShell.Commands.$Class"
        (Get-Raw clusters local).status | Should -Be 'UP'
    }

    It 'Set-GenieCluster with nothing to change is InvalidParameterValue' {
        { Set-GenieCluster -Id local -PassThru -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidParameterValue,Sheriff.PowerShell.Commands.SetGenieClusterCommand'
    }

    It 'genie.id:/genie.name: tags cannot be added' {
        { Add-GenieTag -Kind Cluster -Id local -Tag 'genie.name:other' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidParameterValue,Sheriff.PowerShell.Commands.AddGenieTagCommand'
    }

    It 'an empty cluster criterion is InvalidParameterValue' {
        { New-GenieCommand -Name x -Executable true -ClusterCriteria ' , ' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidParameterValue,Sheriff.PowerShell.Commands.NewGenieCommandCommand'
    }
}

Describe 'Resolve-GenieJob agrees with GenieLocal' {
    BeforeAll {
        $p = $script:rp = New-Prefix
        $null = New-GenieCluster -Name "$p-sla" -Id "$p-sla" -Tag "$($p):yarn", "sched:$p-sla"
        $null = New-GenieCluster -Name "$p-adhoc" -Id "$p-adhoc" -Tag "$($p):yarn", "sched:$p-adhoc"
        $null = New-GenieCluster -Name "$p-down" -Id "$p-down" -Tag "$($p):yarn", "sched:$p-sla", "$($p):only-down" -Status OUT_OF_SERVICE
        $null = New-GenieCluster -Name "$p-gold" -Id "$p-gold" -Tag "$($p):yarn", "tier:$p-gold", "sched:$p-g"
        $null = New-GenieCommand -Name "$p-cmd1" -Id "$p-cmd1" -ExecutableAndArguments true -Tag "type:$p", 'ver:1' -ClusterCriteria "$($p):yarn"
        $null = New-GenieCommand -Name "$p-cmd2" -Id "$p-cmd2" -ExecutableAndArguments true -Tag "type:$p", 'ver:2' -ClusterCriteria "$($p):yarn,tier:$p-gold", "$($p):yarn"
        $null = New-GenieCommand -Name "$p-old" -Id "$p-old" -ExecutableAndArguments true -Tag "type:$p", 'ver:0' -ClusterCriteria "$($p):yarn" -Status DEPRECATED
        $null = New-GenieCommand -Name "$p-bare" -Id "$p-bare" -ExecutableAndArguments true -Tag "type:$p", 'ver:bare' -WarningAction SilentlyContinue
    }

    It '<Case>' -ForEach @(
        @{ Case = 'the first cluster tag set wins; OUT_OF_SERVICE clusters are left out'; Cluster = { @("sched:$script:rp-sla") }; Command = { @("type:$script:rp", 'ver:1') }; Expect = { "$script:rp-cmd1"; "$script:rp-sla" } }
        @{ Case = 'later cluster tag sets are fallbacks'; Cluster = { @("sched:$script:rp-none", "sched:$script:rp-adhoc") }; Command = { @("type:$script:rp", 'ver:1') }; Expect = { "$script:rp-cmd1"; "$script:rp-adhoc" } }
        @{ Case = 'the command''s criteria are the outer loop'; Cluster = { @("sched:$script:rp-adhoc", "sched:$script:rp-g") }; Command = { @("type:$script:rp", 'ver:2') }; Expect = { "$script:rp-cmd2"; "$script:rp-gold" } }
        @{ Case = 'genie.name: and genie.id: pin resources'; Cluster = { @("genie.name:$script:rp-adhoc") }; Command = { @("genie.id:$script:rp-cmd1") }; Expect = { "$script:rp-cmd1"; "$script:rp-adhoc" } }
        @{ Case = 'several candidates: the deterministic pick is GenieLocal''s'; Cluster = { @("$($script:rp):yarn") }; Command = { @("type:$script:rp") }; Expect = { "$script:rp-cmd1"; "$script:rp-adhoc" }; Ambiguous = $true }
        @{ Case = 'only an OUT_OF_SERVICE cluster matches: no match'; Cluster = { @("$($script:rp):only-down") }; Command = { @("type:$script:rp", 'ver:1') } }
        @{ Case = 'a DEPRECATED command is never picked'; Cluster = { @("$($script:rp):yarn") }; Command = { @("type:$script:rp", 'ver:0') } }
        @{ Case = 'a command without cluster criteria is never picked'; Cluster = { @("$($script:rp):yarn") }; Command = { @("type:$script:rp", 'ver:bare') } }
        @{ Case = 'no command carries the tags'; Cluster = { @("$($script:rp):yarn") }; Command = { @("type:$script:rp", 'ver:9') } }
    ) {
        $clusterTags = & $Cluster
        $commandTags = & $Command
        $r = Resolve-GenieJob -ClusterTags $clusterTags -CommandTags $commandTags -ErrorVariable errs -ErrorAction SilentlyContinue
        $job = Submit-CriteriaJob -ClusterTags $clusterTags -CommandTags $commandTags
        $r | Should -BeOfType 'Sheriff.Core.Genie.Admin.GenieResolution'
        $r.CommandCriteria | Should -Be $commandTags
        if ($Expect) {
            $expected = @(& $Expect)
            $job.StatusCode | Should -Be 202
            $r.Matched | Should -BeTrue
            $errs | Should -BeNullOrEmpty
            $r.Command.Name | Should -Be $job.CommandName
            $r.Cluster.Name | Should -Be $job.ClusterName
            $r.Command.Id | Should -Be $expected[0]
            $r.Cluster.Id | Should -Be $expected[1]
            $r.IsAmbiguous | Should -Be ([bool]$Ambiguous)
        } else {
            $job.StatusCode | Should -Be 412
            $job.Status | Should -Be 'FAILED'
            $r.Matched | Should -BeFalse
            $r.Command | Should -BeNullOrEmpty
            $r.Reason | Should -Not -BeNullOrEmpty
            $errs.Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -Be 'GenieNoMatch,Sheriff.PowerShell.Commands.ResolveGenieJobCommand'
            $errs[0].TargetObject.Reason | Should -Be $r.Reason
        }
    }

    It 'lists every candidate with its clusters' {
        $r = Resolve-GenieJob -ClusterTags "$($script:rp):yarn" -CommandTags "type:$script:rp"
        $r.Candidates.Command.Id | Should -Be @("$script:rp-cmd1", "$script:rp-cmd2")
        $r.Candidates[0].Clusters.Id | Should -Be @("$script:rp-adhoc", "$script:rp-gold", "$script:rp-sla")
        $r.Candidates[1].Clusters.Id | Should -Be @("$script:rp-gold")
        $r.Selection | Should -Match 'random'
    }

    It 'uses Submit-SparkJob''s defaults: type:spark-submit and ver:{0}' {
        $r = Resolve-GenieJob -ClusterTags sched:adhoc -SparkVersion 3.5
        $r.CommandCriteria | Should -Be @('type:spark-submit', 'ver:3.5')
        $job = Submit-CriteriaJob -ClusterTags sched:adhoc -CommandTags 'type:spark-submit', 'ver:3.5'
        $r.Command.Name | Should -Be $job.CommandName
        $r.Cluster.Name | Should -Be $job.ClusterName
        $r.Command.Id | Should -Be 'spark-local'
        (Resolve-GenieJob -ClusterTags sched:adhoc).CommandCriteria | Should -Be @('type:spark-submit')
        (Resolve-GenieJob -ClusterTags sched:adhoc -SparkVersion 3.5 -CommandTags extra:1 -ErrorAction SilentlyContinue).CommandCriteria |
            Should -Be @('type:spark-submit', 'ver:3.5', 'extra:1')
    }

    It 'takes cluster tag sets with commas, like Submit-SparkJob' {
        $r = Resolve-GenieJob -ClusterTags 'sched:adhoc,type:local' -CommandTags type:shell
        $r.ClusterCriterias | Should -Be @('sched:adhoc,type:local')
        $r.Cluster.Id | Should -Be 'local'
        $r.Command.Id | Should -Be 'shell'
    }

    It 'without any cluster tags is InvalidParameterValue' {
        { Resolve-GenieJob -CommandTags type:shell -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidParameterValue,Sheriff.PowerShell.Commands.ResolveGenieJobCommand'
    }

    It 'shows the resolution in a table and in a list' {
        $r = Resolve-GenieJob -ClusterTags "$($script:rp):only-down" -CommandTags "type:$script:rp", 'ver:1' -ErrorAction SilentlyContinue
        $table = $r | Format-Table | Out-String -Width 200
        $table | Should -Match 'Command\s+Cluster\s+Choices\s+Result'
        $table | Should -Match 'No clusters available'
        $list = $r | Format-List | Out-String -Width 200
        $list | Should -Match 'Reason\s+: No clusters available to run any candidate command on'
        $list | Should -Match 'OUT_OF_SERVICE'
        "$r" | Should -Match '^no match: '
    }
}

Describe 'Resolve-GenieJob -Generation 3 agrees with a Genie 3 GenieLocal' {
    BeforeAll {
        $script:g3Dir = New-TestDataDirectory
        $script:g3 = Start-GenieLocal -DataDirectory $script:g3Dir -Generation 3
        # Start-GenieLocal made the G3 server this runspace's default; the rest of the file uses the G4 one, and this
        # Describe passes -Session (a session of its own: Connect-Genie disposes the default it replaces).
        $script:g3Session = [Sheriff.Core.Genie.GenieSession]::new($script:g3.Uri)
        $null = Connect-Genie -Uri $script:uri -NoValidation
        $s = $script:g3Session
        $null = New-GenieCluster -Session $s -Name g3-b -Id g3-b -Tag type:g3, sched:g3
        $null = New-GenieCommand -Session $s -Name g3-v1 -Id g3-v1 -Executable true -Tag type:g3test, ver:1 -WarningAction SilentlyContinue
        $null = New-GenieCommand -Session $s -Name g3-v2 -Id g3-v2 -Executable true -Tag type:g3test, ver:2 -WarningAction SilentlyContinue
        $body = ConvertTo-Json -InputObject @('g3-v2', 'g3-v1')
        $null = Invoke-WebRequest -Method Put -Uri ([uri]::new($script:g3.Uri, 'api/v3/clusters/g3-b/commands')) -Body $body -ContentType 'application/json'
    }

    AfterAll {
        if ($script:g3Session) { $script:g3Session.Dispose() }
        if ($script:g3 -and -not $script:g3.HasExited) { Stop-GenieLocal -InputObject $script:g3 }
        Remove-Item -Recurse -Force $script:g3Dir -ErrorAction SilentlyContinue
    }

    It 'the command is the first matching one in the cluster''s list (<Tags>)' -ForEach @(
        @{ Tags = @('type:g3test'); Expected = 'g3-v2' }
        @{ Tags = @('type:g3test', 'ver:1'); Expected = 'g3-v1' }
    ) {
        $r = Resolve-GenieJob -Session $script:g3Session -Generation 3 -ClusterTags sched:g3 -CommandTags $Tags
        $r.Generation | Should -Be 3
        $r.Command.Id | Should -Be $Expected
        $r.Cluster.Id | Should -Be 'g3-b'
        $id = 'g3-' + [guid]::NewGuid().ToString('n').Substring(0, 10)
        $body = @{ id = $id; name = 'g3'; user = 'me'; version = 'NA'; clusterCriterias = @(@{ tags = @('sched:g3') }); commandCriteria = $Tags; commandArgs = '' } | ConvertTo-Json -Depth 4
        $null = Invoke-WebRequest -Method Post -Uri ([uri]::new($script:g3.Uri, 'api/v3/jobs')) -Body $body -ContentType 'application/json'
        (Invoke-RestMethod ([uri]::new($script:g3.Uri, "api/v3/jobs/$id"))).commandName | Should -Be $Expected
    }

    It 'the seeded shell command resolves on the local cluster' {
        $r = Resolve-GenieJob -Session $script:g3Session -Generation 3 -ClusterTags type:local -CommandTags type:shell
        $r.Command.Id | Should -Be 'shell'
        $r.Cluster.Id | Should -Be 'local'
    }
}

Describe 'Tab completion' {
    BeforeAll {
        function Get-Completion([string] $Line) {
            (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches
        }
        $script:cp = New-Prefix
        $null = New-GenieCluster -Name "$script:cp-clu" -Id "$script:cp-clu" -Tag "zone:$script:cp-east", "zone:$script:cp-west"
        $null = New-GenieCommand -Name "$script:cp-cmd" -Id "$script:cp-cmd" -Executable true -Tag "ver:$script:cp" -ClusterCriteria x:1
    }

    It 'completes -ClusterTags of Resolve-GenieJob from the clusters'' tags' {
        $texts = (Get-Completion 'Resolve-GenieJob -ClusterTags sched:').CompletionText
        $texts | Should -Contain 'sched:adhoc'
        (Get-Completion "Resolve-GenieJob -ClusterTags zone:$script:cp").CompletionText | Should -Be @("zone:$script:cp-east", "zone:$script:cp-west")
    }

    It 'completes -CommandTags of Resolve-GenieJob and Submit-SparkJob from the commands'' tags' {
        (Get-Completion 'Resolve-GenieJob -CommandTags ver:3').CompletionText | Should -Be @('ver:3.5', 'ver:3.5.1')
        (Get-Completion 'Submit-SparkJob -Script x.py -CommandTags type:spark').CompletionText | Should -Be @('type:spark-submit')
        (Get-Completion 'Submit-SparkJob -ClusterTags type:lo').CompletionText | Should -Be @('type:local')
    }

    It 'completes the last tag of a quoted comma-separated set and keeps the set' {
        $m = Get-Completion "Resolve-GenieJob -ClusterTags 'sched:adhoc,type:lo"
        $m.CompletionText | Should -Be @("'sched:adhoc,type:local'")
        $m[0].ListItemText | Should -Be 'type:local'
    }

    It 'offers genie.name: tags once genie. is typed' {
        (Get-Completion 'Resolve-GenieJob -ClusterTags genie.name:lo').CompletionText | Should -Contain 'genie.name:local'
    }

    It 'sees resources created by the cmdlets at once (the cache is dropped on change)' {
        $null = Get-Completion 'Resolve-GenieJob -ClusterTags zone:'
        $null = Add-GenieTag -Kind Cluster -Id "$script:cp-clu" -Tag "zone:$script:cp-north"
        (Get-Completion "Resolve-GenieJob -ClusterTags zone:$script:cp-n").CompletionText | Should -Be @("zone:$script:cp-north")
    }

    It 'completes ids of clusters and commands, and names for -Cluster' {
        (Get-Completion "Get-GenieCluster -Id $script:cp-c").CompletionText | Should -Be @("$script:cp-clu")
        (Get-Completion "Set-GenieClusterStatus $script:cp-c").CompletionText | Should -Be @("$script:cp-clu")
        (Get-Completion "Get-GenieCommand -Cluster loc").CompletionText | Should -Be @('local')
        (Get-Completion "Get-GenieCluster -Command $script:cp-").CompletionText | Should -Be @("$script:cp-cmd")
        (Get-Completion "Add-GenieTag -Kind Command -Id $script:cp-").CompletionText | Should -Be @("$script:cp-cmd")
        (Get-Completion "Remove-GenieTag -Kind Cluster -Id $script:cp-clu -Tag zone:").CompletionText | Should -Contain "zone:$script:cp-east"
    }

    It 'returns nothing, fast, when the server is down' {
        $deadPort = Get-FreeTcpPort
        $null = Connect-Genie -Uri "http://127.0.0.1:$deadPort" -NoValidation
        try {
            $elapsed = Measure-Command { $m = Get-Completion 'Resolve-GenieJob -ClusterTags sched:' }
            $m | Where-Object ResultType -eq ParameterValue | Should -BeNullOrEmpty
            $elapsed.TotalSeconds | Should -BeLessThan 2 -Because 'a refused connection fails at once (the budget is one second)'
        } finally {
            $null = Connect-Genie -Uri $script:uri -NoValidation
        }
    }

    It 'returns nothing within about a second when the server does not answer, and then at once' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $null = Connect-Genie -Uri "http://127.0.0.1:$($listener.LocalEndpoint.Port)" -NoValidation
        try {
            $first = Measure-Command { $m = Get-Completion 'Resolve-GenieJob -CommandTags ver:' }
            $m | Where-Object ResultType -eq ParameterValue | Should -BeNullOrEmpty
            $first.TotalSeconds | Should -BeLessThan 3 -Because 'the fetch has a one-second budget'
            $first.TotalSeconds | Should -BeGreaterThan 0.5 -Because 'this server accepts the connection and never answers'
            $again = Measure-Command { $m = Get-Completion 'Resolve-GenieJob -CommandTags ver:' }
            $again.TotalSeconds | Should -BeLessThan 1 -Because 'a failed fetch is remembered for a few seconds'
            $again | Should -BeLessThan $first
        } finally {
            $listener.Stop()
            $null = Connect-Genie -Uri $script:uri -NoValidation
        }
    }
}

Describe 'Views' {
    It '<Type> has a table view' -ForEach @(
        @{ Type = 'Sheriff.Core.Genie.GenieCluster'; Run = { Get-GenieCluster local }; Header = 'Id\s+Name\s+Version\s+Status\s+Tags' }
        @{ Type = 'Sheriff.Core.Genie.GenieCommand'; Run = { Get-GenieCommand shell }; Header = 'Id\s+Name\s+Version\s+Status\s+Tags\s+ClusterCriteria' }
        @{ Type = 'Sheriff.Core.Genie.GenieApplication'; Run = { New-GenieApplication -Name viewapp -Type spark }; Header = 'Id\s+Name\s+Version\s+Type\s+Status\s+Tags' }
    ) {
        (Get-FormatData -TypeName $Type).FormatViewDefinition.Control | Where-Object { $_ -is [System.Management.Automation.TableControl] } | Should -Not -BeNullOrEmpty
        & $Run | Out-String -Width 200 | Should -Match $Header
    }
}
