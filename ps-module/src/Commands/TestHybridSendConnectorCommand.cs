using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HybridMailFlow.Native;
using static HybridMailFlow.Commands.ExchangeObjects;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// Checks send connectors: which one routes each recipient domain (or none: the Unreachable diagnosis and the
    /// exact Set-SendConnector), and the hybrid connector's TLS, routing and logging settings.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "HybridSendConnector")]
    [OutputType(typeof(SendConnectorCheck), typeof(SendConnectorRoute))]
    public sealed class TestHybridSendConnectorCommand : PSCmdlet
    {
        private const string ExoTlsDomain = "mail.protection.outlook.com";
        private const string UnreachableText = "A matching connector cannot be found to route the external recipient";

        private readonly List<SendConnectors.Connector> connectors = new List<SendConnectors.Connector>();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowNull]
        public PSObject[] InputObject { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] RecipientDomain { get; set; }

        [Parameter]
        [ValidateNotNull]
        public PSObject[] Certificate { get; set; }

        protected override void BeginProcessing()
        {
            LibraryLoader.EnsureLoaded();
        }

        protected override void ProcessRecord()
        {
            foreach (var item in InputObject ?? new PSObject[0])
            {
                if (item == null)
                {
                    continue;
                }
                var connector = SendConnectors.ReadOne(this, item);
                if (connector == null)
                {
                    continue;
                }
                connectors.Add(connector);
                if (connector.Hybrid)
                {
                    foreach (var check in HybridChecks(connector))
                    {
                        WriteObject(check);
                    }
                }
            }
        }

        // Routes are written at the end: the choice depends on every connector.
        protected override void EndProcessing()
        {
            if (connectors.Count > 0 && !connectors.Any(c => c.Hybrid))
            {
                WriteObject(new SendConnectorCheck
                {
                    Connector = string.Empty,
                    Check = "HybridConnector",
                    Result = CheckResult.Warn,
                    Evidence = "Connectors: " + string.Join(", ", connectors.Select(c => c.Name)),
                    Expected = "A connector 'Outbound to Office 365 - <guid>' with CloudServicesMailEnabled and TlsDomain mail.protection.outlook.com",
                    Reason = "No connector looks like the Hybrid Configuration Wizard's: mail to the tenant's mail.onmicrosoft.com domain is not sent to Exchange Online the hybrid way.",
                    Fix = "Run the Hybrid Configuration Wizard again, or: New-SendConnector -Name 'Outbound to Office 365' -AddressSpaces 'smtp:<tenant>.mail.onmicrosoft.com;1' -DNSRoutingEnabled $true -RequireTLS $true -TlsAuthLevel DomainValidation -TlsDomain 'mail.protection.outlook.com' -CloudServicesMailEnabled $true",
                });
            }
            if (RecipientDomain == null)
            {
                return;
            }
            foreach (var route in SendConnectors.Route(this, connectors, RecipientDomain))
            {
                WriteObject(ToRoute(route));
            }
        }

        private SendConnectorRoute ToRoute(RouteResult route)
        {
            var result = new SendConnectorRoute
            {
                Recipient = route.Recipient,
                RecipientDomain = route.Domain,
                Routed = route.Found,
                Connector = route.Connector,
                AddressSpace = route.AddressSpace,
                Cost = route.Found ? route.Cost : (int?)null,
                IsScopedConnector = route.Scoped,
                Alternatives = route.Alternatives,
                FixConnector = route.FixConnector,
                FixCommands = new ValueList<string>(route.FixCommands),
            };
            if (!route.Found)
            {
                result.Status = "Unreachable";
                result.Diagnosis = Diagnosis.Diagnose(null, UnreachableText, 0, LogKind.Queue, null, false)[0];
                result.Explanation = string.Format(
                    "No enabled send connector has an address space that covers {0}: mail to it goes to the Unreachable queue ({1}).{2}",
                    route.Domain, UnreachableText,
                    connectors.Any(c => !c.AddressSpacesKnown) ? " Some connectors' AddressSpaces were lost at export and could not be considered." : string.Empty);
            }
            else if (route.Scoped)
            {
                result.Status = "RoutedByScopedConnector";
                result.Explanation = string.Format(
                    "{0} is routed by '{1}' ({2}), a scoped connector: only the transport servers of its own Active Directory site use it; servers in other sites find no route and queue the mail as Unreachable.",
                    route.Domain, route.Connector, route.AddressSpace);
            }
            else
            {
                result.Status = "Routed";
                result.Explanation = string.Format("{0} is routed by '{1}' through its address space {2}{3}.", route.Domain, route.Connector, route.AddressSpace,
                    route.Alternatives > 0 ? string.Format(", the most specific and cheapest of {0} matching connectors", route.Alternatives + 1) : string.Empty);
            }
            return result;
        }

        private IEnumerable<SendConnectorCheck> HybridChecks(SendConnectors.Connector connector)
        {
            var o = connector.Source;
            var id = PowerShellText.SingleQuoted(connector.Name);
            var set = "Set-SendConnector -Identity " + id;
            Func<string, string, CheckResult, string, string, string, SendConnectorCheck> check = (name, evidence, result, expected, reason, fix) => new SendConnectorCheck
            {
                Connector = connector.Name,
                Check = name,
                Result = result,
                Evidence = evidence,
                Expected = expected,
                Reason = reason,
                Fix = result == CheckResult.Pass || result == CheckResult.Skipped ? string.Empty : fix,
            };

            var enabled = SendConnectors.Flag(o, "Enabled");
            yield return check("Enabled", Evidence("Enabled", enabled), enabled == false ? CheckResult.Fail : CheckResult.Pass, "True",
                "A disabled connector routes nothing: mail for its address spaces goes to the Unreachable queue.", set + " -Enabled $true");

            var authLevel = Text(o, "TlsAuthLevel");
            var tlsDomain = Text(o, "TlsDomain");
            var authResult = string.Equals(authLevel, "DomainValidation", StringComparison.OrdinalIgnoreCase) ? CheckResult.Pass
                : string.Equals(authLevel, "CertificateValidation", StringComparison.OrdinalIgnoreCase) ? CheckResult.Warn : CheckResult.Fail;
            yield return check("TlsAuthLevel", Evidence("TlsAuthLevel", authLevel), authResult, "DomainValidation",
                "The Hybrid Configuration Wizard sets DomainValidation: Exchange checks that Exchange Online's certificate is valid and issued to TlsDomain.",
                set + " -TlsAuthLevel DomainValidation -TlsDomain '" + ExoTlsDomain + "'");

            yield return check("TlsDomain", Evidence("TlsDomain", tlsDomain),
                string.Equals(tlsDomain, ExoTlsDomain, StringComparison.OrdinalIgnoreCase) ? CheckResult.Pass : CheckResult.Fail, ExoTlsDomain,
                "Exchange Online presents a certificate for mail.protection.outlook.com; any other TlsDomain fails with 454 4.7.5 Certificate validation failure, Reason: SubjectMismatch.",
                set + " -TlsAuthLevel DomainValidation -TlsDomain '" + ExoTlsDomain + "'");

            var requireTls = SendConnectors.Flag(o, "RequireTLS");
            yield return check("RequireTLS", Evidence("RequireTLS", requireTls), requireTls == true ? CheckResult.Pass : CheckResult.Fail, "True",
                "Hybrid mail must go over TLS; without RequireTLS, the TLS checks above are not enforced.", set + " -RequireTLS $true");

            var cloudMail = SendConnectors.Flag(o, "CloudServicesMailEnabled");
            yield return check("CloudServicesMailEnabled", Evidence("CloudServicesMailEnabled", cloudMail), cloudMail == true ? CheckResult.Pass : CheckResult.Fail, "True",
                "Without it Exchange strips the organization headers (X-MS-Exchange-Organization-*) on the way to Exchange Online: mail is not attributed as internal, and its authentication and transport rules are lost.",
                set + " -CloudServicesMailEnabled $true");

            foreach (var routing in RoutingCheck(connector, set))
            {
                yield return check("Routing", routing.Evidence, routing.Result, "DNSRoutingEnabled True (MX of <tenant>.mail.onmicrosoft.com), or smart host <tenant>.mail.protection.outlook.com", routing.Reason, routing.Fix);
            }

            var certificateName = Text(o, "TlsCertificateName");
            yield return check("TlsCertificateName", Evidence("TlsCertificateName", certificateName), certificateName == null ? CheckResult.Warn : CheckResult.Pass, "<I>issuer<S>subject of the certificate for the hybrid name",
                "Exchange Online's inbound connector from your organization recognizes your mail by this certificate; without it the server offers its default certificate, whose name may not match (550 5.7.64 TenantAttribution; Relay Access Denied).",
                "$cert = Get-ExchangeCertificate -Thumbprint <thumbprint>; " + set + " -TlsCertificateName \"<I>$($cert.Issuer)<S>$($cert.Subject)\"");

            yield return FqdnCheck(connector, set, check);

            var logging = Text(o, "ProtocolLoggingLevel");
            yield return check("ProtocolLoggingLevel", Evidence("ProtocolLoggingLevel", logging),
                string.Equals(logging, "Verbose", StringComparison.OrdinalIgnoreCase) ? CheckResult.Pass : CheckResult.Warn, "Verbose",
                "Without protocol logging there is no SMTP conversation to read when mail to Exchange Online fails (Get-HybridSmtpSession reads it).",
                set + " -ProtocolLoggingLevel Verbose");
        }

        private struct RoutingFinding
        {
            public string Evidence;
            public CheckResult Result;
            public string Reason;
            public string Fix;
        }

        private static IEnumerable<RoutingFinding> RoutingCheck(SendConnectors.Connector connector, string set)
        {
            var dnsRouting = SendConnectors.Flag(connector.Source, "DNSRoutingEnabled");
            var smartHosts = Values(Property(connector.Source, "SmartHosts"), false)
                .SelectMany(s => s.Trim('{', '}').Split(new[] { ',', ';', ' ' }, StringSplitOptions.RemoveEmptyEntries)).Select(s => s.Trim()).ToList();
            var evidence = string.Format("DNSRoutingEnabled = {0}; SmartHosts = {1}", Show(dnsRouting), smartHosts.Count == 0 ? "(none)" : string.Join(", ", smartHosts));
            var useDns = set + " -DNSRoutingEnabled $true -SmartHosts $null";
            if (dnsRouting == true)
            {
                yield return smartHosts.Count == 0
                    ? new RoutingFinding { Evidence = evidence, Result = CheckResult.Pass, Reason = "DNS routing: mail goes to the MX of the tenant's mail.onmicrosoft.com domain, as the Hybrid Configuration Wizard sets it." }
                    : new RoutingFinding { Evidence = evidence, Result = CheckResult.Warn, Reason = "DNSRoutingEnabled is on, so the SmartHosts listed are not used; they only confuse whoever reads the connector.", Fix = useDns };
                yield break;
            }
            if (smartHosts.Count == 0)
            {
                yield return new RoutingFinding { Evidence = evidence, Result = CheckResult.Fail, Reason = "Neither DNS routing nor a smart host: the connector has nowhere to send mail.", Fix = useDns };
                yield break;
            }
            var wrong = smartHosts.Where(h => !h.EndsWith(".mail.protection.outlook.com", StringComparison.OrdinalIgnoreCase)).ToList();
            yield return wrong.Count == 0
                ? new RoutingFinding { Evidence = evidence, Result = CheckResult.Pass, Reason = "Smart host routing to the tenant's Exchange Online Protection endpoint." }
                : new RoutingFinding
                {
                    Evidence = evidence,
                    Result = CheckResult.Warn,
                    Reason = string.Format("{0} is not the tenant's <tenant>.mail.protection.outlook.com endpoint (smtp.office365.com is for authenticated client submission on port 587, a short-term workaround at best).", string.Join(", ", wrong)),
                    Fix = useDns,
                };
        }

        private SendConnectorCheck FqdnCheck(SendConnectors.Connector connector, string set, Func<string, string, CheckResult, string, string, string, SendConnectorCheck> check)
        {
            var fqdn = Text(connector.Source, "Fqdn");
            const string expected = "The name on the certificate the connector presents (e.g. mail.cloudmonkeys.xyz)";
            const string fixTemplate = " -Fqdn 'mail.<your domain>'";
            if (fqdn == null)
            {
                return check("Fqdn", "Fqdn = (none)", CheckResult.Warn, expected,
                    "Without Fqdn the connector says HELO with the server's own name; Exchange Online matches on-premises mail by the certificate name, which should be this name.", set + fixTemplate);
            }
            if (Certificate == null)
            {
                return check("Fqdn", Evidence("Fqdn", fqdn), CheckResult.Skipped, expected, "Give -Certificate (Get-ExchangeCertificate objects) to compare the Fqdn with the certificate's names.", string.Empty);
            }
            return SendConnectorCertificate.CheckFqdn(connector, fqdn, Certificate, set, check);
        }

        private static string Evidence(string name, object value)
        {
            return string.Format("{0} = {1}", name, Show(value));
        }

        private static string Show(object value)
        {
            return value == null ? "(none)" : value is bool ? ((bool)value ? "True" : "False") : "'" + value + "'";
        }
    }
}
