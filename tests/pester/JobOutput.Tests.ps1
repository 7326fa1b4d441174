BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Cmd = 'Sheriff.PowerShell.Commands.GetGenieJobOutputCommand'
}

Describe 'Get-GenieJobOutput against GenieLocal' {
    BeforeAll {
        $script:dataDir = New-TestDataDirectory
        $script:server = Start-GenieLocal -DataDirectory $script:dataDir
        $uri = $script:server.Uri

        $script:basic = Submit-TestShellJob -Server $uri -Name 'output-basic' -Script "printf 'line one\nline two\r\nline three\n'; printf 'err one\nerr two\n' >&2; mkdir -p data; echo nested > data/n.txt"
        $script:other = Submit-TestShellJob -Server $uri -Name 'output-other' -Script "echo other job"
        $script:big = Submit-TestShellJob -Server $uri -Name 'output-big' -Script "seq 1 100000 | sed 's/^/row /'"
        $script:binary = Submit-TestShellJob -Server $uri -Name 'output-binary' -Script "printf '\000\001\377\376\r\n\302' > blob.bin; printf 'A\377B\n\303(\nok\n'"
        foreach ($id in $script:basic, $script:other, $script:big, $script:binary) {
            Wait-TestJobFinished -Server $uri -Id $id -TimeoutSec 60 | Should -Be 'SUCCEEDED'
        }
    }
    AfterAll {
        if ($script:server -and -not $script:server.HasExited) { Stop-GenieLocal -InputObject $script:server }
        Remove-Item -Recurse -Force $script:dataDir -ErrorAction SilentlyContinue
    }

    Context 'reading files' {
        It 'writes stdout line by line by default, CR before LF removed' {
            $lines = Get-GenieJobOutput -Id $script:basic
            $lines | Should -HaveCount 3
            $lines[0] | Should -BeOfType [string]
            $lines | Should -Be @('line one', 'line two', 'line three')
        }

        It '-Raw returns one string with the line ends kept' {
            $raw = Get-GenieJobOutput -Id $script:basic -Raw
            @($raw) | Should -HaveCount 1
            $raw | Should -BeExactly "line one`nline two`r`nline three`n"
        }

        It '-Path reads stderr (positionally too)' {
            Get-GenieJobOutput -Id $script:basic -Path stderr | Should -Be @('err one', 'err two')
            Get-GenieJobOutput $script:basic stderr | Should -Be @('err one', 'err two')
        }

        It '-Path takes nested files with either separator' {
            Get-GenieJobOutput $script:basic -Path 'data/n.txt' | Should -Be 'nested'
            Get-GenieJobOutput $script:basic -Path 'data\n.txt' | Should -Be 'nested'
        }

        It '-Tail with -Raw returns the last lines as one string' {
            Get-GenieJobOutput $script:basic -Tail 2 -Raw | Should -BeExactly "line two`r`nline three`n"
        }

        It 'invalid UTF-8 becomes replacement characters and does not fail' {
            $lines = Get-GenieJobOutput $script:binary -ErrorVariable err
            $err | Should -BeNullOrEmpty
            $lines | Should -HaveCount 3
            $lines[0] | Should -BeExactly "A$([char]0xFFFD)B"
            $lines[1] | Should -BeExactly "$([char]0xFFFD)("
            $lines[2] | Should -BeExactly 'ok'
        }
    }

    Context '-Tail on a big file' {
        It 'returns exactly the last 5 of 100,000 lines, downloading only the end of the file' {
            $out = Get-GenieJobOutput -Id $script:big -Tail 5 -Verbose 4>&1
            $lines = @($out | Where-Object { $_ -is [string] })
            $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
            $lines | Should -Be @(99996..100000 | ForEach-Object { "row $_" })
            $verbose | Should -Match 'from (\d+) of (\d+) bytes in (\d+) request'
            $null = $verbose -match 'from (\d+) of (\d+) bytes in (\d+) request'
            $read = [long]$Matches[1]; $total = [long]$Matches[2]
            $total | Should -BeGreaterThan 900000
            $read | Should -BeLessOrEqual 8192
            [int]$Matches[3] | Should -Be 1
        }

        It 'is much faster than reading the whole file' {
            $all = Measure-Command { $script:count = (Get-GenieJobOutput -Id $script:big | Measure-Object).Count }
            $script:count | Should -Be 100000
            $tail = Measure-Command { Get-GenieJobOutput -Id $script:big -Tail 5 }
            $tail.TotalMilliseconds | Should -BeLessThan ($all.TotalMilliseconds / 3)
        }

        It '-Tail 0 returns nothing' {
            Get-GenieJobOutput -Id $script:big -Tail 0 | Should -BeNullOrEmpty
        }

        It '-Tail larger than the file returns the whole file' {
            Get-GenieJobOutput -Id $script:basic -Tail 1000 | Should -Be @('line one', 'line two', 'line three')
        }
    }

    Context '-List' {
        It 'lists the job directory: sub-directories, then files, as GenieOutputEntry objects' {
            $entries = Get-GenieJobOutput -Id $script:basic -List
            $entries | Should -Not -BeNullOrEmpty
            $entries[0] | Should -BeOfType 'Sheriff.Core.Genie.GenieOutputEntry'
            $names = $entries | Where-Object { -not $_.IsDirectory } | ForEach-Object Name
            $names | Should -Contain 'stdout'
            $names | Should -Contain 'stderr'
            $names | Should -Contain 'run'
            $dirs = $entries | Where-Object IsDirectory
            $dirs.Name | Should -Contain 'genie'
            $dirs.Name | Should -Contain 'data'
            $entries.IndexOf(($entries | Where-Object IsDirectory | Select-Object -Last 1)) |
                Should -BeLessThan $entries.IndexOf(($entries | Where-Object { -not $_.IsDirectory } | Select-Object -First 1))
            $stdout = $entries | Where-Object Name -EQ 'stdout'
            $stdout.JobId | Should -Be $script:basic
            $stdout.Path | Should -Be 'stdout'
            $stdout.Size | Should -Be 30
            $stdout.LastModified | Should -BeOfType [DateTimeOffset]
            $stdout.Url.AbsoluteUri | Should -Be ([uri]::new($script:server.Uri, "api/v3/jobs/$($script:basic)/output/stdout")).AbsoluteUri
        }

        It 'lists a sub-directory with paths relative to the job directory' {
            $entries = Get-GenieJobOutput -Id $script:basic -List -Path genie
            ($entries | Where-Object Name -EQ 'logs').Path | Should -Be 'genie/logs'
            (Get-GenieJobOutput -Id $script:basic -List -Path genie/logs).Path | Should -Contain 'genie/logs/env.log'
        }

        It 'entries pipe back into Get-GenieJobOutput (JobId and Path bind by property name)' {
            Get-GenieJobOutput -Id $script:basic -List | Where-Object Name -EQ 'stderr' | Get-GenieJobOutput |
                Should -Be @('err one', 'err two')
        }

        It 'has a table view' {
            $text = Get-GenieJobOutput -Id $script:basic -List | Format-Table | Out-String -Width 200
            $text | Should -Match 'LastModified\s+Size\s+Name'
            $text | Should -Match 'genie/'
            $text | Should -Match "Job output: $($script:basic)"
        }
    }

    Context '-OutFile' {
        It 'saves bytes exactly and emits nothing' {
            $target = Join-Path $script:dataDir 'blob-copy.bin'
            $out = Get-GenieJobOutput -Id $script:binary -Path blob.bin -OutFile $target
            $out | Should -BeNullOrEmpty
            [IO.File]::ReadAllBytes($target) | Should -Be ([byte[]](0, 1, 255, 254, 13, 10, 194))
        }

        It '-PassThru returns the FileInfo; relative paths follow the PowerShell location' {
            Push-Location $script:dataDir
            try {
                $info = Get-GenieJobOutput -Id $script:binary -OutFile 'stdout-copy.txt' -PassThru
                $info | Should -BeOfType [IO.FileInfo]
                $info.FullName | Should -Be (Join-Path (Get-Location).ProviderPath 'stdout-copy.txt')
                [IO.File]::ReadAllBytes($info.FullName) | Should -Be ([byte[]](0x41, 0xFF, 0x42, 0x0A, 0xC3, 0x28, 0x0A, 0x6F, 0x6B, 0x0A))
            } finally { Pop-Location }
        }

        It 'creates no file when the path does not exist' {
            $target = Join-Path $script:dataDir 'never.bin'
            Get-GenieJobOutput -Id $script:binary -Path missing.bin -OutFile $target -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -Be "GenieJobOutputNotFound,$($script:Cmd)"
            Test-Path $target | Should -BeFalse
        }
    }

    Context 'errors' {
        It 'an unknown job writes GenieJobNotFound with the id as target and goes on' {
            $lines = 'no-such-job', $script:other | Get-GenieJobOutput -ErrorAction SilentlyContinue -ErrorVariable err
            $lines | Should -Be 'other job'
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be "GenieJobNotFound,$($script:Cmd)"
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be 'no-such-job'
        }

        It 'a missing path writes GenieJobOutputNotFound with id/path as target' {
            Get-GenieJobOutput -Id $script:basic -Path 'nope/missing.log' -ErrorAction SilentlyContinue -ErrorVariable err
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be "GenieJobOutputNotFound,$($script:Cmd)"
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be "$($script:basic)/nope/missing.log"
            $err[0].ErrorDetails.RecommendedAction | Should -Match '-List'
        }

        It 'a missing path also fails -List, -Raw and -Tail the same way' {
            foreach ($extra in @{ List = $true }, @{ Raw = $true }, @{ Tail = 3 }) {
                Get-GenieJobOutput -Id $script:basic -Path 'nope' @extra -ErrorAction SilentlyContinue -ErrorVariable err
                $err[0].FullyQualifiedErrorId | Should -Be "GenieJobOutputNotFound,$($script:Cmd)"
            }
        }

        It 'a directory path without -List writes InvalidParameterValue pointing at -List' {
            Get-GenieJobOutput -Id $script:basic -Path genie -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be "InvalidParameterValue,$($script:Cmd)"
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err[0].TargetObject | Should -Be "$($script:basic)/genie"
            $err[0].ErrorDetails.RecommendedAction | Should -Match '-List'
        }

        It 'rejects <Name> before doing anything' -TestCases @(
            @{ Name = '-List with -Tail'; Params = @{ List = $true; Tail = 5 } }
            @{ Name = '-List with -Follow'; Params = @{ List = $true; Follow = $true } }
            @{ Name = '-List with -Raw'; Params = @{ List = $true; Raw = $true } }
            @{ Name = '-List with -OutFile'; Params = @{ List = $true; OutFile = 'x.bin' } }
            @{ Name = '-Raw with -Follow'; Params = @{ Raw = $true; Follow = $true } }
            @{ Name = '-Raw with -OutFile'; Params = @{ Raw = $true; OutFile = 'x.bin' } }
        ) {
            param($Name, $Params)
            { Get-GenieJobOutput -Id $script:basic @Params -ErrorAction Stop } | Should -Throw -ErrorId "AmbiguousParameterSet,$($script:Cmd)"
        }
    }

    Context 'pipeline' {
        It 'Get-GenieJob | Get-GenieJobOutput reads the job''s stdout' {
            Get-GenieJob -Id $script:basic | Get-GenieJobOutput | Should -Be @('line one', 'line two', 'line three')
        }

        It 'several ids are read one after another, in order' {
            $script:basic, $script:other | Get-GenieJobOutput | Should -Be @('line one', 'line two', 'line three', 'other job')
        }
    }

    Context '-Follow' {
        It 'streams lines while the job runs and returns when it has finished' {
            $id = Submit-TestShellJob -Server $script:server.Uri -Name 'output-follow' -Script "echo first; sleep 2; echo second; sleep 2; printf third"
            $started = [DateTime]::UtcNow
            $seen = Get-GenieJobOutput -Id $id -Follow | ForEach-Object { [pscustomobject]@{ Line = $_; At = [DateTime]::UtcNow } }
            $elapsed = [DateTime]::UtcNow - $started
            $seen.Line | Should -Be @('first', 'second', 'third')
            # lines arrived as they were written, not all at the end
            ($seen[2].At - $seen[0].At).TotalSeconds | Should -BeGreaterThan 2.5
            $elapsed.TotalSeconds | Should -BeLessThan 30
            (Get-GenieJob -Id $id).Status | Should -Be 'SUCCEEDED'
        }

        It 'on a finished job reads everything and returns' {
            Get-GenieJobOutput -Id $script:basic -Follow | Should -Be @('line one', 'line two', 'line three')
        }

        It '-Tail with -Follow starts at the last lines' {
            Get-GenieJobOutput -Id $script:big -Tail 2 -Follow | Should -Be @('row 99999', 'row 100000')
        }

        It '-Follow with -OutFile saves everything until the job ends' {
            $id = Submit-TestShellJob -Server $script:server.Uri -Name 'output-follow-file' -Script "printf 'a\377\n'; sleep 1; printf 'b\000c'"
            $target = Join-Path $script:dataDir 'follow.bin'
            Get-GenieJobOutput -Id $id -Follow -OutFile $target | Should -BeNullOrEmpty
            [IO.File]::ReadAllBytes($target) | Should -Be ([byte[]](0x61, 0xFF, 0x0A, 0x62, 0x00, 0x63))
        }

        It 'stops at once when the pipeline is stopped (Ctrl+C)' {
            $id = Submit-TestShellJob -Server $script:server.Uri -Name 'output-follow-stop' -Script "echo started; sleep 60"
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript({
                        param($ModulePath, $Uri, $Id)
                        Import-Module $ModulePath
                        $session = Connect-Genie -Uri $Uri -NoValidation
                        Get-GenieJobOutput -Id $Id -Follow -Session $session
                    }).AddArgument($script:ModulePath).AddArgument($script:server.Uri).AddArgument($id)
                $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
                $async = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
                $deadline = [DateTime]::UtcNow.AddSeconds(20)
                while ($output.Count -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
                $output[0] | Should -Be 'started'
                $stopped = Measure-Command { $ps.Stop() }
                $stopped.TotalSeconds | Should -BeLessThan 3
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
                $async.IsCompleted | Should -BeTrue
            } finally {
                $ps.Dispose()
                Invoke-WebRequest -Method Delete -Uri ([uri]::new($script:server.Uri, "api/v3/jobs/$id")) -ErrorAction SilentlyContinue | Out-Null
            }
        }
    }
}
