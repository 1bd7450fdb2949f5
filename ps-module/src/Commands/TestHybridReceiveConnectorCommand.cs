using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HybridMailFlow.Native;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// Checks receive connectors (Get-ReceiveConnector) for mail from Exchange Online: bindings on port 25 and
    /// remote ranges that let Exchange Online in, TlsCertificateName and Fqdn against the certificates,
    /// TlsDomainCapabilities, AuthMechanism, PermissionGroups and protocol logging.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "HybridReceiveConnector")]
    [OutputType(typeof(ConfigurationCheck))]
    public sealed class TestHybridReceiveConnectorCommand : ConfigurationCheckCommand
    {
        private const string CloudDomain = "mail.protection.outlook.com";
        private const string CloudCapability = "AcceptCloudServicesMail";
        private const string SubjectMismatch = "450 4.4.317 Cannot establish session - SubjectMismatch (Exchange Online to on-premises)";

        private List<ExchangeCertificate> certificates;
        private readonly List<string> checkedConnectors = new List<string>();
        private int reachedByExchangeOnline;
        // Connectors whose Bindings or RemoteIPRanges an export lost: whether Exchange Online reaches them is not known.
        private int unknownReach;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public PSObject[] InputObject { get; set; }

        [Parameter]
        public PSObject[] Certificate { get; set; }

        protected override string Area { get { return "ReceiveConnector"; } }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            certificates = (Certificate ?? new PSObject[0]).Where(c => c != null).Select(ExchangeCertificate.Read).ToList();
            foreach (var cert in certificates)
            {
                WarnAboutLostValues(cert.Source);
            }
        }

        protected override void ProcessRecord()
        {
            foreach (var item in InputObject ?? new PSObject[0])
            {
                if (item == null)
                {
                    continue;
                }
                var o = new ExchangeObject(item);
                if (!o.Has("Bindings") && !o.Has("TlsCertificateName") && !o.Has("Fqdn"))
                {
                    RefuseInput(o, "a Get-ReceiveConnector object (Identity, Bindings, Fqdn, TlsCertificateName, TlsDomainCapabilities)");
                    continue;
                }
                CheckConnector(o);
                WarnAboutLostValues(o);
            }
        }

        protected override void EndProcessing()
        {
            if (checkedConnectors.Count > 0 && reachedByExchangeOnline == 0 && unknownReach == 0)
            {
                Emit(null, string.Join(", ", checkedConnectors), "ExchangeOnlineConnector", CheckResult.Fail,
                    "None of these receive connectors takes Exchange Online's connections: none binds port 25 with RemoteIPRanges that include Exchange Online's addresses.",
                    "Connectors: " + string.Join("; ", checkedConnectors),
                    "Exchange Online connects to port 25 of the server the MX or the outbound connector's smart host names: the Default Frontend connector of that server binds 0.0.0.0:25 and [::]:25 with RemoteIPRanges 0.0.0.0-255.255.255.255.",
                    null, "450 4.4.316 Connection refused / 4.4.318 Connection was closed abruptly");
            }
        }

        private void CheckConnector(ExchangeObject o)
        {
            var id = o.Identity();
            var server = o.Text("Server") ?? ExchangeCertificate.ServerOfIdentity(id);
            var set = "Set-ReceiveConnector " + Quote(id);
            checkedConnectors.Add(id);

            var bindings = o.Values("Bindings");
            var port25 = bindings.Where(b => b.EndsWith(":25", StringComparison.Ordinal)).ToList();
            var ranges = o.Values("RemoteIPRanges");
            var badRanges = new List<string>();
            bool rangesKnown = o.Has("RemoteIPRanges") && ranges.Count > 0;
            bool letsCloudIn = !rangesKnown;
            foreach (var range in ranges)
            {
                bool cloud;
                if (!Addresses.TryParseRange(range, out cloud))
                {
                    badRanges.Add(range);
                }
                letsCloudIn |= cloud;
            }
            var capabilities = o.Values("TlsDomainCapabilities");
            var cloudCapability = capabilities.FirstOrDefault(c => c.IndexOf(CloudDomain, StringComparison.OrdinalIgnoreCase) >= 0);
            var bindingEvidence = string.Format("Bindings: {0}; RemoteIPRanges: {1}; TransportRole: {2}",
                bindings.Count == 0 ? "(none)" : string.Join(", ", bindings), rangesKnown ? string.Join(", ", ranges) : "(not given)", o.Text("TransportRole") ?? "(not given)");

            var reached = port25.Count > 0 && letsCloudIn;
            if (o.IsLost("Bindings") || o.IsLost("RemoteIPRanges"))
            {
                unknownReach++;
                Emit(server, id, "Bindings", CheckResult.Skipped, LostReason(id, o.IsLost("Bindings") ? "Bindings" : "RemoteIPRanges"), bindingEvidence);
                CheckProtocolLogging(o, server, id, set);
                return;
            }
            if (!reached)
            {
                Emit(server, id, "Bindings", cloudCapability != null ? CheckResult.Fail : CheckResult.Skipped,
                    cloudCapability != null
                        ? "The connector is set up for Exchange Online (TlsDomainCapabilities) but Exchange Online cannot reach it: it does not bind port 25, or its RemoteIPRanges leave Exchange Online's addresses out."
                        : "Not a connector Exchange Online connects to (no port 25 binding whose remote ranges include Exchange Online): the hybrid checks do not apply.",
                    bindingEvidence,
                    cloudCapability != null ? "Bind the connector to port 25 and include Exchange Online's addresses (or 0.0.0.0-255.255.255.255) in RemoteIPRanges; another port 25 connector with narrower ranges takes those addresses first." : null);
            }
            else
            {
                reachedByExchangeOnline++;
                Emit(server, id, "Bindings", CheckResult.Pass,
                    "Exchange Online can connect: the connector binds " + string.Join(", ", port25) + " and its remote ranges include Exchange Online's addresses.", bindingEvidence);
            }
            if (badRanges.Count > 0)
            {
                Emit(server, id, "RemoteIPRanges", CheckResult.Warn, "Some RemoteIPRanges entries are not address ranges: " + string.Join(", ", badRanges), bindingEvidence);
            }

            CheckProtocolLogging(o, server, id, set);
            if (!reached)
            {
                return;
            }

            var presented = CheckTlsCertificateName(o, server, id, set);
            CheckFqdn(o, server, id, presented);

            if (o.IsLost("TlsDomainCapabilities"))
            {
                Emit(server, id, "TlsDomainCapabilities", CheckResult.Skipped, LostReason(id, "TlsDomainCapabilities"));
            }
            else if (cloudCapability != null && cloudCapability.IndexOf(CloudCapability, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                Emit(server, id, "TlsDomainCapabilities", CheckResult.Pass, "Exchange Online's mail is accepted as cloud services mail (" + cloudCapability + ").", "TlsDomainCapabilities: " + string.Join(", ", capabilities));
            }
            else
            {
                var wanted = capabilities.Where(c => c.IndexOf(CloudDomain, StringComparison.OrdinalIgnoreCase) < 0).Concat(new[] { CloudDomain + ":" + CloudCapability });
                Emit(server, id, "TlsDomainCapabilities", CheckResult.Fail,
                    "TlsDomainCapabilities lacks " + CloudDomain + ":" + CloudCapability + ": mail from Exchange Online is treated as anonymous internet mail, so cross-premises headers are dropped and it may be refused or filtered.",
                    "TlsDomainCapabilities: " + (capabilities.Count == 0 ? "(empty)" : string.Join(", ", capabilities)),
                    "Add the capability, keeping the connector's other entries (the Hybrid Configuration Wizard sets it).",
                    set + " -TlsDomainCapabilities " + QuoteList(wanted),
                    "Mail from Exchange Online arrives as anonymous; 550 5.7.1 / TlsDomainCapabilities='None' in the SmtpReceive log");
            }

            RequireMember(o, server, id, set, "AuthMechanism", "Tls", CheckResult.Fail,
                "STARTTLS is offered (AuthMechanism has Tls).",
                "AuthMechanism lacks Tls: the connector offers no STARTTLS, and Exchange Online requires TLS to on-premises.",
                "451 5.7.3 STARTTLS is required to send mail / 4.4.317 TLS requirement not met");
            RequireMember(o, server, id, set, "PermissionGroups", "AnonymousUsers", CheckResult.Warn,
                "AnonymousUsers may submit, as Exchange Online's connections need.",
                "PermissionGroups lacks AnonymousUsers: Exchange Online's connection is not authenticated as a user, and its messages are refused.",
                "530 5.7.1 Client was not authenticated");
        }

        /// <summary>A flags property (AuthMechanism, PermissionGroups) that must have `member`; the fix adds it to the values it has.</summary>
        private void RequireMember(ExchangeObject o, string server, string id, string set, string property, string member, CheckResult missing, string present, string absent, string symptom)
        {
            var values = o.Values(property);
            if (values.Count == 0)
            {
                return;
            }
            var evidence = property + ": " + string.Join(", ", values);
            if (ContainsName(values, member))
            {
                Emit(server, id, property, CheckResult.Pass, present, evidence);
                return;
            }
            var wanted = new[] { member }.Concat(values.Where(v => !v.Equals("None", StringComparison.OrdinalIgnoreCase)));
            Emit(server, id, property, missing, absent, evidence, "Add " + member + " to " + property + ".", set + " -" + property + " " + Quote(string.Join(", ", wanted)), symptom);
        }

        private void CheckProtocolLogging(ExchangeObject o, string server, string id, string set)
        {
            var level = o.Text("ProtocolLoggingLevel");
            if (level == null)
            {
                return;
            }
            var verbose = level.Equals("Verbose", StringComparison.OrdinalIgnoreCase);
            Emit(server, id, "ProtocolLoggingLevel", verbose ? CheckResult.Pass : CheckResult.Warn,
                verbose ? "Protocol logging is on: the SmtpReceive log shows each connection (Get-HybridSmtpSession reads it)." : "Protocol logging is off: a failed connection leaves no trace in the SmtpReceive log.",
                "ProtocolLoggingLevel: " + level,
                verbose ? null : "Turn verbose protocol logging on (the lab guide does it on every receive connector).",
                verbose ? null : set + " -ProtocolLoggingLevel Verbose");
        }

        /// <summary>Checks TlsCertificateName; returns the certificate it names, when found among -Certificate.</summary>
        private ExchangeCertificate CheckTlsCertificateName(ExchangeObject o, string server, string id, string set)
        {
            var name = o.Text("TlsCertificateName");
            var fqdn = o.Text("Fqdn");
            string issuer = null, subject = null;
            var wellFormed = name != null && CertificateNames.TryParseTlsCertificateName(name, out issuer, out subject);
            // The certificate to name instead: a usable CA-issued SMTP certificate, the renewal of the one named (same
            // subject) first, then one that covers the Fqdn.
            var usable = ExchangeCertificate.ByPreference(certificates, NowUtc).Where(c => c.IsUsable(NowUtc) && c.IsSmtp && c.IsSelfSigned != true && c.Issuer != null && c.Subject != null).ToList();
            var best = usable.FirstOrDefault(c => subject != null && CertificateNames.DistinguishedNamesEqual(c.Subject, subject))
                ?? usable.FirstOrDefault(c => fqdn != null && c.Covering(fqdn) != null);
            var setBest = best == null ? null : set + " -TlsCertificateName " + Quote(best.TlsCertificateName);
            if (name == null)
            {
                Emit(server, id, "TlsCertificateName", CheckResult.Warn,
                    "TlsCertificateName is empty: Exchange picks a certificate by the connector's Fqdn among those enabled for SMTP, and may present another than Exchange Online expects.",
                    "TlsCertificateName: (empty)",
                    "Name the certificate of the hybrid mail name, as the Hybrid Configuration Wizard does.", setBest, SubjectMismatch);
                return null;
            }
            if (!wellFormed)
            {
                Emit(server, id, "TlsCertificateName", CheckResult.Fail,
                    "TlsCertificateName is not in the form <I>issuer<S>subject, so Exchange finds no certificate by it.", "TlsCertificateName: " + name,
                    "Set it from the certificate: \"<I>$($cert.Issuer)<S>$($cert.Subject)\".", setBest, SubjectMismatch);
                return null;
            }
            if (certificates.Count == 0)
            {
                Emit(server, id, "TlsCertificateName", CheckResult.Skipped,
                    "TlsCertificateName is well formed; give -Certificate (Get-ExchangeCertificate -Server " + (server ?? "<server>") + ") to check that it names an installed certificate.", "TlsCertificateName: " + name);
                return null;
            }
            var named = ExchangeCertificate.ByPreference(certificates.Where(c => c.Issuer != null && c.Subject != null
                && CertificateNames.DistinguishedNamesEqual(c.Issuer, issuer) && CertificateNames.DistinguishedNamesEqual(c.Subject, subject)), NowUtc).FirstOrDefault();
            var evidence = "TlsCertificateName: " + name + "; certificates: " + string.Join("; ", certificates.Select(c => string.Format("{0} issued by {1}, until {2}", c.Label, c.Issuer, c.NotAfterText)));
            if (named == null)
            {
                Emit(server, id, "TlsCertificateName", CheckResult.Fail,
                    "No certificate has the issuer and subject TlsCertificateName names (after a renewal the issuer often changes, e.g. Let's Encrypt R3 to R11): Exchange cannot present the certificate Exchange Online expects.",
                    evidence, "Point TlsCertificateName at the current certificate.", setBest, SubjectMismatch);
                return null;
            }
            if (!named.IsUsable(NowUtc))
            {
                Emit(server, id, "TlsCertificateName", CheckResult.Fail, "TlsCertificateName names " + named.Label + ", which has expired or cannot be used.", evidence,
                    "Renew it and point TlsCertificateName at the renewed certificate.", best != null && best != named ? setBest : null, "450 4.4.317 Certificate validation failed (certificate-expired)");
            }
            else if (named.IsSelfSigned == true)
            {
                Emit(server, id, "TlsCertificateName", CheckResult.Warn,
                    "TlsCertificateName names the self-signed " + named.Label + ": Exchange Online does not trust it, so its TLS connection to this connector fails.", evidence,
                    "Name a certificate from a public CA that carries the hybrid mail name.", best != null && best != named ? setBest : null, "450 4.4.317 Certificate validation failed");
            }
            else
            {
                Emit(server, id, "TlsCertificateName", CheckResult.Pass, "TlsCertificateName names " + named.Label + ", valid until " + named.NotAfterText + ".", evidence);
            }
            return named;
        }

        /// <summary>Sets the Fqdn to the main name of the certificate presented (or of the best SMTP certificate), as the lab guide's fix does.</summary>
        private string FqdnFix(string id, ExchangeCertificate presented)
        {
            var cert = presented ?? ExchangeCertificate.ByPreference(certificates, NowUtc).FirstOrDefault(c => c.IsUsable(NowUtc) && c.IsSmtp && c.IsSelfSigned != true);
            if (cert == null)
            {
                return null;
            }
            var name = new[] { CertificateNames.SubjectCommonName(cert.Subject) }.Concat(cert.Names)
                .FirstOrDefault(n => !string.IsNullOrEmpty(n) && !n.StartsWith("*", StringComparison.Ordinal) && n.Contains("."));
            return name == null ? null : "Set-ReceiveConnector " + Quote(id) + " -Fqdn " + Quote(name);
        }

        private void CheckFqdn(ExchangeObject o, string server, string id, ExchangeCertificate presented)
        {
            var fqdn = o.Text("Fqdn");
            if (fqdn == null)
            {
                return;
            }
            var candidates = presented != null ? new List<ExchangeCertificate> { presented } : certificates.Where(c => c.IsSmtp).ToList();
            if (candidates.Count == 0)
            {
                // Without the certificates, the subject TlsCertificateName names still tells whether its CN covers the Fqdn.
                string issuer, subject;
                var name = o.Text("TlsCertificateName");
                if (name != null && CertificateNames.TryParseTlsCertificateName(name, out issuer, out subject) && CertificateNames.FindCoveringName(subject, null, fqdn) != null)
                {
                    Emit(server, id, "Fqdn", CheckResult.Pass, "The subject TlsCertificateName names (" + subject + ") covers the Fqdn " + fqdn + ".", "Fqdn: " + fqdn + "; TlsCertificateName: " + name);
                    return;
                }
                Emit(server, id, "Fqdn", CheckResult.Skipped,
                    "Give -Certificate (Get-ExchangeCertificate) to check that the certificate presented covers the Fqdn " + fqdn + ".", "Fqdn: " + fqdn);
                return;
            }
            var match = candidates.Select(c => new { Certificate = c, Name = c.Covering(fqdn) }).FirstOrDefault(c => c.Name != null);
            var evidence = "Fqdn: " + fqdn + "; " + string.Join("; ", candidates.Select(c => c.Label + " names: " + string.Join(", ", c.Names)));
            if (match != null)
            {
                Emit(server, id, "Fqdn", CheckResult.Pass,
                    string.Format("The Fqdn {0} is covered by {1} {2} of {3}.", fqdn, match.Name.Match == CertificateNameMatch.Wildcard ? "wildcard" : "name", match.Name.Name, match.Certificate.Label), evidence);
                return;
            }
            var covering = ExchangeCertificate.ByPreference(certificates, NowUtc).FirstOrDefault(c => c.IsUsable(NowUtc) && c.Covering(fqdn) != null);
            Emit(server, id, "Fqdn", CheckResult.Fail,
                string.Format("SubjectMismatch: the Fqdn {0} is not among the subject and SANs of {1}.", fqdn, presented != null ? "the certificate TlsCertificateName names" : "any certificate enabled for SMTP"),
                evidence,
                covering != null
                    ? "Present " + covering.Label + ", which covers it: enable it for SMTP and name it in TlsCertificateName."
                    : "Set the Fqdn to the name the certificate carries (the hybrid mail name), or get a certificate with this name.",
                covering != null
                    ? (covering.IsSmtp ? string.Empty : "Enable-ExchangeCertificate -Thumbprint " + Quote(covering.Thumbprint) + " -Services SMTP; ") + "Set-ReceiveConnector " + Quote(id) + " -TlsCertificateName " + Quote(covering.TlsCertificateName)
                    : FqdnFix(id, presented),
                SubjectMismatch);
        }
    }
}
