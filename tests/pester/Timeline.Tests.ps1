# Trace-HybridMessage, as an admin uses it: one command for the whole path of a message across the lab's
# on-premises servers and Exchange Online, in each direction of the lab guide's flow table.

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force

    $script:lab = Join-Path $PSScriptRoot '../data/timeline'
    $script:exo = Join-Path $script:lab 'exo'
    $script:exoToOnPrem = '<AM6PR02MB4312A1B2C3D4E5F6A7B8@AM6PR02MB4312.eurprd02.prod.outlook.com>'
    $script:onPremToExo = '<c1a7e2d94f3b4e0a9d2f6b8a1e3c5d70@CMHYBD01.cloudmonkeys.xyz>'
    $script:onPremToInternet = '<e4d2b7c9a1f34c6e8b0d2f4a6c8e0b13@CMHYBD01.cloudmonkeys.xyz>'
    $script:internetToOnPrem = '<20260501091500.4411@mta.fabrikam.example>'
    $script:logs = @{ TrackingLogPath = $script:lab; ProtocolLogPath = $script:lab }
}

Describe 'Trace-HybridMessage' {
    Context 'The lab guide''s flows' {
        It 'follows Exchange Online to on-premises through the Edge to the mailbox, each hop with server, component and latency' {
            $t = Trace-HybridMessage -MessageId $exoToOnPrem @logs -MessageTrace (Join-Path $exo 'MessageTraceDetailV2.csv')
            $t.PSObject.TypeNames[0] | Should -Be 'HybridMailFlow.MessageTimeline'
            $t.Location | Should -Be 'DeliveredOnPremises'
            $t.LocationServer | Should -Be 'CMHYBD01'
            $t.Recipient | Should -Be 'raghu@cloudmonkeys.xyz'
            $t.Subject | Should -Be 'Quarterly report'
            ($t.Hops | ForEach-Object { "$($_.Component)/$($_.Event)" }) | Should -Be @(
                'Exchange Online/Receive', 'Exchange Online/Send', 'Edge/SmtpReceive', 'Edge/RECEIVE', 'Edge/SmtpSend',
                'FrontEnd/SmtpReceive', 'Hub/RECEIVE', 'Edge/SEND', 'Mailbox/DELIVER')
            $t.Hops[0].Latency | Should -BeNullOrEmpty
            $t.Hops[1].Latency | Should -Be ([TimeSpan]::FromSeconds(1))
            $t.Hops[1].Connector | Should -Be 'Outbound to cloudmonkeys'
            $t.Hops[2].SessionId | Should -Be '08DEA7479A7A0001'
            $t.Hops[2].TimeUtc | Should -Be ([DateTime]::SpecifyKind([DateTime]'2026-05-01T09:05:12', 'Utc'))
            $t.Hops[2].Time | Should -Be $t.Hops[2].TimeUtc.ToLocalTime()
            $t.Hops[2].TimeLocal | Should -Be $t.Hops[2].Time
            ($t.Hops | Where-Object { $_.Event -eq 'RECEIVE' -and $_.Server -eq 'CMHYBD01' }).JoinedBy | Should -Be 'InternalId'
            $t.Flags.Count | Should -Be 0
        }

        It 'follows on-premises to Exchange Online over the Outbound to Office 365 connector' {
            $t = Trace-HybridMessage -MessageId $onPremToExo @logs -MessageTrace (Join-Path $exo 'MessageTraceDetailV2.csv')
            $t.Location | Should -Be 'DeliveredInExchangeOnline'
            $send = $t.Hops | Where-Object Event -eq 'SmtpSend'
            $send.Connector | Should -BeLike 'Outbound to Office 365*'
            $send.Remote | Should -Be '40.107.22.54'
            $send.NextInternalId | Should -Be '27711869420001'
            $t.Hops[-1].Component | Should -Be 'Exchange Online'
            $t.Hops[-1].Event | Should -Be 'Deliver'
        }

        It 'says where an on-premises to Internet message failed and why' {
            $t = Trace-HybridMessage -MessageId $onPremToInternet @logs
            $t.Location | Should -Be 'Failed'
            $t.LocationServer | Should -Be 'CMHYBD01'
            $t.Error | Should -BeLike '550 5.7.1 Service unavailable, Client host `[27.7.57.241`] blocked using Spamhaus*'
            $t.ErrorRuleId | Should -Be (Resolve-HybridSmtpError -Message $t.Error -Source MessageTracking).RuleId
            ($t.Hops | Where-Object Event -eq 'SmtpSend').Status | Should -Be 'Rejected'
        }

        It 'joins the session Exchange Online was refused in by time, for an Internet to on-premises message it deferred' {
            $t = Trace-HybridMessage -MessageId $internetToOnPrem @logs -MessageTrace (Join-Path $exo 'MessageTraceDetailV2.csv')
            $refused = $t.Hops | Where-Object JoinedBy -eq 'Time'
            $refused.SessionId | Should -Be '08DEA7479A7A0002'
            $refused.Error | Should -Be '451 5.7.3 STARTTLS is required to send mail'
            $refused.Server | Should -Be 'CMEDGE01'
            ($t.Hops | Where-Object Event -eq 'Defer').Error | Should -BeLike '450 4.4.317*'
            $t.Location | Should -Be 'DeliveredOnPremises'
        }
    }

    Context 'What to trace' {
        It 'takes Get-MessageTraceV2 objects from the pipeline: they name the messages and are Exchange Online hops' {
            $trace = Import-Csv (Join-Path $exo 'MessageTraceV2-ps7.csv') | Where-Object MessageId -eq $onPremToExo
            $t = $trace | Trace-HybridMessage @logs
            $t.MessageId | Should -Be $onPremToExo
            ($t.Hops | Where-Object Component -eq 'Exchange Online').Count | Should -Be 1
        }

        It 'takes Import-HybridMessageTrace objects of several exports piped together' {
            $events = Get-ChildItem (Join-Path $exo '*.csv') | Import-HybridMessageTrace | Where-Object MessageId -eq $exoToOnPrem
            $t = $events | Trace-HybridMessage @logs
            @($t).Count | Should -Be 1
            ($t.Hops | Where-Object Component -eq 'Exchange Online').Event | Should -Be @('Receive', 'Send')
            $t.Location | Should -Be 'DeliveredOnPremises'
        }

        It 'finds the messages of a sender in a time window' {
            $t = Trace-HybridMessage -Sender raghu@cloudmonkeys.xyz -Start ([DateTime]::SpecifyKind([DateTime]'2026-05-01T09:00:00', 'Utc')) -End ([DateTime]::SpecifyKind([DateTime]'2026-05-01T10:00:00', 'Utc')) @logs
            ($t.MessageId | Sort-Object) | Should -Be (@($onPremToExo, $onPremToInternet) | Sort-Object)
        }

        It 'finds a message by its NetworkMessageId' {
            $t = Trace-HybridMessage -NetworkMessageId 5b1f7a0c-3c1e-4f0e-9a7b-08de87aa0004 @logs -MessageTrace (Get-Item (Join-Path $exo 'ExtendedReport.csv'))
            $t.MessageId | Should -Be $internetToOnPrem
        }

        It 'refuses to run without anything to trace' {
            { Trace-HybridMessage @logs -ErrorAction Stop } | Should -Throw -ErrorId 'HybridMailFlow.NothingToTrace*'
        }
    }

    Context 'Flags' {
        It 'flags a hop slower than -SlowThreshold' {
            $t = Trace-HybridMessage -MessageId $internetToOnPrem @logs -MessageTrace (Join-Path $exo 'MessageTraceDetailV2.csv') -SlowThreshold (New-TimeSpan -Minutes 1)
            $t.Flags.Count | Should -Be 1
            $t.Flags[0] | Should -BeLike 'SlowHop: Exchange Online Send*5 min 0 s after the previous hop*'
            ($t.Hops | Where-Object { $_.Flags.Count -gt 0 }).Event | Should -Be 'Send'
        }

        It 'flags a hop missing from the on-premises logs when Exchange Online sent the message there' {
            $edgeOnly = Join-Path $TestDrive 'exo-only'
            $null = New-Item -ItemType Directory $edgeOnly
            Copy-Item -Recurse (Join-Path $lab 'CMHYBD01') $edgeOnly
            $t = Trace-HybridMessage -MessageId $internetToOnPrem -TrackingLogPath (Join-Path $edgeOnly 'CMHYBD01/MessageTracking/MSGTRKMS*') -MessageTrace (Join-Path $exo 'MessageTraceDetailV2.csv')
            $t.Flags | Should -HaveCount 1
            $t.Flags[0] | Should -BeLike 'MissingHop: Exchange Online sent the message to 27.7.57.241*'
        }
    }

    Context 'Export' {
        It 'exports timelines and hops flat to CSV' {
            $t = Trace-HybridMessage -MessageId $exoToOnPrem @logs
            $file = Join-Path $TestDrive 'hops.csv'
            $t.Hops | Export-Csv $file -NoTypeInformation
            $rows = Import-Csv $file
            $rows.Count | Should -Be 7
            $rows[0].MessageId | Should -Be $exoToOnPrem
            $rows[0].Recipients | Should -Be 'raghu@cloudmonkeys.xyz'
            $timelineFile = Join-Path $TestDrive 'timeline.csv'
            $t | Export-Csv $timelineFile -NoTypeInformation
            $row = Import-Csv $timelineFile
            $row.Hops | Should -BeLike '2026-05-01T09:05:12.000Z Edge SmtpReceive CMEDGE01 Delivered; *'
            (Get-Content $timelineFile -Raw) | Should -Not -Match 'HybridMailFlow\.|System\.'
        }
    }
}

Describe 'Trace-HybridMessage when nothing is found' {
    It 'warns, naming the id and what was searched, when the id is found nowhere' {
        $output = @(Trace-HybridMessage -MessageId '<nowhere@cloudmonkeys.xyz>' @script:logs -MessageTrace (Join-Path $script:exo 'MessageTraceV2-ps7.csv') -WarningVariable warnings -WarningAction SilentlyContinue)
        $output.Count | Should -Be 0
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -BeLike '*No message with Message-ID <nowhere@cloudmonkeys.xyz> was found*message tracking logs in*protocol logs in*MessageTraceV2-ps7.csv*'
    }

    It 'is an error naming the files expected when a log path holds no logs' {
        $empty = Join-Path $TestDrive 'no-logs'
        $null = New-Item -ItemType Directory -Force -Path $empty
        $output = @(Trace-HybridMessage -MessageId $script:exoToOnPrem -TrackingLogPath $empty -ProtocolLogPath $empty -ErrorVariable failures -ErrorAction SilentlyContinue -WarningVariable warnings -WarningAction SilentlyContinue)
        $output.Count | Should -Be 0
        @($failures | Where-Object FullyQualifiedErrorId -like 'HybridMailFlow.NoLogs,*').Count | Should -Be 2
        ($failures.Exception.Message -join "`n") | Should -BeLike '*holds no message tracking log (MSGTRK*.LOG)*holds no SMTP protocol log (RECV*.LOG or SEND*.LOG)*'
        $warnings[0].Message | Should -BeLike '*was found. Searched nothing*'
    }

    It 'traces a message of the bundled samples through Exchange Online, the Edge and the mailbox server' {
        $samples = Join-Path $PSScriptRoot '../../samples'
        $timeline = @(Trace-HybridMessage -MessageId '<JH0PR01MB5544C6D7E8F9A0B1@JH0PR01MB5544.apcprd01.prod.outlook.com>' -TrackingLogPath $samples -ProtocolLogPath $samples -MessageTrace (Join-Path $samples 'exo/MessageTraceV2.csv'))
        $timeline.Count | Should -Be 1
        $timeline[0].Location | Should -Be 'DeliveredOnPremises'
        @($timeline[0].Hops.Source | Sort-Object -Unique) | Should -Be @('MessageTrace', 'MessageTracking', 'ProtocolLog')
        @($timeline[0].Hops.Server | Sort-Object -Unique) | Should -Be @('CMEDGE01', 'CMHYBD01', 'Exchange Online')
    }
}
