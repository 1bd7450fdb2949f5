using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HybridMailFlow.Native;
using static HybridMailFlow.Commands.ExchangeObjects;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// The send connector's Fqdn against the certificate it presents: the one TlsCertificateName names
    /// (`&lt;I&gt;issuer&lt;S&gt;subject`), else the certificates enabled for SMTP, from Get-ExchangeCertificate objects.
    /// The name rules (RFC 6125 wildcards, distinguished names) are the engine's (src/config/certificate.rs).
    /// </summary>
    internal static class SendConnectorCertificate
    {
        public static SendConnectorCheck CheckFqdn(
            SendConnectors.Connector connector,
            string fqdn,
            IEnumerable<PSObject> certificates,
            string set,
            Func<string, string, CheckResult, string, string, string, SendConnectorCheck> check)
        {
            const string expected = "A name on the certificate the connector presents (subject or CertificateDomains)";
            var all = certificates.Where(c => c != null).ToList();
            var tlsName = Text(connector.Source, "TlsCertificateName");
            string issuer, subject;
            List<PSObject> presented;
            string which;
            if (tlsName != null && CertificateNames.TryParseTlsCertificateName(tlsName, out issuer, out subject))
            {
                presented = all.Where(c => CertificateNames.DistinguishedNamesEqual(Text(c, "Subject") ?? string.Empty, subject)
                    && CertificateNames.DistinguishedNamesEqual(Text(c, "Issuer") ?? string.Empty, issuer)).ToList();
                which = "the certificate TlsCertificateName names";
                if (presented.Count == 0)
                {
                    return check("Fqdn", string.Format("Fqdn = '{0}'; TlsCertificateName = '{1}'; certificates given: {2}", fqdn, tlsName, string.Join(", ", all.Select(Describe))),
                        CheckResult.Fail, expected,
                        "No certificate given has the issuer and subject TlsCertificateName names: the connector cannot present it (a renewed certificate whose name was not updated on the connector).",
                        "$cert = Get-ExchangeCertificate -Thumbprint <thumbprint>; " + set + " -TlsCertificateName \"<I>$($cert.Issuer)<S>$($cert.Subject)\"");
                }
            }
            else
            {
                presented = all.Where(c => (Text(c, "Services") ?? string.Empty).IndexOf("SMTP", StringComparison.OrdinalIgnoreCase) >= 0).ToList();
                which = "the certificates enabled for SMTP";
                if (presented.Count == 0)
                {
                    return check("Fqdn", string.Format("Fqdn = '{0}'; no certificate given is enabled for SMTP", fqdn), CheckResult.Warn, expected,
                        "Without an SMTP certificate the server presents its self-signed one, which Exchange Online does not trust.",
                        "Enable-ExchangeCertificate -Thumbprint <thumbprint> -Services SMTP");
                }
            }
            var names = new List<string>();
            foreach (var certificate in presented)
            {
                var certificateSubject = Text(certificate, "Subject") ?? string.Empty;
                var domains = DomainsOf(certificate);
                var covering = CertificateNames.FindCoveringName(certificateSubject, domains, fqdn);
                if (covering != null)
                {
                    return check("Fqdn", string.Format("Fqdn = '{0}'; covered by '{1}' ({2}, {3} match) on {4}", fqdn, covering.Name, covering.Source, covering.Match, Describe(certificate)),
                        CheckResult.Pass, expected, "The certificate the connector presents carries its Fqdn.", string.Empty);
                }
                names.AddRange(domains);
                var commonName = CertificateNames.SubjectCommonName(certificateSubject);
                if (commonName != null)
                {
                    names.Add(commonName);
                }
            }
            names = names.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var suggestion = names.FirstOrDefault(n => !n.StartsWith("*", StringComparison.Ordinal)) ?? "mail.<your domain>";
            return check("Fqdn", string.Format("Fqdn = '{0}'; names on {1}: {2}", fqdn, which, string.Join(", ", names)), CheckResult.Fail, expected,
                "The connector's Fqdn is not on the certificate it presents (a wildcard covers one label only): Exchange Online's inbound connector and TLS checks see a name mismatch (SubjectMismatch).",
                set + " -Fqdn " + PowerShellText.SingleQuoted(suggestion));
        }

        /// <summary>CertificateDomains: live, deserialized, or a joined CSV string.</summary>
        private static List<string> DomainsOf(PSObject certificate)
        {
            return Values(Property(certificate, "CertificateDomains"), false)
                .SelectMany(v => v.Trim('{', '}').Split(new[] { ',', ';', ' ' }, StringSplitOptions.RemoveEmptyEntries))
                .Select(n => n.Trim()).Where(n => n.Length > 0).ToList();
        }

        private static string Describe(PSObject certificate)
        {
            return string.Format("{0} ({1})", Text(certificate, "Subject"), Text(certificate, "Thumbprint"));
        }
    }
}
