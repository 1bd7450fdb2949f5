@{
    Synopsis    = 'Rebuilds SMTP sessions from Exchange protocol logs, with TLS, AUTH, messages and the outcome.'
    Description = @(
        'Get-HybridSmtpSession reads SMTP Receive and SMTP Send protocol logs of any transport role (FrontEnd, Hub, Edge, Mailbox Delivery and Submission) and returns one object per SMTP session: its lines grouped by session id across the hourly files and midnight, in time order whatever order the files come in.'
        'Each session has its server, connector, direction, role, start and end, local and remote address and port, the EHLO name and banner, the extensions offered, the TLS details (mode, success or failure and why, protocol, cipher, certificates, TlsDomainCapabilities), AUTH, the messages (MAIL FROM, recipients, message ids and InternalId), every reply code, the last error and the disconnect reason. Outcome is one of Delivered, Rejected, TempFailed, ConnectFailed, TlsFailed, AuthFailed, Dropped, NoMessage or Incomplete (no disconnect seen yet), with the file and line that decided it; a failed session carries the diagnosis of that line. IsExchangeOnline tells whether the remote side is Exchange Online.'
        'A folder given to -Path or -LiteralPath means every RECV*.LOG and SEND*.LOG file under it. Without a path, the protocol-log folders of this Exchange server are read (see Find-HybridLogPath). The filters are applied by the engine before any object is created, and -Start and -End skip whole files by their names. A line that cannot be read is a non-terminating error naming the file and line; the rest of the file is still read.'
    )
    Parameters  = @{
        Path          = 'Protocol log files or folders. Wildcards are expanded. A folder means every RECV*/SEND* .LOG file under it.'
        LiteralPath   = 'Protocol log files or folders, used exactly as written (no wildcards). Get-ChildItem and Find-HybridLogPath output binds to it.'
        Start         = 'Only sessions that end at or after this time. Local time unless the DateTime is of kind Utc, as on every command of this module; the times of the objects are local too (with their UTC twins).'
        End           = 'Only sessions that start before this time: up to, but not including it, as on every command of this module.'
        Tail          = 'Only the last N sessions, read from the newest files back, like Get-Content -Tail.'
        Wait          = 'After the existing lines, keeps reading the newest file as Exchange writes it, through the hourly roll to the next file, until Ctrl+C.'
        SessionId     = 'Only these session ids (the 16 hexadecimal digits of the session-id field).'
        RemoteAddress = 'Only sessions with a remote address equal to one of these addresses or inside one of these CIDR ranges (40.92.0.0/15 is Exchange Online).'
        Connector     = 'Only sessions on connectors whose id matches: a wildcard pattern, or without wildcards any part of the id.'
        Outcome       = 'Only sessions with one of these outcomes.'
        Sender        = 'Only sessions with a MAIL FROM address that matches, exactly or as a wildcard pattern.'
        Recipient     = 'Only sessions with a RCPT TO address that matches, exactly or as a wildcard pattern.'
        ComputerName  = 'Exchange servers to run the command on, through PowerShell remoting (Invoke-Command; WinRM, as the Exchange Management Shell uses): each server reads its own logs (without -Path, the folders Find-HybridLogPath finds there; with -Path, paths on the server), applies every filter there, and only the matching objects travel back, merged in time order, each with the server in PSComputerName. HybridMailFlow of the same version must be installed on each server. Bound from the pipeline: the Fqdn of Get-ExchangeServer objects, the Name of Get-TransportService, Get-FrontendTransportService and Get-MailboxTransportService objects. A server that cannot be reached or used is a non-terminating error naming it and the fix; the others go on.'
        TransportServiceLogPath = 'Not for typing: bound from the ReceiveProtocolLogPath of a transport service object in the pipeline, it marks the object as a server, named by its Name (see -ComputerName).'
        PipelineName = 'Not for typing: the Name of the pipeline object, the server when the object is a transport service (see -ComputerName).'
        Session       = 'Open PowerShell sessions (New-PSSession: WinRM, SSH or any other transport) to run the command in, as with -ComputerName.'
        Credential    = 'With -ComputerName: the account to connect with (default: the current user). Reading the logs needs local administrator rights on the server.'
        ThrottleLimit = 'How many servers are read at once (Invoke-Command''s -ThrottleLimit). The default is 32.'
    }
    Outputs     = @{
        'HybridMailFlow.SmtpSession' = 'One object per SMTP session. Collections (Recipients, Responses...) export to CSV as text; the raw lines are in Lines.'
    }
    Examples    = @(
        @{
            Title   = 'The bundled samples, and an export without the raw lines'
            Code    = "Get-HybridSmtpSession -Path ./samples | Where-Object Outcome -ne 'Delivered' | Export-Csv failed.csv -NoTypeInformation"
            Remarks = 'Run from the repository. Lines is hidden, so the export holds the sessions without their raw lines; Select-Object *, Lines puts them in.'
        }
        @{
            Title   = 'Failed sessions of the last two hours'
            Code    = "Get-HybridSmtpSession -Path 'C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\FrontEnd\ProtocolLog\SmtpReceive' -Start (Get-Date).AddHours(-2) |`n    Where-Object Outcome -ne 'Delivered' | Export-Csv failed.csv -NoTypeInformation"
            Remarks = 'Rebuilds the FrontEnd receive sessions of the last two hours and exports those that did not deliver.'
        }
        @{
            Title   = 'Exchange Online sessions that failed TLS'
            Code    = 'Get-HybridSmtpSession -Path .\CMHYBD01 -RemoteAddress 40.92.0.0/15, 40.107.0.0/16 -Outcome TlsFailed, TempFailed | Format-List *'
            Remarks = 'Reads every protocol log under a folder collected from CMHYBD01 and shows the sessions with Exchange Online that failed, with all their properties.'
        }
        @{
            Title   = 'Watch new sessions as they happen'
            Code    = "Find-HybridLogPath -LogKind SmtpReceive -ExistingOnly | Where-Object Service -eq 'FrontEnd' | Get-HybridSmtpSession -Tail 5 -Wait"
            Remarks = 'Shows the last five sessions of the FrontEnd receive log folder of this server, then each new session as Exchange logs it, until Ctrl+C.'
        }
        @{
            Title   = 'Failed TLS sessions of every transport server, read on the servers'
            Code    = "Get-ExchangeServer | Where-Object { `$_.IsHubTransportServer -or `$_.IsEdgeServer } |`n    Get-HybridSmtpSession -Outcome TlsFailed -Start (Get-Date).AddHours(-4) | Format-Table PSComputerName, Start, RemoteAddress, Failure"
            Remarks = 'Each server rebuilds the sessions of its own protocol logs and sends back only those that failed TLS; the sessions of all servers come back in time order.'
        }
    )
    Links       = @('Get-HybridSmtpLogEntry', 'Find-HybridLogPath', 'Resolve-HybridSmtpError', 'about_HybridMailFlow')
}
