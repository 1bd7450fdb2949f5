namespace HybridMailFlow
{
    /// <summary>Where mail from the internet enters a hybrid: the MX record of each domain says it.</summary>
    public enum MailFlowDesign
    {
        /// <summary>The MX points to Exchange Online Protection (tenant-domain.mail.protection.outlook.com), which passes on-premises mail on through the hybrid connector.</summary>
        ExchangeOnlineFirst,

        /// <summary>The MX points to the on-premises servers (or Edge), which pass cloud mailboxes' mail on to Exchange Online.</summary>
        OnPremisesFirst,
    }

    /// <summary>
    /// One check of the DNS records a hybrid needs (PSTypeName HybridMailFlow.DnsRecordCheck): MX, SPF, DMARC, DKIM,
    /// Autodiscover, the addresses of the names connectors and certificates use, PTR. Flat for Export-Csv.
    /// </summary>
    public sealed class DnsRecordCheck
    {
        public string DomainName { get; internal set; }

        /// <summary>MX, SPF, SPFExchangeOnline, SPFOnPremises, SPFLookups, SPFAll, DMARC, DKIM, Autodiscover, HostAddress or PTR.</summary>
        public string Check { get; internal set; }

        /// <summary>The DNS name looked up (a domain, _dmarc.domain, selector1._domainkey.domain, a host, a reverse name).</summary>
        public string Name { get; internal set; }

        /// <summary>The record type looked up: MX, TXT, CNAME, A, PTR.</summary>
        public string RecordType { get; internal set; }

        public CheckResult Result { get; internal set; }

        /// <summary>What was found and why it matters.</summary>
        public string Message { get; internal set; }

        /// <summary>The records as the server returned them, "; " between them.</summary>
        public string Evidence { get; internal set; }

        /// <summary>What the record should hold.</summary>
        public string Expected { get; internal set; }

        /// <summary>What to do, when something is wrong.</summary>
        public string Fix { get; internal set; }

        /// <summary>The record to publish, in zone-file form, when the fix is one record.</summary>
        public string Record { get; internal set; }

        /// <summary>A command for the fix or to read the right value, ready to run.</summary>
        public string Command { get; internal set; }

        /// <summary>The DNS server asked: address:port, or the system's resolvers.</summary>
        public string Server { get; internal set; }

        public override string ToString()
        {
            return string.Format("{0} {1} {2}: {3}", Result, Check, Name, Message);
        }
    }
}
