# Import-HybridMessageTrace, as an admin uses it: the Exchange Online exports of a case, in whatever form they
# arrive, read into one shape.

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force

    $script:exo = Join-Path $PSScriptRoot '../data/timeline/exo'
    $script:m1 = '<AM6PR02MB4312A1B2C3D4E5F6A7B8@AM6PR02MB4312.eurprd02.prod.outlook.com>'
    $script:m2 = '<c1a7e2d94f3b4e0a9d2f6b8a1e3c5d70@CMHYBD01.cloudmonkeys.xyz>'
    $script:m4 = '<20260501091500.4411@mta.fabrikam.example>'
    $script:utc = { param($Text) [DateTime]::SpecifyKind([DateTime]::Parse($Text, [Globalization.CultureInfo]::InvariantCulture), 'Utc') }
}

Describe 'Import-HybridMessageTrace' {
    Context 'Get-MessageTraceV2 exports' {
        It 'reads a Windows PowerShell 5.1 export (#TYPE, ASCII, every field quoted, remote-session columns, US dates) with Received local and ReceivedUtc' {
            $events = Import-HybridMessageTrace -Path (Join-Path $exo 'MessageTraceV2-ps51.csv')
            $events.Count | Should -Be 3
            $first = $events[0]
            $first.PSObject.TypeNames[0] | Should -Be 'HybridMailFlow.MessageTraceEvent'
            $first.ReceivedUtc | Should -Be (& $utc '2026-05-01 09:05:10')
            $first.ReceivedUtc.Kind | Should -Be 'Utc'
            $first.Received.Kind | Should -Be 'Local'
            $first.Received | Should -Be $first.ReceivedUtc.ToLocalTime()
            $first.ReceivedLocal | Should -Be $first.Received
            $first.SenderAddress | Should -Be 'ann@cloudmonkeys.xyz'
            $first.RecipientAddress | Should -Be 'raghu@cloudmonkeys.xyz'
            $first.MessageId | Should -Be $m1
            $first.Size | Should -Be 48213
            $first.Organization | Should -Be 'cloudfield.onmicrosoft.com'
            $first.NetworkMessageId | Should -Be '5b1f7a0c-3c1e-4f0e-9a7b-08de87aa0001'
            $first.Format | Should -Be 'MessageTrace'
            $first.Path | Should -BeLike '*MessageTraceV2-ps51.csv'
            $first.LineNumber | Should -Be 3
        }

        It 'reads the same messages from PowerShell 7 (UTF-8 without BOM) and from a culture with ; and day-first dates' {
            $ps51 = Import-HybridMessageTrace -Path (Join-Path $exo 'MessageTraceV2-ps51.csv')
            $ps7 = Import-HybridMessageTrace -Path (Join-Path $exo 'MessageTraceV2-ps7.csv')
            $german = Import-HybridMessageTrace -Path (Join-Path $exo 'MessageTraceV2-de-semicolon.csv')
            foreach ($set in $ps7, $german) {
                ($set | ForEach-Object { '{0:o}|{1}|{2}' -f $_.Received, $_.MessageId, $_.Status }) |
                    Should -Be ($ps51 | ForEach-Object { '{0:o}|{1}|{2}' -f $_.Received, $_.MessageId, $_.Status })
            }
            $german[1].Subject | Should -Be 'Laborplan, Woche 18 – Grüße'
            $ps7[2].Subject | Should -Be 'Invoice 4411 "final"'
        }

        It 'reads files Export-Csv writes in this PowerShell, with -IncludeTypeInformation and in UTF-16 (Unicode)' {
            $objects = Import-Csv (Join-Path $exo 'MessageTraceV2-ps7.csv')
            $unicode = Join-Path $TestDrive 'unicode.csv'
            $objects | Export-Csv -Path $unicode -Encoding Unicode -IncludeTypeInformation
            $events = Import-HybridMessageTrace -LiteralPath $unicode
            $events.MessageId | Should -Be @($m1, $m2, $m4)
            $events[1].ReceivedUtc | Should -Be (& $utc '2026-05-01 09:10:04')
        }

        It 'takes the live objects of Get-MessageTraceV2 from the pipeline, their DateTime as UTC' {
            $live = [pscustomobject]@{
                Received = [DateTime]::SpecifyKind([DateTime]'2026-05-01T09:10:04', 'Utc'); SenderAddress = 'raghu@cloudmonkeys.xyz'
                RecipientAddress = 'ann@cloudmonkeys.xyz'; Subject = 'Lab schedule, week 18'; Status = 'Delivered'; ToIP = $null
                FromIP = '27.7.57.241'; Size = 7342; MessageId = $m2; MessageTraceId = [guid]'5b1f7a0c-3c1e-4f0e-9a7b-08de87aa0002'
            }
            $event = $live | Import-HybridMessageTrace
            $event.ReceivedUtc | Should -Be (& $utc '2026-05-01 09:10:04')
            $event.MessageTraceId | Should -Be '5b1f7a0c-3c1e-4f0e-9a7b-08de87aa0002'
            $event.NetworkMessageId | Should -Be '5b1f7a0c-3c1e-4f0e-9a7b-08de87aa0002'
            $event.Path | Should -Be 'InputObject'
        }

        It 'takes files from Get-ChildItem' {
            $events = Get-ChildItem (Join-Path $exo 'MessageTraceV2-*.csv') | Import-HybridMessageTrace
            $events.Count | Should -Be 9
        }
    }

    Context 'Get-MessageTraceDetailV2 exports' {
        It 'gives Event, Action, Detail and Data, with the Data properties and the connector and server they name' {
            $events = Import-HybridMessageTrace -Path (Join-Path $exo 'MessageTraceDetailV2.csv')
            $events.Count | Should -Be 7
            $send = $events | Where-Object { $_.MessageId -eq $m1 -and $_.Event -eq 'Send' }
            $send.Format | Should -Be 'MessageTraceDetail'
            $send.ConnectorId | Should -Be 'Outbound to cloudmonkeys'
            $send.ServerHostname | Should -Be 'AM6PR02MB4312.eurprd02.prod.outlook.com'
            $send.DataProperties | Should -Contain 'OutboundProxyTargetIP=27.7.57.241'
            $send.Status | Should -Be 'Delivered'
            $received = $events | Where-Object { $_.MessageId -eq $m2 -and $_.Event -eq 'Receive' }
            $received.ConnectorId | Should -Be 'Inbound from cloudmonkeys'
        }

        It 'takes the reason of a Defer apart and diagnoses it' {
            $defer = Import-HybridMessageTrace -Path (Join-Path $exo 'MessageTraceDetailV2.csv') | Where-Object Event -eq 'Defer'
            $defer.Status | Should -Be 'Pending'
            $defer.ReasonLed | Should -BeLike '450 4.4.317 Cannot connect to remote server*'
            $defer.ReasonEnhancedCode | Should -Be '5.7.3'
            $defer.LastAttemptedServer | Should -Be 'mail.cloudmonkeys.xyz'
            $defer.LastAttemptedIp | Should -Be '27.7.57.241:25'
            $defer.OutboundProxyTargetIp | Should -Be '27.7.57.241'
            $defer.OutboundProxyTargetHostname | Should -Be 'mail.cloudmonkeys.xyz'
            $defer.ReasonRuleId | Should -Not -Be 'Unrecognized'
            $defer.Diagnosis[0].RuleId | Should -Be $defer.ReasonRuleId
            $defer.Diagnosis[0].Fix.Count | Should -BeGreaterThan 0
        }
    }

    Context 'Admin center reports' {
        It 'splits the enhanced summary''s recipient_status into one event per recipient (UTF-16 LE)' {
            $events = Import-HybridMessageTrace -Path (Join-Path $exo 'EnhancedSummary.csv')
            $events.Count | Should -Be 3
            $m4row = $events | Where-Object MessageId -eq $m4
            $m4row.Format | Should -Be 'EnhancedSummary'
            $m4row.Events | Should -Be @('Receive', 'Defer', 'Send')
            $m4row.EventsText | Should -Be 'Receive, Defer, Send'
            $m4row.Event | Should -Be 'Send'
            $m4row.Status | Should -Be 'Delivered'
            $m4row.FromIP | Should -Be '198.51.100.20'
            $m4row.ReceivedUtc | Should -Be (& $utc '2026-05-01 09:15:00.22')
        }

        It 'splits several recipients, each with its own status' {
            $file = Join-Path $TestDrive 'enhanced.csv'
            $text = "origin_timestamp_utc,sender_address,recipient_status,message_subject,message_id,network_message_id`r`n" +
                '2026-05-01T09:30:00Z,raghu@cloudmonkeys.xyz,"ann@cloudmonkeys.xyz##Receive, Deliver;buyer@fabrikam.example##Receive, Fail",Split,<s@x>,5b1f7a0c-3c1e-4f0e-9a7b-08de87aa0009' + "`r`n"
            [IO.File]::WriteAllText($file, $text, [Text.Encoding]::Unicode)
            $events = Import-HybridMessageTrace -Path $file
            ($events | ForEach-Object { "$($_.RecipientAddress)=$($_.Status)" }) | Should -Be @('ann@cloudmonkeys.xyz=Delivered', 'buyer@fabrikam.example=Failed')
        }

        It 'reads the extended report as Exchange Online''s tracking events, with the DEFER reason diagnosed' {
            $events = Import-HybridMessageTrace -Path (Join-Path $exo 'ExtendedReport.csv')
            $events.Event | Should -Be @('RECEIVE', 'DEFER', 'SEND')
            $events[0].Format | Should -Be 'ExtendedReport'
            $events[0].ServerHostname | Should -Be 'AM6PR02MB4312.eurprd02.prod.outlook.com'
            # The code of the innermost text: what on-premises answered, inside [Message=...]
            $events[1].ReasonCode | Should -Be 451
            $events[1].ReasonRuleId | Should -Not -BeNullOrEmpty
            $events[2].Reason | Should -BeNullOrEmpty
            $events[2].ConnectorId | Should -Be 'Outbound to cloudmonkeys'
        }
    }

    Context 'Bad input' {
        It 'refuses a file that is not a trace export, naming it, and goes on with the next' {
            $bad = Join-Path $TestDrive 'processes.csv'
            Get-Process -Id $PID | Select-Object Name, Id | Export-Csv -Path $bad
            $events = Import-HybridMessageTrace -Path $bad, (Join-Path $exo 'MessageTraceV2-ps7.csv') -ErrorVariable errors -ErrorAction SilentlyContinue
            $events.Count | Should -Be 3
            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'HybridMailFlow.NotATrace*'
            $errors[0].Exception.Message | Should -BeLike 'processes.csv: is not a message trace export*'
            $errors[0].TargetObject | Should -Be $bad
        }

        It 'skips a row with a bad date or too many fields, naming the line, and reads the rest' {
            $file = Join-Path $TestDrive 'damaged.csv'
            $lines = @(
                '"Received","SenderAddress","RecipientAddress","MessageId","Status"'
                '"5/1/2026 9:05:10 AM","ann@cloudmonkeys.xyz","raghu@cloudmonkeys.xyz","<1@x>","Delivered"'
                '"tomorrow","ann@cloudmonkeys.xyz","raghu@cloudmonkeys.xyz","<2@x>","Delivered"'
                '"5/1/2026 9:05:12 AM","ann@cloudmonkeys.xyz","raghu@cloudmonkeys.xyz","<3@x>","Delivered","extra"'
                '"5/1/2026 9:05:13 AM","ann@cloudmonkeys.xyz","raghu@cloudmonkeys.xyz","<4@x>","Failed"'
            )
            Set-Content -Path $file -Value $lines
            $events = Import-HybridMessageTrace -Path $file -ErrorVariable errors -ErrorAction SilentlyContinue -Verbose 4>&1 |
                Where-Object { $_ -is [HybridMailFlow.MessageTraceEvent] }
            $events.MessageId | Should -Be @('<1@x>', '<4@x>')
            $errors.Count | Should -Be 2
            $errors[0].Exception.Message | Should -Be "damaged.csv, line 3: the time 'tomorrow' is not a date and time; skipped"
            $errors[1].Exception.Message | Should -BeLike 'damaged.csv, line 4: has 6 fields where the header names 5*'
        }

        It 'warns that a System.String[] column lost its values at export' {
            $file = Join-Path $TestDrive 'lost.csv'
            Set-Content -Path $file -Value @('"Received","RecipientAddress","MessageId"', '"5/1/2026 9:05:10 AM","System.String[]","<1@x>"')
            $event = Import-HybridMessageTrace -Path $file -WarningVariable warnings -WarningAction SilentlyContinue
            $event.RecipientAddress | Should -BeNullOrEmpty
            $warnings.Count | Should -Be 1
            "$($warnings[0])" | Should -BeLike "*column 'RecipientAddress' holds 'System.String``[``]'*"
        }
    }

    Context 'Export' {
        It 'exports flat to CSV: lists as text, no type names' {
            $csv = Join-Path $TestDrive 'out.csv'
            Import-HybridMessageTrace -Path (Join-Path $exo 'EnhancedSummary.csv') | Export-Csv -Path $csv -NoTypeInformation
            $rows = Import-Csv $csv
            $rows[0].Events | Should -Be 'Receive; Send'
            (Get-Content $csv -Raw) | Should -Not -Match 'System\.'
        }
    }
}
