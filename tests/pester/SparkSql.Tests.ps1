BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:savedConfig = $env:SHERIFF_CONFIG
    $script:work = New-TestDataDirectory
    # Team defaults route every SQL job to GenieLocal's cluster, so the tests need no -ClusterTags.
    $env:SHERIFF_CONFIG = Join-Path $script:work 'config.json'
    '{ "sparkDefaults": { "clusterTags": ["sched:adhoc"] } }' | Set-Content $env:SHERIFF_CONFIG
    $script:server = Start-GenieLocal -DataDirectory (Join-Path $script:work 'genie') -MaxRunning 4
    $script:cmd = 'Sheriff.PowerShell.Commands.InvokeSparkSqlCommand'

    function Get-JobCount { @(Get-GenieJob -Mine).Count }
}

AfterAll {
    if ($script:server -and -not $script:server.HasExited) { Stop-GenieLocal -InputObject $script:server }
    $env:SHERIFF_CONFIG = $script:savedConfig
    Remove-Item -Recurse -Force $script:work -ErrorAction SilentlyContinue
}

Describe 'Invoke-SparkSql: rows as typed objects (GenieLocal, DuckDB engine)' {
    It 'the session from Start-GenieLocal runs SQL on the local engine' {
        (Get-Command Invoke-SparkSql).OutputType.Type.Name | Should -Contain 'SqlWriteSummary'
        $job = Invoke-SparkSql -Query 'SELECT 1 AS one' -NoWait
        $job | Should -BeOfType 'Sheriff.Core.Genie.GenieJob'
        $job = Wait-GenieJob -Id $job.Id -Timeout 60
        $job.CommandName | Should -Be 'sheriff-sql'
        $job.Tags | Should -Contain 'sheriff.sql:query'
        (Get-GenieJobOutput -Id $job.Id -List).Name | Should -Contain 'sheriff-sql-result.json'
    }

    It 'round-trips every type: <Name>' -ForEach @(
        @{ Name = 'boolean'; Sql = 'true'; Duck = 'BOOLEAN'; Type = [bool]; Expected = $true }
        @{ Name = 'tinyint'; Sql = 'CAST(-7 AS TINYINT)'; Duck = 'TINYINT'; Type = [int]; Expected = -7 }
        @{ Name = 'smallint'; Sql = 'CAST(32000 AS SMALLINT)'; Duck = 'SMALLINT'; Type = [int]; Expected = 32000 }
        @{ Name = 'int'; Sql = 'CAST(2147483647 AS INTEGER)'; Duck = 'INTEGER'; Type = [int]; Expected = 2147483647 }
        @{ Name = 'bigint'; Sql = 'CAST(9007199254740993 AS BIGINT)'; Duck = 'BIGINT'; Type = [long]; Expected = 9007199254740993L }
        @{ Name = 'float'; Sql = 'CAST(0.25 AS FLOAT)'; Duck = 'FLOAT'; Type = [double]; Expected = 0.25 }
        @{ Name = 'double'; Sql = 'CAST(-1.5e300 AS DOUBLE)'; Duck = 'DOUBLE'; Type = [double]; Expected = -1.5e300 }
        @{ Name = 'double infinity'; Sql = "CAST('-Infinity' AS DOUBLE)"; Duck = 'DOUBLE'; Type = [double]; Expected = [double]::NegativeInfinity }
        @{ Name = 'decimal'; Sql = 'CAST(12.50 AS DECIMAL(4,2))'; Duck = 'DECIMAL(4,2)'; Type = [decimal]; Expected = 12.50d }
        @{ Name = 'string'; Sql = "'it''s ü € 😀'"; Duck = 'VARCHAR'; Type = [string]; Expected = "it's ü € 😀" }
        @{ Name = 'date'; Sql = "DATE '2026-11-26'"; Duck = 'DATE'; Type = [datetime]; Expected = [datetime]::new(2026, 11, 26) }
        @{ Name = 'timestamp'; Sql = "TIMESTAMPTZ '2026-11-26 10:00:00.123456+00'"; Duck = 'TIMESTAMPTZ'; Type = [datetime]; Expected = [datetime]::new(2026, 11, 26, 10, 0, 0, [DateTimeKind]::Utc).AddTicks(1234560) }
    ) {
        $row = Invoke-SparkSql -Query "SELECT $Sql AS v, CAST(NULL AS $Duck) AS n"
        $row.v | Should -BeOfType $Type
        $row.v | Should -Be $Expected
        $row.PSObject.Properties.Name | Should -Be @('v', 'n')
        $null -eq $row.n | Should -BeTrue
    }

    It 'keeps decimal scale and exactness; NaN; binary; a decimal too wide for System.Decimal stays exact text' {
        $row = Invoke-SparkSql -Query @'
SELECT CAST(12.50 AS DECIMAL(10,2)) AS d,
       CAST('NaN' AS DOUBLE) AS nan,
       from_hex('00FF10') AS bin,
       CAST('12345678901234567890123456789012345678' AS DECIMAL(38,0)) AS wide,
       TIMESTAMPTZ '2026-11-26 10:00:00+00' AS ts
'@
        $row.d.ToString([cultureinfo]::InvariantCulture) | Should -Be '12.50'
        [double]::IsNaN($row.nan) | Should -BeTrue
        , $row.bin | Should -BeOfType [byte[]]
        $row.bin | Should -Be @(0, 255, 16)
        $row.wide | Should -BeOfType [string]
        $row.wide | Should -Be '12345678901234567890123456789012345678'
        $row.ts.Kind | Should -Be 'Utc'
    }

    It 'gives arrays as object[], structs as objects and maps as ordered hashtables, nested; columns keep their order' {
        $row = Invoke-SparkSql -Query @'
SELECT [1, NULL, 3] AS arr,
       {'name': 'ana', 'tags': ['a', 'b'], 'home': {'city': 'Delft'}} AS person,
       MAP {'x': 1.5, 'y': NULL} AS m,
       [{'k': 1}, {'k': 2}] AS list_of_structs,
       'last' AS z
'@
        $row.PSObject.Properties.Name | Should -Be @('arr', 'person', 'm', 'list_of_structs', 'z')
        , $row.arr | Should -BeOfType [object[]]
        $row.arr.Count | Should -Be 3
        $row.arr[0] | Should -Be 1
        $null -eq $row.arr[1] | Should -BeTrue
        $row.person | Should -BeOfType [pscustomobject]
        $row.person.name | Should -Be 'ana'
        $row.person.tags | Should -Be @('a', 'b')
        $row.person.home.city | Should -Be 'Delft'
        $row.m | Should -BeOfType [System.Collections.Specialized.OrderedDictionary]
        @($row.m.Keys) | Should -Be @('x', 'y')
        $row.m['x'] | Should -Be 1.5
        $row.list_of_structs[1].k | Should -Be 2
    }

    It 'substitutes -Parameters as safe literals: strings, numbers, dates, lists, null' {
        $evil = "x'; DROP TABLE t; --"
        $row = Invoke-SparkSql -Query @'
SELECT ${s} AS s, ${n} AS n, ${d} AS d, ${nothing} AS nothing,
       (SELECT count(*) FROM range(10) r(x) WHERE x IN (${ids})) AS matched,
       'prefix-${s}' AS inside, '$${literal}' AS escaped  -- ${not_a_use}
'@ -Parameters @{ s = $evil; n = -5; d = [datetime]'2026-11-26'; nothing = $null; ids = 1, 3, 5 }
        $row.s | Should -Be $evil
        $row.n | Should -Be -5
        $row.d | Should -Be ([datetime]'2026-11-26')
        $row.nothing | Should -BeNullOrEmpty
        $row.matched | Should -Be 3
        $row.inside | Should -Be "prefix-$evil"
        $row.escaped | Should -Be '${literal}'
    }

    It 'refuses a placeholder without a parameter, and a parameter without a placeholder, before submitting' {
        $before = Get-JobCount
        { Invoke-SparkSql -Query "SELECT 1 AS a`nWHERE x = `${ds}" -ErrorAction Stop } |
            Should -Throw -ErrorId "SparkSqlParameterInvalid,$script:cmd" -ExpectedMessage '*${ds} (line 2)*'
        { Invoke-SparkSql -Query 'SELECT ${a} AS a' -Parameters @{ a = 1; b = 2 } -ErrorAction Stop } |
            Should -Throw -ErrorId "SparkSqlParameterInvalid,$script:cmd" -ExpectedMessage "*'b'*"
        Get-JobCount | Should -Be $before
    }

    It 'emits at most -MaxRows rows and warns that the result had more' {
        $rows = Invoke-SparkSql -Query 'SELECT x FROM range(25) r(x) ORDER BY x' -MaxRows 10 -WarningVariable warnings -WarningAction SilentlyContinue
        $rows.Count | Should -Be 10
        $rows[9].x | Should -Be 9
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -BeLike 'Returned 10 of 25 rows; raise -MaxRows or write to a table with -OutputTable.'
        $all = Invoke-SparkSql -Query 'SELECT x FROM range(25) r(x)' -WarningVariable none
        $all.Count | Should -Be 25
        $none.Count | Should -Be 0
    }

    It 'runs a .sql file given with -Path' {
        $file = Join-Path $script:work 'q.sql'
        "-- a comment with `${ignored}`nSELECT `${n} * 2 AS twice" | Set-Content $file
        (Invoke-SparkSql -Path $file -Parameters @{ n = 21 }).twice | Should -Be 42
        { Invoke-SparkSql -Path (Join-Path $script:work 'missing.sql') -ErrorAction Stop } | Should -Throw -ErrorId "SparkJobFileNotFound,$script:cmd"
    }

    It '-WhatIf shows the Spark job and the request, and submits nothing' {
        $before = Get-JobCount
        $out = Invoke-SparkSql -Query 'SELECT 1 AS a' -OutputTable db.whatif -WhatIf
        $out | Should -BeNullOrEmpty
        Get-JobCount | Should -Be $before
    }
}

Describe 'Invoke-SparkSql -OutputTable: create, append, overwrite one partition (GenieLocal, DuckDB engine)' {
    BeforeAll {
        $script:seed = @'
SELECT * FROM (VALUES
    (1, 'ana',  DATE '2026-11-25', 10.50),
    (2, 'ben',  DATE '2026-11-25', 20.00),
    (3, 'cleo', DATE '2026-11-26', 30.25)
) AS t(id, name, ds, amount)
'@
        function Get-Rows { Invoke-SparkSql -Query 'SELECT id, name, ds, amount FROM shop.orders ORDER BY id' }
    }

    It 'creates a partitioned table, emitting the finished job and a summary' {
        $out = Invoke-SparkSql -Query $script:seed -OutputTable shop.orders -PartitionBy ds -Mode ErrorIfExists
        $out.Count | Should -Be 2
        $out[0] | Should -BeOfType 'Sheriff.Core.Genie.GenieJob'
        $out[0].Status | Should -Be 'SUCCEEDED'
        $summary = $out[1]
        $summary | Should -BeOfType 'Sheriff.Core.Sql.SqlWriteSummary'
        $summary.Table | Should -Be 'shop.orders'
        $summary.RowsWritten | Should -Be 3
        $summary.Created | Should -BeTrue
        $summary.Mode | Should -Be 'errorifexists'
        $summary.Partitions | Should -Be @('ds=2026-11-25', 'ds=2026-11-26')
        $summary.JobId | Should -Be $out[0].Id
        ($summary | Format-Table | Out-String) | Should -Match 'RowsWritten'
        $rows = Get-Rows
        $rows.id | Should -Be @(1, 2, 3)
        $rows[0].amount | Should -Be 10.50d
        $rows[2].ds | Should -Be ([datetime]'2026-11-26')
    }

    It 'appends rows' {
        $summary = Invoke-SparkSql -Query "SELECT 4 AS id, 'dan' AS name, DATE '2026-11-26' AS ds, CAST(40.00 AS DECIMAL(4,2)) AS amount" -OutputTable shop.orders -PartitionBy ds -Mode Append |
            Where-Object { $_ -is [Sheriff.Core.Sql.SqlWriteSummary] }
        $summary.RowsWritten | Should -Be 1
        $summary.Created | Should -BeFalse
        (Get-Rows).id | Should -Be @(1, 2, 3, 4)
    }

    It 'overwrites only the partition the result holds; the others survive' {
        $summary = Invoke-SparkSql -Query "SELECT 5 AS id, 'eva' AS name, `${ds} AS ds, CAST(50.00 AS DECIMAL(4,2)) AS amount" `
            -Parameters @{ ds = [datetime]'2026-11-26' } -OutputTable shop.orders -PartitionBy ds -Mode Overwrite |
            Where-Object { $_ -is [Sheriff.Core.Sql.SqlWriteSummary] }
        $summary.Partitions | Should -Be @('ds=2026-11-26')
        $rows = Get-Rows
        $rows.id | Should -Be @(1, 2, 5) -Because 'ds=2026-11-25 (ids 1, 2) survives; ds=2026-11-26 (ids 3, 4) is replaced'
        $rows[2].name | Should -Be 'eva'
    }

    It 'refuses to write an existing table with ErrorIfExists (the default)' {
        $out = Invoke-SparkSql -Query $script:seed -OutputTable shop.orders -PartitionBy ds -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure.Count | Should -Be 1
        $failure[0].FullyQualifiedErrorId | Should -Be "SparkSqlFailed,$script:cmd"
        $failure[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $failure[0].Exception.Error.Kind | Should -Be 'mode'
        $failure[0].Exception.Message | Should -BeLike '*shop.orders*'
        $failure[0].TargetObject | Should -Be $out[0].Id
        $failure[0].ErrorDetails.RecommendedAction | Should -BeLike '*-Mode Overwrite*'
        (Get-Rows).id | Should -Be @(1, 2, 5)
    }

    It 'fails when a -PartitionBy column is missing from the result, naming it' {
        { Invoke-SparkSql -Query 'SELECT 1 AS id' -OutputTable shop.other -PartitionBy day -Mode Overwrite -ErrorAction Stop } |
            Should -Throw -ErrorId "SparkSqlFailed,$script:cmd" -ExpectedMessage '*(partition)*day*'
    }

    It 'checks the write options locally: -PartitionBy without -OutputTable, -MaxRows with it, bad names' {
        { Invoke-SparkSql -Query 'SELECT 1' -PartitionBy ds -ErrorAction Stop } | Should -Throw -ErrorId "SparkSqlInvalid,$script:cmd"
        { Invoke-SparkSql -Query 'SELECT 1' -OutputTable t -MaxRows 5 -ErrorAction Stop } | Should -Throw -ErrorId "SparkSqlInvalid,$script:cmd"
        { Invoke-SparkSql -Query 'SELECT 1' -OutputTable 'bad name' -ErrorAction Stop } | Should -Throw -ErrorId "SparkSqlInvalid,$script:cmd"
        { Invoke-SparkSql -Query 'SELECT 1' -OutputTable t -Format orc -ErrorAction Stop } | Should -Throw -ErrorId "SparkSqlInvalid,$script:cmd" -ExpectedMessage '*parquet only*'
    }
}

Describe 'Invoke-SparkSql failures carry the engine message and the query line' {
    It 'a syntax error quotes the line with a caret under the column; target = the job id' {
        $query = "SELECT id,`n       name`nFORM shop.orders"
        Invoke-SparkSql -Query $query -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failure.Count | Should -Be 1
        $e = $failure[0]
        $e.FullyQualifiedErrorId | Should -Be "SparkSqlFailed,$script:cmd"
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.TargetObject | Should -BeLike 'sheriff-*'
        $e.Exception.Error.Kind | Should -Be 'syntax'
        $e.Exception.Error.Line | Should -Be 3
        $e.Exception.Message | Should -BeLike '*syntax error*'
        $e.Exception.Message | Should -Match '(?m)^\s+3 \| FORM shop\.orders$'
        $e.Exception.Message | Should -Match '(?m)^\s+\| +\^$'
        (Get-GenieJob -Id $e.TargetObject).Status | Should -Be 'FAILED'
    }

    It 'an unknown table names the table' {
        { Invoke-SparkSql -Query 'SELECT * FROM shop.nosuch' -ErrorAction Stop } |
            Should -Throw -ErrorId "SparkSqlFailed,$script:cmd" -ExpectedMessage '*(analysis)*shop.nosuch*'
    }

    It '-Engine Spark routes to the spark-submit command (no pyspark here: the driver reports it)' {
        Invoke-SparkSql -Query 'SELECT 1 AS a' -Engine Spark -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failure[0].FullyQualifiedErrorId | Should -Be "SparkSqlFailed,$script:cmd"
        $failure[0].Exception.Message | Should -BeLike '*pyspark*'
        (Get-GenieJob -Id $failure[0].TargetObject).CommandName | Should -Be 'spark-submit'
    }
}

Describe 'Table statistics (GenieLocal, DuckDB engine)' {
    BeforeAll {
        $null = Invoke-SparkSql -Query 'SELECT x AS id, CAST(x % 2 AS INTEGER) AS part FROM range(1000) r(x)' -OutputTable stats.t -PartitionBy part -Mode Overwrite
        $script:getCmd = 'Sheriff.PowerShell.Commands.GetTableStatisticsCommand'
    }

    It 'before ANALYZE: no recorded size, a warning that names the fix, and the real size of the files' {
        $s = Get-TableStatistics -Table stats.t -WarningVariable warnings -WarningAction SilentlyContinue
        $s | Should -BeOfType 'Sheriff.Core.Sql.SqlTableStatistics'
        $s.Table | Should -Be 'stats.t'
        $s.SizeInBytes | Should -BeNullOrEmpty
        $s.ActualSizeInBytes | Should -BeGreaterThan 0
        $s.Partitions.Count | Should -Be 2
        ($warnings | Out-String) | Should -Match 'stats\.t has no statistics'
        ($warnings | Out-String) | Should -Match 'Update-TableStatistics -Table stats\.t'
        ($warnings | Out-String) | Should -Match 'spark\.sql\.autoBroadcastJoinThreshold'
    }

    It 'Update-TableStatistics records size and rows (per partition too); afterwards no warning' {
        $s = Update-TableStatistics -Table stats.t -AllColumns -WarningVariable updateWarnings
        $s | Should -BeOfType 'Sheriff.Core.Sql.SqlTableStatistics'
        $s.RowCount | Should -Be 1000
        $s.SizeInBytes | Should -BeGreaterThan 0
        $s.CollectedAt | Should -Not -BeNullOrEmpty
        $s.CollectedAt.Kind | Should -Be 'Utc'
        $s.Partitions.RowCount | Should -Be @(500, 500)
        $s.Columns.Name | Should -Contain 'id'
        $updateWarnings.Count | Should -Be 0

        $after = Get-TableStatistics -Table stats.t -WarningVariable warnings
        $warnings.Count | Should -Be 0
        $after.RowCount | Should -Be 1000
        $after.SizeInBytes | Should -Be $s.SizeInBytes
        ($after | Format-Table | Out-String) | Should -Match 'stats\.t\s+[\d,]+\s+[\d,]+\s+1,000'
    }

    It 'writing the table again makes the statistics stale, which is said' {
        $null = Invoke-SparkSql -Query 'SELECT x AS id, CAST(x % 2 AS INTEGER) AS part FROM range(100000) r(x)' -OutputTable stats.t -PartitionBy part -Mode Append
        $s = Get-TableStatistics -Table stats.t -WarningVariable warnings -WarningAction SilentlyContinue
        ($warnings | Out-String) | Should -Match 'stats\.t'
        ($warnings | Out-String) | Should -Match 'no statistics|stale'
        $s.ActualSizeInBytes | Should -BeGreaterThan 0
    }

    It 'one partition: -Partition for both cmdlets; -NoWait emits the job' {
        $job = Update-TableStatistics -Table stats.t -Partition @{ part = 1 } -NoWait
        $job | Should -BeOfType 'Sheriff.Core.Genie.GenieJob'
        (Wait-GenieJob -Id $job.Id -Timeout 60).Status | Should -Be 'SUCCEEDED'
        $s = Get-TableStatistics -Table stats.t -Partition @{ part = 1 } -WarningVariable warnings
        $p = $s.Partitions | Where-Object Name -EQ 'part=1'
        $p.RowCount | Should -Be 50500
        $p.SizeInBytes | Should -BeGreaterThan 0
        $warnings.Count | Should -Be 0
    }

    It 'an unknown table is a SparkSqlFailed error' {
        { Get-TableStatistics -Table stats.nosuch -ErrorAction Stop } | Should -Throw -ErrorId "SparkSqlFailed,$script:getCmd"
    }
}

Describe 'Choosing the SQL engine: -Engine, the session, the config profile' {
    # Last in the file: Connect-Genie replaces the default session that Start-GenieLocal made.
    It 'a Connect-Genie session runs Spark unless its profile says "sqlEngine": "duckdb"; $session.SqlEngine and -Engine override' {
        @{
            sparkDefaults = @{ clusterTags = @('sched:adhoc') }
            profiles      = @{
                local = @{ uri = $script:server.Uri.AbsoluteUri; sqlEngine = 'duckdb' }
                plain = @{ uri = $script:server.Uri.AbsoluteUri }
            }
        } | ConvertTo-Json -Depth 5 | Set-Content $env:SHERIFF_CONFIG
        $plain = Connect-Genie -Profile plain
        $plain.SqlEngine | Should -BeNullOrEmpty
        (Invoke-SparkSql -Query 'SELECT 1 AS a' -Session $plain -NoWait | Wait-GenieJob -Timeout 60 -ErrorAction SilentlyContinue).CommandName | Should -Be 'spark-submit'
        (Invoke-SparkSql -Query 'SELECT 1 AS a' -Session $plain -Engine DuckDB).a | Should -Be 1

        $local = Connect-Genie -Profile local
        (Invoke-SparkSql -Query 'SELECT 2 AS a' -Session $local).a | Should -Be 2

        $plain.SqlEngine = 'duckdb'
        (Invoke-SparkSql -Query 'SELECT 3 AS a' -Session $plain).a | Should -Be 3

        '{ "profiles": { "bad": { "uri": "http://127.0.0.1:1", "sqlEngine": "hive" } } }' | Set-Content $env:SHERIFF_CONFIG
        { Invoke-SparkSql -Query 'SELECT 1' -Session $plain -ErrorAction Stop } | Should -Throw -ErrorId "SheriffConfigInvalid,$script:cmd" -ExpectedMessage '*sqlEngine*'
    }
}
