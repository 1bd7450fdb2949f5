using System;
using System.Linq;
using System.Management.Automation;
using System.Net;
using HybridMailFlow.Native;
using HybridMailFlow.Network;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// Checks the DNS records a hybrid needs for each domain: MX for the mail flow design, SPF, DMARC, the DKIM CNAMEs,
    /// autodiscover, the addresses of the names connectors and certificates use, and the PTR of on-premises outbound
    /// addresses against their HELO names.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "HybridDnsRecord")]
    [OutputType(typeof(DnsRecordCheck))]
    public sealed class TestHybridDnsRecordCommand : PSCmdlet
    {
        internal static readonly string[] AllChecks = { "MX", "SPF", "DMARC", "DKIM", "Autodiscover", "HostAddress", "PTR" };

        private DnsResolver dns;
        private bool serverErrorWritten;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] DomainName { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Server { get; set; }

        [Parameter]
        public MailFlowDesign MailFlowDesign { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string TenantDomain { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public IPAddress[] OnPremisesAddress { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] HeloName { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] HostName { get; set; }

        [Parameter]
        [ValidateSet("MX", "SPF", "DMARC", "DKIM", "Autodiscover", "HostAddress", "PTR")]
        public string[] Check { get; set; }

        [Parameter]
        [ValidateRange(1, 60)]
        public int TimeoutSeconds { get; set; }

        public TestHybridDnsRecordCommand()
        {
            TimeoutSeconds = 5;
        }

        protected override void BeginProcessing()
        {
            LibraryLoader.EnsureLoaded();
            foreach (var name in (HostName ?? new string[0]).Concat(HeloName ?? new string[0]))
            {
                if (!Endpoints.IsHost(name.Trim().TrimEnd('.')))
                {
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException(string.Format("'{0}' is not a host name.", Untrusted.Printable(name))),
                        "HybridMailFlow.BadHostName", ErrorCategory.InvalidArgument, name));
                }
            }
            try
            {
                dns = DnsResolver.Create(Server, TimeSpan.FromSeconds(TimeoutSeconds));
            }
            catch (ArgumentException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, "HybridMailFlow.BadDnsServer", ErrorCategory.InvalidArgument, Server));
            }
        }

        protected override void ProcessRecord()
        {
            var options = new DnsCheckOptions
            {
                Design = MailFlowDesign,
                TenantDomain = TenantDomain,
                OnPremisesAddresses = OnPremisesAddress ?? new IPAddress[0],
                HeloNames = (HeloName ?? new string[0]).Select(n => n.Trim().TrimEnd('.')).ToList(),
                HostNames = (HostName ?? new string[0]).Select(n => n.Trim().TrimEnd('.')).ToList(),
            };
            var kinds = AllChecks.Where(k => Check == null || Check.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
            foreach (var domain in DomainName)
            {
                if (!Endpoints.IsHost(domain.Trim().TrimEnd('.')))
                {
                    WriteError(new ErrorRecord(new ArgumentException(string.Format("'{0}' is not a domain name.", Untrusted.Printable(domain))),
                        "HybridMailFlow.BadDomainName", ErrorCategory.InvalidArgument, domain));
                    continue;
                }
                var checks = new DnsRecordChecks(dns, domain, options);
                foreach (var kind in kinds)
                {
                    var results = checks.Run(kind);
                    if (checks.ServerError != null)
                    {
                        WriteServerError(checks.ServerError);
                    }
                    WriteObject(results, true);
                }
            }
        }

        // One error for a server that does not answer, however many checks it leaves unjudged.
        private void WriteServerError(Exception error)
        {
            if (serverErrorWritten)
            {
                return;
            }
            serverErrorWritten = true;
            WriteError(new ErrorRecord(error, "HybridMailFlow.DnsServerNotAnswering", ErrorCategory.ConnectionError, dns.Description));
        }
    }
}
