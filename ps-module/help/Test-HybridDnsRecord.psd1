@{
    Synopsis    = 'Checks the DNS records a hybrid needs: MX for the mail flow design, SPF (one record, Exchange Online''s include, the on-premises addresses, the ten lookups, the all term), DMARC, the DKIM CNAMEs, autodiscover, the names connectors use, and PTR against the HELO name.'
    Description = @(
        'Test-HybridDnsRecord asks a DNS server (-Server, else this computer''s resolvers) for the records of each -DomainName and returns one HybridMailFlow.DnsRecordCheck per check: Pass, Warn, Fail or Skipped, with the records found as evidence, what they should hold, the fix, the record to publish in zone-file form and, where one command does it, the command for a Windows DNS server (Add-DnsServerResourceRecord...). Values taken from DNS are quoted in commands so that no record can run anything.'
        'MX: where it points, and whether that fits -MailFlowDesign: ExchangeOnlineFirst (the default: <domain with dashes>.mail.protection.outlook.com or *.mx.microsoft at the lowest preference, no backup MX that bypasses Exchange Online Protection) or OnPremisesFirst (the on-premises names of -HostName, not Exchange Online). Each MX host must resolve.'
        'SPF: exactly one v=spf1 TXT record (two are a permerror); SPFExchangeOnline: include:spf.protection.outlook.com, directly or through a nested include; SPFOnPremises: check_host() passes each -OnPremisesAddress; SPFLookups: at most 10 DNS lookups counted through every include and redirect (include, a, mx, ptr, exists, redirect), at most 2 that find nothing, no include without a record and no loop; SPFAll: -all or ~all pass, ?all warns, +all fails, none warns. The fix gives the corrected record, keeping the terms already published.'
        'DMARC: one record at _dmarc.<domain> with p=quarantine or p=reject (p=none and pct below 100 warn, none at all warns). DKIM: selector1 and selector2._domainkey.<domain> as CNAMEs into the tenant (selectorN-<domain with dashes>._domainkey.<tenant>.onmicrosoft.com, or the newer *.dkim.mail.microsoft form; -TenantDomain checks the tenant). Autodiscover: autodiscover.<domain> resolves (to autodiscover.outlook.com is a warning while mailboxes are on-premises). HostAddress: each -HostName resolves, to a public address. PTR: each -OnPremisesAddress has a PTR that resolves back to it and is one of -HeloName.'
        'A server that does not answer leaves its checks Skipped with the reason, and writes one error (HybridMailFlow.DnsServerNotAnswering). DNS is asked through the DnsClient library, without a cache between commands, so that a record just corrected is seen at once.'
    )
    Parameters  = @{
        DomainName        = 'The domains to check, e.g. cloudmonkeys.xyz. Get-AcceptedDomain objects work from the pipeline (their DomainName).'
        Server            = 'The DNS server to ask, address or address:port (e.g. 8.8.8.8 for what the internet sees, or 127.0.0.1:5353). The default is this computer''s resolvers.'
        MailFlowDesign    = 'Where internet mail should enter: ExchangeOnlineFirst (the MX points to Exchange Online; the default) or OnPremisesFirst (the MX points to the on-premises servers).'
        TenantDomain      = 'The tenant''s initial domain, e.g. cloudfield.onmicrosoft.com: the DKIM CNAMEs must point into it, and the fix gives the exact CNAMEs.'
        OnPremisesAddress = 'Public addresses the on-premises servers send to the internet from: SPF must pass each, and each needs a PTR.'
        HeloName          = 'The names the on-premises servers say in HELO (the send connectors'' Fqdn, e.g. mail.cloudmonkeys.xyz): the PTR of each -OnPremisesAddress must be one of them.'
        HostName          = 'The names the connectors and certificates use (the receive connector''s Fqdn, Exchange Online''s smart host for on-premises, the send connector''s Fqdn): each must resolve to a public address. With OnPremisesFirst, the MX must be one of them.'
        Check             = 'The checks to run: MX, SPF (with SPFExchangeOnline, SPFOnPremises, SPFLookups, SPFAll), DMARC, DKIM, Autodiscover, HostAddress, PTR. All by default.'
        TimeoutSeconds    = 'Seconds to wait for each DNS answer. The default is 5.'
    }
    Outputs     = @{
        'HybridMailFlow.DnsRecordCheck' = 'DomainName, Check, Name (the DNS name asked), RecordType, Result (Pass, Warn, Fail, Skipped), Message, Evidence, Expected, Fix, Record (zone-file form), Command and Server. Flat for Export-Csv.'
    }
    Examples    = @(
        @{
            Title   = 'The lab''s domain, as the internet sees it'
            Code    = 'Test-HybridDnsRecord -DomainName cloudmonkeys.xyz -Server 8.8.8.8 -TenantDomain cloudfield.onmicrosoft.com -HostName mail.cloudmonkeys.xyz -OnPremisesAddress 27.7.57.241 -HeloName mail.cloudmonkeys.xyz'
            Remarks = 'MX to cloudmonkeys-xyz.mail.protection.outlook.com, one SPF record with Exchange Online and 27.7.57.241 in at most 10 lookups, DMARC, both DKIM CNAMEs into cloudfield.onmicrosoft.com, autodiscover, mail.cloudmonkeys.xyz''s public address and the PTR of 27.7.57.241.'
        }
        @{
            Title   = 'Every accepted domain, only what needs fixing'
            Code    = "Get-AcceptedDomain | Where-Object DomainName -notlike '*.onmicrosoft.com' | Test-HybridDnsRecord | Where-Object Result -in 'Fail', 'Warn' | Format-List Name, Check, Message, Fix, Record"
            Remarks = 'The Record column is the line to publish at the DNS host.'
        }
        @{
            Title   = 'An on-premises first design, SPF only'
            Code    = 'Test-HybridDnsRecord -DomainName cloudmonkeys.xyz -MailFlowDesign OnPremisesFirst -HostName mail.cloudmonkeys.xyz -Check MX, SPF'
            Remarks = 'The MX must point to mail.cloudmonkeys.xyz, not to Exchange Online.'
        }
    )
    Links       = @('Test-HybridSmtpEndpoint', 'Test-HybridTransportDns', 'about_HybridMailFlow')
}
