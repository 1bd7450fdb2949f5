@{
    Synopsis    = 'Reads Exchange message tracking logs as the objects Get-MessageTrackingLog returns, on any computer, with the diagnosis of failures.'
    Description = @(
        'Get-HybridMessageTrackingLog reads message tracking logs (MSGTRK, MSGTRKMA, MSGTRKMD and MSGTRKMS files of Exchange 2010 to 2019) and returns one object per event, with the property names and types of Get-MessageTrackingLog, so that scripts written for it keep working, on the server or on logs copied to any computer. The columns of each file come from its own #Fields line (26, 27 or 30 fields). The files of each folder and prefix are merged by row time, so the events of a message come out in the order they happened.'
        'Beyond the properties of Get-MessageTrackingLog, each event has the file and line of its row, the lists joined as text (RecipientsText, RecipientStatusText, ReferenceText, EventDataText), the bracketed recipient statuses taken apart (RecipientStatusDetails, StatusLED, StatusMSG, StatusFQDN, StatusIP, StatusLRT), the message-info latency taken apart (OriginationTime, LatencyComponents, LatencyTotalSeconds), and, on FAIL, DEFER, DROP and the other failure events, a Diagnosis: what the error means, its likely causes and the fix. A DSN carries the diagnosis of the failure it reports.'
        'Every filter is applied by the engine to the raw rows before any object is created, and -Start and -End skip whole files by their names and #Date. Without a path, the message tracking folder of this Exchange server is read (see Find-HybridLogPath). A line that cannot be read is a non-terminating error naming the file and line; the rest is still read, and -Verbose counts what each file held and skipped.'
    )
    Parameters  = @{
        Path              = 'Message tracking log files or folders. Wildcards are expanded. A folder means every MSGTRK*.LOG file under it.'
        LiteralPath       = 'Message tracking log files or folders, used exactly as written (no wildcards). Get-ChildItem and Find-HybridLogPath output binds to it.'
        Start             = 'Only events at or after this time. Local time unless the DateTime is of kind Utc, as on every command of this module; the times of the objects are local too (with their UTC twins).'
        End               = 'Only events before this time: up to, but not including it, as Get-MessageTrackingLog documents.'
        EventId           = 'Only events with one of these event ids (RECEIVE, SEND, DELIVER, FAIL, DEFER, DSN, ...), without regard to case.'
        Source            = 'Only events from one of these sources (SMTP, STOREDRIVER, AGENT, ROUTING, ...), without regard to case.'
        Sender            = 'Only events whose sender address is this address, whole, without regard to case.'
        Recipients        = 'Only events with one of these recipient addresses, each compared whole, without regard to case.'
        MessageSubject    = 'Only events whose subject contains this text, without regard to case.'
        MessageId         = 'Only events of the message with this Message-ID, with or without its angle brackets.'
        InternalMessageId = 'Only events with this internal message id (a number each server gives a message).'
        NetworkMessageId  = 'Only events with this network message id (the GUID a message keeps across servers), written with or without dashes or braces, without regard to case.'
        Reference         = 'Only events with this value in their Reference field (a DSN''s is the message id of the message it reports), whole, without regard to case; angle brackets optional.'
        TransportTrafficType = 'Only events with this TransportTrafficType (Email, ...), whole, without regard to case.'
        DomainController  = 'Accepted so that scripts written for Get-MessageTrackingLog run unchanged, and ignored (-Verbose says so): the logs are read from their files, not through Active Directory.'
        Server            = 'Only the events of this server: the one named by the folder a copied log is in (for example D:\Case\CMHYBD01\MessageTracking), else the server-hostname of each row. A short name matches its FQDN.'
        ResultSize        = 'At most this many events: a number, or Unlimited (the default; reading files puts no load on a server).'
        ComputerName      = 'Exchange servers to run the command on, through PowerShell remoting (Invoke-Command; WinRM, as the Exchange Management Shell uses): each server reads its own logs (without -Path, the folders Find-HybridLogPath finds there; with -Path, paths on the server), applies every filter there, and only the matching objects travel back, merged in time order, each with the server in PSComputerName. HybridMailFlow of the same version must be installed on each server. Bound from the pipeline: the Fqdn of Get-ExchangeServer objects, the Name of Get-TransportService, Get-FrontendTransportService and Get-MailboxTransportService objects. A server that cannot be reached or used is a non-terminating error naming it and the fix; the others go on.'
        TransportServiceLogPath = 'Not for typing: bound from the ReceiveProtocolLogPath of a transport service object in the pipeline, it marks the object as a server, named by its Name (see -ComputerName).'
        PipelineName = 'Not for typing: the Name of the pipeline object, the server when the object is a transport service (see -ComputerName).'
        Session           = 'Open PowerShell sessions (New-PSSession: WinRM, SSH or any other transport) to run the command in, as with -ComputerName.'
        Credential        = 'With -ComputerName: the account to connect with (default: the current user). Reading the logs needs local administrator rights on the server.'
        ThrottleLimit     = 'How many servers are read at once (Invoke-Command''s -ThrottleLimit). The default is 32.'
    }
    Outputs     = @{
        'HybridMailFlow.MessageTrackingEvent' = 'One object per event, with the properties of Get-MessageTrackingLog and more. Every list exports to CSV as its values.'
    }
    Examples    = @(
        @{
            Title   = 'The bundled samples: a refused message and its DSN'
            Code    = "Get-HybridMessageTrackingLog -Path ./samples -Reference '<7d4e2a91c3b84f5e9a6d1c0b8e2f4a36@CMHYBD01.cloudmonkeys.xyz>'; Get-HybridMessageTrackingLog -Path ./samples -EventId FAIL | ForEach-Object { `$_.Diagnosis[0].Title }"
            Remarks = 'Run from the repository: the DSN that reports the message Spamhaus refused, found by its Reference, and what the failure means.'
        }
        @{
            Title   = 'What happened to the mail of one sender'
            Code    = "Get-HybridMessageTrackingLog -Path .\CMHYBD01\MessageTracking -Sender raghu@cloudmonkeys.xyz -Start (Get-Date).AddHours(-2) |`n    Select-Object Timestamp, EventId, Source, RecipientsText, StatusLED"
            Remarks = 'Reads logs copied from CMHYBD01 and shows every event of the messages raghu sent in the last two hours, with the recipients and the error of any failure.'
        }
        @{
            Title   = 'Why mail failed or waits'
            Code    = "Get-HybridMessageTrackingLog -EventId FAIL, DEFER -Start (Get-Date).AddDays(-1) | ForEach-Object { `$_.Diagnosis[0] } | Format-List"
            Remarks = 'On an Exchange server: the failures and deferrals of the last day, with what each error means and how to fix it.'
        }
        @{
            Title   = 'An export that keeps the recipients'
            Code    = "Get-ChildItem .\logs -Filter 'MSGTRK*.LOG' | Get-HybridMessageTrackingLog -EventId FAIL | Export-Csv failed.csv -NoTypeInformation"
            Remarks = 'Recipients, RecipientStatus, Reference and EventData are written as their values, not System.String[].'
        }
        @{
            Title   = 'Every transport server of the organization'
            Code    = "Get-TransportService | Get-HybridMessageTrackingLog -MessageId '<20260501091500.4411@mta.fabrikam.example>'"
            Remarks = 'In the Exchange Management Shell: each transport service''s server searches its own tracking logs through PowerShell remoting (HybridMailFlow installed there); the events come back in time order. Logs of a server without the module are read through its admin share: -Path \\CMEDGE01\C$\...'
        }
        @{
            Title   = 'A message''s tracking events on every server'
            Code    = 'Get-HybridMessageTrackingLog -ComputerName (Get-TransportService).Name -MessageId ''<0f1e2d3c4b5a69788796a5b4c3d2e1f0@CMHYBD01.cloudmonkeys.xyz>'''
            Remarks = 'Each server searches its own tracking logs; the events of all servers come back in time order, each with its server in PSComputerName.'
        }
    )
    Links       = @('Get-HybridMailFlowSummary', 'Find-HybridLogPath', 'Resolve-HybridSmtpError', 'Get-HybridSmtpSession', 'about_HybridMailFlow')
}
