@{
    Synopsis    = 'A quick summary of mail flow: counts by event, source, connector, remote host, error and hour, top senders and recipients, failures with their diagnosis, latency percentiles.'
    Description = @(
        'Get-HybridMailFlowSummary counts message tracking events or SMTP sessions as they stream by and returns the rows of one table, each with a Category, a Name, a Count, a Percent of the category''s whole, for latency rows the Seconds, and a Detail. It reads well as a table and exports to one CSV.'
        'Categories: Total (events or sessions with the time span, distinct messages, failures), EventId and Source (tracking events), Outcome and Role (sessions), Connector, RemoteHost (the client of SMTP RECEIVE, the server of SMTP SEND, a session''s remote host), ErrorCode (550 5.7.1), Failure (by error text, with the diagnosis in Detail), Sender and Recipient (by the number of messages), Hour (local time), and Latency (p50, p90, p99 and max of the end-to-end latency, of each message-info stage such as TOTAL-HUB, and of session durations).'
        'Input comes from the pipeline: this module''s tracking events and SMTP sessions, Get-MessageTrackingLog objects (live, deserialized or re-imported with Import-Csv; recognised by their EventId, Source and Timestamp), or log files from Get-ChildItem. With -Path it reads message tracking logs itself; alone with -Start or -End, this server''s own (as Find-HybridLogPath finds them); with -ComputerName or -Session, each server counts its own tracking logs and only the counts travel, added up here into the summary one read of all the logs would give.'
    )
    Parameters  = @{
        InputObject = 'Tracking events (HybridMailFlow.MessageTrackingEvent or Get-MessageTrackingLog objects), SMTP sessions (HybridMailFlow.SmtpSession), or message tracking logs and folders (Get-ChildItem, Find-HybridLogPath -LogKind MessageTracking); usually from the pipeline.'
        Path        = 'Message tracking log files or folders to summarize. Wildcards are expanded.'
        LiteralPath = 'Message tracking log files or folders, used exactly as written (no wildcards).'
        Start       = 'With -Path, -LiteralPath or -ComputerName (or alone, this server''s own logs): only events at or after this time (local time unless the DateTime is of kind Utc, as on every command of this module).'
        End         = 'With -Path, -LiteralPath or -ComputerName (or alone, this server''s own logs): only events before this time (up to, but not including it).'
        Top         = 'How many rows each ranked category gives (connectors, remote hosts, error codes, failures, senders, recipients). The default is 10.'
        ComputerName = 'Exchange servers to run the command on, through PowerShell remoting (Invoke-Command; WinRM, as the Exchange Management Shell uses): each server reads its own logs (without -Path, the folders Find-HybridLogPath finds there; with -Path, paths on the server), applies every filter there, and only the matching objects travel back, merged in time order, each with the server in PSComputerName. HybridMailFlow of the same version must be installed on each server. Bound from the pipeline: the Fqdn of Get-ExchangeServer objects, the Name of Get-TransportService, Get-FrontendTransportService and Get-MailboxTransportService objects. A server that cannot be reached or used is a non-terminating error naming it and the fix; the others go on.'
        TransportServiceLogPath = 'Not for typing: bound from the ReceiveProtocolLogPath of a transport service object in the pipeline, it marks the object as a server, named by its Name (see -ComputerName).'
        PipelineName = 'Not for typing: the Name of the pipeline object, the server when the object is a transport service (see -ComputerName).'
        Session     = 'Open PowerShell sessions (New-PSSession: WinRM, SSH or any other transport) to run the command in, as with -ComputerName.'
        Credential  = 'With -ComputerName: the account to connect with (default: the current user). Reading the logs needs local administrator rights on the server.'
        ThrottleLimit = 'How many servers are read at once (Invoke-Command''s -ThrottleLimit). The default is 32.'
        PartialResult = 'Used on each server by -ComputerName and -Session: the server''s counts, for the asking computer to add up, rather than rows. Not for interactive use.'
    }
    Outputs     = @{
        'HybridMailFlow.MailFlowSummaryRow' = 'One row per count or percentile, in the order of the categories.'
    }
    Examples    = @(
        @{
            Title   = 'The quick summary of mail flow of the last hour'
            Code    = 'Get-HybridMessageTrackingLog -Start (Get-Date).AddHours(-1) | Get-HybridMailFlowSummary'
            Remarks = 'On an Exchange server: what the lab guide''s Get-MessageTrackingLog | Group-Object EventId gives, and the connectors, remote hosts, errors, top senders and recipients, failures and latency of the same hour.'
        }
        @{
            Title   = 'A summary of copied logs, for the ticket'
            Code    = 'Get-HybridMailFlowSummary -Path .\case-1234\CMHYBD01\MessageTracking -Top 20 | Export-Csv summary.csv -NoTypeInformation'
            Remarks = 'Reads the tracking logs of a case and exports the summary with the 20 biggest rows of each ranked category.'
        }
        @{
            Title   = 'What Get-MessageTrackingLog returns, summarized'
            Code    = "Get-MessageTrackingLog -Start (Get-Date).AddHours(-4) -ResultSize Unlimited | Get-HybridMailFlowSummary | Where-Object Category -in 'Failure', 'ErrorCode'"
            Remarks = 'The objects of Exchange''s own cmdlet work too: the failures of the last four hours by error, each with its diagnosis.'
        }
        @{
            Title   = 'SMTP sessions by outcome and remote host'
            Code    = 'Get-HybridSmtpSession -Path .\CMHYBD01 | Get-HybridMailFlowSummary | Format-Table'
            Remarks = 'Sessions are counted by outcome, role, connector, remote host and error, with the percentiles of their durations.'
        }
        @{
            Title   = 'One summary of the whole organization''s last day'
            Code    = 'Get-HybridMailFlowSummary -ComputerName (Get-TransportService).Name -Start (Get-Date).AddDays(-1)'
            Remarks = 'Each server counts its own tracking logs and sends back only its counts; they add up here into one summary, as if one computer had read every server''s logs.'
        }
    )
    Links       = @('Get-HybridMessageTrackingLog', 'Get-HybridSmtpSession', 'about_HybridMailFlow')
}
