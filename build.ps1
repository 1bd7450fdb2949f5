<#
.SYNOPSIS
    The one entry point of HybridMailFlow: build, test, demo, bench, package.
.DESCRIPTION
    Build    cargo build (engine) + dotnet build (cmdlets, netstandard2.0 and net8.0) + the module in out/HybridMailFlow.
    Test     Build, then every test: Rust (cargo test), the C ABI programs under valgrind, Pester in a fresh pwsh.
    Demo     Build, then the sessions of the bundled sample logs with their outcomes.
    Bench    Build, then the benchmarks, side by side with the methods admins use today (see bench/run.ps1).
    Package  Build, then out/HybridMailFlow-<version>.zip.
    Header   Regenerates include/hybridmailflow.h from the code (cbindgen).
.EXAMPLE
    pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Package', 'Header')]
    [string] $Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleOut = Join-Path $out 'HybridMailFlow'
$isWindowsHost = [System.Runtime.InteropServices.RuntimeInformation]::IsOSPlatform([System.Runtime.InteropServices.OSPlatform]::Windows)
$isMacHost = [System.Runtime.InteropServices.RuntimeInformation]::IsOSPlatform([System.Runtime.InteropServices.OSPlatform]::OSX)

function Write-Step {
    param([string] $Text)
    Write-Host "==> $Text" -ForegroundColor Cyan
}

function Assert-Command {
    param([string] $Name, [string] $Why)
    $command = Get-Command $Name -ErrorAction SilentlyContinue
    if (-not $command) { throw "'$Name' was not found on PATH: $Why" }
    $command.Source
}

function Invoke-Native {
    param([string] $FilePath, [string[]] $Arguments, [string] $WorkingDirectory = $root)
    Push-Location $WorkingDirectory
    try {
        & $FilePath @Arguments
        if ($LASTEXITCODE -ne 0) { throw "$FilePath $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
    } finally {
        Pop-Location
    }
}

function Get-RuntimeIdentifier {
    $os = if ($isWindowsHost) { 'win' } elseif ($isMacHost) { 'osx' } else { 'linux' }
    $arch = switch ([System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture) {
        'X86' { 'x86' }
        'Arm64' { 'arm64' }
        'Arm' { 'arm' }
        default { 'x64' }
    }
    "$os-$arch"
}

function Get-NativeLibraryName {
    if ($isWindowsHost) { 'hybridmailflow_engine.dll' } elseif ($isMacHost) { 'libhybridmailflow_engine.dylib' } else { 'libhybridmailflow_engine.so' }
}

# The PowerShell running this script, to start fresh ones of the same kind. The process path is not it when
# PowerShell runs as a dotnet global tool (it is dotnet itself); $PSHOME holds the real launcher.
function Get-PwshPath {
    foreach ($name in 'pwsh.exe', 'pwsh', 'powershell.exe') {
        $candidate = Join-Path $PSHOME $name
        if (Test-Path $candidate -PathType Leaf) { return $candidate }
    }
    (Get-Command pwsh, powershell -ErrorAction Stop | Select-Object -First 1).Source
}

function Invoke-Build {
    $cargo = Assert-Command cargo 'install Rust (https://rustup.rs)'
    $dotnet = Assert-Command dotnet 'install the .NET SDK 8 or later'
    $profileName = if ($Configuration -eq 'Release') { 'release' } else { 'debug' }

    Write-Step 'Building the engine (cargo)'
    $cargoArgs = @('build', '--lib')
    if ($Configuration -eq 'Release') { $cargoArgs += '--release' }
    Invoke-Native $cargo $cargoArgs

    Write-Step 'Building the cmdlets (dotnet: netstandard2.0 for Windows PowerShell 5.1, net8.0 for PowerShell 7)'
    Invoke-Native $dotnet @('build', (Join-Path $root 'ps-module/src/HybridMailFlow.csproj'), '-c', $Configuration, '--nologo', '-v', 'quiet')

    Write-Step "Assembling the module in $moduleOut"
    if (Test-Path $moduleOut) { Remove-Item $moduleOut -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $moduleOut
    foreach ($file in 'HybridMailFlow.psd1', 'HybridMailFlow.psm1', 'HybridMailFlow.format.ps1xml', 'HybridMailFlow.types.ps1xml') {
        Copy-Item (Join-Path $root "ps-module/$file") $moduleOut
    }
    foreach ($folder in 'Public', 'Private', 'en-US') {
        Copy-Item (Join-Path $root "ps-module/$folder") $moduleOut -Recurse
    }
    foreach ($framework in 'netstandard2.0', 'net8.0') {
        $bin = Join-Path $moduleOut "bin/$framework"
        $null = New-Item -ItemType Directory -Path $bin -Force
        Copy-Item (Join-Path $root "ps-module/src/bin/$Configuration/$framework/HybridMailFlow.dll") $bin
    }
    $native = Join-Path $moduleOut ('runtimes/{0}/native' -f (Get-RuntimeIdentifier))
    $null = New-Item -ItemType Directory -Path $native -Force
    Copy-Item (Join-Path $root ('target/{0}/{1}' -f $profileName, (Get-NativeLibraryName))) $native

    Write-Step 'Writing the cmdlet help (MAML) from ps-module/help'
    Invoke-Native (Get-PwshPath) @('-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'ps-module/tools/New-MamlHelp.ps1'),
        '-ModuleRoot', $moduleOut, '-HelpSource', (Join-Path $root 'ps-module/help'))
}

function Get-PesterModulePath {
    $installed = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -ge [version]'5.5.0' } | Sort-Object Version -Descending | Select-Object -First 1
    if ($installed) { return $installed.Path }
    $dotnet = Assert-Command dotnet 'the .NET SDK restores Pester from NuGet'
    $globalPackages = ((& $dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    foreach ($version in '5.7.1', '5.9.1') {
        $candidate = Join-Path $globalPackages "pester/$version/tools/Pester.psd1"
        if (Test-Path $candidate) { return $candidate }
    }
    Write-Step 'Restoring Pester 5.7.1 from NuGet'
    $restore = Join-Path ([System.IO.Path]::GetTempPath()) ('hmf-pester-' + [guid]::NewGuid())
    $null = New-Item -ItemType Directory -Path $restore
    $project = '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>' +
        '<ItemGroup><PackageDownload Include="Pester" Version="[5.7.1]" /></ItemGroup></Project>'
    Set-Content -Path (Join-Path $restore 'restore.csproj') -Value $project
    Invoke-Native $dotnet @('restore', (Join-Path $restore 'restore.csproj'), '--nologo', '-v', 'quiet')
    Remove-Item $restore -Recurse -Force
    Join-Path $globalPackages 'pester/5.7.1/tools/Pester.psd1'
}

function Invoke-CTests {
    if ($isWindowsHost) {
        Write-Warning 'The C ABI programs run on Linux and macOS (gcc/cc and valgrind); skipped on Windows.'
        return
    }
    $cc = Get-Command cc, gcc, clang -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $cc) { throw 'No C compiler (cc, gcc or clang) on PATH: the C ABI tests need one.' }
    $valgrind = Get-Command valgrind -ErrorAction SilentlyContinue
    if (-not $valgrind) { Write-Warning 'valgrind was not found: the C ABI programs run without leak checking.' }
    # valgrind tracks the system allocator's blocks only: the programs run against a (debug) build of the engine
    # without mimalloc, so that a handle or string never freed shows as a leak.
    Write-Step 'Building the engine for valgrind (system allocator, debug)'
    Invoke-Native (Assert-Command cargo 'install Rust (https://rustup.rs)') @('build', '--lib', '--no-default-features')
    $libDir = Join-Path $root 'target/debug'
    $buildDir = Join-Path $root 'tests/c/build'
    $null = New-Item -ItemType Directory -Path $buildDir -Force
    foreach ($source in Get-ChildItem (Join-Path $root 'tests/c') -Filter '*.c') {
        $exe = Join-Path $buildDir $source.BaseName
        Write-Step "C ABI program $($source.Name)"
        Invoke-Native $cc.Source @('-std=c11', '-Wall', '-Wextra', '-Werror', '-g', '-pthread', '-I', (Join-Path $root 'include'), $source.FullName,
            '-L', $libDir, '-lhybridmailflow_engine', "-Wl,-rpath,$libDir", '-o', $exe)
        $scratch = Join-Path $buildDir "$($source.BaseName).scratch"
        $null = New-Item -ItemType Directory -Path $scratch -Force
        $programArgs = @((Join-Path $root 'samples'), $scratch)
        if ($valgrind) {
            Invoke-Native $valgrind.Source (@('--quiet', '--leak-check=full', '--show-leak-kinds=definite,indirect', '--errors-for-leak-kinds=definite,indirect', '--error-exitcode=99', $exe) + $programArgs)
        } else {
            Invoke-Native $exe $programArgs
        }
    }
}

function Invoke-Tests {
    $cargo = Assert-Command cargo 'install Rust (https://rustup.rs)'
    # Tests build in the dev profile: a release build of every test binary would add minutes, and the
    # library the C and Pester tests load was built in $Configuration by Invoke-Build.
    Write-Step 'Rust tests (cargo test)'
    Invoke-Native $cargo @('test')

    Invoke-CTests

    Write-Step 'Pester tests (a new PowerShell process with the built module)'
    Invoke-Native (Get-PwshPath) @('-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'tests/Invoke-PesterTests.ps1'),
        '-PesterPath', (Get-PesterModulePath), '-ModulePath', (Join-Path $moduleOut 'HybridMailFlow.psd1'), '-TestPath', (Join-Path $root 'tests/pester'))
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Build; Invoke-Tests }
    'Demo' { Invoke-Build; & (Join-Path $root 'ps-module/demo.ps1') -ModulePath (Join-Path $moduleOut 'HybridMailFlow.psd1') -SamplesPath (Join-Path $root 'samples') }
    'Bench' { Invoke-Build; & (Join-Path $root 'bench/run.ps1') -ModulePath (Join-Path $moduleOut 'HybridMailFlow.psd1') -RepoRoot $root }
    'Package' {
        Invoke-Build
        $version = (Import-PowerShellDataFile (Join-Path $root 'ps-module/HybridMailFlow.psd1')).ModuleVersion
        $zip = Join-Path $out "HybridMailFlow-$version.zip"
        if (Test-Path $zip) { Remove-Item $zip }
        Compress-Archive -Path $moduleOut -DestinationPath $zip
        Write-Step "Packaged $zip"
    }
    'Header' {
        $cargo = Assert-Command cargo 'install Rust (https://rustup.rs)'
        $env:HMF_BLESS = '1'
        try { Invoke-Native $cargo @('test', '--test', 'header') } finally { Remove-Item Env:HMF_BLESS }
        Write-Step 'include/hybridmailflow.h regenerated'
    }
}
