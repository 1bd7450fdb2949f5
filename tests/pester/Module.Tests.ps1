# The module as a whole: it imports from anywhere and reaches its native engine, exports exactly what its manifest
# lists, and every command has help.

BeforeDiscovery {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    $module = Import-Module $modulePath -Force -PassThru
    $script:commands = @($module.ExportedCommands.Keys | Sort-Object | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    $script:manifestPath = (Resolve-Path $modulePath).Path
    $script:moduleRoot = Split-Path $script:manifestPath
    $script:module = Import-Module $script:manifestPath -Force -PassThru
    $script:repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    # This same PowerShell: its launcher is in $PSHOME (the process is dotnet itself for the .NET global tool).
    $script:shell = @('pwsh.exe', 'pwsh', 'powershell.exe') | ForEach-Object { Join-Path $PSHOME $_ } |
        Where-Object { Test-Path $_ -PathType Leaf } | Select-Object -First 1

    # A copy of the module whose runtimes/ holds only the engines named (none by default). Copied without them rather
    # than deleted after: wine's file system refused to delete a copied folder tree at times.
    function Copy-ModuleWithEngines {
        param([string] $Destination, [string[]] $Engines = @())
        $null = New-Item -ItemType Directory -Path $Destination -Force
        Get-ChildItem -LiteralPath $script:moduleRoot | Where-Object Name -ne 'runtimes' | Copy-Item -Destination $Destination -Recurse
        foreach ($rid in $Engines) {
            $target = Join-Path $Destination "runtimes/$rid"
            $null = New-Item -ItemType Directory -Path (Split-Path $target) -Force
            Copy-Item -LiteralPath (Join-Path $script:moduleRoot "runtimes/$rid") -Destination $target -Recurse
        }
    }

    # Runs a command in a new PowerShell process started in $WorkingDirectory; returns its output and exit code.
    function Invoke-InNewProcess {
        param([string] $WorkingDirectory, [string] $Command)
        Push-Location -LiteralPath $WorkingDirectory
        try {
            $output = & $script:shell -NoProfile -NonInteractive -Command $Command 2>&1
            [pscustomobject]@{ Output = ($output | Out-String); ExitCode = $LASTEXITCODE }
        } finally {
            Pop-Location
        }
    }
}

Describe 'Importing the module' {
    It 'works from any working directory and reaches the native engine from there' {
        $elsewhere = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'elsewhere')
        $command = "`$ErrorActionPreference = 'Stop'; Import-Module '$($script:manifestPath.Replace("'", "''"))'; " +
            "Get-HybridMailFlowVersion | ConvertTo-Json -Compress; [Environment]::CurrentDirectory"
        $run = Invoke-InNewProcess -WorkingDirectory $elsewhere.FullName -Command $command
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $lines = @($run.Output -split "`r?`n" | Where-Object { $_ })
        $lines[-1] | Should -Be $elsewhere.FullName
        $version = $lines[-2] | ConvertFrom-Json
        $version.EngineVersion | Should -Match '^\d+\.\d+\.\d+'
        $version.NativeLibraryPath | Should -BeLike (Join-Path $script:moduleRoot 'runtimes*')
    }

    It 'fails with the path it tried when the native engine is missing' {
        $copy = Join-Path $TestDrive 'HybridMailFlow'
        Copy-ModuleWithEngines -Destination $copy
        $manifestCopy = (Join-Path $copy 'HybridMailFlow.psd1').Replace("'", "''")
        $run = Invoke-InNewProcess -WorkingDirectory $TestDrive -Command "try { Import-Module '$manifestCopy' -ErrorAction Stop } catch { [Console]::Out.WriteLine(`$_.Exception.Message); exit 3 }"
        $run.ExitCode | Should -Be 3 -Because $run.Output
        $run.Output | Should -BeLike "*The HybridMailFlow engine for * was not found at '$(Join-Path $copy 'runtimes')*"
        $run.Output | Should -BeLike '*This copy of the module holds no engine*build.ps1 Package*'
    }

    It 'names the engines it holds when this platform''s is not among them' {
        $copy = Join-Path $TestDrive 'OtherPlatform/HybridMailFlow'
        $thisPlatform = (Get-HybridMailFlowVersion).RuntimeIdentifier
        Copy-ModuleWithEngines -Destination $copy
        $null = New-Item -ItemType Directory -Path (Join-Path $copy 'runtimes/osx-arm64/native')
        $manifestCopy = (Join-Path $copy 'HybridMailFlow.psd1').Replace("'", "''")
        $run = Invoke-InNewProcess -WorkingDirectory $TestDrive -Command "try { Import-Module '$manifestCopy' -ErrorAction Stop } catch { [Console]::Out.WriteLine(`$_.Exception.Message); exit 3 }"
        $run.ExitCode | Should -Be 3 -Because $run.Output
        $run.Output | Should -BeLike "*The HybridMailFlow engine for $thisPlatform was not found*holds the engines for *osx-arm64*"
    }
}

Describe 'Get-HybridMailFlowVersion' {
    It 'reports the module and engine versions of this build' {
        $version = Get-HybridMailFlowVersion
        $version.PSObject.TypeNames[0] | Should -Be 'HybridMailFlow.VersionInfo'
        $version.ModuleVersion | Should -Be $script:module.Version
        $version.ModuleVersion | Should -BeOfType [string]
        ($version | ConvertTo-Json | ConvertFrom-Json).ModuleVersion | Should -Be $script:module.Version.ToString()
        $cargoVersion = (Select-String -LiteralPath (Join-Path $script:repoRoot 'Cargo.toml') -Pattern '^version\s*=\s*"([^"]+)"' | Select-Object -First 1).Matches[0].Groups[1].Value
        $version.EngineVersion | Should -Be $cargoVersion
    }

    It 'reports the ABI the header declares, which the module checked at import' {
        $header = Get-Content -LiteralPath (Join-Path $script:repoRoot 'include/hybridmailflow.h') -Raw
        $abi = [regex]::Match($header, '#define HMF_ABI_VERSION (\d+)').Groups[1].Value
        (Get-HybridMailFlowVersion).AbiVersion | Should -Be ([uint32]$abi)
    }

    It 'says which build runs, for which platform, in which PowerShell, and where the engine was loaded from' {
        $version = Get-HybridMailFlowVersion
        $version.PSEdition | Should -Be $PSVersionTable.PSEdition
        $version.PSVersion | Should -Be ([string]$PSVersionTable.PSVersion)
        # The module loads bin/net8.0 in PowerShell 7 and bin/netstandard2.0 in Windows PowerShell; Runtime says
        # which build that file is (the Windows tests also run PowerShell 7 with the netstandard2.0 build there).
        $folder = 'netstandard2.0'
        if ($PSVersionTable.PSEdition -eq 'Core') { $folder = 'net8.0' }
        $assembly = [HybridMailFlow.Commands.ModuleInitializer].Assembly
        $assembly.Location | Should -Be (Join-Path $script:moduleRoot "bin/$folder/HybridMailFlow.dll")
        $framework = $assembly.GetCustomAttributes([System.Runtime.Versioning.TargetFrameworkAttribute], $false)[0].FrameworkName
        $expectedRuntime = if ($framework -like '.NETStandard,Version=v2.0*') { 'netstandard2.0' } else { 'net8.0' }
        $version.Runtime | Should -Be $expectedRuntime
        $version.RuntimeIdentifier | Should -Match '^(win|linux|osx)-(x64|x86|arm64|arm)$'
        $version.NativeLibraryPath | Should -Be (Join-Path $script:moduleRoot "runtimes/$($version.RuntimeIdentifier)/native/$(Split-Path $version.NativeLibraryPath -Leaf)")
        Test-Path -LiteralPath $version.NativeLibraryPath | Should -BeTrue
    }
}

Describe 'The module manifest' {
    BeforeAll {
        $script:manifest = Import-PowerShellDataFile -LiteralPath $script:manifestPath
    }

    It 'lists every export by name, without wildcards' {
        foreach ($key in 'FunctionsToExport', 'CmdletsToExport', 'AliasesToExport', 'VariablesToExport') {
            $script:manifest.ContainsKey($key) | Should -BeTrue -Because "$key must be explicit"
            @($script:manifest[$key]) -join ',' | Should -Not -Match '\*' -Because "$key lists names"
        }
    }

    It 'exports exactly the functions under Public, one per file' {
        $files = @(Get-ChildItem -LiteralPath (Join-Path $script:moduleRoot 'Public') -Filter '*.ps1' | ForEach-Object { $_.BaseName } | Sort-Object)
        @($script:manifest.FunctionsToExport | Sort-Object) | Should -Be $files
        @($script:module.ExportedFunctions.Keys | Sort-Object) | Should -Be $files
    }

    It 'exports exactly the cmdlets the assembly defines' {
        $assembly = [HybridMailFlow.VersionInfo].Assembly
        $defined = @($assembly.GetExportedTypes() |
                ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
                ForEach-Object { '{0}-{1}' -f $_.VerbName, $_.NounName } | Sort-Object)
        $defined.Count | Should -BeGreaterThan 0
        @($script:manifest.CmdletsToExport | Sort-Object) | Should -Be $defined
        @($script:module.ExportedCmdlets.Keys | Sort-Object) | Should -Be $defined
    }

    It 'uses approved verbs and the Hybrid noun prefix' {
        $approved = @(Get-Verb | ForEach-Object { $_.Verb })
        foreach ($name in $script:module.ExportedCommands.Keys) {
            $verb, $noun = $name -split '-', 2
            $approved | Should -Contain $verb
            $noun | Should -BeLike 'Hybrid*'
        }
    }

    It 'is a valid manifest for both editions of PowerShell' {
        $info = Test-ModuleManifest -Path $script:manifestPath
        $info.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $info.PowerShellVersion | Should -Be ([version]'5.1')
    }
}

Describe 'Help' {
    It '<Name> has a synopsis, a description, an example and every parameter described' -ForEach $commands {
        $help = Get-Help -Name $Name -Full
        # Without help, Get-Help makes up a synopsis from the syntax.
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match ([regex]::Escape($Name) + '\s+\[')
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        foreach ($example in $help.Examples.Example) {
            $example.Code | Should -Not -BeNullOrEmpty
        }
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($parameter in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
            $described = $help.Parameters.Parameter | Where-Object Name -EQ $parameter
            ($described.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs a description"
        }
    }

    It 'cannot be built with a parameter left undescribed' {
        $module = Join-Path $TestDrive 'help-check/HybridMailFlow'
        Copy-Item -LiteralPath $script:moduleRoot -Destination $module -Recurse
        Remove-Item -LiteralPath (Join-Path $module 'en-US/HybridMailFlow.dll-Help.xml')
        $source = Join-Path $TestDrive 'help-check/help'
        Copy-Item -LiteralPath (Join-Path $script:repoRoot 'ps-module/help') -Destination $source -Recurse
        $data = Join-Path $source 'Get-HybridSmtpSession.psd1'
        $text = [System.IO.File]::ReadAllText($data) -replace '(?m)^\s*Tail\s*=.*\r?\n', ''
        [System.IO.File]::WriteAllText($data, $text, (New-Object System.Text.UTF8Encoding($true)))

        $generator = (Join-Path $script:repoRoot 'ps-module/tools/New-MamlHelp.ps1').Replace("'", "''")
        $run = Invoke-InNewProcess -WorkingDirectory $TestDrive -Command ("try { & '$generator' -ModuleRoot '$($module.Replace("'", "''"))' -HelpSource '$($source.Replace("'", "''"))' } " +
            "catch { [Console]::Out.WriteLine(`$_.Exception.Message); exit 3 }")
        $run.ExitCode | Should -Be 3 -Because $run.Output
        $run.Output | Should -Match 'Get-HybridSmtpSession\.psd1: parameter Tail is not described'
        Test-Path -LiteralPath (Join-Path $module 'en-US/HybridMailFlow.dll-Help.xml') | Should -BeFalse
    }

    It 'has an about topic that names every command' {
        $about = Get-Help about_HybridMailFlow | Out-String
        foreach ($name in $script:module.ExportedCommands.Keys) {
            $about | Should -Match ([regex]::Escape($name))
        }
    }
}
