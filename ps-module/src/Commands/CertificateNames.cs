using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using static HybridMailFlow.Commands.ExchangeObjects;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// The send connector's Fqdn against the certificate it presents: the one TlsCertificateName names
    /// (`&lt;I&gt;issuer&lt;S&gt;subject`), else the certificates enabled for SMTP, from Get-ExchangeCertificate objects.
    /// </summary>
    internal static class CertificateNames
    {
        public static SendConnectorCheck Check(
            SendConnectors.Connector connector,
            string fqdn,
            IEnumerable<PSObject> certificates,
            string set,
            Func<string, string, CheckResult, string, string, string, SendConnectorCheck> check)
        {
            const string expected = "A name on the certificate the connector presents (subject or CertificateDomains)";
            var all = certificates.Where(c => c != null).ToList();
            var tlsName = Text(connector.Source, "TlsCertificateName");
            List<PSObject> presented;
            string which;
            if (tlsName != null && tlsName.IndexOf("<S>", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                presented = all.Where(c => NamedBy(c, tlsName)).ToList();
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
            var names = presented.SelectMany(Names).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var evidence = string.Format("Fqdn = '{0}'; names on {1}: {2}", fqdn, which, string.Join(", ", names));
            if (names.Any(n => Covers(n, fqdn)))
            {
                return check("Fqdn", evidence, CheckResult.Pass, expected, "The certificate the connector presents carries its Fqdn.", string.Empty);
            }
            var suggestion = names.FirstOrDefault(n => !n.StartsWith("*", StringComparison.Ordinal)) ?? "mail.<your domain>";
            return check("Fqdn", evidence, CheckResult.Fail, expected,
                "The connector's Fqdn is not on the certificate it presents: Exchange Online's inbound connector and TLS checks see a name mismatch (SubjectMismatch).",
                set + " -Fqdn " + GetHybridQueueDiagnosisCommand.Quote(suggestion));
        }

        /// <summary>TlsCertificateName `&lt;I&gt;issuer&lt;S&gt;subject` against the certificate's Issuer and Subject, spacing aside.</summary>
        private static bool NamedBy(PSObject certificate, string tlsName)
        {
            var s = tlsName.IndexOf("<S>", StringComparison.OrdinalIgnoreCase);
            var issuer = tlsName.StartsWith("<I>", StringComparison.OrdinalIgnoreCase) ? tlsName.Substring(3, s - 3) : null;
            var subject = tlsName.Substring(s + 3);
            return SameName(Text(certificate, "Subject"), subject) && (issuer == null || SameName(Text(certificate, "Issuer"), issuer));
        }

        private static bool SameName(string a, string b)
        {
            Func<string, string> norm = x => string.Join(",", (x ?? string.Empty).Split(',').Select(p => p.Trim()));
            return string.Equals(norm(a), norm(b), StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>CertificateDomains (live, deserialized or a joined CSV string) and the subject's CN.</summary>
        private static IEnumerable<string> Names(PSObject certificate)
        {
            foreach (var name in Values(Property(certificate, "CertificateDomains"), false)
                .SelectMany(v => v.Trim('{', '}').Split(new[] { ',', ';', ' ' }, StringSplitOptions.RemoveEmptyEntries)))
            {
                yield return name.Trim();
            }
            var subject = Text(certificate, "Subject") ?? string.Empty;
            foreach (var part in subject.Split(','))
            {
                var p = part.Trim();
                if (p.StartsWith("CN=", StringComparison.OrdinalIgnoreCase))
                {
                    yield return p.Substring(3).Trim();
                }
            }
        }

        /// <summary>An exact name, or a wildcard `*.contoso.com` that covers one label to its left (not contoso.com itself, not a.b.contoso.com).</summary>
        internal static bool Covers(string name, string fqdn)
        {
            if (string.Equals(name, fqdn, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            if (!name.StartsWith("*.", StringComparison.Ordinal))
            {
                return false;
            }
            var dot = fqdn.IndexOf('.');
            return dot > 0 && string.Equals(fqdn.Substring(dot + 1), name.Substring(2), StringComparison.OrdinalIgnoreCase);
        }

        private static string Describe(PSObject certificate)
        {
            return string.Format("{0} ({1})", Text(certificate, "Subject"), Text(certificate, "Thumbprint"));
        }
    }
}
