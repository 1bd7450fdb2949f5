# The package an admin installs: one module for every platform, whose Windows engine loads on a Windows server
# (system DLLs only, the exports of the header, no symbols), that the loader cannot confuse with the cmdlets, and
# that Install-PSResource installs from a folder repository so that Import-Module finds it by name.

BeforeDiscovery {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    $script:hasWindowsEngine = Test-Path -LiteralPath (Join-Path (Split-Path $modulePath) 'runtimes/win-x64/native/hybridmailflow_engine.dll')
}

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    $script:manifestPath = (Resolve-Path $modulePath).Path
    $script:moduleRoot = Split-Path $script:manifestPath
    $script:repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:shell = @('pwsh.exe', 'pwsh', 'powershell.exe') | ForEach-Object { Join-Path $PSHOME $_ } |
        Where-Object { Test-Path $_ -PathType Leaf } | Select-Object -First 1
    $script:windowsEngine = Join-Path $script:moduleRoot 'runtimes/win-x64/native/hybridmailflow_engine.dll'

    # The import and export tables of a PE file (a Windows DLL), read as the loader reads them.
    function Read-PeFile {
        param([string] $Path)
        $bytes = [System.IO.File]::ReadAllBytes($Path)
        $peOffset = [BitConverter]::ToInt32($bytes, 0x3C)
        if ([Text.Encoding]::ASCII.GetString($bytes, $peOffset, 4) -ne "PE`0`0") { throw "$Path is not a PE file" }
        $coff = $peOffset + 4
        $sectionCount = [BitConverter]::ToUInt16($bytes, $coff + 2)
        $symbolTable = [BitConverter]::ToUInt32($bytes, $coff + 8)
        $symbolCount = [BitConverter]::ToUInt32($bytes, $coff + 12)
        $optionalSize = [BitConverter]::ToUInt16($bytes, $coff + 16)
        $optional = $coff + 20
        if ([BitConverter]::ToUInt16($bytes, $optional) -ne 0x20B) { throw "$Path is not a 64-bit (PE32+) image" }
        $directories = $optional + 112
        $sections = @(for ($i = 0; $i -lt $sectionCount; $i++) {
                $at = $optional + $optionalSize + 40 * $i
                [pscustomobject]@{
                    Name           = [Text.Encoding]::ASCII.GetString($bytes, $at, 8).TrimEnd([char]0)
                    VirtualSize    = [BitConverter]::ToUInt32($bytes, $at + 8)
                    VirtualAddress = [BitConverter]::ToUInt32($bytes, $at + 12)
                    RawOffset      = [BitConverter]::ToUInt32($bytes, $at + 20)
                }
            })
        $toOffset = {
            param([uint32] $rva)
            foreach ($section in $sections) {
                if ($rva -ge $section.VirtualAddress -and $rva -lt $section.VirtualAddress + $section.VirtualSize) {
                    return [int]($rva - $section.VirtualAddress + $section.RawOffset)
                }
            }
            throw "RVA $rva is in no section of $Path"
        }
        $readName = {
            param([int] $offset)
            $end = [Array]::IndexOf($bytes, [byte]0, $offset)
            [Text.Encoding]::ASCII.GetString($bytes, $offset, $end - $offset)
        }
        $exports = @()
        $exportRva = [BitConverter]::ToUInt32($bytes, $directories)
        if ($exportRva) {
            $export = & $toOffset $exportRva
            $nameCount = [BitConverter]::ToUInt32($bytes, $export + 24)
            $names = & $toOffset ([BitConverter]::ToUInt32($bytes, $export + 32))
            $exports = @(for ($i = 0; $i -lt $nameCount; $i++) { & $readName (& $toOffset ([BitConverter]::ToUInt32($bytes, $names + 4 * $i))) })
        }
        $imports = @()
        $importRva = [BitConverter]::ToUInt32($bytes, $directories + 8)
        if ($importRva) {
            $descriptor = & $toOffset $importRva
            $imports = @(while ([BitConverter]::ToUInt32($bytes, $descriptor + 12) -ne 0) {
                    & $readName (& $toOffset ([BitConverter]::ToUInt32($bytes, $descriptor + 12)))
                    $descriptor += 20
                })
        }
        [pscustomobject]@{ Exports = $exports; Imports = $imports; Sections = $sections.Name; SymbolTable = $symbolTable; SymbolCount = $symbolCount }
    }

    # PowerShell passes $null to a .NET string parameter as "": a variable to remove is removed, not set empty.
    function Set-EnvironmentValue {
        param([string] $Name, $Value)
        if ($null -eq $Value) { Remove-Item -LiteralPath "Env:$Name" -ErrorAction SilentlyContinue } else { Set-Item -LiteralPath "Env:$Name" -Value $Value }
    }

    # Runs a script in a new PowerShell process with the environment changed as given (a $null value removes a
    # variable); returns its output and exit code.
    function Invoke-InNewProcess {
        param([string] $Command, [hashtable] $Environment = @{})
        $saved = @{}
        foreach ($name in $Environment.Keys) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            Set-EnvironmentValue $name $Environment[$name]
        }
        try {
            $output = & $script:shell -NoProfile -NonInteractive -Command $Command 2>&1
            [pscustomobject]@{ Output = ($output | Out-String); ExitCode = $LASTEXITCODE }
        } finally {
            foreach ($name in $saved.Keys) { Set-EnvironmentValue $name $saved[$name] }
        }
    }
}

Describe 'The Windows engine' {
    BeforeAll {
        $script:pe = if (Test-Path -LiteralPath $script:windowsEngine) { Read-PeFile $script:windowsEngine }
    }

    It 'is in the package beside the engine of this platform' -Skip:(-not $env:HMF_PACKAGE_PATH) {
        $script:windowsEngine | Should -Exist
        $rids = Get-ChildItem -LiteralPath (Join-Path $script:moduleRoot 'runtimes') -Directory | ForEach-Object Name
        $rids | Should -Contain 'win-x64'
        $rids | Should -Contain 'linux-x64'
    }

    It 'imports only DLLs every Windows Server has' -Skip:(-not $script:hasWindowsEngine) {
        # Windows Server 2016 and later; bcryptprimitives' ProcessPrng is what Rust's standard library draws
        # random numbers from. No C runtime or mingw DLL that a server would lack.
        $system = 'kernel32.dll', 'ntdll.dll', 'msvcrt.dll', 'advapi32.dll', 'userenv.dll', 'ws2_32.dll', 'bcryptprimitives.dll'
        $script:pe.Imports | Should -Not -BeNullOrEmpty
        foreach ($import in $script:pe.Imports) {
            ($import.ToLowerInvariant() -in $system -or $import -like 'api-ms-win-core-*') | Should -BeTrue -Because "$import must be a Windows system DLL"
        }
    }

    It 'exports exactly the functions of include/hybridmailflow.h' -Skip:(-not $script:hasWindowsEngine) {
        $header = Get-Content -Raw -LiteralPath (Join-Path $script:repoRoot 'include/hybridmailflow.h')
        $declared = [regex]::Matches($header, '\b(hmf_\w+)\s*\(') | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique
        $declared.Count | Should -BeGreaterThan 50
        Compare-Object -ReferenceObject $declared -DifferenceObject ($script:pe.Exports | Sort-Object) | Should -BeNullOrEmpty
    }

    It 'is stripped: no symbol table, no debug sections' -Skip:(-not $script:hasWindowsEngine) {
        $script:pe.SymbolCount | Should -Be 0
        $script:pe.Sections | Where-Object { $_ -like '.debug*' -or $_ -like '/*' } | Should -BeNullOrEmpty
        (Get-Item -LiteralPath $script:windowsEngine).Length | Should -BeLessThan 10MB
    }
}

Describe 'The loader' {
    It 'cannot take the cmdlets assembly for the engine: no native library shares a file name with a managed one' {
        # Windows file names ignore case: a native hybridmailflow.dll is HybridMailFlow.dll to the loader, and
        # DllImport bound to the managed file ("Unable to find an entry point named 'hmf_abi_version'").
        $managed = Get-ChildItem -LiteralPath (Join-Path $script:moduleRoot 'bin') -Recurse -Filter '*.dll' | ForEach-Object { $_.BaseName.ToLowerInvariant() }
        $native = Get-ChildItem -LiteralPath (Join-Path $script:moduleRoot 'runtimes') -Recurse -File |
            ForEach-Object { ($_.BaseName -replace '^lib', '').ToLowerInvariant() }
        $native | Should -Not -BeNullOrEmpty
        foreach ($name in $native) { $managed | Should -Not -Contain $name }
    }
}

Describe 'Installing the package' {
    BeforeAll {
        $script:repository = Join-Path $TestDrive 'repository'
        $null = New-Item -ItemType Directory -Path $script:repository
        $script:userHome = Join-Path $TestDrive 'home'
        $null = New-Item -ItemType Directory -Path $script:userHome
        if ($env:HMF_PACKAGE_PATH) {
            Copy-Item -LiteralPath $env:HMF_PACKAGE_PATH -Destination $script:repository
        } else {
            # Run on its own, without build.ps1: pack the module under test as build.ps1 Package does.
            $name = 'HybridMailFlowTest' + [guid]::NewGuid().ToString('N')
            Register-PSResourceRepository -Name $name -Uri $script:repository -Trusted
            try { Publish-PSResource -Path $script:moduleRoot -Repository $name -SkipDependenciesCheck } finally { Unregister-PSResourceRepository -Name $name }
        }
        # A user of their own on Linux and macOS (PSResourceGet and the module path live under HOME there); on
        # Windows the profile of the test host's user.
        $script:userEnvironment = @{ PSModulePath = $null }
        if (-not $IsWindows) {
            # PSResourceGet installs under HOME whatever XDG_DATA_HOME says, while PowerShell looks there first.
            $script:userEnvironment += @{ HOME = $script:userHome; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null }
        }
    }

    It 'installs with Install-PSResource from a folder repository, then Import-Module by name works in a new PowerShell' {
        $repository = $script:repository.Replace("'", "''")
        $install = "`$ErrorActionPreference = 'Stop'; `$name = 'HmfLocal' + [guid]::NewGuid().ToString('N'); " +
            "Register-PSResourceRepository -Name `$name -Uri '$repository' -Trusted; " +
            "try { Install-PSResource -Name HybridMailFlow -Repository `$name -Scope CurrentUser -TrustRepository -Reinstall } finally { Unregister-PSResourceRepository -Name `$name }"
        $run = Invoke-InNewProcess -Command $install -Environment $script:userEnvironment
        $run.ExitCode | Should -Be 0 -Because $run.Output

        $samples = (Join-Path $script:repoRoot 'samples').Replace("'", "''")
        $use = "`$ErrorActionPreference = 'Stop'; Import-Module HybridMailFlow; `$m = Get-Module HybridMailFlow; " +
            "`$v = Get-HybridMailFlowVersion; `$n = @(Get-HybridSmtpSession -Path '$samples').Count; " +
            "'{0}|{1}|{2}|{3}' -f `$m.Version, `$m.ModuleBase, `$v.RuntimeIdentifier, `$n"
        $run = Invoke-InNewProcess -Command $use -Environment $script:userEnvironment
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $version, $base, $rid, $sessions = ($run.Output.Trim() -split "`r?`n")[-1].Split('|')
        $version | Should -Be (Import-PowerShellDataFile $script:manifestPath).ModuleVersion
        $base | Should -Not -BeLike "$($script:moduleRoot)*" -Because 'the installed copy is imported, not the build output'
        if (-not $IsWindows) { $base | Should -BeLike "$($script:userHome)*" }
        $rid | Should -BeLike '*-x64'
        [int]$sessions | Should -BeGreaterThan 0
    }

    AfterAll {
        if ($IsWindows) {
            $null = Invoke-InNewProcess -Command 'Uninstall-PSResource -Name HybridMailFlow -Scope CurrentUser -SkipDependencyCheck -ErrorAction SilentlyContinue' -Environment $script:userEnvironment
        }
    }
}
