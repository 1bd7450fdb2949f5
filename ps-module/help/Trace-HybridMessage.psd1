@{
    Synopsis    = 'One ordered timeline per message and recipient across on-premises message tracking logs, SMTP protocol logs and Exchange Online trace: where the message is now, why, and what looks wrong.'
    Description = @(
        'Trace-HybridMessage follows a message through a hybrid: FrontEnd, Hub and Edge transport on-premises and Exchange Online, in both directions and on the Internet legs. It reads any mix of message tracking logs (-TrackingLogPath), SMTP protocol logs (-ProtocolLogPath) and Exchange Online trace (-MessageTrace: export files of Get-MessageTrace(V2), Get-MessageTraceDetail(V2) and the admin center, or their objects), and joins the hops by Message-ID, by the InternalId that a 250 2.6.0 ... [InternalId=...] reply hands from one server to the next, by NetworkMessageId, and by time where a hop carries no id (an SMTP session refused before DATA, found by its sender next to Exchange Online''s deferral).'
        'Each timeline (HybridMailFlow.MessageTimeline) says where the message is: DeliveredOnPremises, DeliveredInExchangeOnline, SentToInternet, Queued (at a server, with the error), Failed (at a hop, with the error and its diagnosis) or Unknown after its last hop; and flags gaps: a hop that a previous server handed the message to but that never logged it (MissingHop), a hop slower than -SlowThreshold (SlowHop), and servers whose clocks disagree on a hand-over (ClockSkew). Its Hops (HybridMailFlow.TimelineHop) carry the time (Time, local; TimeUtc), server, component (FrontEnd, Hub, Edge, Mailbox, Exchange Online), connector, event, latency since the previous hop, status, the SMTP session, the InternalIds, the error with its rule and how the hop was joined.'
        'Speed: every log file is first searched for the ids as bytes, without parsing; only the files that hold them are parsed, with the engine''s id filters, and protocol logs are rebuilt only for the sessions whose lines carry an id. -Verbose tells how much was searched and parsed.'
    )
    Parameters  = @{
        MessageId        = 'Message-IDs to trace, with or without angle brackets.'
        NetworkMessageId = 'NetworkMessageIds to trace (Exchange Online''s MessageTraceId, the network-message-id of tracking logs).'
        Sender           = 'Trace the messages of these senders found in the trace or the tracking logs; wildcards allowed. Use -Start and -End for the window.'
        Recipient        = 'Trace the messages to these recipients; wildcards allowed.'
        Start            = 'With -Sender or -Recipient: messages at or after this time (local time unless the DateTime is of kind Utc, as on every command of this module).'
        End              = 'With -Sender or -Recipient: messages before this time (up to, but not including it).'
        TrackingLogPath  = 'Message tracking log files or folders, of one server or several (wildcards allowed).'
        ProtocolLogPath  = 'SMTP protocol log files or folders (FrontEnd, Hub, Edge; several servers; wildcards allowed).'
        MessageTrace     = 'Exchange Online trace: export files (paths or Get-ChildItem objects) or objects of Get-MessageTraceV2, Get-MessageTraceDetailV2 or Import-HybridMessageTrace.'
        InputObject      = 'Objects that name a message by their MessageId: this module''s trace and tracking events, Get-MessageTraceV2 and Get-MessageTrackingLog objects. Exchange Online trace objects also count as trace input.'
        SlowThreshold    = 'A hop that comes later than this after the previous hop is flagged as SlowHop. The default is five minutes.'
        ComputerName     = 'Exchange servers to run the command on, through PowerShell remoting (Invoke-Command; WinRM, as the Exchange Management Shell uses): each server reads its own logs (without -Path, the folders Find-HybridLogPath finds there; with -Path, paths on the server), applies every filter there, and only the matching objects travel back, merged in time order, each with the server in PSComputerName. HybridMailFlow of the same version must be installed on each server. Bound from the pipeline: the Fqdn of Get-ExchangeServer objects, the Name of Get-TransportService, Get-FrontendTransportService and Get-MailboxTransportService objects. A server that cannot be reached or used is a non-terminating error naming it and the fix; the others go on.'
        Evidence = 'Used on each server by -ComputerName and -Session: the lines of the server''s logs the trace uses (HybridMailFlow.TraceEvidence objects), for the computer that asked to trace together with the other servers'' lines. Not for interactive use.'
        TraceData = 'Used on each server by -ComputerName and -Session, with -Evidence: the Exchange Online trace given to the computer that asked, which names messages and refused sessions to look for. Not for interactive use.'
        TraceDayFirst = 'Used with -TraceData: the dates of the trace are day first, as in the culture of the computer that asked. Not for interactive use.'
        TransportServiceLogPath = 'Not for typing: bound from the ReceiveProtocolLogPath of a transport service object in the pipeline, it marks the object as a server, named by its Name (see -ComputerName).'
        PipelineName = 'Not for typing: the Name of the pipeline object, the server when the object is a transport service (see -ComputerName).'
        Session          = 'Open PowerShell sessions (New-PSSession: WinRM, SSH or any other transport) to run the command in, as with -ComputerName.'
        Credential       = 'With -ComputerName: the account to connect with (default: the current user). Reading the logs needs local administrator rights on the server.'
        ThrottleLimit    = 'How many servers are read at once (Invoke-Command''s -ThrottleLimit). The default is 32.'
    }
    Outputs     = @{
        'HybridMailFlow.MessageTimeline' = 'One per message and recipient, with its hops (HybridMailFlow.TimelineHop) in time order.'
    }
    Examples    = @(
        @{
            Title   = 'A message of the bundled samples, across Exchange Online, the Edge and the mailbox server'
            Code    = "(Trace-HybridMessage -MessageId '<JH0PR01MB5544C6D7E8F9A0B1@JH0PR01MB5544.apcprd01.prod.outlook.com>' -TrackingLogPath ./samples -ProtocolLogPath ./samples -MessageTrace ./samples/exo/*.csv).Hops | Format-Table Time, Server, Event, Source"
            Remarks = 'Run from the repository: the Exchange Online trace, CMEDGE01''s SMTP session and tracking events, and CMHYBD01''s delivery, in one timeline. An id found nowhere is a warning that names what was searched.'
        }
        @{
            Title   = 'Where is this message?'
            Code    = "Trace-HybridMessage -MessageId '<c1a7e2d94f3b4e0a9d2f6b8a1e3c5d70@CMHYBD01.cloudmonkeys.xyz>' -TrackingLogPath .\case\CMHYBD01, .\case\CMEDGE01 -ProtocolLogPath .\case -MessageTrace .\case\exo\*.csv"
            Remarks = 'The message''s path from the mailbox over the Outbound to Office 365 connector into Exchange Online, with Location DeliveredInExchangeOnline, or where it stopped and why.'
        }
        @{
            Title   = 'The hops as a table, and for the ticket'
            Code    = '$t = Trace-HybridMessage -MessageId $id -TrackingLogPath .\logs -ProtocolLogPath .\logs; $t.Hops | Format-Table; $t.Hops | Export-Csv hops.csv -NoTypeInformation'
            Remarks = 'Each hop with its latency, server, component, status and error; flat for Export-Csv.'
        }
        @{
            Title   = 'From Exchange Online''s own trace'
            Code    = 'Get-MessageTraceV2 -SenderAddress partner@fabrikam.example | Trace-HybridMessage -TrackingLogPath .\logs -ProtocolLogPath .\logs -SlowThreshold 00:01:00'
            Remarks = 'The trace objects name the messages and are read as Exchange Online hops; a deferral and the on-premises session that caused it are joined by time.'
        }
        @{
            Title   = 'Trace a message on every server'
            Code    = 'Trace-HybridMessage ''<0f1e2d3c4b5a69788796a5b4c3d2e1f0@CMHYBD01.cloudmonkeys.xyz>'' -ComputerName CMHYBD01, CMEDGE01'
            Remarks = 'Each server finds the lines of its own tracking and protocol logs that hold the message and sends only those; they are traced here together: one timeline per recipient across the servers, each hop naming its server''s file and line.'
        }
    )
    Links       = @('Import-HybridMessageTrace', 'Get-HybridMessageTrackingLog', 'Get-HybridSmtpSession', 'Resolve-HybridSmtpError')
}
