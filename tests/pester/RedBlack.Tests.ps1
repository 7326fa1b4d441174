# Red/black switches (Switch-GenieCluster, Switch-GenieCommand) against GenieLocal: the examples end to end, rollback after
# an injected failure and after Ctrl+C, every ShouldProcess path, the preconditions, and the drain timeout.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:work = New-TestDataDirectory
    $script:pwsh = Join-Path $PSHOME 'pwsh'
    $script:root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $cluster = { param($id, $status, $tags) @{ id = $id; name = $id; user = 'ops'; version = '1'; status = $status; tags = $tags } }
    $command = { param($id, $status, $tags, $criteria)
        @{ id = $id; name = $id; user = 'ops'; version = '1'; status = $status; tags = $tags; executableAndArguments = @('bash', '-c')
           clusterCriteria = @(@{ tags = $criteria }) } }
    # Baseline state; BeforeEach puts tags and statuses back to it.
    $script:baseline = @{
        clusters = @{
            red    = @{ status = 'UP'; tags = @('sched:adhoc', 'sched:sla', 'type:local') }
            black  = @{ status = 'UP'; tags = @('type:local') }
            gray   = @{ status = 'OUT_OF_SERVICE'; tags = @('type:local') }
            island = @{ status = 'UP'; tags = @('type:island') }   # no command's criteria match it
        }
        commands = @{
            'spark-3.5.0' = @{ status = 'ACTIVE'; tags = @('type:spark-submit', 'ver:3.5', 'ver:3.5.0') }
            'spark-3.5.1' = @{ status = 'ACTIVE'; tags = @('type:spark-submit', 'ver:3.5.1') }
            'spark-old'   = @{ status = 'INACTIVE'; tags = @('type:spark-submit', 'ver:3.4') }
            'spark-nowhere' = @{ status = 'ACTIVE'; tags = @('type:spark-submit', 'ver:4.0') }
        }
    }
    $seed = @{
        clusters = @(foreach ($id in $script:baseline.clusters.Keys) { & $cluster $id $script:baseline.clusters[$id].status $script:baseline.clusters[$id].tags })
        commands = @(
            & $command 'shell' 'ACTIVE' @('type:shell') @('type:local')
            foreach ($id in $script:baseline.commands.Keys) {
                & $command $id $script:baseline.commands[$id].status $script:baseline.commands[$id].tags @($(if ($id -eq 'spark-nowhere') { 'type:yarn' } else { 'type:local' }))
            }
        )
    }
    $script:seedFile = Join-Path $script:work 'seed.json'
    $seed | ConvertTo-Json -Depth 8 | Set-Content -Encoding utf8 $script:seedFile
    $script:server = Start-GenieLocal -DataDirectory (Join-Path $script:work 'data') -SeedPath $script:seedFile -MaxRunning 8
    $script:uri = $script:server.Uri
    $script:hooks = [Sheriff.Core.Genie.Admin.SwitchTestHooks]

    function Get-Resource([string] $Kind, [string] $Id) { Invoke-RestMethod ([uri]::new($script:uri, "api/v3/$Kind/$Id")) }
    # A resource's tags without Genie's own genie.* tags, sorted, as one comma-separated string (easy to compare).
    function Get-Tags([string] $Kind, [string] $Id) {
        ((Invoke-RestMethod ([uri]::new($script:uri, "api/v3/$Kind/$Id/tags"))) | Where-Object { $_ -notlike 'genie.*' } | Sort-Object) -join ','
    }
    function Reset-Baseline {
        foreach ($kind in 'clusters', 'commands') {
            foreach ($id in $script:baseline[$kind].Keys) {
                $b = $script:baseline[$kind][$id]
                $null = Invoke-RestMethod -Method Put -Uri ([uri]::new($script:uri, "api/v3/$kind/$id/tags")) -ContentType 'application/json' -Body (ConvertTo-Json -InputObject @($b.tags))
                $patch = ConvertTo-Json -InputObject @(@{ op = 'replace'; path = '/status'; value = $b.status })
                $null = Invoke-RestMethod -Method Patch -Uri ([uri]::new($script:uri, "api/v3/$kind/$id")) -ContentType 'application/json' -Body $patch
            }
        }
    }
    # Submits a shell job asking for the given cluster tags.
    function Submit-JobOn([string[]] $ClusterTags, [string] $Script) {
        $id = 'rbt-' + [guid]::NewGuid().ToString('n').Substring(0, 10)
        $body = @{ id = $id; name = 'rb-test'; user = 'ops'; version = 'NA'; clusterCriterias = @(@{ tags = $ClusterTags })
                   commandCriteria = @('type:shell'); commandArgs = "'$Script'" } | ConvertTo-Json -Depth 5
        $null = Invoke-WebRequest -Method Post -Uri ([uri]::new($script:uri, 'api/v3/jobs')) -Body $body -ContentType 'application/json'
        $id
    }
    # Runs a command in a child pwsh (-NonInteractive) against the test server; returns its console output as one string.
    function Invoke-Child([string] $Command) {
        $env:SHERIFF_GENIE_URI = $script:uri
        try { & $script:pwsh -NoProfile -NonInteractive -Command "Import-Module '$script:ModulePath'; `$PSStyle.OutputRendering = 'PlainText'; $Command" 2>&1 | Out-String }
        finally { Remove-Item Env:SHERIFF_GENIE_URI }
    }
}

AfterAll {
    $script:hooks::Reset()
    if ($script:server -and -not $script:server.HasExited) { Stop-GenieLocal -InputObject $script:server }
    Remove-Item -Recurse -Force $script:work -ErrorAction SilentlyContinue
}

Describe 'The examples' {
    It 'examples/red-black.ps1: jobs before the swap on red, after it on black, none failed or lost, red drained' {
        $out = & $script:pwsh -NoProfile -NonInteractive -File (Join-Path $script:root 'examples/red-black.ps1') -ModulePath $script:ModulePath 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $out
        $out | Should -Match 'PASSED: no job lost'
        $out | Should -Match 'Submitted (\d+) jobs \(\1 accepted\): [1-9]\d* before the swap, all on red; [1-9]\d* after it, all on black'
        $out | Should -Match 'red is OUT_OF_SERVICE'
    }

    It 'examples/spark-upgrade.ps1: ver:3.5 moves from 3.5.0 to 3.5.1, pinned versions stay' {
        $out = & $script:pwsh -NoProfile -NonInteractive -File (Join-Path $script:root 'examples/spark-upgrade.ps1') -ModulePath $script:ModulePath 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $out
        $out | Should -Match 'PASSED: ver:3.5 jobs moved'
        $out | Should -Match 'after\s+ver:3\.5\s+spark-3\.5\.1\s+SUCCEEDED'
        $out | Should -Match 'What if: Switch command tags \[ver:3\.5\]'
    }
}

Describe 'Switch-GenieCluster' {
    BeforeEach {
        $script:hooks::Reset()
        Reset-Baseline
    }

    It 'moves the named tags, make-before-break, and -PassThru emits a GenieSwitchResult with its steps and a view' {
        $result = Switch-GenieCluster -From red -To black -Tag sched:adhoc -PassThru -Confirm:$false
        Get-Tags clusters red | Should -Be 'sched:sla,type:local'
        Get-Tags clusters black | Should -Be 'sched:adhoc,type:local'
        $result | Should -BeOfType 'Sheriff.Core.Genie.Admin.GenieSwitchResult'
        $result.Succeeded | Should -BeTrue
        $result.TagsMoved | Should -Be @('sched:adhoc')
        $result.Drained | Should -BeFalse
        $result.From.Id | Should -Be 'red'
        $result.To.Id | Should -Be 'black'
        $result.Steps.Kind | Should -Be @('CheckStatus', 'CheckSelection', 'AddTags', 'RemoveTags')
        $result.Steps.State | Should -Be @('Succeeded', 'Succeeded', 'Succeeded', 'Succeeded')
        ($result.Steps | Where-Object Kind -EQ AddTags).Finished | Should -BeLessOrEqual ($result.Steps | Where-Object Kind -EQ RemoveTags).Started
        $text = $result | Out-String
        $text | Should -Match 'TagsMoved'
        $text | Should -Match 'red\s+black\s+sched:adhoc\s+Switched'
        ($result.Steps | Out-String) | Should -Match 'CheckSelection\s+Succeeded'
        # and new jobs asking for sched:adhoc now land on black
        $id = Submit-JobOn @('sched:adhoc') 'true'
        (Get-GenieJob -Id $id).ClusterName | Should -Be 'black'
    }

    It 'without -Tag moves every tag From has and To lacks, but never genie.* tags' {
        $result = Switch-GenieCluster -From red -To black -PassThru
        $result.TagsMoved | Sort-Object | Should -Be @('sched:adhoc', 'sched:sla')
        Get-Tags clusters red | Should -Be 'type:local'
        Get-Tags clusters black | Should -Be 'sched:adhoc,sched:sla,type:local'
        (Get-Resource clusters red).tags | Should -Contain 'genie.id:red'
    }

    It 'is idempotent: run again, the tag steps have nothing to do' {
        Switch-GenieCluster -From red -To black -Tag sched:adhoc
        $again = Switch-GenieCluster -From red -To black -Tag sched:adhoc -PassThru
        $again.Succeeded | Should -BeTrue
        ($again.Steps | Where-Object Kind -In AddTags, RemoveTags).State | Should -Be @('NothingToDo', 'NothingToDo')
    }

    It '-Verbose logs every step' {
        $verbose = Switch-GenieCluster -From red -To black -Tag sched:adhoc -Verbose 4>&1 | ForEach-Object { "$_" }
        $verbose | Should -Contain 'Step 1/4: Check that cluster black is UP'
        $verbose | Should -Contain 'Step 4/4: Remove [sched:adhoc] from cluster red'
        $verbose | Should -Contain '  Added [sched:adhoc] to black.'
    }

    Context 'ShouldProcess' {
        It '-WhatIf prints the whole plan and changes nothing on the server (tags, status, updated time)' {
            $red = Get-Resource clusters red
            $black = Get-Resource clusters black
            $text = Invoke-Child 'Switch-GenieCluster -From red -To black -Tag sched:adhoc -Drain -DrainTimeout 60 -WhatIf'
            $text | Should -Match 'What if: Switch cluster tags \[sched:adhoc\] from red to black, then drain and retire red:'
            $text | Should -Match '1\. Check that cluster black is UP \(it is UP now\)'
            $text | Should -Match '2\. Check that a job asking for \[sched:adhoc\] would be sent to cluster black \(genie-api.md §9.3\) \(now: yes, through command\(s\) .*shell\)'
            $text | Should -Match '3\. Add \[sched:adhoc\] to cluster black'
            $text | Should -Match '4\. Remove \[sched:adhoc\] from cluster red'
            $text | Should -Match '5\. Wait until cluster red runs no active job \(at most 60 s\)'
            $text | Should -Match '6\. Set cluster red OUT_OF_SERVICE \(it is UP now\)'
            $after = Get-Resource clusters red
            $after.tags | Sort-Object | Should -Be ($red.tags | Sort-Object)
            $after.status | Should -Be 'UP'
            $after.updated | Should -Be $red.updated
            (Get-Resource clusters black).updated | Should -Be $black.updated
        }

        It '-WhatIf in-process emits nothing and changes nothing' {
            Switch-GenieCluster -From red -To black -Tag sched:adhoc -WhatIf -PassThru | Should -BeNullOrEmpty
            Get-Tags clusters black | Should -Be 'type:local'
        }

        It 'never prompts by default under -NonInteractive (medium impact), and -Confirm:$false switches' {
            $text = Invoke-Child 'Switch-GenieCluster -From red -To black -Tag sched:adhoc; "exit=$?"'
            $text | Should -Match 'exit=True'
            Get-Tags clusters black | Should -Be 'sched:adhoc,type:local'
            Reset-Baseline
            Switch-GenieCluster -From red -To black -Tag sched:adhoc -Confirm:$false
            Get-Tags clusters black | Should -Be 'sched:adhoc,type:local'
        }

        It '-Confirm in a non-interactive host fails before changing anything' {
            $text = Invoke-Child 'Switch-GenieCluster -From red -To black -Tag sched:adhoc -Confirm'
            $text | Should -Match 'NonInteractive'
            Get-Tags clusters black | Should -Be 'type:local'
            Get-Tags clusters red | Should -Be 'sched:adhoc,sched:sla,type:local'
        }
    }

    Context 'Preconditions and arguments' {
        It 'To OUT_OF_SERVICE is GenieSwitchPreconditionFailed and nothing changes' {
            { Switch-GenieCluster -From red -To gray -Tag sched:adhoc -ErrorAction Stop } |
                Should -Throw -ErrorId 'GenieSwitchPreconditionFailed,Sheriff.PowerShell.Commands.SwitchGenieClusterCommand'
            try { Switch-GenieCluster -From red -To gray -Tag sched:adhoc -ErrorAction Stop } catch { $err = $_ }
            $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
            $err.Exception.Message | Should -Match 'gray is OUT_OF_SERVICE, not UP'
            $err.Exception.Message | Should -Match 'Nothing had been changed'
            $err.TargetObject | Should -Be 'red'
            Get-Tags clusters gray | Should -Be 'type:local'
            Get-Tags clusters red | Should -Be 'sched:adhoc,sched:sla,type:local'
        }

        It 'a To that no command would run jobs on (§9.3) is GenieSwitchPreconditionFailed' {
            try { Switch-GenieCluster -From red -To island -Tag sched:adhoc -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'GenieSwitchPreconditionFailed,Sheriff.PowerShell.Commands.SwitchGenieClusterCommand'
            $err.Exception.Message | Should -Match 'would not be sent to cluster island'
            Get-Tags clusters island | Should -Be 'type:island'
        }

        It 'an unknown cluster is GenieClusterNotFound (ObjectNotFound)' {
            try { Switch-GenieCluster -From red -To no-such-cluster -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'GenieClusterNotFound,Sheriff.PowerShell.Commands.SwitchGenieClusterCommand'
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err.TargetObject | Should -Be 'no-such-cluster'
        }

        It 'refuses a tag neither cluster carries, genie.* tags, the same cluster twice, and -DrainTimeout without -Drain' {
            { Switch-GenieCluster -From red -To black -Tag sched:adhco -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidParameterValue,Sheriff.PowerShell.Commands.SwitchGenieClusterCommand'
            { Switch-GenieCluster -From red -To black -Tag genie.id:red -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidParameterValue,Sheriff.PowerShell.Commands.SwitchGenieClusterCommand'
            { Switch-GenieCluster -From red -To red -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidParameterValue,Sheriff.PowerShell.Commands.SwitchGenieClusterCommand'
            { Switch-GenieCluster -From red -To black -DrainTimeout 5 -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidParameterValue,Sheriff.PowerShell.Commands.SwitchGenieClusterCommand'
            { Switch-GenieCluster -From black -To red -ErrorAction Stop } |
                Should -Throw -ErrorId 'GenieSwitchPreconditionFailed,Sheriff.PowerShell.Commands.SwitchGenieClusterCommand' -Because 'black has no tag red lacks'
            Get-Tags clusters black | Should -Be 'type:local'
        }
    }

    Context 'Rollback' {
        It 'a failure half-way (after the add and one removal) restores both tag sets exactly: GenieSwitchFailed' {
            $redBefore = Get-Tags clusters red
            $blackBefore = Get-Tags clusters black
            # changes: 1 = add both tags to black, 2 = remove sched:adhoc from red, 3 = remove sched:sla from red (fails)
            $script:hooks::FailBeforeChange = 3
            try { Switch-GenieCluster -From red -To black -Tag sched:adhoc, sched:sla -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'GenieSwitchFailed,Sheriff.PowerShell.Commands.SwitchGenieClusterCommand'
            Get-Tags clusters red | Should -Be $redBefore
            Get-Tags clusters black | Should -Be $blackBefore
            $err.Exception.Message | Should -Match 'failed at step 4 \(Remove \[sched:adhoc, sched:sla\] from cluster red\): Injected failure before change 3'
            $err.Exception.Message | Should -Match 'Rolled back: step 4 \(re-added \[sched:adhoc\] to red\), step 3 \(removed \[sched:adhoc, sched:sla\] from black again\)'
            $err.Exception.Message | Should -Match 'Rollback succeeded: the tags of red and black read back exactly as before'
            $err.ErrorDetails.Message | Should -Match 'Rollback succeeded'
            $err.ErrorDetails.RecommendedAction | Should -Match 'restored the tags'
            $err.Exception.RolledBack | Should -BeTrue
            $err.Exception.RollbackSucceeded | Should -BeTrue
            $err.Exception.Result.Steps.State | Should -Be @('Succeeded', 'Succeeded', 'RolledBack', 'Failed')
        }

        It 'Ctrl+C (PowerShell.Stop) in the middle undoes the changes made so far' {
            $script:hooks::BlockBeforeChange = 2   # after the add to black, before the removal from red
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$script:ModulePath'; Switch-GenieCluster -From red -To black -Tag sched:adhoc -Session (Connect-Genie -Uri '$script:uri')")
                $handle = $ps.BeginInvoke()
                $deadline = [DateTime]::UtcNow.AddSeconds(60)
                while ((Get-Tags clusters black) -notmatch 'sched:adhoc' -and -not $handle.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
                # (never enumerate a running PowerShell's streams: that blocks until it ends)
                if ($handle.IsCompleted) { throw "The switch finished instead of blocking: $(if ($ps.Streams.Error.Count) { $ps.Streams.Error[0] })" }
                Get-Tags clusters black | Should -Match 'sched:adhoc' -Because 'the switch got to the blocking point'
                $stopping = $ps.BeginStop($null, $null)
                $stopping.AsyncWaitHandle.WaitOne(60000) | Should -BeTrue -Because 'the stop (and its rollback) is bounded'
                $ps.EndStop($stopping)
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
                $handle.IsCompleted | Should -BeTrue
            } finally { $ps.Dispose() }
            Get-Tags clusters black | Should -Be 'type:local'
            Get-Tags clusters red | Should -Be 'sched:adhoc,sched:sla,type:local'
        }
    }

    Context 'Drain' {
        It '-Drain waits for From''s jobs, then sets it OUT_OF_SERVICE' {
            $id = Submit-JobOn @('sched:adhoc') 'sleep 1'
            $result = Switch-GenieCluster -From red -To black -Tag sched:adhoc -Drain -DrainTimeout 30 -PassThru
            $result.Drained | Should -BeTrue
            (Get-GenieJob -Id $id).Status | Should -Be 'SUCCEEDED'
            (Get-GenieJob -Id $id).ClusterName | Should -Be 'red'
            (Get-Resource clusters red).status | Should -Be 'OUT_OF_SERVICE'
            ($result.Steps | Where-Object Kind -EQ Drain).Detail | Should -Match 'red ran no active job after'
        }

        It 'a drain timeout is GenieDrainTimeout: the switch is kept (not rolled back) and From stays UP' {
            $id = Submit-JobOn @('sched:adhoc') 'sleep 60'
            try {
                $deadline = [DateTime]::UtcNow.AddSeconds(20)
                while ((Get-GenieJob -Id $id).Status -ne 'RUNNING' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
                $result = Switch-GenieCluster -From red -To black -Tag sched:adhoc -Drain -DrainTimeout 2 -PassThru -ErrorVariable errs -ErrorAction SilentlyContinue
                $errs.Count | Should -Be 1
                $errs[0].FullyQualifiedErrorId | Should -Be 'GenieDrainTimeout,Sheriff.PowerShell.Commands.SwitchGenieClusterCommand'
                $errs[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
                $errs[0].Exception.Message | Should -Match $id
                $errs[0].Exception.Message | Should -Match 'is kept'
                $errs[0].Exception.RolledBack | Should -BeFalse
                $result.Drained | Should -BeFalse
                $result.TagsMoved | Should -Be @('sched:adhoc')
                $result.Steps.State | Should -Be @('Succeeded', 'Succeeded', 'Succeeded', 'Succeeded', 'TimedOut', 'Skipped')
                (Get-Resource clusters red).status | Should -Be 'UP'
                Get-Tags clusters red | Should -Be 'sched:sla,type:local'
                Get-Tags clusters black | Should -Be 'sched:adhoc,type:local'
                { Switch-GenieCluster -From red -To black -Tag sched:adhoc -Drain -DrainTimeout 1 -ErrorAction Stop } |
                    Should -Throw -ErrorId 'GenieDrainTimeout,Sheriff.PowerShell.Commands.SwitchGenieClusterCommand' -Because 'a runbook with -ErrorAction Stop stops'
            } finally {
                Stop-GenieJob -Id $id -Confirm:$false
            }
        }
    }
}

Describe 'Switch-GenieCommand' {
    BeforeEach {
        $script:hooks::Reset()
        Reset-Baseline
    }

    It 'moves the version alias and -PassThru emits the result' {
        $result = Switch-GenieCommand -Tag ver:3.5 -From spark-3.5.0 -To spark-3.5.1 -PassThru
        $result.Succeeded | Should -BeTrue
        $result.Kind | Should -Be 'Command'
        $result.Steps.Kind | Should -Be @('CheckStatus', 'CheckRunnable', 'AddTags', 'RemoveTags')
        Get-Tags commands spark-3.5.0 | Should -Be 'type:spark-submit,ver:3.5.0'
        Get-Tags commands spark-3.5.1 | Should -Be 'type:spark-submit,ver:3.5,ver:3.5.1'
    }

    It '-WhatIf prints the plan and changes nothing' {
        $before = Get-Resource commands spark-3.5.1
        $text = Invoke-Child 'Switch-GenieCommand -Tag ver:3.5 -From spark-3.5.0 -To spark-3.5.1 -WhatIf'
        $text | Should -Match '1\. Check that command spark-3\.5\.1 is ACTIVE \(it is ACTIVE now\)'
        $text | Should -Match '2\. Check that command spark-3\.5\.1 has cluster criteria that match an UP cluster \(it runs on .*red.*\)'
        $text | Should -Match '3\. Add \[ver:3\.5\] to command spark-3\.5\.1'
        $text | Should -Match '4\. Remove \[ver:3\.5\] from command spark-3\.5\.0'
        (Get-Resource commands spark-3.5.1).updated | Should -Be $before.updated
        Get-Tags commands spark-3.5.0 | Should -Match 'ver:3\.5,'
    }

    It 'an INACTIVE or unrunnable To is GenieSwitchPreconditionFailed; an unknown one GenieCommandNotFound' {
        try { Switch-GenieCommand -Tag ver:3.5 -From spark-3.5.0 -To spark-old -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'GenieSwitchPreconditionFailed,Sheriff.PowerShell.Commands.SwitchGenieCommandCommand'
        $err.Exception.Message | Should -Match 'INACTIVE, not ACTIVE'
        try { Switch-GenieCommand -Tag ver:3.5 -From spark-3.5.0 -To spark-nowhere -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'GenieSwitchPreconditionFailed,Sheriff.PowerShell.Commands.SwitchGenieCommandCommand'
        $err.Exception.Message | Should -Match 'no cluster criteria that match an UP cluster'
        { Switch-GenieCommand -Tag ver:3.5 -From spark-3.5.0 -To spark-9.9 -ErrorAction Stop } |
            Should -Throw -ErrorId 'GenieCommandNotFound,Sheriff.PowerShell.Commands.SwitchGenieCommandCommand'
        Get-Tags commands spark-3.5.0 | Should -Be 'type:spark-submit,ver:3.5,ver:3.5.0'
    }

    It 'rolls back after an injected failure: GenieSwitchFailed, tags exactly as before' {
        $script:hooks::FailBeforeChange = 2   # 1 = add ver:3.5 to 3.5.1, 2 = remove it from 3.5.0 (fails)
        try { Switch-GenieCommand -Tag ver:3.5 -From spark-3.5.0 -To spark-3.5.1 -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'GenieSwitchFailed,Sheriff.PowerShell.Commands.SwitchGenieCommandCommand'
        $err.Exception.Message | Should -Match 'Rollback succeeded'
        Get-Tags commands spark-3.5.0 | Should -Be 'type:spark-submit,ver:3.5,ver:3.5.0'
        Get-Tags commands spark-3.5.1 | Should -Be 'type:spark-submit,ver:3.5.1'
    }
}
