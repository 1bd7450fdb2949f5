# Get-HybridMessageTrackingLog and Get-HybridMailFlowSummary, as an admin and a support engineer use them.

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force

    $script:data = Join-Path $PSScriptRoot '../data/tracking'
    $script:lab = Join-Path $script:data 'CMHYBD01/MessageTracking'
    $script:fields2019 = 'date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,transport-traffic-type,log-id,schema-version'
    function New-TrackingLog {
        param([string] $Path, [string[]] $Lines, [string] $Fields = $script:fields2019, [string] $Version = '15.02.1544.004')
        $header = @('#Software: Microsoft Exchange Server', "#Version: $Version", '#Log-type: Message Tracking Log', '#Date: 2026-05-01T06:00:01.203Z', "#Fields: $Fields")
        $null = New-Item -ItemType Directory -Force -Path (Split-Path $Path)
        [System.IO.File]::WriteAllText($Path, ((($header + $Lines) -join "`r`n") + "`r`n"), (New-Object System.Text.UTF8Encoding($true)))
        Get-Item $Path
    }

    # A multi-value field as Exchange writes it: ';' between members, a member with ';' or ''' in single quotes.
    function Split-MultiValue {
        param([string] $Field)
        $members = [System.Collections.Generic.List[string]]::new()
        if ([string]::IsNullOrEmpty($Field)) { return , $members.ToArray() }
        $current = [System.Text.StringBuilder]::new()
        $quoted = $false
        for ($i = 0; $i -lt $Field.Length; $i++) {
            $c = $Field[$i]
            if ($quoted) {
                if ($c -eq "'") {
                    if ($i + 1 -lt $Field.Length -and $Field[$i + 1] -eq "'") { $null = $current.Append("'"); $i++ } else { $quoted = $false }
                } else { $null = $current.Append($c) }
            } elseif ($c -eq "'") { $quoted = $true }
            elseif ($c -eq ';') { $members.Add($current.ToString()); $null = $current.Clear() }
            else { $null = $current.Append($c) }
        }
        $members.Add($current.ToString())
        , $members.ToArray()
    }

    # What Get-MessageTrackingLog returns for the rows of these files (through remoting: deserialized objects),
    # built independently of the module from the raw CSV.
    function Get-ExchangeShapedEvent {
        param([string] $Folder)
        foreach ($file in Get-ChildItem $Folder -Recurse -Filter 'MSGTRK*.LOG') {
            $lines = Get-Content -LiteralPath $file.FullName -Encoding UTF8
            $fields = (($lines | Where-Object { $_ -like '#Fields: *' }) -replace '^#Fields: ').Split(',')
            foreach ($r in ($lines | Where-Object { $_ -notlike '#*' -and $_ -notlike "$([char]0xFEFF)#*" } | ConvertFrom-Csv -Header $fields)) {
                [pscustomobject]@{
                    PSTypeName              = 'Deserialized.Microsoft.Exchange.Management.TransportLogSearchTasks.MessageTrackingEvent'
                    Timestamp               = [datetime]::Parse($r.'date-time', [cultureinfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::AdjustToUniversal).ToLocalTime()
                    ClientIp                = $r.'client-ip'
                    ClientHostname          = $r.'client-hostname'
                    ServerIp                = $r.'server-ip'
                    ServerHostname          = $r.'server-hostname'
                    SourceContext           = $r.'source-context'
                    ConnectorId             = $r.'connector-id'
                    Source                  = $r.source
                    EventId                 = $r.'event-id'
                    InternalMessageId       = $r.'internal-message-id'
                    MessageId               = $r.'message-id'
                    Recipients              = [string[]](Split-MultiValue $r.'recipient-address')
                    RecipientStatus         = [string[]](Split-MultiValue $r.'recipient-status')
                    TotalBytes              = $r.'total-bytes'
                    RecipientCount          = $r.'recipient-count'
                    RelatedRecipientAddress = $r.'related-recipient-address'
                    Reference               = [string[]](Split-MultiValue $r.reference)
                    MessageSubject          = $r.'message-subject'
                    Sender                  = $r.'sender-address'
                    ReturnPath              = $r.'return-path'
                    MessageInfo             = $r.'message-info'
                    Directionality          = $r.directionality
                }
            }
        }
    }
}

Describe 'Get-HybridMessageTrackingLog' {
    BeforeAll {
        $script:events = @(Get-HybridMessageTrackingLog -Path $script:lab)
    }

    It 'reads a folder of MSGTRK, MSGTRKMA, MSGTRKMD and MSGTRKMS logs as one stream in time order' {
        $script:events.Count | Should -Be 55
        $script:events[0].PSObject.TypeNames[0] | Should -Be 'HybridMailFlow.MessageTrackingEvent'
        $times = $script:events.TimestampUtc
        for ($i = 1; $i -lt $times.Count; $i++) { $times[$i] | Should -BeGreaterOrEqual $times[$i - 1] }
        @($script:events.Path | ForEach-Object { Split-Path $_ -Leaf } | Sort-Object -Unique).Count | Should -Be 5
    }

    It 'reads tracking logs saved again as <Name> as it reads the originals' -TestCases @(
        @{ Name = 'UTF-16 LE (Out-File in Windows PowerShell 5.1)'; BigEndian = $false }
        @{ Name = 'UTF-16 BE'; BigEndian = $true }
    ) {
        param($Name, $BigEndian)
        $copy = Join-Path $TestDrive "utf16-$BigEndian/CMHYBD01/MessageTracking"
        $null = New-Item -ItemType Directory -Path $copy -Force
        foreach ($file in Get-ChildItem -Path $script:lab -Filter 'MSGTRK*.LOG') {
            $text = [System.IO.File]::ReadAllText($file.FullName)
            [System.IO.File]::WriteAllText((Join-Path $copy $file.Name), $text, (New-Object System.Text.UnicodeEncoding($BigEndian, $true)))
        }
        $read = @(Get-HybridMessageTrackingLog -Path $copy -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $read.Count | Should -Be $script:events.Count
        ($read | ForEach-Object { '{0:o} {1} {2} {3}' -f $_.TimestampUtc, $_.EventId, $_.MessageSubject, $_.RecipientStatusText }) |
            Should -Be ($script:events | ForEach-Object { '{0:o} {1} {2} {3}' -f $_.TimestampUtc, $_.EventId, $_.MessageSubject, $_.RecipientStatusText })
    }

    It 'reads rows that lost their trailing fields, and warns once with the count and the first line' {
        $copy = Join-Path $TestDrive 'trimmed/CMHYBD01/MessageTracking'
        $null = New-Item -ItemType Directory -Path $copy -Force
        $source = Get-ChildItem -Path $script:lab -Filter 'MSGTRK2026050106-1.LOG'
        $lines = [System.IO.File]::ReadAllLines($source.FullName)
        $rows = @(for ($i = 0; $i -lt $lines.Count; $i++) { if (-not $lines[$i].StartsWith('#') -and $lines[$i].TrimStart([char]0xFEFF) -notlike '#*') { $i } })
        # A paste that lost the schema-version of two rows (Exchange 2016/2019 rows end in it).
        foreach ($i in $rows[1], $rows[3]) { $lines[$i] = $lines[$i].Substring(0, $lines[$i].LastIndexOf(',')) }
        [System.IO.File]::WriteAllLines((Join-Path $copy $source.Name), $lines, (New-Object System.Text.UTF8Encoding($true)))
        $read = @(Get-HybridMessageTrackingLog -Path $copy -ErrorVariable errs -WarningVariable warns -WarningAction SilentlyContinue)
        $errs.Count | Should -Be 0
        $read.Count | Should -Be @($script:events | Where-Object { (Split-Path $_.Path -Leaf) -eq $source.Name }).Count
        $warns.Count | Should -Be 1
        "$($warns[0])" | Should -BeLike "*$($source.Name): 2 damaged line(s)*first on line $($rows[1] + 1)*"
        ($read | Where-Object LineNumber -eq ($rows[1] + 1)).SchemaVersion | Should -BeNullOrEmpty
    }

    It 'covers every event id and source of Exchange 2016/2019 in the lab logs' {
        $ids = 'AGENTINFO', 'BADMAIL', 'CLIENTSUBMISSION', 'DEFER', 'DELIVER', 'DELIVERFAIL', 'DROP', 'DSN', 'DUPLICATEDELIVER', 'DUPLICATEEXPAND',
            'DUPLICATEREDIRECT', 'EXPAND', 'FAIL', 'HADISCARD', 'HARECEIVE', 'HAREDIRECT', 'HAREDIRECTFAIL', 'INITMESSAGECREATED', 'LOAD',
            'MODERATIONEXPIRE', 'MODERATORAPPROVE', 'MODERATORREJECT', 'MODERATORSALLNDR', 'NOTIFYMAPI', 'NOTIFYSHADOW', 'POISONMESSAGE', 'PROCESS',
            'PROCESSMEETINGMESSAGE', 'RECEIVE', 'REDIRECT', 'RESOLVE', 'RESUBMIT', 'RESUBMITDEFER', 'RESUBMITFAIL', 'SEND', 'SUBMIT', 'SUBMITDEFER',
            'SUBMITFAIL', 'SUPPRESSED', 'THROTTLE', 'TRANSFER'
        $sources = 'ADMIN', 'AGENT', 'APPROVAL', 'BOOTLOADER', 'DNS', 'DSN', 'GATEWAY', 'MAILBOXRULE', 'MEETINGMESSAGEPROCESSOR', 'ORAR', 'PICKUP',
            'POISONMESSAGE', 'PUBLICFOLDER', 'QUEUE', 'REDUNDANCY', 'ROUTING', 'SAFETYNET', 'SMTP', 'STOREDRIVER'
        @($script:events.EventId | Sort-Object -Unique) | Should -Be ($ids | Sort-Object)
        @($script:events.Source | Sort-Object -Unique) | Should -Be ($sources | Sort-Object)
    }

    It 'has the property names and types of Get-MessageTrackingLog' {
        $send = $script:events | Where-Object { $_.EventId -eq 'SEND' -and $_.ServerIp -eq '40.107.22.51' } | Select-Object -First 1
        $names = 'Timestamp', 'ClientIp', 'ClientHostname', 'ServerIp', 'ServerHostname', 'SourceContext', 'ConnectorId', 'Source', 'EventId',
            'InternalMessageId', 'MessageId', 'NetworkMessageId', 'Recipients', 'RecipientStatus', 'TotalBytes', 'RecipientCount',
            'RelatedRecipientAddress', 'Reference', 'MessageSubject', 'Sender', 'ReturnPath', 'MessageInfo', 'Directionality', 'TenantId',
            'OriginalClientIp', 'OriginalServerIp', 'EventData', 'TransportTrafficType', 'SchemaVersion'
        foreach ($name in $names) { $send.PSObject.Properties.Name | Should -Contain $name }
        $send.Timestamp | Should -BeOfType [datetime]
        $send.Timestamp.Kind | Should -Be 'Local'
        $send.Timestamp | Should -Be $send.TimestampUtc.ToLocalTime()
        $send.TimestampUtc | Should -Be ([datetime]::new(2026, 5, 1, 6, 6, 57, 760, [DateTimeKind]::Utc))
        $send.InternalMessageId | Should -BeOfType [long]
        $send.InternalMessageId | Should -Be 40926819106817
        $send.TotalBytes | Should -BeOfType [int]
        $send.TotalBytes | Should -Be 9215
        $send.RecipientCount | Should -Be 1
        $send.Recipients[0] | Should -Be 'ramki@cloudfield.onmicrosoft.com'
        $send.RecipientStatus[0] | Should -BeLike '250 2.6.0 <a1f5c0de7b2e4c1f9d3a6b8e0c2f4a61@CMHYBD01.cloudmonkeys.xyz> *Queued mail for delivery'
        $send.ConnectorId | Should -Be 'Outbound to Office 365 - 6b2c3f47-9a1d-4e8b-b5c2-3d7e0f91a6c4'
        $send.SourceContext | Should -Be '08DEA74796A6E2C9;2026-05-01T06:06:57.420Z;0'
        $send.NetworkMessageId | Should -Be '6a638d20-1e63-493a-80a2-08dea74796a6'
        $send.Directionality | Should -Be 'Originating'
        $send.TransportTrafficType | Should -Be 'Email'
        $send.SchemaVersion | Should -Be '15.02.1544.004'
        ($send.EventData | Where-Object Key -eq 'E2ELatency').Value | Should -Be '0.910'
        $send.Path | Should -BeLike '*MSGTRK2026050106-1.LOG'
        $send.LineNumber | Should -Be 9
        $send.LogVersion | Should -Be '15.02.1544.004'
    }

    It 'reads a bracketed recipient status written without its single quotes as one status, not five parts' {
        $timeline = Join-Path $PSScriptRoot '../data/timeline/CMHYBD01/MessageTracking/MSGTRK2026050109-1.LOG'
        $fail = Get-HybridMessageTrackingLog -LiteralPath $timeline -EventId FAIL -Recipients buyer@fabrikam.example
        @($fail.RecipientStatus).Count | Should -Be 1
        $fail.StatusLED | Should -Be '550 5.7.1 Service unavailable, Client host [27.7.57.241] blocked using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/27.7.57.241'
        $fail.StatusFQDN | Should -Be 'mx1.fabrikam.example'
        $fail.StatusIP | Should -Be '203.0.113.25'
        $fail.Diagnosis[0].Code | Should -Be 550
        $fail.Diagnosis[0].EnhancedCode | Should -Be '5.7.1'
    }

    It 'types custom-data values by their tag and keeps absent numbers absent' {
        $deliver = $script:events | Where-Object EventId -eq 'DELIVER'
        $attachments = $deliver.EventData | Where-Object Key -eq 'ATCH'
        $attachments.Value | Should -BeOfType [int]
        $attachments.Value | Should -Be 2
        $notify = $script:events | Where-Object EventId -eq 'NOTIFYMAPI'
        $notify.InternalMessageId | Should -BeNullOrEmpty
        $notify.TotalBytes | Should -BeNullOrEmpty
        $notify.Recipients.Count | Should -Be 0
    }

    It 'takes bracketed recipient statuses apart, and the message-info latency into components' {
        $fail = $script:events | Where-Object { $_.EventId -eq 'FAIL' -and $_.Source -eq 'SMTP' }
        $fail.StatusLED | Should -BeLike '550 5.7.1 Service unavailable, Client host `[27.7.57.241`] blocked using Spamhaus*'
        $fail.StatusFQDN | Should -Be 'cloudfield.mail.protection.outlook.com'
        $fail.StatusIP | Should -Be '40.107.22.51'
        $fail.RecipientStatusDetails[0].Recipient | Should -Be 'ramki@cloudfield.onmicrosoft.com'
        $fail.RecipientStatusDetails[0].LED | Should -Be $fail.StatusLED
        $send = $script:events | Where-Object { $_.EventId -eq 'SEND' -and $_.ServerIp -eq '40.107.22.51' } | Select-Object -First 1
        $send.LatencyComponents[0].Name | Should -Be 'TOTAL-HUB'
        $send.LatencyComponents[0].IsTotal | Should -BeTrue
        $send.LatencyTotalSeconds | Should -Be 0.453
        ($send.LatencyComponents | Where-Object Path -eq 'SMR/SMRC/SMRCL').Seconds | Should -Be 0.102
        $send.LatencyComponentsText | Should -Be 'TOTAL-HUB=0.453; SMR=0.209; SMR/SMRDE=0.001; SMR/SMRC=0.207; SMR/SMRC/SMRCL=0.102; SMR/SMRC/X=0.105; CAT=0.01; QDE=0.15'
        $send.OriginationTimeUtc | Should -Be ([datetime]::new(2026, 5, 1, 6, 6, 56, 850, [DateTimeKind]::Utc))
        $send.MessageLatency | Should -Be ([timespan]::FromMilliseconds(910))
        $send.MessageLatencyType | Should -Be 'EndToEnd'
        ($script:events | Where-Object EventId -eq 'SUBMIT').MessageLatencyType | Should -Be 'None'
    }

    It 'diagnoses FAIL, DEFER and DSN events, and the NDR carries the diagnosis of the failure it reports' {
        $fail = $script:events | Where-Object { $_.EventId -eq 'FAIL' -and $_.Source -eq 'SMTP' }
        $fail.Diagnosis[0].RuleId | Should -Be 'HMF-BLOCKLIST-SPAMHAUS'
        $fail.Diagnosis[0].Input | Should -BeLike '`[{LED=550 5.7.1 Service unavailable*'
        $fail.Diagnosis[0].Source | Should -BeLike '*MSGTRK2026050106-1.LOG:14'
        $defer = $script:events | Where-Object EventId -eq 'DEFER'
        $defer.Diagnosis[0].RuleId | Should -Be 'HMF-DNS-NonExistentDomain'
        $dsn = $script:events | Where-Object EventId -eq 'DSN'
        $dsn.Diagnosis[0].RuleId | Should -Be 'HMF-BLOCKLIST-SPAMHAUS'
        ($script:events | Where-Object EventId -eq 'FAIL' | Where-Object { $_.Diagnosis.Count -eq 0 }) | Should -BeNullOrEmpty
        ($script:events | Where-Object EventId -in 'DELIVER', 'RECEIVE', 'SEND' | Where-Object { $_.Diagnosis.Count -gt 0 }) | Should -BeNullOrEmpty
    }

    It 'reads the real rows of Exchange 2016 and 2013 (exchange-formats.md 2.4)' {
        $dir = Join-Path $TestDrive 'real'
        $null = New-TrackingLog -Path (Join-Path $dir 'MSGTRKMS2022091915-1.LOG') -Version '15.01.2375.007' -Lines @(
            '2022-09-19T15:02:29.339Z,fe80::1234:5678:4321:1010%3,SERVER-HOSTNAME,,,"MDB:12345678-3232-2323-1111-12345679666, Mailbox:33345678-3232-2323-1111-08da9fd00918, Event:63779422, MessageClass:IPM.Note, CreationTime:2022-09-19T15:02:29.211Z, ClientType:MOMT, SubmissionAssistant:MailboxTransportSubmissionEmailAssistant",,STOREDRIVER,NOTIFYMAPI,,,,,,,,,,,user.name1@domain.com,,2022-09-19T15:02:29.211Z;LSRV=XXX-MAIL.DOMAIN.TEST:TOTAL-SUB=0.128|SA=0.128|MTSS-PEN=0.000,,,,,S:ItemEntryId=00-XXX-00,,12345678-3232-2323-1111-12345679988,15.01.2375.007'
            '2022-09-19T15:02:29.450Z,fe80::1234:5678:4321:1010,SERVER-HOSTNAME.DOMAIN.TEST,1234:5678:4321:1010%3,SERVER-HOSTNAME,"MDB:…, ServerMdbConnectionId:08DA9806C5B670C1",,STOREDRIVER,RECEIVE,438,<XXX@domain.com>,6a638d20-1e63-493a-80a2-08da9a4ff8da,user.name4@gmail.com,To,3750222,1,,,MAIL SUBJECT,user.name1@domain.com,user.name1@domain.com,04I: ,Originating,,95.11.22.33,fe80::1234:4545:3214:1010e%3,S:MailboxDatabaseGuid=12345678-3232-2323-1111-12345679987;S:ItemEntryId=00-00-XXX-00;S:DeliveryPriority=Normal;S:AccountForest=DOMAIN.TEST,Email,12345678-3232-2323-1111-12345679987,15.01.2375.007'
        )
        $fields2013 = $script:fields2019 -replace ',transport-traffic-type,log-id,schema-version$'
        $null = New-TrackingLog -Path (Join-Path $dir 'MSGTRK2017052217-1.LOG') -Version '15.00.1104.000' -Fields $fields2013 -Lines @(
            '2017-05-22T17:33:35.695Z,,,,EX13D13UWA001,"EX13D13UWB004.ant.amazon.com = 250 2.6.0 <…> [InternalId = EX13D13UWB004.ant.amazon.com, Hostname = 64712272257897] Queued mail for redundancy",,SMTP,HAREDIRECT,64712272257894,<…JavaMail.apollo@…>,13fad5b7-39c5-46e7-130e-08d4a138ac67,abannert@amazon.com;bryanson@amazon.com;zihoncao@amazon.com,,7312,3,,,Started JlbRelayShortCircuit/us-west-2/PDX1/Prod deployment,apollo@amazon.com,jlb-approval@amazon.com,,Incoming,,,,S:DeliveryPriority=Normal;S:OriginalFromAddress=jlb-approval@amazon.com;S:AccountForest=ant.amazon.com'
        )
        $real = @(Get-HybridMessageTrackingLog -Path $dir -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $real.EventId | Should -Be @('HAREDIRECT', 'NOTIFYMAPI', 'RECEIVE')
        $real[0].Recipients | Should -Be @('abannert@amazon.com', 'bryanson@amazon.com', 'zihoncao@amazon.com')
        $real[0].RecipientCount | Should -Be 3
        $real[0].SourceContext | Should -BeLike 'EX13D13UWB004.ant.amazon.com = 250 2.6.0*Queued mail for redundancy'
        $real[0].SchemaVersion | Should -BeNullOrEmpty
        $real[0].LogVersion | Should -Be '15.00.1104.000'
        $real[1].Sender | Should -Be 'user.name1@domain.com'
        $real[1].LatencyComponents[0].Name | Should -Be 'TOTAL-SUB'
        $real[1].LatencyComponents[0].IsLocal | Should -BeTrue
        $real[1].OriginationTimeUtc | Should -Be ([datetime]::new(2022, 9, 19, 15, 2, 29, 211, [DateTimeKind]::Utc))
        $real[2].InternalMessageId | Should -Be 438
        $real[2].RecipientStatus | Should -Be @('To')
        $real[2].TotalBytes | Should -Be 3750222
        $real[2].MessageInfo | Should -Be '04I: '
        $real[2].OriginalServerIp | Should -Be 'fe80::1234:4545:3214:1010e%3'
        @($real[2].EventData.Key) | Should -Be @('MailboxDatabaseGuid', 'ItemEntryId', 'DeliveryPriority', 'AccountForest')
    }

    It 'maps the columns of Exchange 2010 and 2013 files by their #Fields header' {
        $old = @(Get-HybridMessageTrackingLog -Path (Join-Path $script:data 'exchange2010'), (Join-Path $script:data 'exchange2013'))
        $old.Count | Should -Be 7
        @($old | Where-Object LogVersion -eq '14.0.0.0').Count | Should -Be 3
        $old | Where-Object LogVersion -eq '14.0.0.0' | Where-Object NetworkMessageId | Should -BeNullOrEmpty
        ($old | Where-Object { $_.LogVersion -eq '15.00.1497.002' -and $_.EventId -eq 'FAIL' }).StatusLED | Should -Be '550 5.7.1 RESOLVER.RST.AuthRequired; authentication required'
    }

    It 'filters like Get-MessageTrackingLog: <Name>' -TestCases @(
        @{ Name = '-EventId'; Parameters = @{ EventId = 'fail' }; Count = 4; Check = { $_.EventId -eq 'FAIL' } }
        @{ Name = '-EventId, several'; Parameters = @{ EventId = 'DEFER', 'DSN' }; Count = 2; Check = { $_.EventId -in 'DEFER', 'DSN' } }
        @{ Name = '-Source'; Parameters = @{ Source = 'STOREDRIVER', 'approval' }; Count = 15; Check = { $_.Source -in 'STOREDRIVER', 'APPROVAL' } }
        @{ Name = '-Sender'; Parameters = @{ Sender = 'Kavya@CloudMonkeys.xyz' }; Count = 3; Check = { $_.Sender -eq 'kavya@cloudmonkeys.xyz' } }
        @{ Name = '-Recipients'; Parameters = @{ Recipients = 'RAMKI@cloudfield.onmicrosoft.com' }; Count = 21; Check = { $_.Recipients -contains 'ramki@cloudfield.onmicrosoft.com' } }
        @{ Name = '-Recipients, quoted'; Parameters = @{ Recipients = "o'neil@cloudmonkeys.xyz" }; Count = 8; Check = { $_.Recipients -contains "o'neil@cloudmonkeys.xyz" } }
        @{ Name = '-MessageSubject'; Parameters = @{ MessageSubject = 'spamhaus' }; Count = 3; Check = { $_.MessageSubject -like '*Spamhaus*' } }
        @{ Name = '-MessageId'; Parameters = @{ MessageId = 'c3e8a9172f6d4b0a8e5c1d7f3b9a2e40@CMHYBD01.cloudmonkeys.xyz' }; Count = 2; Check = { $_.MessageId -eq '<c3e8a9172f6d4b0a8e5c1d7f3b9a2e40@CMHYBD01.cloudmonkeys.xyz>' } }
        @{ Name = '-InternalMessageId'; Parameters = @{ InternalMessageId = '451' }; Count = 3; Check = { $_.InternalMessageId -eq 451 } }
        @{ Name = '-NetworkMessageId'; Parameters = @{ NetworkMessageId = '6A638D20-1E63-493A-80A2-08DEA74796A6' }; Count = 13; Check = { $_.NetworkMessageId -eq '6a638d20-1e63-493a-80a2-08dea74796a6' } }
        @{ Name = '-Start -End'; Parameters = @{ Start = [datetime]::new(2026, 5, 1, 6, 30, 0, [DateTimeKind]::Utc); End = [datetime]::new(2026, 5, 1, 6, 45, 0, [DateTimeKind]::Utc) }; Count = 22; Check = { $_.TimestampUtc -ge [datetime]::new(2026, 5, 1, 6, 30, 0, [DateTimeKind]::Utc) -and $_.TimestampUtc -lt [datetime]::new(2026, 5, 1, 6, 45, 0, [DateTimeKind]::Utc) } }
        @{ Name = '-ResultSize'; Parameters = @{ ResultSize = 3 }; Count = 3; Check = { $true } }
        @{ Name = '-ResultSize Unlimited'; Parameters = @{ ResultSize = 'Unlimited' }; Count = 55; Check = { $true } }
    ) {
        param($Parameters, $Count, $Check)
        $found = @(Get-HybridMessageTrackingLog -Path $script:lab @Parameters)
        $found.Count | Should -Be $Count
        $expected = @($script:events | Where-Object $Check)
        if ($Parameters.ContainsKey('ResultSize')) { $expected = @($expected | Select-Object -First $Count) }
        @($found | ForEach-Object { "$($_.Path):$($_.LineNumber)" }) | Should -Be @($expected | ForEach-Object { "$($_.Path):$($_.LineNumber)" })
    }

    It 'refuses a ResultSize that is not a number or Unlimited' {
        { Get-HybridMessageTrackingLog -Path $script:lab -ResultSize lots -ErrorAction Stop } | Should -Throw '*not a ResultSize*'
    }

    It 'skips files outside -Start and -End unread, and says so in the verbose stream' {
        $start = [datetime]::new(2026, 5, 1, 7, 15, 0, [DateTimeKind]::Utc)
        $out = Get-HybridMessageTrackingLog -Path $script:lab -Start $start -Verbose 4>&1
        @($out | Where-Object { $_ -is [HybridMailFlow.MessageTrackingEvent] }).EventId | Should -Be @('RECEIVE', 'SEND')
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message
        @($verbose | Where-Object { $_ -like '*skipped unread, it is outside the time range.' }).Count | Should -Be 4
        $verbose[-1] | Should -BeLike 'Read 1 file(s) (4 skipped by time, 0 by server, 0 not tracking logs), 7 line(s)*2 event(s).'
    }

    It 'keeps the events of one server with -Server: by the folder a copied log is in, else by server-hostname' {
        (Get-HybridMessageTrackingLog -Path $script:data -Server CMEDGE01).EventId | Should -Be @('RECEIVE', 'SEND')
        $hub = @(Get-HybridMessageTrackingLog -Path $script:data -Server CMHYBD01.cloudmonkeys.xyz)
        $hub.Count | Should -Be 62
        $hub.Path | Where-Object { $_ -like '*CMEDGE01*' } | Should -BeNullOrEmpty
    }

    It 'takes files from Get-ChildItem through the pipeline, -LiteralPath, and wildcards in -Path' {
        $piped = @(Get-ChildItem $script:lab -Filter '*.LOG' | Get-HybridMessageTrackingLog)
        $piped.Count | Should -Be 55
        @($piped | ForEach-Object { "$($_.Path):$($_.LineNumber)" }) | Should -Be @($script:events | ForEach-Object { "$($_.Path):$($_.LineNumber)" })
        (Get-HybridMessageTrackingLog -LiteralPath (Join-Path $script:lab 'MSGTRK2026050107-1.LOG')).Count | Should -Be 2
        (Get-HybridMessageTrackingLog -Path (Join-Path $script:lab 'MSGTRKM?2026050106-1.LOG')).Count | Should -Be 17
        Get-HybridMessageTrackingLog -Path (Join-Path $TestDrive 'nowhere') -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'HybridMailFlow.PathNotFound*'
    }

    It 'reads the local server''s MessageTracking folder without -Path' {
        $install = Join-Path $TestDrive 'Exchange Server/V15'
        $folder = Join-Path $install 'TransportRoles/Logs/MessageTracking'
        $null = New-Item -ItemType Directory -Force -Path $folder
        Copy-Item (Join-Path $script:lab 'MSGTRK2026050107-1.LOG') $folder
        $saved = $env:ExchangeInstallPath
        try {
            $env:ExchangeInstallPath = $install + [System.IO.Path]::DirectorySeparatorChar
            (Get-HybridMessageTrackingLog).EventId | Should -Be @('RECEIVE', 'SEND')
            $env:ExchangeInstallPath = Join-Path $TestDrive 'no-exchange-here'
            { Get-HybridMessageTrackingLog -ErrorAction Stop } | Should -Throw '*No message tracking log folder*'
        } finally {
            $env:ExchangeInstallPath = $saved
        }
    }

    It 'stops reading when the pipeline has what it needs' {
        $first = @(Get-HybridMessageTrackingLog -Path $script:lab | Select-Object -First 2)
        $first.EventId | Should -Be @('NOTIFYMAPI', 'RECEIVE')
    }

    It 'exports to CSV with every list as its values, never System.String[]' {
        $csv = Join-Path $TestDrive 'events.csv'
        $script:events | Export-Csv $csv -NoTypeInformation
        $rows = @(Import-Csv $csv)
        $rows.Count | Should -Be 55
        $expand = $rows | Where-Object EventId -eq 'EXPAND'
        $expand.Recipients | Should -Be "anita@cloudmonkeys.xyz; vijay@cloudmonkeys.xyz; o'neil@cloudmonkeys.xyz"
        $expand.RecipientsText | Should -Be $expand.Recipients
        ($rows | Where-Object EventId -eq 'DSN').Reference | Should -Be '<c3e8a9172f6d4b0a8e5c1d7f3b9a2e40@CMHYBD01.cloudmonkeys.xyz>'
        ($rows | Where-Object EventId -eq 'DELIVER').EventData | Should -BeLike '`[Mailboxes, 9d4e8c1b-2a3f-4b5c-8d7e-6f5a4b3c2d1e`]; `[E2ELatency, 1.407`]; `[ATCH, 2`]*'
        (Get-Content $csv -Raw) | Should -Not -Match 'System\.String\[\]|System\.Object\[\]|System\.Collections|HybridMailFlow\.'
    }

    It 'answers a script written for Get-MessageTrackingLog output exactly as Get-MessageTrackingLog would' {
        $adminScript = {
            param($Events, $CsvPath)
            $Events | Where-Object { $_.EventId -eq 'FAIL' } | Select-Object Timestamp, EventId, Source, MessageSubject, Sender, @{ n = 'Recipients'; e = { $_.Recipients -join ';' } }, @{ n = 'RecipientStatus'; e = { $_.RecipientStatus -join ';' } } |
                Export-Csv $CsvPath -NoTypeInformation
            [pscustomobject]@{
                Failed      = @($Events | Where-Object { $_.EventId -eq 'FAIL' } | ForEach-Object { $_.MessageSubject })
                ToRamki     = @($Events | Where-Object { $_.Recipients -contains 'ramki@cloudfield.onmicrosoft.com' }).Count
                Quoted      = @($Events | Where-Object EventId -eq 'EXPAND' | ForEach-Object { $_.Recipients[2] })
                QuickSummary = @($Events | Group-Object EventId | Select-Object Name, Count | Sort-Object Count, Name -Descending | ForEach-Object { '{0}={1}' -f $_.Name, $_.Count })
                Latest      = ($Events | Sort-Object Timestamp | Select-Object -Last 1).MessageSubject
                Csv         = Get-Content $CsvPath -Raw
            }
        }
        $theirs = & $adminScript (Get-ExchangeShapedEvent $script:lab | Sort-Object Timestamp) (Join-Path $TestDrive 'theirs.csv')
        $ours = & $adminScript (Get-HybridMessageTrackingLog -Path $script:lab) (Join-Path $TestDrive 'ours.csv')
        $ours.Failed | Should -Be $theirs.Failed
        $ours.ToRamki | Should -Be $theirs.ToRamki
        $ours.ToRamki | Should -Be 21
        $ours.Quoted | Should -Be @("o'neil@cloudmonkeys.xyz")
        $ours.Quoted | Should -Be $theirs.Quoted
        $ours.QuickSummary | Should -Be $theirs.QuickSummary
        $ours.QuickSummary[0] | Should -Be 'RECEIVE=8'
        $ours.Latest | Should -Be $theirs.Latest
        $ours.Csv | Should -Be $theirs.Csv
        $ours.Csv | Should -Match 'ramki@cloudfield.onmicrosoft.com'
    }
}

Describe 'Bad input' {
    BeforeAll {
        $script:bad = Join-Path $TestDrive 'bad'
        $good = (Get-Content (Join-Path $script:lab 'MSGTRK2026050107-1.LOG') | Where-Object { $_ -notmatch '^.?#' })
        $fields = $good[0].Split(',')
        $badTime = @($fields.Clone()); $badTime[0] = '01/05/2026 07:20'
        $badBytes = @($fields.Clone()); $badBytes[14] = '5kB'
        $null = New-TrackingLog -Path (Join-Path $script:bad 'MSGTRK2026050107-1.LOG') -Lines @(
            $good[0]
            '2026-05-01T07:20:10.100Z,too,few,fields'
            ($badTime -join ',')
            ($badBytes -join ',')
            $good[1]
        )
        [System.IO.File]::WriteAllBytes((Join-Path $script:bad 'MSGTRK2026050108-1.LOG'), [byte[]](80, 75, 3, 4, 0, 255, 254, 10, 0, 7, 10))
    }

    It 'reports each bad line as a non-terminating error naming file and line, and reads the rest' {
        $events = @(Get-HybridMessageTrackingLog -Path $script:bad -ErrorVariable errs -ErrorAction SilentlyContinue)
        $events.EventId | Should -Be @('RECEIVE', 'SEND')
        $errs.Count | Should -Be 4
        $errs[0].Exception.Message | Should -BeLike '*MSGTRK2026050107-1.LOG, line 7: has 4 fields where the #Fields header names 30*'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'HybridMailFlow.FieldCount*'
        $errs[0].TargetObject | Should -BeLike '*MSGTRK2026050107-1.LOG'
        $errs[1].Exception.Message | Should -BeLike "*line 8: date-time '01/05/2026 07:20' is not a UTC time*"
        $errs[2].Exception.Message | Should -BeLike "*line 9: total-bytes '5kB' is not a number*"
        $errs[3].Exception.Message | Should -BeLike '*MSGTRK2026050108-1.LOG*'
    }

    It 'counts skipped lines in the verbose stream' {
        $verbose = Get-HybridMessageTrackingLog -Path $script:bad -ErrorAction SilentlyContinue -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'MSGTRK2026050107-1\.LOG: 10 line\(s\), \d+ record\(s\), 3 bad line\(s\) skipped\.'
        # The three bad lines, and the first line of the file that is not a log.
        $verbose[-1].Message | Should -BeLike '*1 not tracking logs*4 bad line(s) skipped*2 event(s).'
    }

    It 'refuses a protocol log given as a tracking log, naming it' {
        $recv = Join-Path $TestDrive 'RECV2026050106-1.LOG'
        [System.IO.File]::WriteAllText($recv, "#Software: Microsoft Exchange Server`r`n#Version: 15.0.0.0`r`n#Log-type: SMTP Receive Protocol Log`r`n#Date: 2026-05-01T06:00:04.113Z`r`n#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context`r`n2026-05-01T06:00:05.000Z,X,08DEA74796A6E2C8,0,192.168.1.13:25,40.107.22.51:51234,+,,`r`n")
        $null = Get-HybridMessageTrackingLog -LiteralPath $recv -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].Exception.Message | Should -BeLike "*RECV2026050106-1.LOG: is a 'SMTP Receive Protocol Log' file, not a Message Tracking Log; refused"
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'HybridMailFlow.NotALog*'
    }
}

Describe 'Get-HybridMailFlowSummary' {
    BeforeAll {
        $script:rows = @(Get-HybridMessageTrackingLog -Path $script:lab | Get-HybridMailFlowSummary)
        function Get-Row { param($Rows, $Category, $Name) $Rows | Where-Object { $_.Category -eq $Category -and $_.Name -eq $Name } }
    }

    It 'gives the lab guide''s quick summary: events by EventId, as Group-Object EventId counts them' {
        $script:rows[0].PSObject.TypeNames[0] | Should -Be 'HybridMailFlow.MailFlowSummaryRow'
        $byEventId = @($script:rows | Where-Object Category -eq 'EventId')
        $groups = Get-HybridMessageTrackingLog -Path $script:lab | Group-Object EventId | Sort-Object @{ e = 'Count'; Descending = $true }, Name
        @($byEventId | ForEach-Object { '{0}={1}' -f $_.Name, $_.Count }) | Should -Be @($groups | ForEach-Object { '{0}={1}' -f $_.Name, $_.Count })
        (Get-Row $script:rows 'EventId' 'RECEIVE').Percent | Should -Be 14.5
        (Get-Row $script:rows 'Total' 'Events').Count | Should -Be 55
    }

    It 'counts by source, connector, remote host and hour' {
        (Get-Row $script:rows 'Source' 'STOREDRIVER').Count | Should -Be 10
        (Get-Row $script:rows 'Connector' 'CMHYBD01\Default CMHYBD01').Count | Should -Be 6
        (Get-Row $script:rows 'RemoteHost' 'cloudfield.mail.protection.outlook.com').Count | Should -Be 2
        @($script:rows | Where-Object Category -eq 'Hour' | ForEach-Object { '{0}={1}' -f $_.Name, $_.Count }) | Should -Be @(
            '{0:yyyy-MM-dd HH}:00=53' -f [datetime]::new(2026, 5, 1, 6, 0, 0, [DateTimeKind]::Utc).ToLocalTime()
            '{0:yyyy-MM-dd HH}:00=2' -f [datetime]::new(2026, 5, 1, 7, 0, 0, [DateTimeKind]::Utc).ToLocalTime()
        )
    }

    It 'lists failures with their error code and diagnosis' {
        (Get-Row $script:rows 'Total' 'Failures').Count | Should -Be 12
        (Get-Row $script:rows 'ErrorCode' '550 5.7.1').Count | Should -Be 2
        $spamhaus = $script:rows | Where-Object { $_.Category -eq 'Failure' -and $_.Name -like '550 5.7.1 Service unavailable*Spamhaus*' }
        $spamhaus.Count | Should -Be 1
        $spamhaus.Detail | Should -BeLike 'FAIL: HMF-BLOCKLIST-SPAMHAUS: *'
    }

    It 'counts each sender and recipient once per message' {
        (Get-Row $script:rows 'Total' 'Messages').Count | Should -Be 11
        (Get-Row $script:rows 'Sender' 'raghu@cloudmonkeys.xyz').Count | Should -Be 8
        (Get-Row $script:rows 'Recipient' 'ramki@cloudfield.onmicrosoft.com').Count | Should -Be 5
    }

    It 'gives latency percentiles of each message-info stage and end to end' {
        (Get-Row $script:rows 'Latency' 'TOTAL-HUB p50').Seconds | Should -Be 0.172
        (Get-Row $script:rows 'Latency' 'TOTAL-HUB max').Seconds | Should -Be 0.453
        (Get-Row $script:rows 'Latency' 'TOTAL-HUB max').Count | Should -Be 3
        (Get-Row $script:rows 'Latency' 'EndToEnd max').Seconds | Should -Be 1.407
    }

    It 'reads logs itself with -Path, and limits ranked categories with -Top' {
        $fromPath = @(Get-HybridMailFlowSummary -Path $script:lab)
        @($fromPath | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.Category, $_.Name, $_.Count, $_.Seconds }) |
            Should -Be @($script:rows | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.Category, $_.Name, $_.Count, $_.Seconds })
        $top = @(Get-HybridMailFlowSummary -Path $script:lab -Top 2)
        @($top | Where-Object Category -eq 'Sender').Count | Should -Be 2
        @($top | Where-Object Category -eq 'EventId').Count | Should -Be @($script:rows | Where-Object Category -eq 'EventId').Count
        (Get-ChildItem $script:lab | Get-HybridMailFlowSummary | Where-Object Category -eq 'Total' | Select-Object -First 1).Count | Should -Be 55
    }

    It 'says what to give when given nothing, and that -Start selects from logs it reads, not from piped objects' {
        { Get-HybridMailFlowSummary -ErrorAction Stop } | Should -Throw -ErrorId 'HybridMailFlow.NothingToSummarize*'
        { Get-HybridMessageTrackingLog -Path $script:lab | Get-HybridMailFlowSummary -Start '2026-05-01' -ErrorAction Stop } |
            Should -Throw -ErrorId 'HybridMailFlow.TimeRangeOfPipeline*'
    }

    It 'counts Get-MessageTrackingLog objects the same way, matched by their property names' {
        $theirs = @(Get-ExchangeShapedEvent $script:lab | Get-HybridMailFlowSummary)
        $comparable = { $_.Category -ne 'Latency' -or $_.Name -notlike 'EndToEnd*' }
        @($theirs | Where-Object $comparable | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.Category, $_.Name, $_.Count, $_.Seconds }) |
            Should -Be @($script:rows | Where-Object $comparable | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.Category, $_.Name, $_.Count, $_.Seconds })
        ($theirs | Where-Object { $_.Category -eq 'Failure' -and $_.Name -like '*Spamhaus*' }).Detail | Should -BeLike 'FAIL: HMF-BLOCKLIST-SPAMHAUS: *'
    }

    It 'counts a Get-MessageTrackingLog export re-imported from CSV' {
        $csv = Join-Path $TestDrive 'ems-export.csv'
        Get-ExchangeShapedEvent $script:lab | Select-Object Timestamp, EventId, Source, ConnectorId, Sender, MessageId, @{ n = 'Recipients'; e = { $_.Recipients -join ';' } } |
            Export-Csv $csv -NoTypeInformation
        $summary = @(Import-Csv $csv | Get-HybridMailFlowSummary)
        (Get-Row $summary 'Total' 'Events').Count | Should -Be 55
        (Get-Row $summary 'Recipient' 'ramki@cloudfield.onmicrosoft.com').Count | Should -Be 5
    }

    It 'summarizes SMTP sessions: outcomes, roles, failures and session durations' {
        $sessions = @(Get-HybridSmtpSession -Path (Join-Path $PSScriptRoot '../../samples'))
        $summary = @($sessions | Get-HybridMailFlowSummary)
        (Get-Row $summary 'Total' 'Sessions').Count | Should -Be $sessions.Count
        foreach ($group in ($sessions | Group-Object Outcome)) { (Get-Row $summary 'Outcome' $group.Name).Count | Should -Be $group.Count }
        (Get-Row $summary 'Failure' '451 4.7.0 Temporary server error. Please try again later. PRX2').Detail | Should -BeLike 'TempFailed: HMF-PRX2: *'
        (Get-Row $summary 'Latency' 'SessionDuration max').Seconds | Should -Be ([math]::Round(($sessions | Measure-Object -Property { $_.Duration.TotalSeconds } -Maximum).Maximum, 3))
    }

    It 'exports to CSV as one flat table' {
        $csv = Join-Path $TestDrive 'summary.csv'
        $script:rows | Export-Csv $csv -NoTypeInformation
        $back = @(Import-Csv $csv)
        $back.Count | Should -Be $script:rows.Count
        ($back[0].PSObject.Properties.Name -join ',') | Should -Be 'Category,Name,Count,Percent,Seconds,Detail'
    }

    It 'refuses what it cannot summarize, and goes on' {
        $rows = @('just text', (Get-HybridMessageTrackingLog -Path $script:lab -ResultSize 1) | Get-HybridMailFlowSummary -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'HybridMailFlow.UnsupportedInput*'
        (Get-Row $rows 'Total' 'Events').Count | Should -Be 1
    }
}

Describe 'Get-MessageTrackingLog parity' {
    BeforeAll {
        $script:samples = (Resolve-Path (Join-Path $PSScriptRoot '../../samples')).Path
        $script:refused = '<7d4e2a91c3b84f5e9a6d1c0b8e2f4a36@CMHYBD01.cloudmonkeys.xyz>'
    }

    It 'ends -End before the end time: up to, but not including it' {
        $failedAt = [datetime]::new(2026, 5, 1, 6, 25, 30, 900, [DateTimeKind]::Utc)
        $start = [datetime]::new(2026, 5, 1, 6, 25, 0, 0, [DateTimeKind]::Utc)
        @(Get-HybridMessageTrackingLog -Path $script:samples -Start $start -End $failedAt).EventId | Should -Be @('RECEIVE')
        @(Get-HybridMessageTrackingLog -Path $script:samples -Start $start -End $failedAt.AddMilliseconds(1)).EventId | Should -Be @('RECEIVE', 'FAIL')
    }

    It 'filters by -Reference as a value of the field, with or without angle brackets' {
        $dsn = @(Get-HybridMessageTrackingLog -Path $script:samples -Reference $script:refused)
        $dsn.EventId | Should -Be @('DSN', 'DELIVER')
        $dsn | ForEach-Object { $_.Reference | Should -Contain $script:refused }
        @(Get-HybridMessageTrackingLog -Path $script:samples -Reference $script:refused.Trim('<', '>').ToUpperInvariant()).Count | Should -Be 2
        @(Get-HybridMessageTrackingLog -Path $script:samples -Reference '7d4e2a91').Count | Should -Be 0
    }

    It 'filters by -TransportTrafficType, whole and without regard to case' {
        $all = @(Get-HybridMessageTrackingLog -Path $script:samples)
        @(Get-HybridMessageTrackingLog -Path $script:samples -TransportTrafficType email).Count | Should -Be $all.Count
        @(Get-HybridMessageTrackingLog -Path $script:samples -TransportTrafficType Emai).Count | Should -Be 0
    }

    It 'takes -NetworkMessageId as a GUID in any of its forms' {
        foreach ($id in '6a638d20-1e63-493a-80a2-08dea7470b02', '6A638D201E63493A80A208DEA7470B02', '{6a638d20-1e63-493a-80a2-08dea7470b02}') {
            @(Get-HybridMessageTrackingLog -Path $script:samples -NetworkMessageId $id).EventId | Should -Be @('RECEIVE', 'DELIVER')
        }
        @(Get-HybridMessageTrackingLog -Path $script:samples -NetworkMessageId '6a638d201e63493a80a208dea7470b0').Count | Should -Be 0
    }

    It 'accepts -DomainController and says in -Verbose that it is ignored' {
        $verbose = @(Get-HybridMessageTrackingLog -Path $script:samples -DomainController dc01.cloudmonkeys.xyz -ResultSize 1 -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        ($verbose.Message -join "`n") | Should -BeLike '*-DomainController dc01.cloudmonkeys.xyz is ignored*'
    }

    It 'completes -ResultSize with Unlimited, not file names' {
        $line = 'Get-HybridMessageTrackingLog -ResultSize '
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('Unlimited')
        $line = 'Get-HybridMessageTrackingLog -ResultSize unl'
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('Unlimited')
        @(Get-HybridMessageTrackingLog -Path $script:samples -ResultSize Unlimited).Count | Should -Be 14
    }

    It 'says a folder without tracking logs holds none, naming the files it expected' {
        $empty = Join-Path $TestDrive 'no-tracking'
        $null = New-Item -ItemType Directory -Force -Path $empty
        @(Get-HybridMessageTrackingLog -Path $empty -ErrorVariable failures -ErrorAction SilentlyContinue).Count | Should -Be 0
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'HybridMailFlow.NoLogs,*'
        $failures[0].Exception.Message | Should -BeLike "*no-tracking' holds no message tracking log (MSGTRK*.LOG*"
    }
}
