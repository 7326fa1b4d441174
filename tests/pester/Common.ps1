# Shared setup for the Pester suite: import the built module under test and helpers for GenieLocal scenarios.
$script:ModulePath = $env:SHERIFF_TEST_MODULE
if (-not $script:ModulePath) { $script:ModulePath = Join-Path $PSScriptRoot '../../out/Sheriff/Sheriff.psd1' }
Import-Module $script:ModulePath -Force

function New-TestDataDirectory {
    $dir = Join-Path ([IO.Path]::GetTempPath()) ("sheriff-pester-" + [guid]::NewGuid().ToString('n').Substring(0, 12))
    New-Item -ItemType Directory -Path $dir | Out-Null
    $dir
}

# Submits a shell job straight through Genie's REST API (Submit-SparkJob builds on this later).
function Submit-TestShellJob {
    param(
        [Parameter(Mandatory)] [uri] $Server,
        [Parameter(Mandatory)] [string] $Script,
        [string] $Id = ('pester-' + [guid]::NewGuid().ToString('n').Substring(0, 12)),
        [string] $Name = 'pester-job',
        [string[]] $Tags = @('pester')
    )
    $body = @{
        id               = $Id
        name             = $Name
        user             = [Environment]::UserName
        version          = 'NA'
        tags             = $Tags
        clusterCriterias = @(@{ tags = @('sched:adhoc') })
        commandCriteria  = @('type:shell')
        commandArgs      = "'" + $Script.Replace("'", "'\''") + "'"
    } | ConvertTo-Json -Depth 5
    $response = Invoke-WebRequest -Method Post -Uri ([uri]::new($Server, 'api/v3/jobs')) -Body $body -ContentType 'application/json'
    if ($response.StatusCode -ne 202) { throw "submit answered $($response.StatusCode)" }
    $Id
}

function Wait-TestJobFinished {
    param([Parameter(Mandatory)] [uri] $Server, [Parameter(Mandatory)] [string] $Id, [int] $TimeoutSec = 30)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ([DateTime]::UtcNow -lt $deadline) {
        $status = (Invoke-RestMethod ([uri]::new($Server, "api/v3/jobs/$Id/status"))).status
        if ($status -in 'SUCCEEDED', 'FAILED', 'KILLED', 'INVALID') { return $status }
        Start-Sleep -Milliseconds 100
    }
    throw "job $Id did not finish within $TimeoutSec s"
}

function Get-FreeTcpPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $port
}

# Starts moto_server (S3) on a free loopback port; returns @{ Process; Endpoint }. Its output goes to a log file so the
# pipes never fill.
function Start-MotoServer {
    $port = Get-FreeTcpPort
    $log = Join-Path ([IO.Path]::GetTempPath()) "sheriff-moto-$port.log"
    $moto = Get-Command moto_server -ErrorAction SilentlyContinue
    $process = if ($moto) {
        Start-Process -FilePath $moto.Source -ArgumentList '-H', '127.0.0.1', '-p', $port -RedirectStandardOutput $log -RedirectStandardError "$log.err" -PassThru
    } else {
        Start-Process -FilePath python3 -ArgumentList '-m', 'moto.server', '-H', '127.0.0.1', '-p', $port -RedirectStandardOutput $log -RedirectStandardError "$log.err" -PassThru
    }
    $endpoint = "http://127.0.0.1:$port"
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ([DateTime]::UtcNow -lt $deadline) {
        try { $null = Invoke-WebRequest $endpoint -TimeoutSec 2; break } catch { Start-Sleep -Milliseconds 200 }
        if ($process.HasExited) { throw "moto_server exited: $(Get-Content -Raw "$log.err" -ErrorAction SilentlyContinue)" }
    }
    @{ Process = $process; Endpoint = $endpoint }
}

function Stop-MotoServer {
    param($Moto)
    if ($Moto -and -not $Moto.Process.HasExited) { $Moto.Process.Kill($true); $Moto.Process.WaitForExit(5000) | Out-Null }
}
