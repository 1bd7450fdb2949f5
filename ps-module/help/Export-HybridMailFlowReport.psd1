@{
    Synopsis    = 'Writes one HTML report of mail flow, to open offline in any browser and to attach to a ticket: the period and servers, outcomes over time, failures grouped by diagnosis with the fix and examples, traffic, connectors, remote hosts, TLS and certificates, timelines, queues and checks.'
    Description = @(
        'Export-HybridMailFlowReport takes what this module''s commands return, in any mix: SMTP sessions (Get-HybridSmtpSession), message tracking events (Get-HybridMessageTrackingLog, or Get-MessageTrackingLog objects), Exchange Online trace events (Import-HybridMessageTrace, or Get-MessageTraceV2 and Get-MessageTraceDetailV2 objects), timelines (Trace-HybridMessage), queue diagnoses (Get-HybridQueueDiagnosis), checks (Test-HybridReceiveConnector, Test-HybridSendConnector, Test-HybridCertificate, Test-HybridTransportDns, Invoke-HybridMailFlowCheck) and error explanations (Resolve-HybridSmtpError). They come from the pipeline, live or deserialized from a remote session or Import-Clixml (read by property name), or the command reads logs itself with -SmtpLogPath, -TrackingLogPath and -MessageTrace.'
        'Objects are counted as they arrive: the report keeps counters, a few examples per diagnosis and capped table rows, so its memory and its size do not grow with the logs. The file is written when the input ends.'
        'The page shows the period and the servers covered; a chart per kind of input of the outcomes over time (a bar per 5 to 60 minutes, per hour up to 31 days, per day beyond); the failures grouped by diagnosis with what it means, the likely causes, the fix, the commands and references, and examples with the line that decided them (the Details button shows the session''s log lines, the deciding one marked); Exchange Online, Internet and internal traffic; each connector and remote host; the TLS protocols, ciphers and certificates seen, expired and expiring ones flagged; where traced messages stopped and the slowest hops; the queues and the configuration findings. Tables sort when a header is clicked and filter by the text typed above them. Charts are SVG written by the command, and the page prints.'
        'Times are the local time of the computer that writes the report, each with its UTC offset (2026-05-01 06:30:00 +01:00).'
        'The file holds everything it needs (style, script, charts) and loads nothing: its Content-Security-Policy allows no source (default-src ''none''), only its own script and style by their SHA-256, and requires Trusted Types. Every value from the logs is escaped for where it is written (HTML text and attributes, SVG, the JSON of the examples), so EHLO names, addresses, subjects and replies show as written and never run.'
    )
    Parameters  = @{
        Path         = 'The HTML file to write. An existing file is replaced unless -NoClobber is given; its folder must exist.'
        InputObject  = 'What this module''s commands return (see the description), or Get-MessageTrackingLog and Get-MessageTraceV2 objects; live, deserialized or re-imported with Import-Csv. Usually from the pipeline.'
        SmtpLogPath  = 'SMTP protocol log files or folders (SmtpReceive and SmtpSend of any role, several servers at once) to read into sessions, as Get-HybridSmtpSession -Path does. Wildcards are expanded.'
        TrackingLogPath = 'Message tracking log files or folders to read, as Get-HybridMessageTrackingLog -Path does. Wildcards are expanded.'
        MessageTrace = 'Exchange Online trace: export files (paths or Get-ChildItem objects; every format Import-HybridMessageTrace reads) or the objects of Get-MessageTraceV2, Get-MessageTraceDetailV2 or Import-HybridMessageTrace.'
        Start        = 'With -SmtpLogPath and -TrackingLogPath: only sessions and events at or after this time (local time unless the DateTime is UTC). Objects from the pipeline are taken as they are.'
        End          = 'With -SmtpLogPath and -TrackingLogPath: only sessions and events before this time (up to, but not including it).'
        Title        = 'The heading of the report and of the browser tab. The default is "Mail flow report".'
        ExampleCount = 'How many examples each diagnosis shows, the first ones seen (1 to 100; the default is 5). The counts include them all.'
        MaxRows      = 'How many rows the tables of connectors, remote hosts, certificates, messages not delivered and queues show at most, the largest first (the checks table shows four times as many). The default is 500; the figures count every row.'
        ExpiringDays = 'Certificates that expire within this many days of now are flagged as expiring (the default is 30, as Test-HybridCertificate''s).'
        NoClobber    = 'Do not replace an existing file: the command fails instead.'
    }
    Outputs     = @{
        'HybridMailFlow.MailFlowReport' = 'The report written: Path, Length (bytes), what it counted (Sessions, TrackingEvents, TraceEvents, Timelines, Queues, Checks, ErrorTexts, Failures, Diagnoses), Servers, First and Last (UTC) with local companions, and Elapsed.'
    }
    Examples    = @(
        @{
            Title   = 'A report of a server''s logs of the last day'
            Code    = "Export-HybridMailFlowReport -Path .\CMHYBD01-report.html -SmtpLogPath 'C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\FrontEnd\ProtocolLog', 'C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\Hub\ProtocolLog' -TrackingLogPath 'C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\MessageTracking' -Start (Get-Date).AddDays(-1)"
            Remarks = 'Reads the protocol and tracking logs itself and writes one file to mail or attach to the ticket.'
        }
        @{
            Title   = 'Logs collected from several servers, with the Exchange Online trace, on any computer'
            Code    = 'Export-HybridMailFlowReport -Path ./case-1234.html -SmtpLogPath ./case-1234/*/ -TrackingLogPath ./case-1234/*/MessageTracking -MessageTrace ./case-1234/exo/*.csv -Title ''Case 1234: mail from Exchange Online delayed'''
            Remarks = 'Each kind of input gets its chart; failures of every kind are grouped under the same diagnoses.'
        }
        @{
            Title   = 'What the pipeline found, with the queues and the connector checks'
            Code    = "@(Get-HybridSmtpSession -Path .\logs -Outcome TlsFailed, TempFailed; Get-Queue | Get-HybridQueueDiagnosis; Get-ReceiveConnector | Test-HybridReceiveConnector -Certificate (Get-ExchangeCertificate)) | Export-HybridMailFlowReport -Path .\tls-report.html"
            Remarks = 'Any mix of this module''s objects goes into one report.'
        }
        @{
            Title   = 'Where traced messages stopped'
            Code    = 'Get-MessageTraceV2 -SenderAddress partner@fabrikam.example | Trace-HybridMessage -TrackingLogPath .\case -ProtocolLogPath .\case | Export-HybridMailFlowReport -Path .\partner.html'
            Remarks = 'Timelines add where each message is, the messages not delivered and the slowest hops.'
        }
        @{
            Title   = 'Objects from a remote Exchange Management Shell session, kept in a file'
            Code    = 'Import-Clixml .\sessions.xml | Export-HybridMailFlowReport -Path .\report.html -NoClobber'
            Remarks = 'Deserialized objects are read by property name.'
        }
    )
    Links       = @('Get-HybridSmtpSession', 'Get-HybridMessageTrackingLog', 'Import-HybridMessageTrace', 'Trace-HybridMessage', 'Get-HybridMailFlowSummary', 'about_HybridMailFlow')
}
