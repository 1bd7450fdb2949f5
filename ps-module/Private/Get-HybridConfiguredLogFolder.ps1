function Get-HybridConfiguredLogFolder {
    # Asks the transport services of the server for their log folders, through whichever Exchange cmdlets are
    # loaded. Returns Answered (service -> the source that answered for it) and Paths ('Service/LogKind' -> folder).
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)] [string] $Server,
        [Parameter(Mandatory = $true)] [string] $Role
    )
    $transport = 'Hub'
    if ($Role -eq 'Edge') {
        $transport = 'Edge'
    }
    # SubFolder: where under the configured path the service writes (the Mailbox Transport Delivery and Submission
    # services each have their own folder under the Mailbox Transport service's paths).
    $map = @(
        [pscustomobject]@{ Command = 'Get-TransportService'; Source = 'TransportService'; Service = $transport; LogKind = 'SmtpReceive'; Property = 'ReceiveProtocolLogPath'; SubFolder = $null }
        [pscustomobject]@{ Command = 'Get-TransportService'; Source = 'TransportService'; Service = $transport; LogKind = 'SmtpSend'; Property = 'SendProtocolLogPath'; SubFolder = $null }
        [pscustomobject]@{ Command = 'Get-TransportService'; Source = 'TransportService'; Service = $transport; LogKind = 'MessageTracking'; Property = 'MessageTrackingLogPath'; SubFolder = $null }
        [pscustomobject]@{ Command = 'Get-FrontendTransportService'; Source = 'FrontendTransportService'; Service = 'FrontEnd'; LogKind = 'SmtpReceive'; Property = 'ReceiveProtocolLogPath'; SubFolder = $null }
        [pscustomobject]@{ Command = 'Get-FrontendTransportService'; Source = 'FrontendTransportService'; Service = 'FrontEnd'; LogKind = 'SmtpSend'; Property = 'SendProtocolLogPath'; SubFolder = $null }
        [pscustomobject]@{ Command = 'Get-MailboxTransportService'; Source = 'MailboxTransportService'; Service = 'MailboxDelivery'; LogKind = 'SmtpReceive'; Property = 'ReceiveProtocolLogPath'; SubFolder = 'Delivery' }
        [pscustomobject]@{ Command = 'Get-MailboxTransportService'; Source = 'MailboxTransportService'; Service = 'MailboxSubmission'; LogKind = 'SmtpSend'; Property = 'SendProtocolLogPath'; SubFolder = 'Submission' }
    )
    $answered = @{}
    $paths = @{}
    $replies = @{}
    foreach ($entry in $map) {
        $command = $entry.Command
        if (-not $replies.ContainsKey($command)) {
            $replies[$command] = $null
            if (Get-Command -Name $command -CommandType Cmdlet, Function, Alias -ErrorAction Ignore) {
                try {
                    $replies[$command] = @(& $command -Identity $Server -ErrorAction Stop)[0]
                } catch {
                    Write-Warning "$command -Identity $Server failed, so its services' folders are Exchange's defaults: $($_.Exception.Message)"
                }
            }
        }
        $reply = $replies[$command]
        if ($null -eq $reply) {
            continue
        }
        $answered[$entry.Service] = $entry.Source
        # A live Exchange shell gives LocalLongFullPath objects (PathName); a remote shell gives strings.
        $value = $reply.($entry.Property)
        if ($null -ne $value -and $value.PSObject.Properties['PathName']) {
            $value = $value.PathName
        }
        $folder = [string]$value
        if ([string]::IsNullOrWhiteSpace($folder)) {
            continue
        }
        if ($entry.SubFolder) {
            $folder = Join-HybridLogPath -Root $folder -ChildPath $entry.SubFolder
        }
        $paths[$entry.Service + '/' + $entry.LogKind] = $folder
    }
    [pscustomobject]@{ Answered = $answered; Paths = $paths }
}
