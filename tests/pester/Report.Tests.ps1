# Export-HybridMailFlowReport, as an admin uses it: one HTML file of what the commands found, that opens offline in
# any browser, loads nothing, runs nothing a log holds, and shows what the objects say. The browser tests drive
# headless Chromium through its DevTools protocol (ChromiumDevTools.ps1). Chromium is a Linux program: under wine
# (the Windows host) those tests are skipped, and the reports are still written and checked as files there.

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force
    . (Join-Path $PSScriptRoot 'ChromiumDevTools.ps1')

    $script:repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:samples = Join-Path $script:repoRoot 'samples'
    $script:timelineData = Join-Path $PSScriptRoot '../data/timeline'
    # Screenshots are kept with the test output, for a person to look at.
    $script:screenshots = Join-Path $script:repoRoot 'out/report-tests'
    $null = New-Item -ItemType Directory -Force -Path $script:screenshots
    $script:onLinux = [System.Runtime.InteropServices.RuntimeInformation]::IsOSPlatform([System.Runtime.InteropServices.OSPlatform]::Linux)
    $script:notInBrowser = 'Chromium is a Linux program and a wine process cannot start it: the Linux run of this file (build.ps1 Test, part "Pester (linux-x64)") opens these reports in Chromium.'

    function Read-Report {
        param([string] $Path)
        [System.IO.File]::ReadAllText($Path)
    }

    # The number the page shows under a name (data-figure), exactly (data-value).
    function Get-Figure {
        param([string] $Html, [string] $Name)
        $match = [regex]::Match($Html, 'data-figure="' + [regex]::Escape($Name) + '" data-value="(\d+)"')
        if (-not $match.Success) { throw "The page has no figure $Name" }
        [long]$match.Groups[1].Value
    }

    # A count table's row (outcome, event id...): the number in the cell after the name.
    function Get-TableCount {
        param([string] $Html, [string] $Table, [string] $Name)
        # Ordinal: a culture-aware search of a whole page takes minutes under wine's ICU.
        $start = $Html.IndexOf('<table id="' + $Table + '"', [System.StringComparison]::Ordinal)
        $end = $Html.IndexOf('</table>', $start, [System.StringComparison]::Ordinal)
        $match = [regex]::Match($Html.Substring($start, $end - $start), '<tr><td>' + [regex]::Escape([System.Net.WebUtility]::HtmlEncode($Name)) + '</td><td class="num" data-value="(\d+)"')
        if (-not $match.Success) { throw "The table $Table has no row $Name" }
        [long]$match.Groups[1].Value
    }

    function Get-FailedSessions {
        param($Sessions)
        @($Sessions | Where-Object { $_.Outcome -notin 'Delivered', 'NoMessage', 'Incomplete' })
    }

    # A time as the report writes it: local, with the UTC offset of that moment.
    function Format-LocalTime {
        param([datetime] $Utc)
        $offset = [TimeZoneInfo]::Local.GetUtcOffset($Utc)
        $sign = '+'
        if ($offset -lt [TimeSpan]::Zero) { $sign = '-' }
        '{0} {1}{2:hh\:mm}' -f ($Utc + $offset).ToString('yyyy-MM-dd HH:mm:ss', [cultureinfo]::InvariantCulture), $sign, $offset.Duration()
    }

    $script:protocolHeader = @('#Software: Microsoft Exchange Server', '#Version: 15.0.0.0', '#Log-type: SMTP Receive Protocol Log',
        '#Date: 2026-05-01T00:00:00.000Z', '#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context')
    function Write-ProtocolLog {
        param([string] $Path, [string[]] $Lines)
        $null = New-Item -ItemType Directory -Force -Path (Split-Path $Path)
        [System.IO.File]::WriteAllText($Path, ((($script:protocolHeader + $Lines) -join "`r`n") + "`r`n"), (New-Object System.Text.UTF8Encoding($true)))
    }

    # One log line; a field with a comma or a quote is quoted, as Exchange writes it.
    function Format-LogLine {
        param([datetime] $Time, [string] $Connector, [string] $Session, [int] $Sequence, [string] $Remote, [string] $LogEvent, [string] $Data, [string] $Context = '')
        $fields = @($Time.ToString('yyyy-MM-ddTHH:mm:ss.fffZ', [cultureinfo]::InvariantCulture), $Connector, $Session, $Sequence, '192.168.1.13:25', "${Remote}:41000", $LogEvent, $Data, $Context) |
            ForEach-Object { $f = [string]$_; if ($f -match '[",]') { '"' + $f.Replace('"', '""') + '"' } else { $f } }
        $fields -join ','
    }

    $script:certificateLine = ' CN=mail.cloudmonkeys.xyz CN=R11, O=Let''s Encrypt, C=US 04A1B2C3D4E5F60718293A4B5C6D7E8F 9F3C2E7A11B4D5E6F708192A3B4C5D6E7F809A1B 2026-03-01T00:00:00.000Z 2026-05-30T00:00:00.000Z mail.cloudmonkeys.xyz;autodiscover.cloudmonkeys.xyz'
    $script:tlsLine = 'TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 384 bits'

    # The lines of one inbound session: what the client says and what the server replies, in order ('<' and '>'),
    # and '*' information lines; the session ends with a disconnect.
    function New-SessionLines {
        param([datetime] $Start, [string] $Connector, [string] $Session, [string] $Remote, [object[]] $Steps)
        $lines = New-Object System.Collections.Generic.List[string]
        $lines.Add((Format-LogLine $Start $Connector $Session 0 $Remote '+' ''))
        $sequence = 1
        foreach ($step in $Steps) {
            $lines.Add((Format-LogLine $Start.AddMilliseconds(10 * $sequence) $Connector $Session $sequence $Remote $step[0] $step[1] $(if ($step.Count -gt 2) { $step[2] } else { '' })))
            $sequence++
        }
        $lines.Add((Format-LogLine $Start.AddMilliseconds(10 * $sequence) $Connector $Session $sequence $Remote '-' '' 'Local'))
        $lines
    }

    function Get-DeliveredSteps {
        param([string] $Ehlo, [string] $Id)
        @(
            , @('>', '220 CMHYBD01.cloudmonkeys.xyz Microsoft ESMTP MAIL Service ready')
            , @('<', "EHLO $Ehlo")
            , @('>', '250  CMHYBD01.cloudmonkeys.xyz Hello SIZE 37748736 PIPELINING STARTTLS')
            , @('<', 'STARTTLS')
            , @('>', '220 2.0.0 SMTP server ready')
            , @('*', $script:certificateLine, 'Sending certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names')
            , @('*', '', $script:tlsLine)
            , @('<', "EHLO $Ehlo")
            , @('>', '250  CMHYBD01.cloudmonkeys.xyz Hello SIZE 37748736 PIPELINING')
            , @('<', 'MAIL FROM:<ramki@cloudfield.onmicrosoft.com> SIZE=2048')
            , @('<', 'RCPT TO:<raghu@cloudmonkeys.xyz>')
            , @('>', '250 2.1.0 Sender OK')
            , @('>', '250 2.1.5 Recipient OK')
            , @('<', 'BDAT 2048 LAST')
            , @('>', "250 2.6.0 <$Id@cloudfield.onmicrosoft.com> [InternalId=1, Hostname=CMHYBD01.cloudmonkeys.xyz] Queued mail for delivery")
            , @('<', 'QUIT')
            , @('>', '221 2.0.0 Service closing transmission channel')
        )
    }

    function Get-RefusedSteps {
        param([string] $Ehlo, [string] $MailFrom, [string] $Reply)
        @(
            , @('>', '220 CMHYBD01.cloudmonkeys.xyz Microsoft ESMTP MAIL Service ready')
            , @('<', "EHLO $Ehlo")
            , @('>', '250  CMHYBD01.cloudmonkeys.xyz Hello SIZE 37748736 PIPELINING')
            , @('<', "MAIL FROM:<$MailFrom>")
            , @('<', 'RCPT TO:<raghu@cloudmonkeys.xyz>')
            , @('>', '250 2.1.0 Sender OK')
            , @('>', $Reply)
            , @('<', 'QUIT')
            , @('>', '221 2.0.0 Service closing transmission channel')
        )
    }

    # A large set of two servers' SmtpReceive logs over six hours: deliveries from some 800 Exchange Online hosts,
    # logon failures from the Internet, PRX2, load-balancer probes and commands out of order. Each kind of session is
    # written once as a template, then copied with its time, id, address and name: quick enough under wine too.
    function New-GeneratedLogs {
        param([string] $Folder, [int] $Count)
        $templates = @{}
        foreach ($server in 'CMHYBD01\Default Frontend CMHYBD01', 'CMEDGE01\Default internal receive connector CMEDGE01') {
            $kinds = @{
                Delivered = Get-DeliveredSteps 'HOSTNAME' 'SESSIONID'
                Logon     = Get-RefusedSteps '[198.51.100.1]' 'scan@fabrikam.example' '535 5.7.3 Authentication unsuccessful'
                Prx2      = Get-RefusedSteps 'HOSTNAME' 'ramki@cloudfield.onmicrosoft.com' '451 4.7.0 Temporary server error. Please try again later. PRX2'
                Probe     = @(@('>', '220 CMHYBD01 ready'), @('<', 'EHLO lb01.cloudmonkeys.xyz'), @('>', '250  CMHYBD01 Hello'), @('<', 'QUIT'), @('>', '221 2.0.0 Bye'))
                Hello     = @(@('>', '220 CMHYBD01 ready'), @('<', 'MAIL FROM:<scanner@cloudmonkeys.xyz>'), @('>', '503 5.5.2 Send hello first'), @('<', 'QUIT'), @('>', '221 2.0.0 Bye'))
            }
            foreach ($kind in $kinds.Keys) {
                $lines = New-SessionLines ([DateTime]::SpecifyKind([DateTime]'2000-01-01T00:00:00', 'Utc')) $server 'SESSIONID' 'REMOTEIP' $kinds[$kind]
                $templates["$server|$kind"] = ($lines -join "`r`n") + "`r`n"
            }
        }
        $start = [DateTime]::SpecifyKind([DateTime]'2026-05-01T00:00:00', 'Utc')
        $files = @{}
        for ($i = 0; $i -lt $Count; $i++) {
            $time = $start.AddSeconds([Math]::Floor($i * 21600.0 / $Count))
            if ($time.Minute -eq 59 -and $time.Second -eq 59) { $time = $time.AddSeconds(-1) }
            $server = 'CMHYBD01\Default Frontend CMHYBD01'
            $folderName = 'CMHYBD01/FrontEnd/ProtocolLog/SmtpReceive'
            if (($i % 3) -eq 0) {
                $server = 'CMEDGE01\Default internal receive connector CMEDGE01'
                $folderName = 'CMEDGE01/Edge/ProtocolLog/SmtpReceive'
            }
            $host800 = $i % 800
            $address = '40.93.{0}.{1}' -f [Math]::Floor($host800 / 250), ($host800 % 250 + 1)
            $kind = 'Delivered'
            switch ($i % 10) {
                6 { $kind = 'Logon'; $address = '198.51.100.{0}' -f ($i % 50 + 1) }
                7 { $kind = 'Prx2' }
                8 { $kind = 'Probe'; $address = '192.168.1.2' }
                9 { $kind = 'Hello'; $address = '192.168.1.{0}' -f (50 + $i % 20) }
            }
            $text = $templates["$server|$kind"].Replace('2000-01-01T00:00:00', $time.ToString('yyyy-MM-ddTHH:mm:ss', [cultureinfo]::InvariantCulture))
            $text = $text.Replace('SESSIONID', '08DEA7479C' + $i.ToString('X6')).Replace('REMOTEIP', $address).Replace('HOSTNAME', ('NAM{0:D4}.outbound.protection.outlook.com' -f $host800))
            $file = Join-Path (Join-Path $Folder $folderName) ('RECV{0:yyyyMMddHH}-1.LOG' -f $time)
            if (-not $files.ContainsKey($file)) { $files[$file] = New-Object System.Text.StringBuilder }
            $null = $files[$file].Append($text)
        }
        foreach ($file in $files.Keys) { Write-ProtocolLog $file @($files[$file].ToString().TrimEnd()) }
    }

    # What remote parties can put in a log: markup, a script end tag, line separators, spreadsheet formulas.
    $script:hostile = @{
        ScriptEhlo  = '<script>window.hmfInjected=1</script>'
        FormulaEhlo = '=HYPERLINK("http://evil.example/","x")'
        PlusEhlo    = '+cmd|''/C calc''!A0'
        MinusEhlo   = '-2+3+cmd|''/C calc''!A0'
        AtEhlo      = '@SUM(1+1)*cmd|''/C calc''!A0'
        ImageReply  = '550 5.7.1 "><img src=x onerror="window.hmfInjected=2"></script><script>window.hmfInjected=3</script><!--'
        SvgReply    = "451 4.7.0 '><svg onload=window.hmfInjected=4> PRX2 &amp; line" + [char]0x2028 + 'two' + [char]0x2029 + 'three'
        Connector   = 'CMHYBD01\Evil"><iframe srcdoc="<script>window.hmfInjected=5</script>">'
        Subject     = '</script><script>window.hmfInjected=6</script>' + [char]0x2028 + '=1+1'
        Status      = '550 5.1.1 <img src=x onerror=window.hmfInjected=7>'
    }
    function New-HostileLogs {
        param([string] $Folder)
        $fe = 'CMHYBD01\Default Frontend CMHYBD01'
        $start = [DateTime]::SpecifyKind([DateTime]'2026-05-01T06:00:00', 'Utc')
        $h = $script:hostile
        $lines = @(
            New-SessionLines $start $fe '08DEA7479D000001' '203.0.113.7' (Get-RefusedSteps $h.ScriptEhlo 'a@evil.example' $h.ImageReply)
            New-SessionLines $start.AddMinutes(1) $fe '08DEA7479D000002' '203.0.113.8' (Get-RefusedSteps $h.FormulaEhlo '"><img src=x onerror=window.hmfInjected=8>@evil.example' $h.SvgReply)
            New-SessionLines $start.AddMinutes(2) $h.Connector '08DEA7479D000003' '203.0.113.9' (Get-RefusedSteps $h.PlusEhlo 'b@evil.example' '550 5.7.1 =cmd|''/C calc''!A0')
            New-SessionLines $start.AddMinutes(3) $fe '08DEA7479D000004' '203.0.113.10' (Get-RefusedSteps $h.MinusEhlo 'c@evil.example' '550 5.7.1 -1+1')
            New-SessionLines $start.AddMinutes(4) $fe '08DEA7479D000005' '203.0.113.11' (Get-RefusedSteps $h.AtEhlo 'd@evil.example' '550 5.7.1 @SUM(1)')
        )
        Write-ProtocolLog (Join-Path $Folder 'CMHYBD01/FrontEnd/ProtocolLog/SmtpReceive/RECV2026050106-1.LOG') $lines
        $fields = 'date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,transport-traffic-type,log-id,schema-version'
        $row = @('2026-05-01T06:10:00.000Z', '', '', '', 'CMHYBD01.cloudmonkeys.xyz', '', '', 'QUEUE', 'FAIL', '40926818995199', '<evil@evil.example>', '2f9a3b5d-8e4c-4da6-b1f7-08dea5f03e99',
            'raghu@cloudmonkeys.xyz', $h.Status, '6120', '1', '', '', $h.Subject, '=cmd|''/C calc''!A0@evil.example', 'x@evil.example', '', 'Incoming', '', '', '', '', 'Email',
            '7c1e0a52-3f4b-4d6e-9a8b-08dea74796e9', '15.02.1544.004') | ForEach-Object { if ($_ -match '[",]') { '"' + $_.Replace('"', '""') + '"' } else { $_ } }
        $tracking = Join-Path $Folder 'CMHYBD01/MessageTracking/MSGTRK2026050106-1.LOG'
        $null = New-Item -ItemType Directory -Force -Path (Split-Path $tracking)
        $text = @('#Software: Microsoft Exchange Server', '#Version: 15.02.1544.004', '#Log-type: Message Tracking Log', '#Date: 2026-05-01T06:00:00.000Z', "#Fields: $fields", ($row -join ',')) -join "`r`n"
        [System.IO.File]::WriteAllText($tracking, $text + "`r`n", (New-Object System.Text.UTF8Encoding($true)))
    }

    # A Get-Queue object, and one whose LastError says why it retries.
    function New-Queue {
        param([string] $Identity, [string] $Status, [int] $MessageCount, [string] $LastError = '')
        [pscustomobject]@{
            PSTypeName    = 'Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo'
            Identity      = $Identity
            DeliveryType  = 'SmartHostConnectorDelivery'
            NextHopDomain = 'cloudfield.mail.onmicrosoft.com'
            Status        = $Status
            MessageCount  = $MessageCount
            LastError     = $LastError
        }
    }

    # The objects of several commands at once: what an admin pipes into one report.
    function Get-MixedInput {
        @(Get-HybridSmtpSession -Path $script:samples)
        @(Get-HybridMessageTrackingLog -Path (Join-Path $PSScriptRoot '../data/tracking'))
        @(Import-HybridMessageTrace -Path (Join-Path $script:timelineData 'exo/MessageTraceDetailV2.csv'))
        @(Trace-HybridMessage -MessageId '<AM6PR02MB4312A1B2C3D4E5F6A7B8@AM6PR02MB4312.eurprd02.prod.outlook.com>', '<e4d2b7c9a1f34c6e8b0d2f4a6c8e0b13@CMHYBD01.cloudmonkeys.xyz>' `
                -TrackingLogPath $script:timelineData -ProtocolLogPath $script:timelineData -MessageTrace (Join-Path $script:timelineData 'exo/MessageTraceDetailV2.csv') -SlowThreshold '00:00:01')
        @(New-Queue 'CMHYBD01\7' 'Retry' 12 '451 4.4.0 Primary target IP address responded with: "451 4.7.0 Temporary server error. Please try again later. PRX2"'
            New-Queue 'CMHYBD01\Submission' 'Ready' 0) | Get-HybridQueueDiagnosis
        [pscustomobject]@{ PSTypeName = 'Microsoft.Exchange.Data.Directory.SystemConfiguration.TransportServer'; Name = 'CMHYBD01'; Identity = 'CMHYBD01'
            InternalDNSServers = @('8.8.8.8'); InternalDNSAdapterEnabled = $false; InternalDNSAdapterGuid = [guid]::Empty
            ExternalDNSServers = @(); ExternalDNSAdapterEnabled = $true; ExternalDNSAdapterGuid = [guid]::Empty } | Test-HybridTransportDns
        $step = New-Object HybridMailFlow.MailFlowCheck
        $step.Checklist = 'EdgeSync'; $step.Step = 16; $step.Check = 'CredentialRecords'; $step.Result = 'Fail'; $step.Reason = 'CredentialRecords is 0'; $step.Server = 'CMEDGE01'
        $step
        Resolve-HybridSmtpError '451 4.7.0 Temporary server error. Please try again later. PRX2'
    }
}

Describe 'Export-HybridMailFlowReport' {
    Context 'The report of the bundled samples' {
        BeforeAll {
            $script:sessions = @(Get-HybridSmtpSession -Path $samples)
            $script:failed = Get-FailedSessions $sessions
            $script:path = Join-Path $TestDrive 'samples.html'
            $script:report = Export-HybridMailFlowReport -Path $path -SmtpLogPath $samples
            $script:html = Read-Report $path
        }

        It 'returns what it wrote and what it counted, as the sessions count' {
            $report.PSObject.TypeNames[0] | Should -Be 'HybridMailFlow.MailFlowReport'
            $report.Path | Should -Be $path
            $report.Length | Should -Be (Get-Item $path).Length
            $report.Sessions | Should -Be $sessions.Count
            $report.Failures | Should -Be $failed.Count
            $report.Diagnoses | Should -Be @($failed | ForEach-Object { $_.Diagnosis[0].RuleId } | Sort-Object -Unique).Count
            @($report.Servers) | Should -Be @($sessions.Server | Sort-Object -Unique)
            $report.First | Should -Be ($sessions.Start | Measure-Object -Minimum).Minimum
            $report.Last | Should -Be ($sessions.Start | Measure-Object -Maximum).Maximum
        }

        It 'shows the same numbers: sessions, outcomes, failures per diagnosis' {
            Get-Figure $html 'sessions.total' | Should -Be $sessions.Count
            Get-Figure $html 'sessions.delivered' | Should -Be @($sessions | Where-Object Outcome -EQ 'Delivered').Count
            Get-Figure $html 'sessions.failed' | Should -Be $failed.Count
            foreach ($outcome in $sessions | Group-Object Outcome) {
                Get-TableCount $html 'tbl-outcomes' $outcome.Name | Should -Be $outcome.Count -Because $outcome.Name
            }
            foreach ($rule in $failed | Group-Object { $_.Diagnosis[0].RuleId }) {
                Get-Figure $html "failures.rule.$($rule.Name)" | Should -Be $rule.Count -Because $rule.Name
            }
        }

        It 'explains each failure with its meaning, fix and commands, and names the line that decided it' {
            foreach ($session in $failed) {
                $diagnosis = $session.Diagnosis[0]
                $html | Should -Match ('<article class="failure" id="failure-\d+" data-rule="' + [regex]::Escape($diagnosis.RuleId) + '">')
                $html | Should -Match ([regex]::Escape([System.Net.WebUtility]::HtmlEncode($diagnosis.Meaning)))
                $html | Should -Match ([regex]::Escape([System.Net.WebUtility]::HtmlEncode($diagnosis.Fix[0])))
                $place = '{0}:{1}' -f (Split-Path $session.OutcomePath -Leaf), $session.OutcomeLine
                $html | Should -Match ([regex]::Escape("<td>$place</td>")) -Because "$($session.SessionId) was decided on $place"
            }
            foreach ($command in $failed.Diagnosis.Commands | Select-Object -First 5) {
                $html | Should -Match ([regex]::Escape([System.Net.WebUtility]::HtmlEncode($command)))
            }
        }

        It 'gives the period and the servers, in local time with the UTC offset' {
            $first = ($sessions.StartUtc | Measure-Object -Minimum).Minimum
            $last = ($sessions.StartUtc | Measure-Object -Maximum).Maximum
            $html | Should -Match ([regex]::Escape('data-figure="period.first" data-value="' + $first.ToString('yyyy-MM-ddTHH:mm:ss.fffZ', [cultureinfo]::InvariantCulture) + '">' + (Format-LocalTime $first) + '<'))
            $html | Should -Match ([regex]::Escape('data-figure="period.last" data-value="' + $last.ToString('yyyy-MM-ddTHH:mm:ss.fffZ', [cultureinfo]::InvariantCulture) + '">' + (Format-LocalTime $last) + '<'))
            $html | Should -Match ([regex]::Escape('<span data-figure="servers">CMEDGE01, CMHYBD01</span>'))
        }

        It 'draws the outcomes over time as SVG, with each outcome''s total in the legend' {
            $html | Should -Match '<figure class="chart" id="chart-sessions"><svg xmlns="http://www.w3.org/2000/svg"'
            foreach ($outcome in $sessions | Group-Object Outcome) {
                Get-Figure $html "chart-sessions.$($outcome.Name)" | Should -Be $outcome.Count
            }
            $html | Should -Match 'one bar per 5 minutes, local time \(UTC[+-]\d\d:\d\d\)'
        }

        It 'lists the TLS protocols and certificates seen, with each certificate''s validity judged against now' {
            $tls = @($sessions | Where-Object TlsProtocol)
            $receive = @($tls | Where-Object Direction -EQ 'Receive').Count
            $html | Should -Match ('<tr><td>TLS 1\.2</td><td class="num" data-value="' + $receive + '"')
            $certificate = $sessions.Certificates | Where-Object Subject -EQ 'CN=mail.cloudmonkeys.xyz' | Select-Object -First 1
            $expected = 'Valid'
            if ($certificate.NotAfter -lt [DateTime]::UtcNow) { $expected = 'Expired' }
            elseif ($certificate.NotAfter -lt [DateTime]::UtcNow.AddDays(30)) { $expected = 'Expires in' }
            $html | Should -Match ('<span class="badge \w+">' + $expected + '[^<]*</span></td><td>CN=mail\.cloudmonkeys\.xyz</td>')
        }

        It 'loads nothing: a strict Content-Security-Policy, its script and style allowed by hash, no reference outside the file' {
            $policy = [System.Net.WebUtility]::HtmlDecode([regex]::Match($html, '<meta http-equiv="Content-Security-Policy" content="([^"]+)">').Groups[1].Value)
            $directives = @{}
            foreach ($directive in $policy -split ';\s*') { $name, $value = $directive -split ' ', 2; $directives[$name] = $value }
            $directives['default-src'] | Should -Be "'none'"
            $directives.ContainsKey('connect-src') | Should -BeFalse
            $directives['require-trusted-types-for'] | Should -Be "'script'"
            $policy | Should -Not -Match 'unsafe-|https?:|data:|\*'
            $script = [regex]::Match($html, '<script>(.*?)</script>', 'Singleline').Groups[1].Value
            $style = [regex]::Match($html, '<style>(.*?)</style>', 'Singleline').Groups[1].Value
            $sha = [System.Security.Cryptography.SHA256]::Create()
            $directives['script-src'] | Should -Be ("'sha256-" + [Convert]::ToBase64String($sha.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($script))) + "'")
            $directives['style-src'] | Should -Be ("'sha256-" + [Convert]::ToBase64String($sha.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($style))) + "'")
            ([regex]::Matches($html, '<script\b')).Count | Should -Be 2
            $html | Should -Not -Match '<(img|link|iframe|object|embed|base|form)\b|\ssrc=|url\(|@import'
            foreach ($href in [regex]::Matches($html, '\shref="([^"]*)"') | ForEach-Object { $_.Groups[1].Value }) {
                $href | Should -Match '^(#[\w-]+|https://)' -Because 'links go within the page, or to the references a person may open'
            }
        }
    }

    Context 'Any mix of objects, live or deserialized' {
        BeforeAll {
            $script:mixed = @(Get-MixedInput)
            $script:mixedReport = $mixed | Export-HybridMailFlowReport -Path (Join-Path $TestDrive 'mixed.html')
            $script:mixedHtml = Read-Report $mixedReport.Path
        }

        It 'counts sessions, tracking and trace events, timelines, queues, checks and error texts as they are' {
            $mixedReport.Sessions | Should -Be @($mixed | Where-Object { $_ -is [HybridMailFlow.SmtpSession] }).Count
            $mixedReport.TrackingEvents | Should -Be @($mixed | Where-Object { $_ -is [HybridMailFlow.MessageTrackingEvent] }).Count
            $mixedReport.TraceEvents | Should -Be @($mixed | Where-Object { $_ -is [HybridMailFlow.MessageTraceEvent] }).Count
            $mixedReport.Timelines | Should -Be @($mixed | Where-Object { $_ -is [HybridMailFlow.MessageTimeline] }).Count
            $mixedReport.Queues | Should -Be 2
            $mixedReport.Checks | Should -Be @($mixed | Where-Object { $_ -is [HybridMailFlow.ConfigurationCheck] -or $_ -is [HybridMailFlow.MailFlowCheck] }).Count
            $mixedReport.ErrorTexts | Should -Be 1
            foreach ($figure in 'sessions.total', 'tracking.total', 'trace.total', 'timelines.total', 'queues.total', 'checks.total') {
                Get-Figure $mixedHtml $figure | Should -BeGreaterThan 0
            }
            Get-Figure $mixedHtml 'tracking.total' | Should -Be $mixedReport.TrackingEvents
            Get-Figure $mixedHtml 'timelines.total' | Should -Be $mixedReport.Timelines
            Get-Figure $mixedHtml 'checks.fail' | Should -Be @($mixed | Where-Object { ($_ -is [HybridMailFlow.ConfigurationCheck] -or $_ -is [HybridMailFlow.MailFlowCheck]) -and "$($_.Result)" -eq 'Fail' }).Count
        }

        It 'groups failures of every kind under one diagnosis: PRX2 from a session, a queue and an error text' {
            $prx2 = Get-Figure $mixedHtml 'failures.rule.HMF-PRX2'
            $prx2 | Should -Be 3
            $mixedHtml | Should -Match '1 SMTP session, 1 queue, 1 error text'
            $failureEvents = @($mixed | Where-Object { $_ -is [HybridMailFlow.MessageTrackingEvent] -and ($_.EventId -eq 'DROP' -or $_.EventId -match 'FAIL$|DEFER$') })
            Get-Figure $mixedHtml 'tracking.failures' | Should -Be $failureEvents.Count
        }

        It 'shows where traced messages stopped and their slowest hops' {
            $timelines = @($mixed | Where-Object { $_ -is [HybridMailFlow.MessageTimeline] })
            $stopped = @($timelines | Where-Object Location -NotIn 'DeliveredOnPremises', 'DeliveredInExchangeOnline', 'SentToInternet')
            Get-Figure $mixedHtml 'timelines.notDelivered' | Should -Be $stopped.Count
            $slowest = $timelines.Hops | Where-Object Latency | Sort-Object Latency -Descending | Select-Object -First 1
            $mixedHtml | Should -Match ('<table id="tbl-hops" class="data sortable">.*?<tbody><tr><td class="num" data-value="' + [regex]::Escape($slowest.Latency.TotalSeconds.ToString('R', [cultureinfo]::InvariantCulture)) + '"')
        }

        It 'reads deserialized objects (a remote session, Import-Clixml) by property name: the same figures' {
            $deserialized = @($mixed | ForEach-Object { [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($_, 3)) })
            $deserialized[0].PSObject.TypeNames[0] | Should -BeLike 'Deserialized.*'
            $again = $deserialized | Export-HybridMailFlowReport -Path (Join-Path $TestDrive 'deserialized.html')
            $figures = { param($h) [regex]::Matches($h, 'data-figure="([^"]+)" data-value="([^"]+)"') | ForEach-Object { $_.Groups[1].Value + '=' + $_.Groups[2].Value } }
            @(& $figures (Read-Report $again.Path)) | Should -Be @(& $figures $mixedHtml)
        }

        It 'reads Import-Csv rows of sessions and tracking events, and Exchange Online trace objects through the trace importer' {
            $csv = Join-Path $TestDrive 'sessions.csv'
            $mixed | Where-Object { $_ -is [HybridMailFlow.SmtpSession] } | Export-Csv -LiteralPath $csv -NoTypeInformation
            $traceRows = @(Import-Csv -LiteralPath (Join-Path $timelineData 'exo/MessageTraceV2-ps7.csv'))
            $fromCsv = @(Import-Csv -LiteralPath $csv) + $traceRows | Export-HybridMailFlowReport -Path (Join-Path $TestDrive 'csv.html')
            $fromCsv.Sessions | Should -Be $mixedReport.Sessions
            $fromCsv.TraceEvents | Should -Be $traceRows.Count
            Get-Figure (Read-Report $fromCsv.Path) 'sessions.failed' | Should -Be (Get-Figure $mixedHtml 'sessions.failed')
        }

        It 'writes an error for what it cannot show, and the report of the rest' {
            $sessions = @(Get-HybridSmtpSession -Path $samples)
            $errors = $null
            $report = @('some text', (Get-Date)) + $sessions | Export-HybridMailFlowReport -Path (Join-Path $TestDrive 'partial.html') -ErrorVariable errors -ErrorAction SilentlyContinue
            $errors.Count | Should -Be 2
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'HybridMailFlow.UnsupportedInput,*'
            $report.Sessions | Should -Be $sessions.Count
        }

        It 'keeps an existing file with -NoClobber, and writes nothing with -WhatIf' {
            $existing = Join-Path $TestDrive 'existing.html'
            Set-Content -LiteralPath $existing -Value 'keep me'
            { Export-HybridMailFlowReport -Path $existing -SmtpLogPath $samples -NoClobber -ErrorAction Stop } | Should -Throw -ErrorId 'HybridMailFlow.FileExists,*'
            Get-Content -LiteralPath $existing | Should -Be 'keep me'
            $none = Join-Path $TestDrive 'whatif.html'
            Export-HybridMailFlowReport -Path $none -SmtpLogPath $samples -WhatIf | Should -BeNullOrEmpty
            Test-Path -LiteralPath $none | Should -BeFalse
        }

        It 'flags certificates that expire within -ExpiringDays, and expired ones' {
            $now = [DateTime]::UtcNow
            $first = Get-HybridSmtpSession -Path $samples | Select-Object -First 1
            $soon = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($first, 3))
            $soon.Certificates[0].NotAfterUtc = $now.AddDays(10)
            $soon.Certificates[0].NotAfter = $now.AddDays(10).ToLocalTime()
            $soon.Certificates[0].Thumbprint = 'A1'
            $gone = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($first, 3))
            $gone.Certificates = @([pscustomobject]@{ Kind = 'Remote certificate'; Subject = 'CN=old.fabrikam.example'; Issuer = 'CN=CA'; Thumbprint = 'B2'; NotBefore = $now.AddYears(-1); NotAfter = $now.AddDays(-1); SubjectAlternativeNames = @() })
            $report = @($soon, $gone) | Export-HybridMailFlowReport -Path (Join-Path $TestDrive 'certificates.html') -ExpiringDays 20
            $certificates = Read-Report $report.Path
            Get-Figure $certificates 'certificates.expiring' | Should -Be 1
            Get-Figure $certificates 'certificates.expired' | Should -Be 1
            $certificates | Should -Match '<span class="badge warn">Expires in (9|10) days</span>'
            $certificates | Should -Match '<span class="badge bad">Expired</span></td><td>CN=old\.fabrikam\.example</td>'
        }
    }

    Context 'Hostile log content' {
        BeforeAll {
            $script:hostileLogs = Join-Path $TestDrive 'hostile'
            New-HostileLogs $hostileLogs
            $script:hostileSessions = @(Get-HybridSmtpSession -Path $hostileLogs)
            $script:hostileEvent = Get-HybridMessageTrackingLog -Path $hostileLogs
            $script:hostileReport = Export-HybridMailFlowReport -Path (Join-Path $TestDrive 'hostile.html') -SmtpLogPath $hostileLogs -TrackingLogPath $hostileLogs
            $script:hostileHtml = Read-Report $hostileReport.Path
        }

        It 'reads the hostile fields into the objects as written (the test''s premise)' {
            $hostileSessions.Count | Should -Be 5
            $hostileSessions.RemoteHost | Should -Contain $hostile.ScriptEhlo
            $hostileSessions.RemoteHost | Should -Contain $hostile.FormulaEhlo
            $hostileSessions.OutcomeText | Should -Contain $hostile.ImageReply
            $hostileSessions.ConnectorId | Should -Contain $hostile.Connector
            $hostileEvent.MessageSubject | Should -Be $hostile.Subject
        }

        It 'escapes every value for where it is written: HTML text, attributes, and the JSON of the examples' {
            ([regex]::Matches($hostileHtml, '<script\b', 'IgnoreCase')).Count | Should -Be 2
            $hostileHtml | Should -Not -Match '<(img|svg onload|iframe)\b'
            $hostileHtml | Should -Match ([regex]::Escape('&lt;script&gt;window.hmfInjected=1&lt;/script&gt;'))
            $hostileHtml | Should -Match ([regex]::Escape('CMHYBD01\Evil&quot;&gt;&lt;iframe srcdoc=&quot;&lt;script&gt;window.hmfInjected=5&lt;/script&gt;&quot;&gt;'))
            $hostileHtml | Should -Match ([regex]::Escape('=HYPERLINK(&quot;http://evil.example/&quot;,&quot;x&quot;)'))
            $json = [regex]::Match($hostileHtml, '<script type="application/json" id="hmf-examples">(.*?)</script>', 'Singleline').Groups[1].Value
            $json | Should -Not -Match '[<>&\u2028\u2029]'
            $json | Should -Match ([regex]::Escape('\u003c/script\u003e\u003cscript\u003ewindow.hmfInjected=6'))
            $json | Should -Match ([regex]::Escape('\u2028'))
            $examples = ($json | ConvertFrom-Json).examples
            $subjects = @($examples | ForEach-Object { $_.details } | Where-Object { $_[0] -eq 'MessageSubject' } | ForEach-Object { $_[1] })
            $subjects | Should -Be @($hostile.Subject)
            @($examples.lines) -join "`n" | Should -Match ([regex]::Escape($hostile.ImageReply.Replace('"', '""')))
        }

        It 'shows the text as written and runs nothing, in Chromium' {
            if (-not $onLinux) { Set-ItResult -Skipped -Because $notInBrowser; return }
            $browser = Start-TestChromium -Executable (Get-TestChromium) -WorkFolder $TestDrive
            try {
                $url = Open-TestPage $browser $hostileReport.Path
                $read = "Array.from(document.querySelectorAll('td, dd, code, pre span')).map(function (e) { return e.textContent; })"
                $texts = New-Object System.Collections.Generic.List[string]
                $texts.AddRange([string[]]@(Invoke-PageScript $browser $read))
                $buttons = Invoke-PageScript $browser 'document.querySelectorAll("button.show-example").length'
                $buttons | Should -Be ($hostileSessions.Count + 1)
                foreach ($button in 0..($buttons - 1)) {
                    Invoke-PageClick $browser "button.show-example[data-example=`"$button`"]"
                    $texts.AddRange([string[]]@(Invoke-PageScript $browser $read))
                }
                Get-PageProblems $browser | Should -BeNullOrEmpty
                @(Get-PageRequests $browser) | Should -Be @($url)
                Invoke-PageScript $browser 'typeof window.hmfInjected' | Should -Be 'undefined'
                Invoke-PageScript $browser 'document.querySelectorAll("img, iframe, svg[onload]").length' | Should -Be 0
                Invoke-PageScript $browser 'document.scripts.length' | Should -Be 2
                Invoke-PageScript $browser 'Array.from(document.querySelectorAll("*")).some(function (e) { return Array.from(e.attributes).some(function (a) { return /^on/i.test(a.name); }); })' | Should -BeFalse
                $written = @($hostileSessions.RemoteHost) + @($hostileSessions.OutcomeText) + @($hostileSessions.ConnectorId | Select-Object -Unique) +
                    @($hostileSessions.MailFrom | Where-Object { $_ }) + @($hostileEvent.MessageSubject, $hostileEvent.Sender, $hostileEvent.RecipientStatus[0])
                foreach ($value in $written) {
                    $texts | Should -Contain $value -Because "'$value' shows as written"
                }
                foreach ($name in 'ScriptEhlo', 'FormulaEhlo', 'PlusEhlo', 'MinusEhlo', 'AtEhlo', 'ImageReply', 'Connector', 'Subject', 'Status') {
                    $written | Should -Contain $hostile[$name]
                }
                $null = Save-PageScreenshot $browser (Join-Path $screenshots 'hostile.png')
            } finally {
                Stop-TestChromium $browser
            }
        }
    }

    Context 'A large generated set' {
        BeforeAll {
            $script:large = Join-Path $TestDrive 'large'
            New-GeneratedLogs $large 6000
            $script:largeSessions = @(Get-HybridSmtpSession -Path $large)
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $script:largeReport = Export-HybridMailFlowReport -Path (Join-Path $TestDrive 'large.html') -SmtpLogPath $large
            $script:largeSeconds = $clock.Elapsed.TotalSeconds
            $script:largeHtml = Read-Report $largeReport.Path
            $script:remoteName = { if ($_.RemoteHost -and -not $_.RemoteHost.StartsWith('[', [System.StringComparison]::Ordinal)) { $_.RemoteHost } else { $_.RemoteAddress } }
        }

        It 'counts every session, while the page keeps a few examples and the largest rows' {
            $largeSessions.Count | Should -Be 6000
            $largeReport.Sessions | Should -Be 6000
            foreach ($outcome in $largeSessions | Group-Object Outcome) {
                Get-TableCount $largeHtml 'tbl-outcomes' $outcome.Name | Should -Be $outcome.Count
            }
            foreach ($rule in Get-FailedSessions $largeSessions | Group-Object { $_.Diagnosis[0].RuleId }) {
                Get-Figure $largeHtml "failures.rule.$($rule.Name)" | Should -Be $rule.Count
            }
            $remotes = @($largeSessions | Group-Object $remoteName).Count
            $remotes | Should -BeGreaterThan 500
            $largeHtml | Should -Match ('500 of ' + $remotes.ToString('N0', [cultureinfo]::InvariantCulture) + ' shown')
            ([regex]::Matches($largeHtml, 'class="show-example"')).Count | Should -BeLessOrEqual (5 * $largeReport.Diagnoses)
        }

        It 'stays small enough to mail, and quick' {
            $largeBytes = (Get-ChildItem -LiteralPath $large -Recurse -File | Measure-Object Length -Sum).Sum
            $largeBytes | Should -BeGreaterThan 10MB
            $largeReport.Length | Should -BeLessThan 1MB
            $largeSeconds | Should -BeLessThan 60
        }

        It 'opens in Chromium with the same numbers, and sorts and filters its tables by mouse and keyboard' {
            if (-not $onLinux) { Set-ItResult -Skipped -Because $notInBrowser; return }
            $browser = Start-TestChromium -Executable (Get-TestChromium) -WorkFolder $TestDrive
            try {
                $url = Open-TestPage $browser $largeReport.Path
                Get-PageProblems $browser | Should -BeNullOrEmpty
                @(Get-PageRequests $browser) | Should -Be @($url)
                Invoke-PageScript $browser 'Number(document.querySelector("[data-figure=\"sessions.total\"]").dataset.value)' | Should -Be 6000

                # Sessions per remote host, largest first after two clicks on the header.
                Invoke-PageClick $browser '#tbl-remote-hosts th:nth-child(5) button'
                Invoke-PageClick $browser '#tbl-remote-hosts th:nth-child(5) button'
                Invoke-PageScript $browser 'document.querySelector("#tbl-remote-hosts th:nth-child(5)").getAttribute("aria-sort")' | Should -Be 'descending'
                $column = @(Invoke-PageScript $browser 'Array.from(document.querySelectorAll("#tbl-remote-hosts tbody tr")).map(function (r) { return Number(r.cells[4].dataset.value); })')
                $column.Count | Should -Be 500
                $column | Should -Be @($column | Sort-Object -Descending)
                $column[0] | Should -Be (($largeSessions | Group-Object $remoteName | Measure-Object Count -Maximum).Maximum)

                Invoke-PageClick $browser 'input.filter[data-table="tbl-remote-hosts"]'
                Invoke-PageTyping $browser 'lb01.'
                $visible = @(Invoke-PageScript $browser 'Array.from(document.querySelectorAll("#tbl-remote-hosts tbody tr")).filter(function (r) { return !r.hidden; }).map(function (r) { return r.cells[0].textContent + "=" + r.cells[4].dataset.value; })')
                $visible | Should -Be @('lb01.cloudmonkeys.xyz=' + @($largeSessions | Where-Object RemoteHost -EQ 'lb01.cloudmonkeys.xyz').Count)
                Invoke-PageScript $browser 'document.querySelector(".row-count[data-table=\"tbl-remote-hosts\"]").textContent' | Should -Be '1 of 500 rows'
                $null = Save-PageScreenshot $browser (Join-Path $screenshots 'large.png')
            } finally {
                Stop-TestChromium $browser
            }
        }
    }

    Context 'The samples report in Chromium' {
        BeforeAll {
            $script:sampleSessions = @(Get-HybridSmtpSession -Path $samples)
            $script:sampleReport = Export-HybridMailFlowReport -Path (Join-Path $TestDrive 'samples-browser.html') -SmtpLogPath $samples
            $script:browser = $null
            if ($onLinux) {
                $executable = Get-TestChromium
                if (-not $executable) { throw $script:ChromiumMissing }
                $script:browser = Start-TestChromium -Executable $executable -WorkFolder $TestDrive
                $script:pageUrl = Open-TestPage $browser $sampleReport.Path
            }
        }

        AfterAll {
            Stop-TestChromium $browser
        }

        It 'loads with no error in the console and asks for nothing but itself' {
            if (-not $onLinux) { Set-ItResult -Skipped -Because $notInBrowser; return }
            Get-PageProblems $browser | Should -BeNullOrEmpty
            @(Get-PageRequests $browser) | Should -Be @($pageUrl)
            Invoke-PageScript $browser 'document.title' | Should -BeLike 'Mail flow report, *'
        }

        It 'shows the numbers the sessions give' {
            if (-not $onLinux) { Set-ItResult -Skipped -Because $notInBrowser; return }
            $figures = Invoke-PageScript $browser 'Array.from(document.querySelectorAll("[data-figure]")).reduce(function (all, e) { all[e.dataset.figure] = e.dataset.value; return all; }, {})'
            $failed = Get-FailedSessions $sampleSessions
            $figures.'sessions.total' | Should -Be $sampleSessions.Count
            $figures.'sessions.failed' | Should -Be $failed.Count
            foreach ($rule in $failed | Group-Object { $_.Diagnosis[0].RuleId }) {
                $figures."failures.rule.$($rule.Name)" | Should -Be $rule.Count
            }
            $rows = @(Invoke-PageScript $browser 'Array.from(document.querySelectorAll("#tbl-outcomes tbody tr")).map(function (r) { return r.cells[0].textContent + "=" + r.cells[1].dataset.value; })')
            $rows | Sort-Object | Should -Be @($sampleSessions | Group-Object Outcome | ForEach-Object { "$($_.Name)=$($_.Count)" } | Sort-Object)
        }

        It 'sorts a table when its header is clicked, and filters it by what is typed' {
            if (-not $onLinux) { Set-ItResult -Skipped -Because $notInBrowser; return }
            $read = 'Array.from(document.querySelectorAll("#tbl-connectors tbody tr")).filter(function (r) { return !r.hidden; }).map(function (r) { return r.cells[0].textContent + "=" + r.cells[3].dataset.value; })'
            $byConnector = @($sampleSessions | Group-Object ConnectorId)
            $counts = @($byConnector | ForEach-Object { $_.Count })
            Invoke-PageClick $browser '#tbl-connectors th:nth-child(4) button'
            $ascending = @(Invoke-PageScript $browser $read)
            @($ascending | ForEach-Object { [int]($_ -split '=')[-1] }) | Should -Be @($counts | Sort-Object)
            Invoke-PageClick $browser '#tbl-connectors th:nth-child(4) button'
            $descending = @(Invoke-PageScript $browser $read)
            @($descending | ForEach-Object { [int]($_ -split '=')[-1] }) | Should -Be @($counts | Sort-Object -Descending)
            $largest = $byConnector | Sort-Object Count -Descending | Select-Object -First 1
            $descending[0] | Should -Be ('{0}={1}' -f $largest.Name, $largest.Count)

            Invoke-PageClick $browser 'input.filter[data-table="tbl-connectors"]'
            Invoke-PageTyping $browser 'cmedge01'
            $edge = @($sampleSessions | Where-Object { $_.Server -eq 'CMEDGE01' } | Group-Object ConnectorId | ForEach-Object { '{0}={1}' -f $_.Name, $_.Count })
            @(Invoke-PageScript $browser $read) | Sort-Object | Should -Be @($edge | Sort-Object)
            Invoke-PageScript $browser 'document.querySelector(".row-count[data-table=\"tbl-connectors\"]").textContent' | Should -Be ('{0} of {1} rows' -f $edge.Count, $byConnector.Count)
        }

        It 'shows an example''s session lines with the line that decided it marked' {
            if (-not $onLinux) { Set-ItResult -Skipped -Because $notInBrowser; return }
            $session = $sampleSessions | Where-Object { $_.Diagnosis.Count -gt 0 -and $_.Diagnosis[0].RuleId -eq 'HMF-PRX2' }
            Invoke-PageClick $browser 'article[data-rule="HMF-PRX2"] button.show-example'
            $deciding = Invoke-PageScript $browser 'document.querySelector("article[data-rule=\"HMF-PRX2\"] .example-detail:not([hidden]) pre span.deciding").textContent'
            $deciding | Should -BeLike ('{0}:{1}  *' -f (Split-Path $session.OutcomePath -Leaf), $session.OutcomeLine)
            $deciding | Should -BeLike "*$($session.OutcomeText.Trim())*"
            $lines = @(Invoke-PageScript $browser 'Array.from(document.querySelectorAll("article[data-rule=\"HMF-PRX2\"] .example-detail pre span")).map(function (e) { return e.textContent; })')
            $lines.Count | Should -Be $session.LineCount
            Get-PageProblems $browser | Should -BeNullOrEmpty
        }

        It 'prints the charts and tables, in colour, without the filters and buttons' {
            if (-not $onLinux) { Set-ItResult -Skipped -Because $notInBrowser; return }
            $null = Send-DevTools $browser 'Emulation.setEmulatedMedia' @{ media = 'print' }
            try {
                Invoke-PageScript $browser 'getComputedStyle(document.querySelector(".table-tools")).display' | Should -Be 'none'
                Invoke-PageScript $browser 'getComputedStyle(document.querySelector("button.show-example")).display' | Should -Be 'none'
                Invoke-PageScript $browser 'getComputedStyle(document.body).printColorAdjust' | Should -Be 'exact'
                Invoke-PageScript $browser 'document.querySelector("#chart-sessions svg").getBoundingClientRect().height > 100' | Should -BeTrue
                $pdf = Send-DevTools $browser 'Page.printToPDF' @{ printBackground = $true }
                $bytes = [Convert]::FromBase64String($pdf.data)
                [System.Text.Encoding]::ASCII.GetString($bytes, 0, 5) | Should -Be '%PDF-'
                [System.IO.File]::WriteAllBytes((Join-Path $screenshots 'samples.pdf'), $bytes)
            } finally {
                $null = Send-DevTools $browser 'Emulation.setEmulatedMedia' @{ media = '' }
            }
        }

        It 'saves a screenshot of the whole page with the test output' {
            if (-not $onLinux) { Set-ItResult -Skipped -Because $notInBrowser; return }
            $shot = Save-PageScreenshot $browser (Join-Path $screenshots 'samples.png')
            $bytes = [System.IO.File]::ReadAllBytes($shot.FullName)
            $shot.Length | Should -BeGreaterThan 50KB
            ($bytes[1..3] | ForEach-Object { [char]$_ }) -join '' | Should -Be 'PNG'
        }
    }
}
