function Get-HybridDefaultLogFolder {
    # Exchange's default log folders under the installation folder, per server role (exchange-formats.md 1.1, 2.1).
    # An Unknown role lists both roles; the message tracking folder, shared by both, once.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)]
        [ValidateSet('Mailbox', 'Edge', 'Unknown')]
        [string] $Role
    )
    $mailbox = @(
        [pscustomobject]@{ Service = 'FrontEnd'; LogKind = 'SmtpReceive'; RelativePath = @('TransportRoles', 'Logs', 'FrontEnd', 'ProtocolLog', 'SmtpReceive') }
        [pscustomobject]@{ Service = 'FrontEnd'; LogKind = 'SmtpSend'; RelativePath = @('TransportRoles', 'Logs', 'FrontEnd', 'ProtocolLog', 'SmtpSend') }
        [pscustomobject]@{ Service = 'Hub'; LogKind = 'SmtpReceive'; RelativePath = @('TransportRoles', 'Logs', 'Hub', 'ProtocolLog', 'SmtpReceive') }
        [pscustomobject]@{ Service = 'Hub'; LogKind = 'SmtpSend'; RelativePath = @('TransportRoles', 'Logs', 'Hub', 'ProtocolLog', 'SmtpSend') }
        [pscustomobject]@{ Service = 'MailboxDelivery'; LogKind = 'SmtpReceive'; RelativePath = @('TransportRoles', 'Logs', 'Mailbox', 'ProtocolLog', 'SmtpReceive', 'Delivery') }
        [pscustomobject]@{ Service = 'MailboxSubmission'; LogKind = 'SmtpSend'; RelativePath = @('TransportRoles', 'Logs', 'Mailbox', 'ProtocolLog', 'SmtpSend', 'Submission') }
        [pscustomobject]@{ Service = 'Hub'; LogKind = 'MessageTracking'; RelativePath = @('TransportRoles', 'Logs', 'MessageTracking') }
    )
    $edge = @(
        [pscustomobject]@{ Service = 'Edge'; LogKind = 'SmtpReceive'; RelativePath = @('TransportRoles', 'Logs', 'Edge', 'ProtocolLog', 'SmtpReceive') }
        [pscustomobject]@{ Service = 'Edge'; LogKind = 'SmtpSend'; RelativePath = @('TransportRoles', 'Logs', 'Edge', 'ProtocolLog', 'SmtpSend') }
        [pscustomobject]@{ Service = 'Edge'; LogKind = 'MessageTracking'; RelativePath = @('TransportRoles', 'Logs', 'MessageTracking') }
    )
    $folders = switch ($Role) {
        'Mailbox' { $mailbox }
        'Edge' { $edge }
        'Unknown' { $mailbox + $edge }
    }
    $seen = @{}
    foreach ($folder in $folders) {
        $relative = $folder.RelativePath -join '\'
        if ($seen.ContainsKey($relative)) {
            continue
        }
        $seen[$relative] = $true
        $folder
    }
}
