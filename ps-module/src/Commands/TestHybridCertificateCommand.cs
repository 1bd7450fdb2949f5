using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using HybridMailFlow.Native;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// Checks Exchange certificates (Get-ExchangeCertificate) for hybrid mail flow: which is enabled for SMTP,
    /// validity and expiry, status, private key, self-signed, and whether the names that connectors present and
    /// Exchange Online expects are covered by the subject and SANs (with the wildcard rules).
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "HybridCertificate")]
    [OutputType(typeof(ConfigurationCheck))]
    public sealed class TestHybridCertificateCommand : ConfigurationCheckCommand
    {
        private readonly List<ExchangeCertificate> certificates = new List<ExchangeCertificate>();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public PSObject[] InputObject { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; }

        [Parameter]
        public PSObject[] ReceiveConnector { get; set; }

        [Parameter]
        public PSObject[] SendConnector { get; set; }

        [Parameter]
        [ValidateRange(0, 3650)]
        public int ExpiringDays { get; set; }

        public TestHybridCertificateCommand()
        {
            ExpiringDays = 30;
        }

        protected override string Area { get { return "Certificate"; } }

        protected override void ProcessRecord()
        {
            foreach (var item in InputObject ?? new PSObject[0])
            {
                if (item == null)
                {
                    continue;
                }
                var cert = ExchangeCertificate.Read(item);
                WarnAboutLostValues(cert.Source);
                if (cert.Thumbprint == null && cert.Subject == null)
                {
                    RefuseInput(cert.Source, "a Get-ExchangeCertificate object (Thumbprint, Subject, CertificateDomains, Services, NotAfter)");
                    continue;
                }
                certificates.Add(cert);
                CheckOne(cert);
            }
        }

        protected override void EndProcessing()
        {
            if (certificates.Count == 0)
            {
                return;
            }
            CheckSmtpBinding();
            foreach (var required in RequiredNames())
            {
                CheckCoverage(required.Key, required.Value);
            }
        }

        private void CheckOne(ExchangeCertificate cert)
        {
            var server = cert.Server;
            var id = cert.Thumbprint;
            var smtp = cert.IsSmtp;
            var use = smtp ? "It is enabled for SMTP, so mail TLS uses it." : "It is not enabled for SMTP.";
            var evidence = string.Format(CultureInfo.InvariantCulture, "Subject: {0}; NotBefore: {1}; NotAfter: {2}; Services: {3}",
                cert.Subject, cert.NotBeforeUtc.HasValue ? cert.NotBeforeUtc.Value.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "unknown",
                cert.NotAfterText, string.Join(", ", cert.Services));
            if (!cert.NotAfterUtc.HasValue)
            {
                Emit(server, id, "Validity", CheckResult.Skipped, "The certificate's NotAfter is not known, so its expiry is not checked.", evidence);
            }
            else if (cert.IsExpired(NowUtc))
            {
                Emit(server, id, "Validity", smtp ? CheckResult.Fail : CheckResult.Warn,
                    string.Format("{0} expired on {1}. {2}", cert.Label, cert.NotAfterText, use), evidence,
                    "Renew it with its CA, import the renewed certificate (Import-ExchangeCertificate), enable it for SMTP and point the connectors' TlsCertificateName at it; then remove the expired one.",
                    smtp ? null : "Remove-ExchangeCertificate -Thumbprint " + Quote(cert.Thumbprint) + (server == null ? string.Empty : " -Server " + Quote(server)),
                    smtp ? "454 4.7.5 / 450 4.4.317 Certificate validation failed (certificate-expired)" : null);
            }
            else if (cert.NotBeforeUtc.HasValue && cert.NotBeforeUtc.Value > NowUtc)
            {
                Emit(server, id, "Validity", CheckResult.Fail, string.Format("{0} is not valid before {1:yyyy-MM-dd HH:mm} UTC: check the server's clock.", cert.Label, cert.NotBeforeUtc.Value), evidence);
            }
            else
            {
                var daysLeft = (cert.NotAfterUtc.Value - NowUtc).TotalDays;
                if (daysLeft < ExpiringDays)
                {
                    Emit(server, id, "Validity", CheckResult.Warn,
                        string.Format(CultureInfo.InvariantCulture, "{0} expires in {1:0} days, on {2}. {3}", cert.Label, Math.Round(daysLeft), cert.NotAfterText, use), evidence,
                        "Renew it before it expires, enable the renewed one for SMTP and update the connectors' TlsCertificateName if its issuer or subject changed.");
                }
                else
                {
                    Emit(server, id, "Validity", CheckResult.Pass, string.Format(CultureInfo.InvariantCulture, "{0} is valid until {1}.", cert.Label, cert.NotAfterText), evidence);
                }
            }
            if (!smtp)
            {
                return;
            }
            if (cert.Status != null)
            {
                var valid = cert.Status.Equals("Valid", StringComparison.OrdinalIgnoreCase);
                Emit(server, id, "Status", valid ? CheckResult.Pass : CheckResult.Fail,
                    valid ? "Exchange reports the certificate Valid." : string.Format("Exchange reports the certificate {0}: TLS with it fails or is refused by Exchange Online.", cert.Status),
                    "Status: " + cert.Status,
                    valid ? null : "Check the chain (intermediate CA certificates installed) and revocation checking (the server reaches the CA's CRL/OCSP URLs); a PendingRequest needs Import-ExchangeCertificate of the CA's answer.");
            }
            if (cert.HasPrivateKey == false)
            {
                Emit(server, id, "PrivateKey", CheckResult.Fail, cert.Label + " has no private key: Exchange cannot use it for TLS.", "HasPrivateKey: False",
                    "Import the certificate with its private key (a .pfx) on this server.");
            }
        }

        private void CheckSmtpBinding()
        {
            var smtp = certificates.Where(c => c.IsSmtp && !c.IsExpired(NowUtc)).ToList();
            var issued = smtp.Where(c => c.IsSelfSigned != true).ToList();
            var server = certificates.Select(c => c.Server).FirstOrDefault(s => s != null);
            var evidence = smtp.Count == 0 ? "No unexpired certificate has SMTP in Services." : "SMTP: " + string.Join("; ", smtp.Select(c => c.Label + (c.IsSelfSigned == true ? " self-signed" : string.Empty)));
            var candidate = ExchangeCertificate.ByPreference(certificates, NowUtc).FirstOrDefault(c => c.IsUsable(NowUtc) && c.IsSelfSigned != true);
            var enable = candidate == null ? null : "Enable-ExchangeCertificate -Thumbprint " + Quote(candidate.Thumbprint) + " -Services SMTP" + (candidate.Server == null ? string.Empty : " -Server " + Quote(candidate.Server));
            if (smtp.Count == 0)
            {
                Emit(server, server, "SmtpCertificate", CheckResult.Fail, "No valid certificate is enabled for SMTP: STARTTLS is not offered, and Exchange Online's TLS connection fails.", evidence,
                    candidate == null ? "Get a certificate from a public CA for the hybrid mail name, import it and enable it for SMTP." : "Enable the CA-issued certificate " + candidate.Label + " for SMTP.",
                    enable, "451 4.4.0 / 450 4.4.317 TLS not available");
            }
            else if (issued.Count == 0)
            {
                Emit(server, server, "SmtpCertificate", CheckResult.Warn, "Only self-signed certificates are enabled for SMTP: Exchange Online will not trust the certificate it is presented.", evidence,
                    candidate == null ? "Get a certificate from a public CA for the hybrid mail name, import it and enable it for SMTP." : "Enable the CA-issued certificate " + candidate.Label + " for SMTP.",
                    enable, "450 4.4.317 Certificate validation failed");
            }
            else if (issued.Count > 1)
            {
                Emit(server, server, "SmtpCertificate", CheckResult.Warn,
                    string.Format("{0} CA-issued certificates are enabled for SMTP: Exchange picks one by the connector's Fqdn or TlsCertificateName, and may present another than Exchange Online expects (the lab's SubjectMismatch).", issued.Count),
                    evidence,
                    "Keep SMTP on the certificate of the hybrid mail name: set TlsCertificateName on the connectors Exchange Online uses to name it, and remove the certificates that are no longer wanted (Remove-ExchangeCertificate).",
                    null, "450 4.4.317 Cannot establish session - SubjectMismatch");
            }
            else
            {
                Emit(server, server, "SmtpCertificate", CheckResult.Pass, issued[0].Label + " is the CA-issued certificate enabled for SMTP.", evidence);
            }
        }

        /// <summary>Each name to cover, with where it comes from.</summary>
        private IEnumerable<KeyValuePair<string, string>> RequiredNames()
        {
            var names = new List<KeyValuePair<string, string>>();
            foreach (var name in Name ?? new string[0])
            {
                names.Add(new KeyValuePair<string, string>(name.Trim(), "-Name"));
            }
            AddConnectorNames(names, ReceiveConnector, "receive connector");
            AddConnectorNames(names, SendConnector, "send connector");
            return names
                .Where(n => n.Key.Length > 0)
                .GroupBy(n => n.Key.TrimEnd('.'), StringComparer.OrdinalIgnoreCase)
                .Select(g => new KeyValuePair<string, string>(g.Key, string.Join(", ", g.Select(n => n.Value).Distinct())));
        }

        private void AddConnectorNames(List<KeyValuePair<string, string>> names, PSObject[] connectors, string kind)
        {
            foreach (var item in connectors ?? new PSObject[0])
            {
                if (item == null)
                {
                    continue;
                }
                var o = new ExchangeObject(item);
                var fqdn = o.Text("Fqdn");
                // A receive connector presents its Fqdn to senders on port 25; client (587) and internal (2525) ones
                // are not what Exchange Online or the internet checks.
                var bindings = o.Values("Bindings");
                if (kind == "receive connector" && bindings.Count > 0 && !bindings.Any(b => b.EndsWith(":25", StringComparison.Ordinal)))
                {
                    WriteVerbose(string.Format("{0} binds {1}, not port 25: its Fqdn is not checked.", o.Describe(), string.Join(", ", bindings)));
                    continue;
                }
                if (fqdn != null)
                {
                    names.Add(new KeyValuePair<string, string>(fqdn, string.Format("the Fqdn of {0} {1}", kind, o.Describe())));
                }
                WarnAboutLostValues(o);
            }
        }

        private void CheckCoverage(string name, string origin)
        {
            var covering = ExchangeCertificate.ByPreference(certificates, NowUtc)
                .Select(c => new { Certificate = c, Name = c.Covering(name) })
                .Where(c => c.Name != null)
                .ToList();
            var smtpNames = certificates.Where(c => c.IsSmtp).Select(c => c.Label + ": " + string.Join(", ", c.Names.DefaultIfEmpty(CertificateNames.SubjectCommonName(c.Subject) ?? "(no names)")));
            var evidence = "Certificates enabled for SMTP and their names: " + (certificates.Any(c => c.IsSmtp) ? string.Join("; ", smtpNames) : "none");
            var best = covering.FirstOrDefault();
            var server = certificates.Select(c => c.Server).FirstOrDefault(s => s != null);
            var symptom = "450 4.4.317 Cannot establish session - SubjectMismatch. Expected: " + name;
            var lost = certificates.Where(c => c.NamesLost).ToList();
            if (best == null && lost.Count > 0)
            {
                Emit(server, name, "CoversName", CheckResult.Skipped,
                    string.Format("No certificate's subject covers {0}, and the SANs of {1} were lost at export (CertificateDomains reads System.Object[]): not checked.", name, string.Join(", ", lost.Select(c => c.Label))),
                    evidence, "Export the certificates with CertificateDomains joined, or with Export-Clixml, and check again.");
                return;
            }
            if (best == null)
            {
                Emit(server, name, "CoversName", CheckResult.Fail,
                    string.Format("No certificate covers {0} ({1}) by its subject or SANs: a TLS client that checks the name fails.", name, origin), evidence,
                    string.Format("Get a certificate from a public CA with {0} among its SANs (a wildcard *.{1} covers one label only), import it and enable it for SMTP; or set the connector's Fqdn to a name the certificate covers.", name, ParentDomain(name)),
                    null, symptom);
                return;
            }
            var how = string.Format("{0} {1} ({2})", best.Name.Source == "SubjectCommonName" ? "subject CN" : "SAN", best.Name.Name, best.Name.Match == CertificateNameMatch.Wildcard ? "wildcard" : "exact");
            var cert = best.Certificate;
            if (!cert.IsUsable(NowUtc))
            {
                Emit(server, name, "CoversName", CheckResult.Fail,
                    string.Format("{0} is covered only by {1} of {2}, which cannot be used (expired, not yet valid or without private key).", name, how, cert.Label), evidence,
                    "Renew the certificate and enable the renewed one for SMTP.", null, symptom);
            }
            else if (!cert.IsSmtp)
            {
                Emit(server, name, "CoversName", CheckResult.Fail,
                    string.Format("{0} is covered by {1} of {2}, but that certificate is not enabled for SMTP.", name, how, cert.Label), evidence,
                    "Enable the certificate for SMTP.",
                    "Enable-ExchangeCertificate -Thumbprint " + Quote(cert.Thumbprint) + " -Services SMTP" + (cert.Server == null ? string.Empty : " -Server " + Quote(cert.Server)), symptom);
            }
            else if (cert.IsSelfSigned == true)
            {
                Emit(server, name, "CoversName", CheckResult.Warn,
                    string.Format("{0} is covered by {1} of the self-signed {2}: Exchange Online does not trust it.", name, how, cert.Label), evidence,
                    string.Format("Get a certificate from a public CA with {0} among its SANs and enable it for SMTP.", name), null, symptom);
            }
            else
            {
                Emit(server, name, "CoversName", CheckResult.Pass, string.Format("{0} ({1}) is covered by {2} of {3}, enabled for SMTP.", name, origin, how, cert.Label), evidence);
            }
        }

        private static string ParentDomain(string name)
        {
            var dot = name.IndexOf('.');
            return dot > 0 ? name.Substring(dot + 1) : name;
        }
    }
}
