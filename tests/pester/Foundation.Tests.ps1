BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Module surface' {
    It 'exports exactly the cmdlets its manifest lists' {
        $manifest = Import-PowerShellDataFile $script:ModulePath
        $exported = (Get-Module Sheriff).ExportedCmdlets.Keys | Sort-Object
        $exported | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }
    It 'loads the net8.0 build on PowerShell 7' {
        (Get-Command Get-GenieJob).ImplementingType.Assembly.Location | Should -Match 'net8\.0[\\/]Sheriff\.PowerShell\.dll$'
    }
    It 'ships no PowerShell assemblies of its own' {
        $root = Split-Path $script:ModulePath
        Get-ChildItem $root -Recurse -Filter 'System.Management.Automation.dll' | Should -BeNullOrEmpty
    }
    It 'has a stamped version' {
        (Get-Module Sheriff).Version | Should -BeGreaterThan ([version]'0.0.0')
    }
}

Describe 'Without a connection' {
    It 'Get-GenieJob says how to connect, with a stable error id' {
        $saved = $env:SHERIFF_GENIE_URI
        try {
            $env:SHERIFF_GENIE_URI = $null
            # a fresh runspace has no default connection
            $ps = [powershell]::Create()
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', $script:ModulePath).AddStatement().AddCommand('Get-GenieJob').AddParameter('Id', 'x')
            $null = $ps.Invoke()
            $ps.Streams.Error.Count | Should -Be 1
            $err = $ps.Streams.Error[0]
            $err.FullyQualifiedErrorId | Should -Be 'GenieNotConnected,Sheriff.PowerShell.Commands.GetGenieJobCommand'
            $err.CategoryInfo.Category | Should -Be 'ConnectionError'
            $err.ErrorDetails.RecommendedAction | Should -Match 'Connect-Genie'
        } finally {
            $env:SHERIFF_GENIE_URI = $saved
            $ps.Dispose()
        }
    }
}

Describe 'GenieLocal lifecycle through the module' {
    BeforeAll {
        $script:dataDir = New-TestDataDirectory
        $script:server = Start-GenieLocal -DataDirectory $script:dataDir
    }
    AfterAll {
        if ($script:server -and -not $script:server.HasExited) { Stop-GenieLocal -InputObject $script:server }
        Remove-Item -Recurse -Force $script:dataDir -ErrorAction SilentlyContinue
    }

    It 'Start-GenieLocal returns a running server on 127.0.0.1 with its data directory' {
        $script:server.Uri.Host | Should -Be '127.0.0.1'
        $script:server.Uri.Port | Should -BeGreaterThan 0
        $script:server.HasExited | Should -BeFalse
        $script:server.DataDirectory | Should -Be (Resolve-Path $script:dataDir).Path
        Test-Path (Join-Path $script:dataDir 'genie.db') | Should -BeTrue
    }

    It 'the server answers the Genie v3 root' {
        (Invoke-RestMethod ([uri]::new($script:server.Uri, 'api/v3'))).description | Should -Be 'Genie V3 API'
    }

    It 'Start-GenieLocal made the server the default connection: Get-GenieJob -Id works without -Session' {
        $id = Submit-TestShellJob -Server $script:server.Uri -Script 'echo hello from pester' -Name 'default-connection'
        Wait-TestJobFinished -Server $script:server.Uri -Id $id | Should -Be 'SUCCEEDED'
        $job = Get-GenieJob -Id $id
        $job | Should -BeOfType 'Sheriff.Core.Genie.GenieJob'
        $job.Id | Should -Be $id
        $job.Name | Should -Be 'default-connection'
        $job.Status | Should -Be 'SUCCEEDED'
        $job.ClusterName | Should -Be 'local'
        $job.CommandName | Should -Be 'shell'
        $job.Tags | Should -Contain 'pester'
        $job.Started | Should -Not -BeNullOrEmpty
        $job.Finished | Should -BeGreaterOrEqual $job.Started
        $job.Runtime | Should -BeOfType [timespan]
        $job.OutputUri.AbsoluteUri | Should -Be ([uri]::new($script:server.Uri, "api/v3/jobs/$id/output")).AbsoluteUri
        "$job" | Should -Match "^$id SUCCEEDED 'default-connection'"
    }

    It 'Connect-Genie -Uri returns a session, makes it the default, and the job table view renders' {
        $session = Connect-Genie -Uri $script:server.Uri
        $session | Should -BeOfType 'Sheriff.Core.Genie.GenieSession'
        $session.ServerDescription | Should -Be 'Genie V3 API'
        $id = Submit-TestShellJob -Server $script:server.Uri -Script 'exit 3' -Name 'table-view'
        Wait-TestJobFinished -Server $script:server.Uri -Id $id | Should -Be 'FAILED'
        $table = Get-GenieJob -Id $id | Format-Table | Out-String -Width 250
        $table | Should -Match 'Id\s+Name\s+Status\s+User\s+Cluster\s+Started\s+Runtime'
        $table | Should -Match "$id\s+table-view\s+FAILED"
        $list = Get-GenieJob -Id $id | Format-List | Out-String -Width 250
        $list | Should -Match 'StatusMessage\s*:\s*Job failed\.'
    }

    It 'Get-GenieJob binds ids from the pipeline, by property name (JobId) and positionally' {
        $a = Submit-TestShellJob -Server $script:server.Uri -Script 'true'
        $b = Submit-TestShellJob -Server $script:server.Uri -Script 'true'
        (@($a, $b) | Get-GenieJob).Id | Should -Be @($a, $b)
        ([pscustomobject]@{ JobId = $a } | Get-GenieJob).Id | Should -Be $a
        (Get-GenieJob $b).Id | Should -Be $b
        (Get-GenieJob -Id $a | Get-GenieJob).Id | Should -Be $a
    }

    It 'an unknown id is a non-terminating GenieJobNotFound error that names the id, and the rest still come' {
        $good = Submit-TestShellJob -Server $script:server.Uri -Script 'true'
        $jobs = Get-GenieJob -Id 'no-such-job', $good -ErrorVariable errs -ErrorAction SilentlyContinue
        $jobs.Id | Should -Be $good
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'GenieJobNotFound,Sheriff.PowerShell.Commands.GetGenieJobCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'no-such-job'
        $errs[0].Exception.StatusCode | Should -Be 'NotFound'
        $errs[0].Exception.GenieMessage | Should -Match 'no-such-job'
    }

    It 'an explicit -Session wins over the default' {
        $id = Submit-TestShellJob -Server $script:server.Uri -Script 'true'
        $first = Connect-Genie -Uri $script:server.Uri
        $other = New-TestDataDirectory
        $second = Start-GenieLocal -DataDirectory $other   # becomes the default connection
        try {
            { Get-GenieJob -Id $id -ErrorAction Stop } | Should -Throw -ErrorId 'GenieJobNotFound,Sheriff.PowerShell.Commands.GetGenieJobCommand'
            (Get-GenieJob -Id $id -Session $first).Id | Should -Be $id
        } finally {
            Stop-GenieLocal -InputObject $second
            Remove-Item -Recurse -Force $other -ErrorAction SilentlyContinue
            $null = Connect-Genie -Uri $script:server.Uri
        }
    }

    It 'Connect-Genie to a dead address fails with GenieConnectionFailed' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        { Connect-Genie -Uri "http://127.0.0.1:$port" -ErrorAction Stop } |
            Should -Throw -ErrorId 'GenieConnectionFailed,Sheriff.PowerShell.Commands.ConnectGenieCommand'
    }

    It 'Connect-Genie rejects a URI that is not http(s)' {
        { Connect-Genie -Uri 'ftp://example.com' -NoValidation -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidGenieUri,Sheriff.PowerShell.Commands.ConnectGenieCommand'
    }

    It 'Start-GenieLocal -WhatIf starts nothing' {
        $dir = New-TestDataDirectory
        Start-GenieLocal -DataDirectory $dir -WhatIf | Should -BeNullOrEmpty
        Get-Process | Where-Object { $_.CommandLine -like "*sheriff-genie-local*$dir*" } | Should -BeNullOrEmpty
        Test-Path (Join-Path $dir 'genie.db') | Should -BeFalse
    }

    It 'Stop-GenieLocal stops the process, clears the default connection, and keeps the data' {
        $dir = New-TestDataDirectory
        $s = Start-GenieLocal -DataDirectory $dir
        $id = Submit-TestShellJob -Server $s.Uri -Script 'echo kept'
        Wait-TestJobFinished -Server $s.Uri -Id $id | Should -Be 'SUCCEEDED'
        Stop-GenieLocal
        $s.HasExited | Should -BeTrue
        { Get-GenieJob -Id $id -ErrorAction Stop } | Should -Throw -ErrorId 'GenieNotConnected,Sheriff.PowerShell.Commands.GetGenieJobCommand'
        # state survives a restart on the same data directory
        $again = Start-GenieLocal -DataDirectory $dir
        try {
            (Get-GenieJob -Id $id).Status | Should -Be 'SUCCEEDED'
        } finally {
            Stop-GenieLocal -InputObject $again
            Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
        }
    }

    It 'Stop-GenieLocal with nothing started is a GenieLocalNotRunning error' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', $script:ModulePath).AddStatement().AddCommand('Stop-GenieLocal')
            $null = $ps.Invoke()
            $ps.Streams.Error.Count | Should -Be 1
            $ps.Streams.Error[0].FullyQualifiedErrorId | Should -Be 'GenieLocalNotRunning,Sheriff.PowerShell.Commands.StopGenieLocalCommand'
        } finally { $ps.Dispose() }
    }
}
