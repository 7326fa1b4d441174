#requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, demonstrates, benchmarks and packages Sheriff.
.DESCRIPTION
    Tasks:
      Build   - compiles the solution and lays out the module in out/Sheriff (manifest, edition loader, formats,
                net8.0 and net462 builds, GenieLocal in genielocal/).
      Test    - Build, then every xunit suite, the Python unittest suite (the PySpark SQL driver) and the Pester
                suite against the built module; ends with one line
                'N passed, N failed' and exits non-zero on any failure.
      Demo    - Build, then the main job against GenieLocal (examples/demo.ps1).
      Bench   - Build, then the benchmarks in bench/ (each prints ratios against a baseline from the same run).
      Package - Build, then out/Sheriff.<version>.nupkg, checked by installing it from a local repository.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Package')]
    [string[]] $Task = 'Build',
    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',
    # Skip the build step (the module in out/ is used as it is).
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$env:NO_COLOR = '1'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$PSStyle.OutputRendering = 'PlainText'

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'Sheriff'
$ResultsDir = Join-Path $Out 'testresults'
$Pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
$PesterVersion = '5.7.1'

function Invoke-Native {
    param([string] $FilePath, [string[]] $ArgumentList)
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Get-ModuleVersion {
    $props = [xml](Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))
    $props.Project.PropertyGroup.SheriffVersion | Where-Object { $_ } | Select-Object -First 1
}

function Invoke-Build {
    Write-Host '== Build'
    Invoke-Native dotnet @('build', (Join-Path $Root 'Sheriff.PowerShell.sln'), '-c', $Configuration, '-nologo', '-v', 'q', '-clp:NoSummary')

    if (Test-Path $ModuleOut) { Remove-Item -Recurse -Force $ModuleOut }
    New-Item -ItemType Directory -Force $ModuleOut | Out-Null
    foreach ($tfm in 'net8.0', 'net462') {
        Invoke-Native dotnet @('publish', (Join-Path $Root 'src/Sheriff.PowerShell/Sheriff.PowerShell.csproj'), '-c', $Configuration,
            '-f', $tfm, '--no-build', '-nologo', '-v', 'q', '-o', (Join-Path $ModuleOut $tfm))
        # Only the binaries ship: no XML docs, no deps files, never PowerShell's own assemblies.
        Get-ChildItem (Join-Path $ModuleOut $tfm) -Include '*.xml', '*.deps.json', 'System.Management.Automation.dll' -Recurse | Remove-Item -Force
    }
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/Sheriff.GenieLocal/Sheriff.GenieLocal.csproj'), '-c', $Configuration,
        '--no-build', '-nologo', '-v', 'q', '-o', (Join-Path $ModuleOut 'genielocal'))

    $version = Get-ModuleVersion
    Get-ChildItem (Join-Path $Root 'module') -File | ForEach-Object {
        $target = Join-Path $ModuleOut $_.Name
        if ($_.Extension -eq '.psd1') {
            (Get-Content -Raw $_.FullName).Replace('{{ModuleVersion}}', $version) | Set-Content -NoNewline -Encoding utf8 $target
        } else {
            Copy-Item $_.FullName $target
        }
    }
    foreach ($folder in 'en-US', 'schemas') { Copy-Item -Path (Join-Path $Root "module/$folder") -Destination $ModuleOut -Recurse -Force }
    $helpScript = Join-Path $Root 'build/New-MamlHelp.ps1'
    if (Test-Path $helpScript) {
        Invoke-Native $Pwsh @('-NoProfile', '-NonInteractive', '-File', $helpScript, '-ModulePath', $ModuleOut,
            '-DocXml', (Join-Path $Root "src/Sheriff.PowerShell/bin/$Configuration/net8.0/Sheriff.PowerShell.xml"))
    }
    Write-Host "Module laid out in $ModuleOut (version $version)"
}

function Get-PesterPath {
    Invoke-Native dotnet @('restore', (Join-Path $Root 'build/Tools.proj'), '-nologo', '-v', 'q')
    $packages = (dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $path = Join-Path $packages.Trim() "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $path)) { throw "Pester $PesterVersion was not found at $path after restore." }
    $path
}

function Read-TrxCounts {
    param([string] $Path)
    $xml = [xml](Get-Content -Raw $Path)
    $c = $xml.TestRun.ResultSummary.Counters
    $failed = [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
    [pscustomobject]@{
        Passed  = [int]$c.passed
        Failed  = $failed
        Skipped = [int]$c.total - [int]$c.executed
    }
}

function Invoke-Test {
    Write-Host '== Test'
    if (Test-Path $ResultsDir) { Remove-Item -Recurse -Force $ResultsDir }
    New-Item -ItemType Directory -Force $ResultsDir | Out-Null
    $passed = 0; $failed = 0; $skipped = 0

    $suites = Get-ChildItem (Join-Path $Root 'tests') -Directory | Where-Object { Test-Path (Join-Path $_.FullName "$($_.Name).csproj") }
    foreach ($suite in $suites) {
        Write-Host "-- xunit $($suite.Name)"
        $trxName = "$($suite.Name).trx"
        & dotnet test (Join-Path $suite.FullName "$($suite.Name).csproj") -c $Configuration --no-build --nologo `
            --logger "trx;LogFileName=$trxName" --logger 'console;verbosity=minimal' --results-directory $ResultsDir
        $exit = $LASTEXITCODE
        $trx = Join-Path $ResultsDir $trxName
        if (Test-Path $trx) {
            $counts = Read-TrxCounts $trx
            if ($exit -ne 0 -and $counts.Failed -eq 0) { $counts.Failed = 1 }
        } else {
            $counts = [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
        }
        Write-Host ("xunit totals {0} -> passed={1} failed={2} skipped={3}" -f $suite.Name, $counts.Passed, $counts.Failed, $counts.Skipped)
        $passed += $counts.Passed; $failed += $counts.Failed; $skipped += $counts.Skipped
    }

    Write-Host '-- python unittest'
    $python = Get-Command python3 -ErrorAction SilentlyContinue
    if (-not $python) { $python = Get-Command python -ErrorAction SilentlyContinue }
    if ($python) {
        $lines = & $python.Source (Join-Path $Root 'tests/run_python_tests.py') 2>&1 | ForEach-Object { "$_" }
        $lines | Write-Host
        $summary = $lines | Where-Object { $_ -match '^python totals -> passed=(\d+) failed=(\d+) skipped=(\d+)$' } | Select-Object -Last 1
        if ($summary -and $summary -match '^python totals -> passed=(\d+) failed=(\d+) skipped=(\d+)$') {
            $passed += [int]$Matches[1]; $failed += [int]$Matches[2]; $skipped += [int]$Matches[3]
        } else {
            Write-Host 'python unittest printed no summary line'; $failed += 1
        }
    } else {
        Write-Host 'python3 not found: the PySpark driver tests cannot run'; $failed += 1
    }

    Write-Host '-- Pester'
    $pester = Get-PesterPath
    $pesterJson = Join-Path $ResultsDir 'pester.json'
    & $Pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Invoke-PesterTests.ps1') -PesterPath $pester `
        -ModulePath (Join-Path $ModuleOut 'Sheriff.psd1') -ResultPath $pesterJson
    if (Test-Path $pesterJson) {
        $p = Get-Content -Raw $pesterJson | ConvertFrom-Json
        if ($LASTEXITCODE -ne 0 -and $p.failed -eq 0) { $p.failed = 1 }
    } else {
        $p = [pscustomobject]@{ passed = 0; failed = 1; skipped = 0 }
    }
    Write-Host ("pester totals -> passed={0} failed={1} skipped={2}" -f $p.passed, $p.failed, $p.skipped)
    $passed += $p.passed; $failed += $p.failed; $skipped += $p.skipped

    $line = "$passed passed, $failed failed"
    if ($skipped -gt 0) { $line += ", $skipped skipped" }
    [Console]::Out.WriteLine($line)
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Write-Host '== Demo'
    Invoke-Native $Pwsh @('-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'examples/demo.ps1'), '-ModulePath', (Join-Path $ModuleOut 'Sheriff.psd1'))
}

function Invoke-Bench {
    Write-Host '== Bench'
    Invoke-Native dotnet @('run', '--project', (Join-Path $Root 'bench/Sheriff.Bench/Sheriff.Bench.csproj'), '-c', $Configuration, '--no-build', '--',
        '--module', (Join-Path $ModuleOut 'Sheriff.psd1'), '--pwsh', $Pwsh)
}

function Invoke-Package {
    Write-Host '== Package'
    $version = Get-ModuleVersion
    $nupkgDir = Join-Path $Out 'package'
    if (Test-Path $nupkgDir) { Remove-Item -Recurse -Force $nupkgDir }
    # Gallery-style tags: PSModule, one PSCmdlet_<name> per exported cmdlet, editions.
    $manifest = Import-PowerShellDataFile (Join-Path $ModuleOut 'Sheriff.psd1')
    $tags = @('PSModule', 'PSIncludes_Cmdlet') + ($manifest.CmdletsToExport | ForEach-Object { "PSCmdlet_$_" }) +
        ($manifest.CompatiblePSEditions | ForEach-Object { "PSEdition_$_" }) + $manifest.PrivateData.PSData.Tags | Select-Object -Unique
    Invoke-Native dotnet @('pack', (Join-Path $Root 'build/Package.proj'), '-nologo', '-v', 'q', '-o', $nupkgDir,
        "-p:SheriffModuleDir=$ModuleOut", "-p:PackageVersion=$version", "-p:SheriffTags=$($tags -join ' ')")
    $nupkg = Get-ChildItem $nupkgDir -Filter '*.nupkg' | Select-Object -First 1
    Write-Host "Package: $($nupkg.FullName)"

    # Prove that PowerShell's package manager accepts it: install from a throwaway local repository.
    $repoName = 'SheriffBuildCheck'
    $installDir = Join-Path $Out 'package-check'
    if (Test-Path $installDir) { Remove-Item -Recurse -Force $installDir }
    New-Item -ItemType Directory -Force $installDir | Out-Null
    try {
        Register-PSResourceRepository -Name $repoName -Uri $nupkgDir -Trusted -Force
        Save-PSResource -Name Sheriff -Repository $repoName -Path $installDir -TrustRepository -Quiet
        $manifest = Get-ChildItem $installDir -Recurse -Filter 'Sheriff.psd1' | Select-Object -First 1
        if (-not $manifest) { throw 'Save-PSResource did not produce a Sheriff module folder.' }
        $info = Test-ModuleManifest $manifest.FullName
        Write-Host "Install check: Sheriff $($info.Version) saved to $($manifest.Directory.FullName)"
    } finally {
        Unregister-PSResourceRepository -Name $repoName -ErrorAction SilentlyContinue
    }
}

Push-Location $Root
try {
    if (-not $NoBuild) { Invoke-Build }
    foreach ($t in $Task) {
        switch ($t) {
            'Build' { }
            'Test' { Invoke-Test }
            'Demo' { Invoke-Demo }
            'Bench' { Invoke-Bench }
            'Package' { Invoke-Package }
        }
    }
} finally {
    Pop-Location
}
