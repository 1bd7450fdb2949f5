@{
    Synopsis    = 'Reads Exchange SMTP protocol-log lines as typed objects.'
    Description = @(
        'Get-HybridSmtpLogEntry returns one object per line of SMTP Receive and SMTP Send protocol logs: the time (DateTime, local; DateTimeUtc), server, connector, session id, sequence number, local and remote endpoint (address and port apart), event, data and context, with the file and line number it came from. A failure line carries the diagnosis of its text.'
        'The schema of each file is its #Fields line. A folder given to -Path or -LiteralPath means every RECV*.LOG and SEND*.LOG file under it; without a path, the protocol-log folders of this Exchange server are read (see Find-HybridLogPath). Session filters (-Outcome, -Sender, -Recipient, -RemoteAddress, -Connector) return the lines of the sessions that match. A line that cannot be read is a non-terminating error naming the file and line; the rest is still read.'
    )
    Parameters  = @{
        Path          = 'Protocol log files or folders. Wildcards are expanded. A folder means every RECV*/SEND* .LOG file under it.'
        LiteralPath   = 'Protocol log files or folders, used exactly as written (no wildcards). Get-ChildItem and Find-HybridLogPath output binds to it.'
        Start         = 'Only lines at or after this time. Local time unless the DateTime is of kind Utc, as on every command of this module; the times of the objects are local too (with their UTC twins).'
        End           = 'Only lines before this time: up to, but not including it, as on every command of this module.'
        Tail          = 'Only the last N lines, read from the newest files back, like Get-Content -Tail.'
        Wait          = 'After the existing lines, keeps reading the newest file as Exchange writes it, through the hourly roll to the next file, until Ctrl+C.'
        SessionId     = 'Only the lines of these session ids.'
        RemoteAddress = 'Only the lines of sessions with a remote address equal to one of these addresses or inside one of these CIDR ranges.'
        Connector     = 'Only lines of connectors whose id matches: a wildcard pattern, or without wildcards any part of the id.'
        Outcome       = 'Only the lines of sessions with one of these outcomes.'
        Sender        = 'Only the lines of sessions with a MAIL FROM address that matches, exactly or as a wildcard pattern.'
        Recipient     = 'Only the lines of sessions with a RCPT TO address that matches, exactly or as a wildcard pattern.'
        ComputerName  = 'Exchange servers to run the command on, through PowerShell remoting (Invoke-Command; WinRM, as the Exchange Management Shell uses): each server reads its own logs (without -Path, the folders Find-HybridLogPath finds there; with -Path, paths on the server), applies every filter there, and only the matching objects travel back, merged in time order, each with the server in PSComputerName. HybridMailFlow of the same version must be installed on each server. Bound from the pipeline: the Fqdn of Get-ExchangeServer objects, the Name of Get-TransportService, Get-FrontendTransportService and Get-MailboxTransportService objects. A server that cannot be reached or used is a non-terminating error naming it and the fix; the others go on.'
        TransportServiceLogPath = 'Not for typing: bound from the ReceiveProtocolLogPath of a transport service object in the pipeline, it marks the object as a server, named by its Name (see -ComputerName).'
        PipelineName = 'Not for typing: the Name of the pipeline object, the server when the object is a transport service (see -ComputerName).'
        Session       = 'Open PowerShell sessions (New-PSSession: WinRM, SSH or any other transport) to run the command in, as with -ComputerName.'
        Credential    = 'With -ComputerName: the account to connect with (default: the current user). Reading the logs needs local administrator rights on the server.'
        ThrottleLimit = 'How many servers are read at once (Invoke-Command''s -ThrottleLimit). The default is 32.'
    }
    Outputs     = @{
        'HybridMailFlow.SmtpLogEntry' = 'One object per protocol-log line, with Path and LineNumber.'
    }
    Examples    = @(
        @{
            Title   = 'The last lines, as Get-Content -Tail would show them'
            Code    = 'Get-HybridSmtpLogEntry -Path .\RECV2026050106-1.LOG -Tail 30'
            Remarks = 'Returns the last 30 lines of the file as objects.'
        }
        @{
            Title   = 'Every line of one session'
            Code    = 'Get-ChildItem .\Hub\ProtocolLog\SmtpSend -Filter *.LOG | Get-HybridSmtpLogEntry -SessionId 08DEA74796A6F102 | Format-Table DateTime, Event, Data, Context -Wrap'
            Remarks = 'Reads the files piped from Get-ChildItem and shows the lines of one send session.'
        }
        @{
            Title   = 'The lines of one session, wherever it ran'
            Code    = 'Get-HybridSmtpLogEntry -ComputerName CMHYBD01, CMHYBD02 -SessionId 08DEA74796A6F102'
            Remarks = 'Each server reads its own protocol logs; only the lines of that session come back.'
        }
    )
    Links       = @('Get-HybridSmtpSession', 'Find-HybridLogPath', 'about_HybridMailFlow')
}
