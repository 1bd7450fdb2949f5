# The Windows part of build.ps1, dot-sourced by it: the win-x64 engine cross-compiled on Linux (mingw, the standard
# library built with the crate), and the Windows tests run under wine: the C ABI programs against that DLL, and the
# Pester suite in a Windows PowerShell 7 host with the package, once as PowerShell 7 loads it and once with the
# netstandard2.0 assembly that Windows PowerShell 5.1 loads. ../shared/reference/windows.md has the facts behind it.
# Uses $root, $out, Write-Step, Invoke-Native and Assert-Command from build.ps1.

$script:WindowsTriple = 'x86_64-pc-windows-gnu'
$script:WindowsEngineFile = 'hybridmailflow_engine.dll'
$script:MingwCompiler = 'x86_64-w64-mingw32-gcc'
$script:WindowsToolchainHint = 'on Debian or Ubuntu: apt-get install rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 wine64 (.ci/run does)'

# The compiler that can build the engine for Windows: one with the target's standard library installed
# (rustup target add), or one with the standard library's source (Debian's rustc-web with rust-web-src), which
# builds it with the crate. Returns $null and the reason when there is none.
function Get-WindowsToolchain {
    if (-not (Get-Command $script:MingwCompiler -ErrorAction SilentlyContinue)) {
        return [pscustomobject]@{ Ready = $false; Why = "no $($script:MingwCompiler) (the linker for Windows)" }
    }
    $candidates = @(
        @{ Rustc = (Get-Command rustc -ErrorAction SilentlyContinue); Cargo = (Get-Command cargo -ErrorAction SilentlyContinue) },
        @{ Rustc = (Get-Command /usr/bin/rustc -ErrorAction SilentlyContinue); Cargo = (Get-Command /usr/bin/cargo -ErrorAction SilentlyContinue) }
    )
    foreach ($candidate in $candidates) {
        if (-not $candidate.Rustc -or -not $candidate.Cargo) { continue }
        $sysroot = (& $candidate.Rustc.Source --print sysroot).Trim()
        $targetLib = Join-Path $sysroot "lib/rustlib/$($script:WindowsTriple)/lib"
        if (Get-ChildItem -Path $targetLib -Filter 'libstd-*.rlib' -ErrorAction SilentlyContinue) {
            return [pscustomobject]@{ Ready = $true; Rustc = $candidate.Rustc.Source; Cargo = $candidate.Cargo.Source; BuildStd = $false; StdVendor = $null }
        }
        $library = Join-Path $sysroot 'lib/rustlib/src/rust/library'
        if (Test-Path (Join-Path $library 'std/Cargo.toml')) {
            return [pscustomobject]@{ Ready = $true; Rustc = $candidate.Rustc.Source; Cargo = $candidate.Cargo.Source; BuildStd = $true
                StdVendor = (Join-Path $library 'vendor') }
        }
    }
    [pscustomobject]@{ Ready = $false; Why = 'no Rust compiler with the Windows standard library or its source' }
}

# The vendored crates the host's cargo builds from: beside the checkout (../shared/crates/vendor, as .ci/run uses
# them), else the directory source use-vendored.sh wrote into cargo's own config. $null when cargo uses crates.io.
function Get-VendoredCratesFolder {
    $beside = Join-Path $root '../shared/crates/vendor'
    if (Test-Path $beside) { return (Resolve-Path $beside).Path }
    $cargoHome = if ($env:CARGO_HOME) { $env:CARGO_HOME } else { Join-Path $HOME '.cargo' }
    $config = Join-Path $cargoHome 'config.toml'
    if (Test-Path $config) {
        $match = Select-String -LiteralPath $config -Pattern '^\s*directory\s*=\s*"([^"]+)"' | Select-Object -First 1
        if ($match -and (Test-Path $match.Matches[0].Groups[1].Value)) { return $match.Matches[0].Groups[1].Value }
    }
    $null
}

# Cargo's home for the cross build: offline, its crates from the project's vendored crates beside the checkout and
# the standard library's own vendored dependencies, side by side in one directory source (their names differ).
function New-CrossCargoHome {
    param([string] $StdVendor)
    $crossRoot = Join-Path $out 'cross'
    $cargoHome = Join-Path $crossRoot 'cargo-home'
    $null = New-Item -ItemType Directory -Path $cargoHome -Force
    $config = @("[target.$($script:WindowsTriple)]", "linker = `"$($script:MingwCompiler)`"")
    $vendored = Get-VendoredCratesFolder
    if ($vendored) {
        $crates = Join-Path $crossRoot 'crates'
        if (Test-Path $crates) { Remove-Item $crates -Recurse -Force }
        $null = New-Item -ItemType Directory -Path $crates
        foreach ($folder in @($vendored, $StdVendor) | Where-Object { $_ -and (Test-Path $_) }) {
            foreach ($crate in Get-ChildItem -LiteralPath $folder -Directory) {
                $link = Join-Path $crates $crate.Name
                if (-not (Test-Path $link)) { $null = New-Item -ItemType SymbolicLink -Path $link -Target $crate.FullName }
            }
        }
        $config += @('[source.crates-io]', 'replace-with = "vendored-crates"', '[source.vendored-crates]',
            "directory = `"$crates`"", '[net]', 'offline = true')
    }
    Set-Content -LiteralPath (Join-Path $cargoHome 'config.toml') -Value $config
    $cargoHome
}

# Builds the win-x64 engine, stripped, and returns its path.
function Invoke-WindowsEngineBuild {
    param([Parameter(Mandatory = $true)] $Toolchain)
    Write-Step "Building the win-x64 engine ($($script:WindowsTriple), $(& $Toolchain.Rustc --version))"
    $cargoHome = New-CrossCargoHome -StdVendor $Toolchain.StdVendor
    $targetDir = Join-Path $root 'target/cross'
    $arguments = @('build', '--release', '--lib', '--target', $script:WindowsTriple, '--target-dir', $targetDir)
    if ($Toolchain.BuildStd) { $arguments += '-Zbuild-std=std,panic_unwind' }
    $environment = @{
        CARGO_HOME = $cargoHome; RUSTC = $Toolchain.Rustc
        # The package ships the engine without symbols: 4 MB instead of 33.
        CARGO_PROFILE_RELEASE_DEBUG = '0'; CARGO_PROFILE_RELEASE_STRIP = 'symbols'
    }
    # -Zbuild-std is a nightly flag; a stable compiler takes it with RUSTC_BOOTSTRAP, as the standard library's own
    # build does.
    if ($Toolchain.BuildStd) { $environment.RUSTC_BOOTSTRAP = '1' }
    Invoke-WithEnvironment $environment { Invoke-Native $Toolchain.Cargo $arguments }
    Join-Path $targetDir "$($script:WindowsTriple)/release/$($script:WindowsEngineFile)"
}

function ConvertTo-WinePath {
    param([string] $Path)
    # A new wine prefix maps Z: to the Linux root.
    'Z:' + ([System.IO.Path]::GetFullPath($Path) -replace '/', '\')
}

function Get-Wine {
    foreach ($candidate in '/usr/lib/wine/wine64', 'wine64', 'wine') {
        $command = Get-Command $candidate -ErrorAction SilentlyContinue
        if ($command) { return $command.Source }
    }
    $null
}

# A scratch wine prefix for the tests, with the ProcessPrng stand-in that wine 8 lacks (tests/windows/
# bcryptprimitives.c). Returns the environment the Windows programs run with.
function Initialize-WinePrefix {
    param([string] $Wine)
    $prefix = Join-Path $out 'wine/prefix'
    $environment = @{ WINEPREFIX = $prefix; WINEDEBUG = '-all'; WINEDLLOVERRIDES = 'bcryptprimitives=n'
        # Without it the CLR under wine fails in DynamicResolver finalization ("Internal CLR error 0x80131506").
        DOTNET_EnableWriteXorExecute = '0' }
    $system32 = Join-Path $prefix 'drive_c/windows/system32'
    if (-not (Test-Path $system32)) {
        Write-Step "Creating the wine prefix $prefix"
        $null = New-Item -ItemType Directory -Path $prefix -Force
        Invoke-WithEnvironment $environment { & $Wine wineboot -i *> $null }
        if (-not (Test-Path $system32)) { throw "wine did not create the prefix $prefix ($Wine wineboot -i)" }
    }
    # wine links the user's Documents, Desktop, ... to the Linux home: the tests' installs and profiles stay in the
    # scratch prefix instead.
    foreach ($link in Get-ChildItem -Path (Join-Path $prefix 'drive_c/users/*/*') -Force -ErrorAction SilentlyContinue) {
        if ($link.LinkType -eq 'SymbolicLink') {
            $link.Delete()
            $null = New-Item -ItemType Directory -Path $link.FullName
        }
    }
    $standIn = Join-Path $out 'wine/bcryptprimitives.dll'
    Invoke-Native $script:MingwCompiler @('-shared', '-O2', '-Wall', '-Wextra', '-Werror', '-o', $standIn,
        (Join-Path $root 'tests/windows/bcryptprimitives.c'), '-ladvapi32')
    Copy-Item -LiteralPath $standIn -Destination $system32 -Force
    $environment
}

# PowerShell passes $null to a .NET string parameter as "": a variable to remove is removed, not set empty.
function Set-EnvironmentValue {
    param([string] $Name, $Value)
    if ($null -eq $Value) { Remove-Item -LiteralPath "Env:$Name" -ErrorAction SilentlyContinue } else { Set-Item -LiteralPath "Env:$Name" -Value $Value }
}

function Invoke-WithEnvironment {
    param([hashtable] $Environment, [scriptblock] $Script)
    $saved = @{}
    foreach ($name in $Environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        Set-EnvironmentValue $name $Environment[$name]
    }
    try { & $Script } finally {
        foreach ($name in $saved.Keys) { Set-EnvironmentValue $name $saved[$name] }
    }
}

# The C ABI programs, built with mingw against the Windows DLL, run under wine.
function Invoke-WindowsCTests {
    param([string] $Wine, [hashtable] $WineEnvironment, [string] $EngineDll)
    $buildDir = Join-Path $out 'wine/c'
    $null = New-Item -ItemType Directory -Path $buildDir -Force
    Copy-Item -LiteralPath $EngineDll -Destination $buildDir -Force
    $dll = Join-Path $buildDir $script:WindowsEngineFile
    foreach ($source in Get-ChildItem (Join-Path $root 'tests/c') -Filter '*.c') {
        Write-Step "C ABI program $($source.Name) (win-x64, under wine)"
        $exe = Join-Path $buildDir "$($source.BaseName).exe"
        Invoke-Native $script:MingwCompiler @('-std=c11', '-Wall', '-Wextra', '-Werror', '-g', '-pthread', '-I', (Join-Path $root 'include'),
            $source.FullName, $dll, '-Wl,-Bstatic', '-lwinpthread', '-Wl,-Bdynamic', '-o', $exe)
        $scratch = Join-Path $buildDir "$($source.BaseName).scratch"
        if (Test-Path $scratch) { Remove-Item $scratch -Recurse -Force }
        $null = New-Item -ItemType Directory -Path $scratch
        Invoke-WithEnvironment $WineEnvironment {
            Invoke-Native $Wine @($exe, (ConvertTo-WinePath (Join-Path $root 'samples')), (ConvertTo-WinePath $scratch)) -WorkingDirectory $buildDir
        }
    }
}

# pwsh.exe for the tests: PowerShell's console shell on the SDK (tests/windows/host), published self-contained for
# win-x64, with the Windows modules of the PowerShell that runs this script in its $PSHOME/Modules.
function Publish-WindowsTestHost {
    $dotnet = Assert-Command dotnet 'install the .NET SDK 10 or later (the Windows test host targets net10.0)'
    $hostDir = Join-Path $out 'wine/pwsh'
    if (-not (Test-Path (Join-Path $hostDir 'pwsh.exe'))) {
        Write-Step 'Publishing the Windows PowerShell 7 test host (Microsoft.PowerShell.SDK, win-x64)'
        Invoke-Native $dotnet @('publish', (Join-Path $root 'tests/windows/host/PwshHost.csproj'), '-c', 'Release', '-o', $hostDir, '--nologo', '-v', 'quiet')
    }
    $modules = Join-Path $hostDir 'Modules'
    if (-not (Test-Path $modules)) {
        # The PowerShell global tool carries the Windows modules beside the Unix ones (../win/Modules from $PSHOME);
        # the SDK package carries the built-in ones only.
        $windowsModules = Join-Path $PSHOME '../win/Modules'
        if (-not (Test-Path $windowsModules)) {
            $sdk = Get-ChildItem -Path (Join-Path $HOME '.nuget/packages/microsoft.powershell.sdk') -Directory -ErrorAction SilentlyContinue |
                Sort-Object Name -Descending | Select-Object -First 1
            $windowsModules = Join-Path $sdk.FullName 'contentFiles/any/any/runtimes/win/lib/net10.0/Modules'
        }
        Copy-Item -LiteralPath $windowsModules -Destination $modules -Recurse
    }
    Set-Content -LiteralPath (Join-Path $hostDir 'powershell.config.json') -Value '{"Microsoft.PowerShell:ExecutionPolicy":"RemoteSigned"}'
    Join-Path $hostDir 'pwsh.exe'
}

# The Pester suite in the Windows host, in a console (the console host needs one: script gives it a terminal).
function Invoke-WindowsPesterTests {
    param([string] $Wine, [hashtable] $WineEnvironment, [string] $HostExe, [string] $ModuleManifest, [string] $PesterPath, [string] $Label)
    Write-Step "Pester tests on Windows ($Label, PowerShell 7 host under wine)"
    $command = @($Wine, (ConvertTo-WinePath $HostExe), '-NoProfile', '-NonInteractive', '-File',
        (ConvertTo-WinePath (Join-Path $root 'tests/Invoke-PesterTests.ps1')),
        '-PesterPath', (ConvertTo-WinePath $PesterPath), '-ModulePath', (ConvertTo-WinePath $ModuleManifest),
        '-TestPath', (ConvertTo-WinePath (Join-Path $root 'tests/pester'))) | ForEach-Object { "'" + ($_ -replace "'", "'\''") + "'" }
    $log = Join-Path $out "wine/pester-$($Label -replace '\W', '-').log"
    Invoke-WithEnvironment $WineEnvironment {
        Invoke-Native (Assert-Command script 'util-linux script gives the console host a terminal') @('-qec', ($command -join ' '), $log) -WorkingDirectory $out
    }
}

# The module folder as Windows PowerShell 5.1 would load it: the netstandard2.0 assembly in the place of the net8.0
# one, so that PowerShell 7 runs the 5.1 code path (LoadLibraryW by full path, then DllImport by name).
function New-NetStandardModuleCopy {
    param([string] $ModuleFolder)
    $copy = Join-Path $out 'wine/netstandard2.0/HybridMailFlow'
    if (Test-Path $copy) { Remove-Item $copy -Recurse -Force }
    $null = New-Item -ItemType Directory -Path (Split-Path $copy) -Force
    Copy-Item -LiteralPath $ModuleFolder -Destination $copy -Recurse
    # Its dependencies too (DnsClient's build for .NET Framework), as Windows PowerShell would load them.
    Remove-Item -Path (Join-Path $copy 'bin/net8.0/*.dll')
    Copy-Item -Path (Join-Path $copy 'bin/netstandard2.0/*.dll') -Destination (Join-Path $copy 'bin/net8.0') -Force
    Join-Path $copy 'HybridMailFlow.psd1'
}
