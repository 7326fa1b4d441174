<#
.SYNOPSIS
    The main job, end to end against GenieLocal: SQL into tables and back, then a job that ships a data file.
.DESCRIPTION
    Run it through build.ps1 (`dotnet pwsh ./build.ps1 -Task Demo`), which builds the module first.
    1. Starts a local Genie (GenieLocal); its session runs SQL on the local DuckDB engine.
    2. Loads examples/data/reviews.csv into a table partitioned by day (Invoke-SparkSql -OutputTable), runs
       examples/sql/daily_summary.sql into an output table (overwriting only the days it covers), queries that table
       back and prints its rows, and computes the table's statistics.
    3. Submits a shell job that counts words of a data file Genie downloads into the job directory, follows it with
       Wait-GenieJob and reads its output with Get-GenieJobOutput.
    4. Stops the server.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Sheriff/Sheriff.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

$dataDir = Join-Path ([IO.Path]::GetTempPath()) ("sheriff-demo-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
$server = Start-GenieLocal -DataDirectory $dataDir
try {
    Write-Host "GenieLocal is listening at $($server.Uri) (data in $dataDir)"
    $cluster = 'sched:adhoc'   # GenieLocal's cluster; a real one would come from the config file's sparkDefaults

    # ---- 1. SQL: load a CSV into a partitioned table ----
    $csv = (Resolve-Path (Join-Path $PSScriptRoot 'data/reviews.csv')).Path
    Write-Host "`n== Load $csv into demo.reviews (partitioned by ds)"
    $load = Invoke-SparkSql -Path (Join-Path $PSScriptRoot 'sql/load_reviews.duckdb.sql') -Parameters @{ path = $csv } `
        -OutputTable demo.reviews -PartitionBy ds -Mode Overwrite -ClusterTags $cluster
    $loaded = $load | Where-Object { $_ -is [Sheriff.Core.Sql.SqlWriteSummary] }
    $loaded | Format-Table | Out-String | Write-Host

    # ---- 2. SQL: a .sql file into an output table, for a range of days ----
    Write-Host '== Run examples/sql/daily_summary.sql for 2026-11-24 .. 2026-11-26 into demo.daily_summary'
    $run = Invoke-SparkSql -Path (Join-Path $PSScriptRoot 'sql/daily_summary.sql') `
        -Parameters @{ from = [datetime]'2026-11-24'; to = [datetime]'2026-11-26' } `
        -OutputTable demo.daily_summary -PartitionBy ds -Mode Overwrite -ClusterTags $cluster
    $written = $run | Where-Object { $_ -is [Sheriff.Core.Sql.SqlWriteSummary] }
    $written | Format-Table | Out-String | Write-Host

    # ---- 3. Query it back: rows come back as typed objects ----
    Write-Host '== SELECT * FROM demo.daily_summary'
    $rows = Invoke-SparkSql -Query 'SELECT * FROM demo.daily_summary ORDER BY ds, product' -ClusterTags $cluster
    $rows | Format-Table @{ n = 'ds'; e = { $_.ds.ToString('yyyy-MM-dd') } }, product, reviews, avg_rating, low_ratings, helpful_votes, any_five_star -AutoSize |
        Out-String -Width 160 | Write-Host
    $first = $rows | Select-Object -First 1
    Write-Host ("Types of the first row: " + (($first.PSObject.Properties | ForEach-Object { "$($_.Name)=$($_.Value.GetType().Name)" }) -join ', '))

    # ---- 4. Statistics: what Spark's optimizer would know about the table ----
    Write-Host "`n== Update-TableStatistics -Table demo.daily_summary"
    Update-TableStatistics -Table demo.daily_summary -ClusterTags $cluster | Format-Table | Out-String | Write-Host

    if ($loaded.RowsWritten -ne 45) { throw "The load wrote $($loaded.RowsWritten) rows; examples/data/reviews.csv has 45." }
    if (@($rows).Count -ne 9) { throw "demo.daily_summary has $(@($rows).Count) rows; 3 days x 3 products were expected." }
    $expected = @(Import-Csv $csv | Where-Object { $_.review_date -ge '2026-11-24' -and $_.review_date -le '2026-11-26' }).Count
    $counted = ($rows | Measure-Object reviews -Sum).Sum
    if ($counted -ne $expected) { throw "The summary counted $counted reviews; the CSV has $expected for those days." }

    # ---- 5. A job that ships a data file, followed to the end ----
    Write-Host '== A shell job that counts the words of a data file'
    $data = (Resolve-Path (Join-Path $PSScriptRoot 'data/reviews.txt')).Path
    $script = 'echo "job $GENIE_JOB_ID on cluster $GENIE_CLUSTER_NAME, command $GENIE_COMMAND_NAME"; ' +
              "tr -cs 'A-Za-z' '\n' < reviews.txt | tr 'A-Z' 'a-z' | grep -v '^`$' | sort | uniq -c | sort -k1,1nr -k2 | head -5"
    $id = 'demo-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
    $request = @{
        id               = $id
        name             = 'demo-word-count'
        user             = [Environment]::UserName
        version          = 'NA'
        tags             = @('sheriff', 'demo')
        clusterCriterias = @(@{ tags = @($cluster) })
        commandCriteria  = @('type:shell')
        dependencies     = @([uri]::new($data).AbsoluteUri)   # a file:// URI: Genie downloads it into the job directory
        commandArgs      = "'" + $script.Replace("'", "'\''") + "'"
    } | ConvertTo-Json -Depth 5
    $null = Invoke-WebRequest -Method Post -Uri ([uri]::new($server.Uri, 'api/v3/jobs')) -Body $request -ContentType 'application/json'
    Write-Host "Submitted job $id"

    # Follow it to the end. A failed job writes a GenieJobFailed error (a timeout GenieJobWaitTimeout): show why, stop.
    $job = Wait-GenieJob -Id $id -Timeout 120 -ErrorVariable waitErrors -ErrorAction SilentlyContinue
    if ($waitErrors) {
        Get-GenieJobOutput -Id $id -Path stderr -Tail 20 -ErrorAction SilentlyContinue | Write-Host
        throw $waitErrors[0]
    }
    $job | Format-List | Out-String | Write-Host
    Write-Host '--- stdout'
    $stdout = Get-GenieJobOutput -Id $id -Raw
    Write-Host $stdout
    if ($stdout -notmatch '(?m)^\s*\d+ the$') { throw "The demo job's output has no word counts; the data file did not reach the job." }
    Write-Host "Demo finished: $($loaded.RowsWritten) reviews loaded, $(@($rows).Count) summary rows read back; job $id $($job.Status) in $($job.Runtime)."
} finally {
    Stop-GenieLocal -InputObject $server
    Remove-Item -Recurse -Force $dataDir -ErrorAction SilentlyContinue
}
