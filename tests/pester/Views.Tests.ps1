# The default views, as an admin sees them in a console of 120 columns: the answer without Format-List, nothing cut
# that matters, and nothing wider than the console. Each view is rendered with Out-String -Width 120.

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    $script:modulePath = (Resolve-Path $modulePath).Path
    Import-Module $modulePath -Force
    . (Join-Path $PSScriptRoot 'ChildProcess.ps1')

    $script:samples = Join-Path $PSScriptRoot '../../samples'
    $script:lab = Join-Path $PSScriptRoot '../data/timeline'
    $script:sessions = @(Get-HybridSmtpSession -Path $samples)

    function Get-View($InputObject) {
        @(($InputObject | Out-String -Width 120) -split '\r?\n')
    }

    function Get-LongLine([string[]] $Lines) {
        @($Lines | Where-Object { $_.Length -gt 120 })
    }

    # The value of a list view's item, its lines without the label column: from "Label : " to the next label.
    function Get-ListValue([string[]] $Lines, [string] $Label) {
        $at = -1
        for ($i = 0; $i -lt $Lines.Count; $i++) {
            if ($Lines[$i] -match ('^{0}\s+: ' -f [regex]::Escape($Label))) { $at = $i; break }
        }
        if ($at -lt 0) { return @() }
        $column = $Lines[$at].IndexOf(': ') + 2
        $value = @($Lines[$at].Substring($column))
        for ($i = $at + 1; $i -lt $Lines.Count -and $Lines[$i] -match '^\s' -and $Lines[$i].Trim(); $i++) {
            $value += $Lines[$i].Substring([Math]::Min($column, $Lines[$i].Length))
        }
        $value
    }

    # The commands of a list value, each on its own line, with the continuations of a broken command joined back.
    function Join-CommandLines([string[]] $Lines) {
        (($Lines -join "`n") -replace ' `\n    ', ' ' -replace '\|\n    ', '| ') -split "`n"
    }

    function Get-Words([string] $Text) { ($Text -replace '\s+', ' ').Trim() }

    # A Get-Queue object with the real property names.
    function New-Queue([string] $Identity, [string] $Status, [string] $DeliveryType, [string] $NextHopDomain, [int] $MessageCount, [string] $LastError) {
        [pscustomobject]@{
            PSTypeName = 'Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo'; Identity = $Identity; QueueIdentity = $Identity
            DeliveryType = $DeliveryType; NextHopDomain = $NextHopDomain; Status = $Status; MessageCount = $MessageCount; LastError = $LastError
            NextHopConnector = [guid]'137c0a63-cbc7-4261-b49b-b4850e63593b'; NextRetryTime = [datetime]'2026-05-01 07:25:02'
        }
    }
}

Describe 'Resolve-HybridSmtpError default view' {
    It 'shows the title, meaning, causes, fix and every command whole on its own line, without Format-List: <Text>' -ForEach @(
        @{ Text = '451 4.7.0 Temporary server error. Please try again later. PRX2' }
        @{ Text = '421 4.4.2 Connection dropped due to SocketError' }
        @{ Text = "EdgeSync service cannot connect to this subscription because of error 'The LDAP server is unavailable.'" }
        @{ Text = '550 5.7.1 Service unavailable, Client host [27.7.57.241] blocked using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/27.7.57.241 AS(1450) "PBL"' }
    ) {
        $finding = $Text | Resolve-HybridSmtpError | Select-Object -First 1
        $lines = Get-View $finding
        Get-LongLine $lines | Should -BeNullOrEmpty
        Get-Words ((Get-ListValue $lines 'Title') -join ' ') | Should -Be (Get-Words $finding.Title)
        Get-Words ((Get-ListValue $lines 'Meaning') -join ' ') | Should -Be (Get-Words $finding.Meaning)
        $fix = Get-Words ((Get-ListValue $lines 'Fix') -join ' ')
        for ($i = 0; $i -lt $finding.Fix.Count; $i++) { $fix | Should -BeLike ('*{0}. {1}*' -f ($i + 1), (Get-Words $finding.Fix[$i])) }
        $finding.Commands.Count | Should -BeGreaterThan 1
        Join-CommandLines (Get-ListValue $lines 'Commands') | Should -Be @($finding.Commands)
    }

    It 'shows more than four commands, none cut off and no commas between them' {
        $finding = "EdgeSync service cannot connect to this subscription because of error 'The LDAP server is unavailable.'" | Resolve-HybridSmtpError | Select-Object -First 1
        $finding.Commands.Count | Should -BeGreaterThan 4
        $shown = Get-ListValue (Get-View $finding) 'Commands'
        ($shown -join "`n") | Should -Not -Match '\.\.\.\}|^\{'
        @(Join-CommandLines $shown).Count | Should -Be $finding.Commands.Count
    }

    It 'breaks a command too long for the console only where PowerShell reads on, so that the lines copied still run' {
        $long = "Get-SendConnector 'Outbound to Office 365 - 6c3b1d42' | Where-Object { `$_.Enabled -and `$_.Name -like 'Outbound*' } | Set-SendConnector -DNSRoutingEnabled `$false -SmartHosts 'cloudfield.mail.protection.outlook.com' -RequireTLS `$true -TlsAuthLevel DomainValidation -TlsDomain 'mail.protection.outlook.com' -WhatIf"
        $lines = [HybridMailFlow.TextLayout]::CommandLines($long, 100)
        $lines.Count | Should -BeGreaterThan 1
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 100 }
        $lines[0] | Should -Match '\|$'
        $lines[1] | Should -Match ' `$'
        Join-CommandLines $lines | Should -Be $long
        $errors = $null
        [System.Management.Automation.Language.Parser]::ParseInput(($lines -join "`n"), [ref] $null, [ref] $errors) | Out-Null
        $errors | Should -BeNullOrEmpty
        [HybridMailFlow.TextLayout]::CommandLines("Write-Output 'a -b c' -InputObject x", 10) | Should -Be @("Write-Output 'a -b c' ``", '    -InputObject x')
    }

    It 'keeps the table as the view of Format-Table' {
        $lines = Get-View ('451 4.7.0 Temporary server error. Please try again later. PRX2' | Resolve-HybridSmtpError | Format-Table)
        $lines | Should -Contain ($lines | Where-Object { $_ -match '^RuleId\s+Code\s+Severity\s+Title' })
        Get-LongLine $lines | Should -BeNullOrEmpty
    }
}

Describe 'Get-HybridQueueDiagnosis default view' {
    It 'shows the meaning, the action, the diagnosis and every command of each queue, without Format-List' {
        $queues = @(
            New-Queue 'CMHYBD01\6' 'Retry' 'SmartHostConnectorDelivery' 'cloudfield.mail.protection.outlook.com' 3 '[{LED=451 4.4.0 Primary target IP address responded with: "454 4.7.5 Certificate validation failure, Reason: SubjectMismatch." Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts. The last endpoint attempted was 40.93.1.10:25};{MSG=};{FQDN=cloudfield.mail.protection.outlook.com};{IP=40.93.1.10};{LRT=5/1/2026 7:15:02 AM}]'
            New-Queue 'CMHYBD01\Unreachable' 'Ready' 'Unreachable' 'Unreachable Domain' 2 'A matching connector cannot be found to route the external recipient'
        )
        $results = @($queues | Get-HybridQueueDiagnosis)
        $lines = Get-View $results
        Get-LongLine $lines | Should -BeNullOrEmpty
        $text = Get-Words ($lines -join ' ')
        foreach ($queue in $results) {
            $text | Should -BeLike ('*Meaning : {0}*' -f (Get-Words $queue.Meaning))
            $text | Should -BeLike ('*Action : {0}*' -f (Get-Words $queue.Action))
            $text | Should -BeLike ('*DiagnosisTitle : {0}*' -f (Get-Words $queue.DiagnosisTitle))
        }
        $blocks = ($lines -join "`n") -split '\n(?=Identity\s+: )' | Where-Object { $_ -match 'Identity\s+: ' }
        $blocks.Count | Should -Be 2
        for ($i = 0; $i -lt 2; $i++) {
            Join-CommandLines (Get-ListValue ($blocks[$i] -split "`n") 'Commands') | Should -Be @($results[$i].Commands)
        }
    }
}

Describe 'Get-HybridSmtpSession default view' {
    It 'fits 120 columns and shows in its failure column what went wrong, never Remote, Local or a raw log line' {
        $lines = Get-View $sessions
        Get-LongLine $lines | Should -BeNullOrEmpty
        $column = $lines[1].IndexOf('Failure')
        $column | Should -BeGreaterThan 0
        $failures = $lines | Select-Object -Skip 3 | Where-Object { $_.Length -gt $column } | ForEach-Object { $_.Substring($column).Trim() }
        $failures | Should -Not -Contain 'Remote'
        $failures | Should -Not -Contain 'Local'
        $failures | Should -Not -Match '^\d{4}-\d\d-\d\dT\d\d:'
        $failures | Should -Contain '503 5.5.2 Send hello first'
    }

    It 'says in Failure why a session failed, and nothing for sessions that did not fail' {
        $dropped = $sessions | Where-Object Outcome -eq 'Dropped'
        $dropped.DisconnectReason | Should -Be 'Remote'
        $dropped.Failure | Should -Be $dropped.Diagnosis[0].Title
        ($sessions | Where-Object Outcome -eq 'Incomplete').Failure | Should -BeNullOrEmpty
        $sessions | Where-Object Outcome -eq 'NoMessage' | ForEach-Object { $_.Failure | Should -BeNullOrEmpty }
        ($sessions | Where-Object Outcome -eq 'ConnectFailed').Failure | Should -BeLike 'Failed to connect. Winsock error code: 10061*'
        foreach ($s in $sessions | Where-Object { $_.Outcome -notin 'Delivered', 'NoMessage', 'Incomplete' }) {
            $s.Failure | Should -Not -BeNullOrEmpty
            $s.Failure | Should -Not -BeIn 'Remote', 'Local'
        }
    }
}

Describe 'Get-HybridMailFlowSummary default view' {
    It 'names no failure Remote or Local, from sessions live or re-imported from CSV, with or without the Failure column' {
        $csv = Join-Path $TestDrive 'sessions.csv'
        $sessions | Export-Csv -LiteralPath $csv -NoTypeInformation
        $old = Join-Path $TestDrive 'sessions-without-failure.csv'
        Import-Csv -LiteralPath $csv | Select-Object -Property * -ExcludeProperty Failure | Export-Csv -LiteralPath $old -NoTypeInformation
        foreach ($input in @($sessions), @(Import-Csv -LiteralPath $csv), @(Import-Csv -LiteralPath $old)) {
            $failures = @($input | Get-HybridMailFlowSummary | Where-Object Category -eq 'Failure')
            $failures.Count | Should -BeGreaterThan 5
            $failures.Name | Should -Not -Contain 'Remote'
            $failures.Name | Should -Not -Contain 'Local'
        }
    }

    It 'shows every Detail whole, wrapped between words in its column' {
        $rows = @(Get-HybridMessageTrackingLog -Path (Join-Path $PSScriptRoot '../data/tracking') | Get-HybridMailFlowSummary)
        $lines = Get-View $rows
        Get-LongLine $lines | Should -BeNullOrEmpty
        $column = $lines[1].IndexOf('Detail')
        $details = Get-Words (($lines | Where-Object { $_.Length -gt $column } | ForEach-Object { $_.Substring($column) }) -join ' ')
        foreach ($row in $rows | Where-Object Detail) { $details | Should -BeLike ('*{0}*' -f (Get-Words $row.Detail)) }
    }
}

Describe 'Get-HybridSmtpLogEntry default view' {
    It 'shows the Data and the Context of each line whole: "<Text>"' -ForEach @(
        @{ Text = 'Outbound TLS authentication failed for auth level DomainValidation with error SubjectMismatch' }
        @{ Text = '454 4.7.5 Certificate validation failure, Reason: SubjectMismatch' }
    ) {
        $lines = Get-View (Get-HybridSmtpLogEntry -Path $samples -SessionId 08DEA74796A6F102)
        Get-LongLine $lines | Should -BeNullOrEmpty
        $column = $lines[1].IndexOf('Context')
        $context = Get-Words (($lines | Where-Object { $_.Length -gt $column } | ForEach-Object { $_.Substring($column) }) -join ' ')
        $context | Should -BeLike "*$Text*"
    }
}

Describe 'Every default view' {
    It 'fits 120 columns: <Name>' -ForEach @(
        @{ Name = 'sessions'; Make = { $sessions } }
        @{ Name = 'log lines'; Make = { Get-HybridSmtpLogEntry -Path $samples } }
        @{ Name = 'certificates'; Make = { $sessions.Certificates } }
        @{ Name = 'session messages'; Make = { $sessions.Messages } }
        @{ Name = 'tracking events'; Make = { Get-HybridMessageTrackingLog -Path (Join-Path $PSScriptRoot '../data/tracking') } }
        @{ Name = 'recipient statuses'; Make = { (Get-HybridMessageTrackingLog -Path (Join-Path $PSScriptRoot '../data/tracking')).RecipientStatusDetails } }
        @{ Name = 'latency components'; Make = { (Get-HybridMessageTrackingLog -Path (Join-Path $PSScriptRoot '../data/tracking')).LatencyComponents } }
        @{ Name = 'summary'; Make = { $sessions | Get-HybridMailFlowSummary } }
        @{ Name = 'diagnoses'; Make = { $sessions.Diagnosis } }
        @{ Name = 'timelines'; Make = { Trace-HybridMessage -Sender raghu@cloudmonkeys.xyz -Start '2026-04-30' -End '2026-05-02' -TrackingLogPath $lab -ProtocolLogPath $lab } }
        @{ Name = 'timeline hops'; Make = { (Trace-HybridMessage -Sender raghu@cloudmonkeys.xyz -Start '2026-04-30' -End '2026-05-02' -TrackingLogPath $lab -ProtocolLogPath $lab).Hops } }
        @{ Name = 'Exchange Online trace events'; Make = { Import-HybridMessageTrace -Path (Join-Path $lab 'exo/MessageTraceDetailV2.csv') } }
    ) {
        $objects = @(& $Make)
        $objects.Count | Should -BeGreaterThan 0
        Get-LongLine (Get-View $objects) | Should -BeNullOrEmpty
    }
}

Describe 'The demo' {
    It 'writes nothing wider than 120 columns' {
        $demo = Join-Path $PSScriptRoot '../../ps-module/demo.ps1'
        $script = "& '{0}' -ModulePath '{1}' -SamplesPath '{2}'" -f (Resolve-Path $demo), $modulePath, (Resolve-Path $samples)
        $run = Invoke-ChildPowerShell -Script $script
        $run.Error | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        $run.Output.Count | Should -BeGreaterThan 50
        Get-LongLine $run.Output | Should -BeNullOrEmpty
        ($run.Output -join "`n") | Should -Match 'Start \(local\)'
    }
}
