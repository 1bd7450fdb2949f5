<#
.SYNOPSIS
    The one entry point of HybridMailFlow: build, test, demo, bench, package.
.DESCRIPTION
    Build    cargo build (engine) + dotnet build (cmdlets, netstandard2.0 and net8.0) + the module in out/HybridMailFlow.
    Test     Build and Package, then every test: Rust (cargo test), the C ABI programs under valgrind, Pester in a
             fresh pwsh; then on Windows under wine: the C ABI programs and Pester twice (net8.0, netstandard2.0).
             Prints how long each part took.
    TestWindows  Build and Package, then the Windows tests alone (under wine on Linux).
    Demo     Build, then the sessions of the bundled sample logs with their outcomes.
    Bench    Build, then the benchmarks, side by side with the methods admins use today (see bench/run.ps1).
    Package  Build, the win-x64 engine cross-compiled, then the module with both engines in out/HybridMailFlow,
             out/HybridMailFlow-<version>.zip and out/HybridMailFlow.<version>.nupkg.
    Header   Regenerates include/hybridmailflow.h from the code (cbindgen).
    Fuzz     The seeded mutation fuzzer (examples/fuzz) over every reader and parser of the engine for -Seconds
             (default 60; Test runs it for 60), from -Seed (default: a new one, printed); an input that panics is
             saved under tests/data/fuzz-regressions and fails the task.
.EXAMPLE
    pwsh ./build.ps1 Test
.EXAMPLE
    pwsh ./build.ps1 Fuzz -Seconds 900
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'TestWindows', 'Demo', 'Bench', 'Package', 'Header', 'Fuzz')]
    [string] $Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    # Fuzz: how long to run.
    [ValidateRange(1, 1000000)]
    [double] $Seconds = 60,

    # Fuzz: the seed of the inputs; the same seed gives the same inputs.
    [Nullable[long]] $Seed
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleOut = Join-Path $out 'HybridMailFlow'
$isWindowsHost = [System.Runtime.InteropServices.RuntimeInformation]::IsOSPlatform([System.Runtime.InteropServices.OSPlatform]::Windows)
$isMacHost = [System.Runtime.InteropServices.RuntimeInformation]::IsOSPlatform([System.Runtime.InteropServices.OSPlatform]::OSX)

. (Join-Path $root 'build/Windows.ps1')
$script:timings = [System.Collections.Generic.List[object]]::new()

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
        # HybridMailFlow.dll and the DLLs it needs (DnsClient, and System.Buffers for .NET Framework): the csproj copies
        # exactly those into its output.
        Copy-Item (Join-Path $root "ps-module/src/bin/$Configuration/$framework/*.dll") $bin
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

# Runs one part of the build or tests and keeps how long it took for the summary.
function Measure-Part {
    param([string] $Name, [scriptblock] $Script)
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $result = 'passed'
    try { & $Script } catch { $result = 'FAILED'; throw } finally {
        $script:timings.Add([pscustomobject]@{ Part = $Name; Result = $result; Seconds = [math]::Round($clock.Elapsed.TotalSeconds, 1) })
    }
}

function Write-Timings {
    if ($script:timings.Count -eq 0) { return }
    Write-Host ''
    Write-Host 'How long each part took:'
    $script:timings | Format-Table -AutoSize | Out-String | Write-Host
    $total = ($script:timings | Measure-Object -Property Seconds -Sum).Sum
    Write-Host ('Total: {0:N0} s ({1:N1} min)' -f $total, ($total / 60))
}

# The module folder with every engine the package holds (win-x64 cross-compiled beside this platform's), then its
# zip and its .nupkg. The engines go in without symbols.
function Invoke-Package {
    param($Toolchain = (Get-WindowsToolchain))
    $hostEngine = Join-Path $moduleOut ('runtimes/{0}/native/{1}' -f (Get-RuntimeIdentifier), (Get-NativeLibraryName))
    if ($isWindowsHost) {
        # Built on Windows (the MSVC target): the package holds this engine only.
        $windowsEngine = $hostEngine
    } else {
        if (-not $Toolchain.Ready) { throw "The package needs the win-x64 engine, which cannot be built here: $($Toolchain.Why). Install it $($script:WindowsToolchainHint)." }
        $windowsEngine = Invoke-WindowsEngineBuild -Toolchain $Toolchain
        $native = Join-Path $moduleOut 'runtimes/win-x64/native'
        $null = New-Item -ItemType Directory -Path $native -Force
        Copy-Item -LiteralPath $windowsEngine -Destination $native -Force
    }
    $strip = Get-Command strip -ErrorAction SilentlyContinue
    if ($strip -and -not $isWindowsHost) { Invoke-Native $strip.Source @(($(if ($isMacHost) { '-S' } else { '--strip-debug' })), $hostEngine) }

    $version = (Import-PowerShellDataFile (Join-Path $root 'ps-module/HybridMailFlow.psd1')).ModuleVersion
    $zip = Join-Path $out "HybridMailFlow-$version.zip"
    if (Test-Path $zip) { Remove-Item $zip }
    Compress-Archive -Path $moduleOut -DestinationPath $zip
    Write-Step "Packaged $zip"

    if (-not (Get-Command Publish-PSResource -ErrorAction SilentlyContinue)) {
        throw 'Publish-PSResource (Microsoft.PowerShell.PSResourceGet, in PowerShell 7.4 and later) is needed to write the .nupkg.'
    }
    $nupkg = Join-Path $out "HybridMailFlow.$version.nupkg"
    if (Test-Path $nupkg) { Remove-Item $nupkg }
    # PSResourceGet packs through a repository: a folder one, registered under a name of its own for the moment.
    $repository = Join-Path $out 'package-repository'
    if (Test-Path $repository) { Remove-Item $repository -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $repository
    $repositoryName = 'HybridMailFlowBuild' + [guid]::NewGuid().ToString('N')
    Register-PSResourceRepository -Name $repositoryName -Uri $repository -Trusted
    try {
        Publish-PSResource -Path $moduleOut -Repository $repositoryName -SkipDependenciesCheck
    } finally {
        Unregister-PSResourceRepository -Name $repositoryName
    }
    Move-Item -LiteralPath (Join-Path $repository "HybridMailFlow.$version.nupkg") -Destination $nupkg
    Remove-Item $repository -Recurse -Force
    Write-Step "Packaged $nupkg (win-x64 and $(Get-RuntimeIdentifier) engines)"
    [pscustomobject]@{ Nupkg = $nupkg; WindowsEngine = $windowsEngine }
}

# The fuzzer always runs optimized: in the dev profile it makes a tenth of the inputs.
function Invoke-Fuzz {
    param([double] $Seconds)
    $cargo = Assert-Command cargo 'install Rust (https://rustup.rs)'
    $fuzzSeed = if ($null -ne $Seed) { $Seed } else { Get-Random -Minimum 1 -Maximum ([int]::MaxValue) }
    Write-Step "Fuzzing the engine for $Seconds s (seed $fuzzSeed)"
    Invoke-Native $cargo @('run', '--release', '--quiet', '--example', 'fuzz', '--',
        '--seconds', [string]$Seconds, '--seed', [string]$fuzzSeed)
}

function Invoke-Tests {
    param($Package)
    $cargo = Assert-Command cargo 'install Rust (https://rustup.rs)'
    # Tests build in the dev profile: a release build of every test binary would add minutes, and the
    # library the C and Pester tests load was built in $Configuration by Invoke-Build.
    # The habits that keep the code as style.md says: rustfmt's layout, and no clippy warning in any target.
    Measure-Part 'Rust format and lints' {
        Write-Step 'cargo fmt --check, cargo clippy --all-targets -- -D warnings'
        Invoke-Native $cargo @('fmt', '--check')
        Invoke-Native $cargo @('clippy', '--all-targets', '--', '-D', 'warnings')
    }
    Measure-Part 'Rust tests' {
        Write-Step 'Rust tests (cargo test)'
        Invoke-Native $cargo @('test')
    }

    Measure-Part 'Fuzz (60 s)' { Invoke-Fuzz -Seconds 60 }

    Measure-Part 'C ABI programs (valgrind)' { Invoke-CTests }

    $pester = Get-PesterModulePath
    $manifest = Join-Path $moduleOut 'HybridMailFlow.psd1'
    if ($Package) { $env:HMF_PACKAGE_PATH = $Package.Nupkg }
    Measure-Part "Pester ($(Get-RuntimeIdentifier))" {
        Write-Step 'Pester tests (a new PowerShell process with the built module)'
        Invoke-Native (Get-PwshPath) @('-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'tests/Invoke-PesterTests.ps1'),
            '-PesterPath', $pester, '-ModulePath', $manifest, '-TestPath', (Join-Path $root 'tests/pester'))
    }

    Invoke-WindowsTests -Package $Package -PesterPath $pester
}

function Invoke-WindowsTests {
    param($Package, [string] $PesterPath)
    $manifest = Join-Path $moduleOut 'HybridMailFlow.psd1'
    $wine = Get-Wine
    if ($isWindowsHost) {
        Write-Step 'Windows host: the Windows tests above ran natively.'
    } elseif (-not $Package -or -not $wine) {
        $why = if (-not $Package) { 'the win-x64 engine could not be built' } else { 'wine is not installed' }
        Write-Warning "The Windows tests did NOT run: $why. Install the toolchain $($script:WindowsToolchainHint)."
        $script:timings.Add([pscustomobject]@{ Part = 'Windows tests'; Result = "SKIPPED: $why"; Seconds = 0 })
    } else {
        $wineEnvironment = Initialize-WinePrefix -Wine $wine
        $wineEnvironment.HMF_PACKAGE_PATH = ConvertTo-WinePath $Package.Nupkg
        Measure-Part 'C ABI programs (win-x64, wine)' { Invoke-WindowsCTests -Wine $wine -WineEnvironment $wineEnvironment -EngineDll $Package.WindowsEngine }
        Measure-Part 'Windows test host (publish)' { $script:windowsHost = Publish-WindowsTestHost }
        $hostExe = $script:windowsHost
        Measure-Part 'Pester (win-x64, net8.0, wine)' {
            Invoke-WindowsPesterTests -Wine $wine -WineEnvironment $wineEnvironment -HostExe $hostExe -ModuleManifest $manifest -PesterPath $PesterPath -Label 'net8.0'
        }
        Measure-Part 'Pester (win-x64, netstandard2.0, wine)' {
            $netStandard = New-NetStandardModuleCopy -ModuleFolder $moduleOut
            Invoke-WindowsPesterTests -Wine $wine -WineEnvironment $wineEnvironment -HostExe $hostExe -ModuleManifest $netStandard -PesterPath $PesterPath -Label 'netstandard2.0'
        }
    }
}

try {
    switch ($Task) {
        'Build' { Invoke-Build }
        'Test' {
            Measure-Part 'Build' { Invoke-Build }
            $toolchain = Get-WindowsToolchain
            $package = $null
            if ($toolchain.Ready -or $isWindowsHost) {
                Measure-Part 'Package (win-x64 engine cross-compiled)' { $script:package = Invoke-Package -Toolchain $toolchain }
                $package = $script:package
            }
            Invoke-Tests -Package $package
        }
        'TestWindows' {
            Measure-Part 'Build' { Invoke-Build }
            Measure-Part 'Package (win-x64 engine cross-compiled)' { $script:package = Invoke-Package }
            Invoke-WindowsTests -Package $script:package -PesterPath (Get-PesterModulePath)
        }
        'Demo' { Invoke-Build; & (Join-Path $root 'ps-module/demo.ps1') -ModulePath (Join-Path $moduleOut 'HybridMailFlow.psd1') -SamplesPath (Join-Path $root 'samples') }
        'Bench' { Invoke-Build; & (Join-Path $root 'bench/run.ps1') -ModulePath (Join-Path $moduleOut 'HybridMailFlow.psd1') -RepoRoot $root }
        'Package' { Invoke-Build; $null = Invoke-Package }
        'Fuzz' { Measure-Part "Fuzz ($Seconds s)" { Invoke-Fuzz -Seconds $Seconds } }
        'Header' {
            $cargo = Assert-Command cargo 'install Rust (https://rustup.rs)'
            $env:HMF_BLESS = '1'
            try { Invoke-Native $cargo @('test', '--test', 'header') } finally { Remove-Item Env:HMF_BLESS }
            Write-Step 'include/hybridmailflow.h regenerated'
        }
    }
} finally {
    Write-Timings
}
