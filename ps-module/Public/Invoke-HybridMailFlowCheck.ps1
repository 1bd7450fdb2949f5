function Invoke-HybridMailFlowCheck {
    <#
    .SYNOPSIS
        Runs the lab guide's three troubleshooting checklists against the Exchange cmdlets: mail stuck on-premises,
        Exchange Online mail not reaching on-premises, EdgeSync failing.

    .DESCRIPTION
        Each step of the checklists is one HybridMailFlow.MailFlowCheck object: Checklist, Step (the lab guide's
        number, 1 to 18), Check, Result (Pass, Warn, Fail or Skipped), Reason (what was found, or why the step was
        skipped, e.g. the cmdlet is absent), Evidence, Fix, Command (the exact command, several joined with "; ")
        and Server.

        MailStuckOnPremises (steps 1 to 6): MSExchange* services running (Get-Service), mailbox databases mounted
        (Get-MailboxDatabase -Status), the queues explained by Get-HybridQueueDiagnosis (Get-Queue), whether to
        restart MSExchangeSubmission and MSExchangeTransport, the send connector that routes each recipient domain
        (Test-HybridSendConnector on Get-SendConnector; by default the *.mail.onmicrosoft.com accepted domains),
        and the external DNS servers of the transport services (Test-HybridTransportDns).

        ExchangeOnlineToOnPremises (steps 7 to 12): the MX of the accepted domains (Test-HybridDnsRecord -Check MX),
        connections from Exchange Online in this server's SmtpReceive logs (Find-HybridLogPath,
        Get-HybridSmtpSession) and, when there are none, whether the endpoint Exchange Online connects to answers
        on port 25 from here, Exchange Online's outbound connector to on-premises (Get-OutboundConnector, in a
        session connected to Exchange Online) with its smart host probed as the connector's validation does
        (Test-HybridSmtpEndpoint: STARTTLS, the certificate against the connector's TlsDomain, the validation
        recipient), the receive connectors' certificate against the name Exchange Online expects and their
        protocol logging (Test-HybridReceiveConnector and Test-HybridCertificate on Get-ReceiveConnector and
        Get-ExchangeCertificate), and the internal DNS servers (Test-HybridTransportDns) with the Exchange
        servers' FQDNs resolving from this server (Get-ExchangeServer, Test-HybridDnsRecord).

        EdgeSync (steps 13 to 18): the ADAM_MSExchange service (on the Edge server), LDAP ports 50389 and 50636
        (Test-NetConnection), Test-EdgeSynchronization -FullCompareMode with its CredentialRecords (0 means
        re-subscribe: the command is given), the firewall, and the resolution of the Edge server's name
        (Test-HybridDnsRecord).

        The probes run on any operating system. An endpoint that cannot be reached from this computer is not
        judged by its probe (from inside the network, the router may be what fails): the step says the probe was
        skipped and why, and names the Test-HybridSmtpEndpoint command to run from outside. A DNS server that
        does not answer leaves the steps it answers Skipped with the reason.

        A step whose cmdlet is not in the session (outside the Exchange Management Shell, not on Windows, not
        connected to Exchange Online) is Skipped with the reason; the other steps still run.

    .PARAMETER Checklist
        The checklists to run: MailStuckOnPremises, ExchangeOnlineToOnPremises, EdgeSync. All three by default.

    .PARAMETER Server
        The Mailbox server whose services, queues, connectors and certificates are checked. Defaults to this
        computer.

    .PARAMETER RecipientDomain
        Step 5: the domains whose routing is checked. Defaults to the accepted domains that are
        *.mail.onmicrosoft.com coexistence domains.

    .PARAMETER Domain
        Step 7: the domains whose MX is looked up. Defaults to the authoritative accepted domains, without the
        onmicrosoft.com ones.

    .PARAMETER HybridName
        Steps 8 to 10: the name Exchange Online expects the on-premises certificate to carry, e.g.
        mail.cloudmonkeys.xyz. Defaults to the TlsDomain of Exchange Online's outbound connector to on-premises.
        Without Exchange Online PowerShell, it is also the endpoint probed on port 25.

    .PARAMETER ValidationRecipient
        Step 9: an on-premises mailbox to validate Exchange Online's outbound connector with; the probe tries it
        with RCPT TO (nothing is sent).

    .PARAMETER DnsServer
        Steps 7, 9, 12 and 18: the DNS server to ask, address or address:port (e.g. 8.8.8.8 to see the MX as the
        internet does). The default is this computer's resolvers.

    .PARAMETER EdgeServer
        Steps 14, 17 and 18: the Edge server's FQDN. Defaults to the Edge subscription's (Get-EdgeSubscription).

    .PARAMETER MessageCountThreshold
        Step 3: a queue holding more messages than this is flagged. The default is 100.

    .PARAMETER Hours
        Step 8: how many hours of SmtpReceive logs are searched for connections from Exchange Online. The default
        is 24.

    .EXAMPLE
        Invoke-HybridMailFlowCheck

        Runs the three checklists on this server in the Exchange Management Shell and shows them grouped by
        checklist.

    .EXAMPLE
        Invoke-HybridMailFlowCheck -Checklist MailStuckOnPremises -RecipientDomain cloudfield.mail.onmicrosoft.com | Where-Object Result -ne 'Pass' | Format-List

        When users report mail that stays in Drafts: the steps that did not pass, with their evidence and commands.

    .EXAMPLE
        Invoke-HybridMailFlowCheck -Checklist EdgeSync -EdgeServer cmedge01.cloudmonkeys.xyz | Export-Csv edgesync-checks.csv -NoTypeInformation

        The EdgeSync steps, exported to CSV for the ticket.

    .INPUTS
        None.

    .OUTPUTS
        HybridMailFlow.MailFlowCheck

    .LINK
        Get-HybridQueueDiagnosis

    .LINK
        Test-HybridReceiveConnector

    .LINK
        Test-HybridSmtpEndpoint

    .LINK
        Test-HybridDnsRecord

    .LINK
        about_HybridMailFlow
    #>
    [CmdletBinding()]
    [OutputType([HybridMailFlow.MailFlowCheck])]
    param(
        [ValidateSet('MailStuckOnPremises', 'ExchangeOnlineToOnPremises', 'EdgeSync')]
        [string[]] $Checklist = @('MailStuckOnPremises', 'ExchangeOnlineToOnPremises', 'EdgeSync'),

        [ValidateNotNullOrEmpty()]
        [string] $Server = [Environment]::MachineName,

        [ValidateNotNullOrEmpty()]
        [string[]] $RecipientDomain,

        [ValidateNotNullOrEmpty()]
        [string[]] $Domain,

        [ValidateNotNullOrEmpty()]
        [string] $HybridName,

        [ValidateNotNullOrEmpty()]
        [string] $ValidationRecipient,

        [ValidateNotNullOrEmpty()]
        [string] $EdgeServer,

        [ValidateRange(0, 1000000)]
        [int] $MessageCountThreshold = 100,

        [ValidateRange(1, 720)]
        [int] $Hours = 24,

        [ValidateNotNullOrEmpty()]
        [string] $DnsServer
    )

    if ($Checklist -contains 'MailStuckOnPremises') {
        Write-Verbose 'Checklist: mail stuck on-premises (steps 1 to 6)'
        Invoke-HybridStuckOnPremisesChecklist -Server $Server -RecipientDomain $RecipientDomain -MessageCountThreshold $MessageCountThreshold
    }
    if ($Checklist -contains 'ExchangeOnlineToOnPremises') {
        Write-Verbose 'Checklist: Exchange Online mail not reaching on-premises (steps 7 to 12)'
        Invoke-HybridInboundChecklist -Server $Server -Domain $Domain -HybridName $HybridName -ValidationRecipient $ValidationRecipient -Hours $Hours -DnsServer $DnsServer
    }
    if ($Checklist -contains 'EdgeSync') {
        Write-Verbose 'Checklist: EdgeSync failing (steps 13 to 18)'
        Invoke-HybridEdgeSyncChecklist -Server $Server -EdgeServer $EdgeServer -DnsServer $DnsServer
    }
}
