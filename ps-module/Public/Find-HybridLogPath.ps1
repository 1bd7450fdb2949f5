function Find-HybridLogPath {
    <#
    .SYNOPSIS
        Finds the folders where this Exchange server writes its SMTP protocol logs and message tracking logs.

    .DESCRIPTION
        Lists, for each transport service of the server, the folder of its SMTP Receive and SMTP Send protocol
        logs and of its message tracking logs, with whether the folder exists, how many .LOG files it holds and the
        newest of them.

        The folders come from the services' configuration when the Exchange cmdlets are loaded (Exchange
        Management Shell): Get-TransportService (ReceiveProtocolLogPath, SendProtocolLogPath,
        MessageTrackingLogPath), Get-FrontendTransportService (ReceiveProtocolLogPath, SendProtocolLogPath) and
        Get-MailboxTransportService (whose Delivery and Submission services write into the Delivery and Submission
        folders under its paths). Without those cmdlets they are Exchange's default folders under the Exchange
        installation folder: -ExchangeInstallPath, or the ExchangeInstallPath environment variable that Exchange
        setup sets. The Source property tells which.

        A Mailbox server has the FrontEnd, Hub, MailboxDelivery and MailboxSubmission services; an Edge Transport
        server has the Edge service. Without the cmdlets the role is read from the log folders that exist; when
        none exists yet, the folders of both roles are listed.

        Exists, FileCount and NewestFile describe the folder as this computer sees it: run the command on the
        Exchange server, or point -ExchangeInstallPath at a copy of a server's folders. The output pipes to
        Get-HybridSmtpSession and Get-HybridSmtpLogEntry.

    .PARAMETER Server
        The Exchange server whose transport services are asked for their log folders when the Exchange cmdlets
        are loaded, and the name the output carries. Defaults to this computer; with an -ExchangeInstallPath other
        than this computer's own, to the server the logs there name (a receive protocol log's connector id
        SERVER\Connector, a tracking log's server-hostname on RECEIVE, SUBMIT and DELIVER rows), else the name of
        the copied folder.

    .PARAMETER LogKind
        Only folders of these kinds of log: SmtpReceive, SmtpSend, MessageTracking.

    .PARAMETER ExistingOnly
        Only folders that exist.

    .PARAMETER ExchangeInstallPath
        The Exchange installation folder whose default log folders are listed, for example
        'C:\Program Files\Microsoft\Exchange Server\V15\' or a folder holding a copy of a server's TransportRoles
        tree. Defaults to the ExchangeInstallPath environment variable.

    .EXAMPLE
        Find-HybridLogPath -ExistingOnly

        Lists the log folders of this server that exist, with their file counts and newest files.

    .EXAMPLE
        Find-HybridLogPath -LogKind SmtpReceive -ExistingOnly | Get-HybridSmtpSession -Start (Get-Date).AddHours(-2)

        Rebuilds the SMTP sessions of the last two hours from every receive protocol log folder of this server.

    .EXAMPLE
        Find-HybridLogPath -ExchangeInstallPath /cases/4711/CMEDGE01 -ExistingOnly

        Lists the log folders in a copy of the Edge server CMEDGE01's Exchange folder, collected for a support
        case and read on another computer; Server is CMEDGE01, as its logs name it.

    .INPUTS
        None.

    .OUTPUTS
        HybridMailFlow.LogPath
            Server, Service (FrontEnd, Hub, Edge, MailboxDelivery, MailboxSubmission), LogKind (SmtpReceive,
            SmtpSend, MessageTracking), Path, Exists, FileCount, NewestFile (a FileInfo, or null), Source
            (TransportService, FrontendTransportService, MailboxTransportService, Default).

    .LINK
        Get-HybridSmtpSession

    .LINK
        about_HybridMailFlow
    #>
    [CmdletBinding()]
    [OutputType('HybridMailFlow.LogPath')]
    param(
        [ValidateNotNullOrEmpty()]
        [string] $Server = [Environment]::MachineName,

        [ValidateSet('SmtpReceive', 'SmtpSend', 'MessageTracking')]
        [string[]] $LogKind,

        [switch] $ExistingOnly,

        [ValidateNotNullOrEmpty()]
        [string] $ExchangeInstallPath = $env:ExchangeInstallPath
    )

    $hasTransportService = [bool](Get-Command -Name 'Get-TransportService' -CommandType Cmdlet, Function, Alias -ErrorAction Ignore)
    if (-not $ExchangeInstallPath -and -not $hasTransportService) {
        $exception = New-Object System.Management.Automation.ItemNotFoundException(
            'Exchange is not installed on this computer: the ExchangeInstallPath environment variable is not set and the Exchange cmdlets are not loaded. Run the command in the Exchange Management Shell, or give -ExchangeInstallPath (a copy of a server''s Exchange folder works too).')
        $PSCmdlet.WriteError((New-Object System.Management.Automation.ErrorRecord(
            $exception, 'HybridMailFlow.ExchangeNotFound', [System.Management.Automation.ErrorCategory]::ObjectNotFound, $Server)))
        return
    }

    $role = Get-HybridTransportRole -ExchangeInstallPath $ExchangeInstallPath
    if (-not $PSBoundParameters.ContainsKey('Server') -and $ExchangeInstallPath -and -not $hasTransportService -and
        $ExchangeInstallPath.TrimEnd('\', '/') -ne "$env:ExchangeInstallPath".TrimEnd('\', '/')) {
        # A copy of another server's folder: this computer's name would be wrong on every row.
        $Server = Get-HybridCopiedServerName -ExchangeInstallPath $ExchangeInstallPath -Role $role
    }
    $configured = Get-HybridConfiguredLogFolder -Server $Server -Role $role

    foreach ($folder in Get-HybridDefaultLogFolder -Role $role) {
        if ($LogKind -and $folder.LogKind -notin $LogKind) {
            continue
        }
        $key = $folder.Service + '/' + $folder.LogKind
        if ($configured.Answered.ContainsKey($folder.Service)) {
            # The service's configuration is authoritative: a folder it does not name is not written.
            if (-not $configured.Paths.ContainsKey($key)) {
                Write-Verbose "$($configured.Answered[$folder.Service]) names no $($folder.LogKind) folder for the $($folder.Service) service: its logging is off."
                continue
            }
            $path = $configured.Paths[$key]
            $source = $configured.Answered[$folder.Service]
        } elseif ($ExchangeInstallPath) {
            $path = Join-HybridLogPath -Root $ExchangeInstallPath -ChildPath $folder.RelativePath
            $source = 'Default'
        } else {
            continue
        }

        $exists = Test-Path -LiteralPath $path -PathType Container
        if ($ExistingOnly -and -not $exists) {
            continue
        }
        $files = @()
        if ($exists) {
            $files = @(Get-ChildItem -LiteralPath $path -File | Where-Object { $_.Extension -eq '.log' })
        }
        [pscustomobject]@{
            PSTypeName = 'HybridMailFlow.LogPath'
            Server     = $Server
            Service    = $folder.Service
            LogKind    = $folder.LogKind
            Path       = $path
            Exists     = $exists
            FileCount  = $files.Count
            NewestFile = $files | Sort-Object LastWriteTimeUtc -Descending | Select-Object -First 1
            Source     = $source
        }
    }
}
