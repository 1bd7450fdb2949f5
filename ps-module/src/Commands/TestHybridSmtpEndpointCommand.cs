using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.NetworkInformation;
using System.Text.RegularExpressions;
using DnsClient;
using DnsClient.Protocol;
using HybridMailFlow.Native;
using HybridMailFlow.Network;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// Talks SMTP to an endpoint as a sending server would, without sending a message: banner, EHLO, STARTTLS, the TLS
    /// protocol, cipher and certificate chain, the name the connector expects, MAIL FROM and RCPT TO, QUIT.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "HybridSmtpEndpoint", DefaultParameterSetName = ComputerNameSet)]
    [OutputType(typeof(SmtpEndpointTest))]
    public sealed class TestHybridSmtpEndpointCommand : PSCmdlet
    {
        private const string ComputerNameSet = "ComputerName";
        private const string DomainNameSet = "DomainName";

        // What SMTP accepts in a path and a HELO name without quoting: no spaces, angle brackets or control characters.
        private static readonly Regex Address = new Regex(@"^[^\s<>\x00-\x1f\x7f]+@[^\s<>@\x00-\x1f\x7f]+$", RegexOptions.CultureInvariant);
        private static readonly Regex HostName = new Regex(@"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$", RegexOptions.CultureInvariant);

        private SmtpProbe probe;
        private DnsResolver dns;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ComputerNameSet)]
        [ValidateNotNullOrEmpty]
        public string[] ComputerName { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = DomainNameSet)]
        [ValidateNotNullOrEmpty]
        public string[] DomainName { get; set; }

        [Parameter]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ExpectedName { get; set; }

        [Parameter]
        [AllowEmptyString]
        public string From { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] To { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string HeloName { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string DnsServer { get; set; }

        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSeconds { get; set; }

        [Parameter]
        [ValidateRange(0, 3650)]
        public int ExpiringDays { get; set; }

        public TestHybridSmtpEndpointCommand()
        {
            Port = 25;
            TimeoutSeconds = 15;
            ExpiringDays = 30;
        }

        protected override void BeginProcessing()
        {
            LibraryLoader.EnsureLoaded();
            var helo = HeloName ?? LocalFqdn();
            Refuse(From != null && From.Length > 0 && !Address.IsMatch(From), "From", From, "is not an e-mail address SMTP can carry (no spaces, angle brackets or control characters)");
            foreach (var recipient in To ?? new string[0])
            {
                Refuse(!Address.IsMatch(recipient), "To", recipient, "is not an e-mail address SMTP can carry (no spaces, angle brackets or control characters)");
            }
            Refuse(!HostName.IsMatch(helo), "HeloName", helo, "is not a host name or an address literal such as [192.0.2.1]");
            var timeout = TimeSpan.FromSeconds(TimeoutSeconds);
            if (DnsServer != null || ParameterSetName == DomainNameSet)
            {
                try
                {
                    dns = DnsResolver.Create(DnsServer, timeout);
                }
                catch (ArgumentException e)
                {
                    ThrowTerminatingError(new ErrorRecord(e, "HybridMailFlow.BadDnsServer", ErrorCategory.InvalidArgument, DnsServer));
                }
            }
            probe = new SmtpProbe(new SmtpProbeOptions
            {
                Port = Port,
                ExpectedName = ExpectedName == null ? null : ExpectedName.Trim().TrimEnd('.'),
                Helo = helo,
                MailFrom = From,
                Recipients = To ?? new string[0],
                Timeout = timeout,
                ExpiringDays = ExpiringDays,
            }, WriteVerbose);
        }

        protected override void ProcessRecord()
        {
            var domains = ParameterSetName == DomainNameSet;
            foreach (var given in domains ? DomainName : ComputerName)
            {
                var name = given.Trim().TrimEnd('.');
                if (!Endpoints.IsHost(name))
                {
                    WriteError(new ErrorRecord(new ArgumentException(string.Format("'{0}' is not a host name or an address.", Untrusted.Printable(given))),
                        "HybridMailFlow.BadHostName", ErrorCategory.InvalidArgument, given));
                }
                else if (domains)
                {
                    TestDomain(name);
                }
                else
                {
                    TestHost(name, null, null);
                }
            }
        }

        protected override void StopProcessing()
        {
            if (probe != null)
            {
                probe.Abort();
            }
        }

        private void TestDomain(string domain)
        {
            DnsAnswer answer;
            try
            {
                answer = dns.Query(domain, QueryType.MX);
            }
            catch (DnsServerException e)
            {
                WriteObject(probe.Unresolved(domain, domain, null, e.Message, "451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.DnsServerFailure; " + e.Message));
                return;
            }
            var exchanges = answer.Of<MxRecord>().OrderBy(m => m.Preference).ToList();
            if (exchanges.Count == 0)
            {
                if (answer.NameMissing || answer.Failed)
                {
                    var code = answer.NameMissing ? "NonExistentDomain" : "DnsServerFailure";
                    WriteObject(probe.Unresolved(domain, domain, null, string.Format("The MX of {0} cannot be found: {1}.", domain, answer.Absence),
                        string.Format("451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.{0}; {1}", code, answer.Absence)));
                    return;
                }
                // No MX: senders use the domain's own address (RFC 5321 5.1).
                WriteVerbose(string.Format("{0} has no MX record: testing the domain's own address, as senders do.", domain));
                TestHost(domain, domain, null);
                return;
            }
            foreach (var exchange in exchanges)
            {
                TestHost(DnsResolver.Plain(exchange.Exchange), domain, exchange.Preference);
            }
        }

        private void TestHost(string host, string domain, int? preference)
        {
            IList<IPAddress> addresses;
            string why;
            if (!TryResolve(host, out addresses, out why))
            {
                WriteObject(probe.Unresolved(host, domain, preference, why, "451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; " + why));
                return;
            }
            WriteObject(probe.Run(host, domain, preference, addresses));
        }

        private bool TryResolve(string host, out IList<IPAddress> addresses, out string why)
        {
            why = null;
            IPAddress literal;
            if (IPAddress.TryParse(host.Trim('[', ']'), out literal))
            {
                addresses = new[] { literal };
                return true;
            }
            try
            {
                if (dns != null)
                {
                    addresses = dns.Addresses(host, out why);
                }
                else
                {
                    var lookup = Dns.GetHostAddressesAsync(host);
                    if (!lookup.Wait(TimeSpan.FromSeconds(TimeoutSeconds)))
                    {
                        addresses = new IPAddress[0];
                        why = string.Format(CultureInfo.InvariantCulture, "{0} did not resolve within {1} s.", host, TimeoutSeconds);
                        return false;
                    }
                    addresses = lookup.Result;
                }
            }
            catch (DnsServerException e)
            {
                addresses = new IPAddress[0];
                why = e.Message;
                return false;
            }
            catch (AggregateException e)
            {
                addresses = new IPAddress[0];
                why = string.Format("{0} does not resolve: {1}", host, e.InnerException == null ? e.Message : e.InnerException.Message);
                return false;
            }
            if (addresses.Count == 0)
            {
                why = string.Format("{0} does not resolve: {1}.", host, why ?? "no A or AAAA record");
                return false;
            }
            return true;
        }

        private void Refuse(bool bad, string parameter, string value, string why)
        {
            if (bad)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(string.Format("-{0} '{1}' {2}.", parameter, Untrusted.Printable(value ?? string.Empty), why)),
                    "HybridMailFlow.BadSmtpArgument", ErrorCategory.InvalidArgument, value));
            }
        }

        private static string LocalFqdn()
        {
            var properties = IPGlobalProperties.GetIPGlobalProperties();
            var host = properties.HostName;
            var domain = properties.DomainName;
            var name = string.IsNullOrEmpty(domain) || host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase) ? host : host + "." + domain;
            return HostName.IsMatch(name) ? name : "localhost";
        }
    }
}
