# Every PowerShell example of the README and of the commands' help, as an admin copies it. An example (a statement
# of a block) that names ./samples runs, from a copy of the repository's samples folder, and must write no error; every other one (it
# needs a live Exchange, the network or a customer's logs) must parse, and name only commands that exist (ours, or
# the Exchange and PowerShell cmdlets listed below) with parameters those commands have.

BeforeDiscovery {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $repoRoot 'out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force

    # ```powershell blocks of the README, each with the line it starts on.
    $readme = [System.IO.File]::ReadAllLines((Join-Path $repoRoot 'README.md'))
    $script:examples = @()
    $block = $null
    for ($i = 0; $i -lt $readme.Count; $i++) {
        if ($null -eq $block -and $readme[$i] -eq '```powershell') {
            $block = @{ Source = "README.md line $($i + 1)"; Lines = @() }
        } elseif ($null -ne $block -and $readme[$i] -eq '```') {
            $script:examples += @{ Source = $block.Source; Code = ($block.Lines -join "`n") }
            $block = $null
        } elseif ($null -ne $block) {
            $block.Lines += $readme[$i]
        }
    }
    foreach ($command in Get-Command -Module HybridMailFlow) {
        $n = 0
        foreach ($example in @((Get-Help $command.Name -Full).examples.example)) {
            $n++
            $script:examples += @{ Source = "help of $($command.Name), example $n"; Code = [string]$example.code }
        }
    }
    foreach ($example in $script:examples) {
        $example.Runs = $example.Code -match '\./samples\b'
    }
}

BeforeAll {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $repoRoot 'out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force

    # Commands the examples name that this computer need not have: Exchange's, Exchange Online's, Windows' and
    # PowerShellGet's. Anything else must exist here.
    $script:elsewhere = @(
        'Get-Queue', 'Get-Message', 'Get-ExchangeServer', 'Get-ReceiveConnector', 'Get-SendConnector', 'Get-ExchangeCertificate', 'Get-TransportService',
        'Get-FrontendTransportService', 'Get-MailboxTransportService', 'Get-AcceptedDomain', 'Get-MessageTraceV2', 'Get-MessageTraceDetailV2',
        'Get-MessageTrace', 'Get-MessageTraceDetail', 'Get-MessageTrackingLog', 'Get-EdgeSubscription', 'Test-EdgeSynchronization',
        'Register-PSRepository', 'Install-Module', 'Register-PSResourceRepository', 'Install-PSResource', 'Unblock-File'
    )

    function Assert-CommandsExist {
        param([System.Management.Automation.Language.Ast] $Ast, [string] $Source)
        foreach ($commandAst in $Ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)) {
            $name = $commandAst.GetCommandName()
            if (-not $name -or $name -match '^[./\\]|\.ps1$') {
                continue
            }
            $command = Get-Command -Name $name -ErrorAction Ignore | Select-Object -First 1
            if (-not $command) {
                $script:elsewhere | Should -Contain $name -Because "$Source names $name, which is neither here nor a known Exchange or PowerShell cmdlet"
                continue
            }
            if ($command.CommandType -eq 'Alias') {
                $command = $command.ResolvedCommand
            }
            if ($command.CommandType -notin 'Cmdlet', 'Function') {
                continue
            }
            $known = @($command.Parameters.Values | ForEach-Object { $_.Name; $_.Aliases })
            foreach ($parameter in $commandAst.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                $matching = @($known | Where-Object { $_ -like "$($parameter.ParameterName)*" })
                $exact = @($known | Where-Object { $_ -eq $parameter.ParameterName })
                ($exact.Count -gt 0 -or $matching.Count -eq 1) | Should -BeTrue -Because "$Source gives $name the parameter -$($parameter.ParameterName), which it does not have (or not unambiguously)"
            }
        }
    }
}

Describe 'The examples of the README and the help' {
    It '<Source> parses, and names commands and parameters that exist' -TestCases $script:examples {
        param($Source, $Code)
        $tokens = $null
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref] $tokens, [ref] $errors)
        $errors | Should -BeNullOrEmpty -Because "$Source must parse"
        $Code | Should -Not -Match "`t" -Because "a tab in an example is a tab the admin pastes (it once stood for \t of .\trace-ps51.csv)"
        Assert-CommandsExist -Ast $ast -Source $Source
    }

    It '<Source> runs on the bundled samples without an error' -TestCases @($script:examples | Where-Object { $_.Runs }) {
        param($Source, $Code)
        $work = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
        $null = New-Item -ItemType Directory -Path $work
        Copy-Item -LiteralPath (Join-Path $repoRoot 'samples') -Destination $work -Recurse
        Push-Location -LiteralPath $work
        # A block may mix examples: only its statements that name ./samples run.
        $statements = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref] $null, [ref] $null).EndBlock.Statements |
            Where-Object { $_.Extent.Text -match '\./samples\b' }
        try {
            $all = @(foreach ($statement in $statements) {
                    & ([scriptblock]::Create($statement.Extent.Text)) 2>&1 3>$null
                })
        } finally {
            Pop-Location
        }
        $failures = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $output = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
        $failures | Should -BeNullOrEmpty -Because "$Source ran on ./samples"
        $written = @(Get-ChildItem -LiteralPath $work -File)
        ($output.Count + $written.Count) | Should -BeGreaterThan 0 -Because "$Source on ./samples returns something or writes a file"
    }

    It 'runs at least one example of each command that reads logs or exports on the bundled samples' -TestCases @(@{ Run = (@($script:examples | Where-Object { $_.Runs }).Code -join "`n") }) {
        param($Run)
        foreach ($name in 'Get-HybridSmtpSession', 'Get-HybridSmtpLogEntry', 'Get-HybridMessageTrackingLog', 'Get-HybridMailFlowSummary',
            'Import-HybridMessageTrace', 'Trace-HybridMessage', 'Export-HybridCsv', 'Find-HybridLogPath') {
            $Run | Should -Match ([regex]::Escape($name)) -Because "an example of $name runs on the bundled samples"
        }
    }
}
