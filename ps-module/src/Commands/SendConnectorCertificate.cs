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
    /// </summary>
    internal static class SendConnectorCertificate
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

        /// <summary>TlsCertificateName `&lt;I&gt;issuer&lt;S&gt;subject` against the certificate's Issuer and Subject, compared as distinguished names by the engine.</summary>
        private static bool NamedBy(PSObject certificate, string tlsName)
        {
            string issuer, subject;
            if (!Native.CertificateNames.TryParseTlsCertificateName(tlsName, out issuer, out subject))
            {
                return false;
            }
            return Native.CertificateNames.DistinguishedNamesEqual(Text(certificate, "Subject"), subject)
                && Native.CertificateNames.DistinguishedNamesEqual(Text(certificate, "Issuer"), issuer);
        }

        /// <summary>CertificateDomains (live, deserialized or a joined CSV string) and the subject's CN.</summary>
        private static IEnumerable<string> Names(PSObject certificate)
        {
            var read = ExchangeCertificate.Read(certificate);
            var commonName = Native.CertificateNames.SubjectCommonName(read.Subject);
            return commonName == null ? read.Names : read.Names.Concat(new[] { commonName });
        }

        /// <summary>An exact name, or a wildcard `*.contoso.com` that covers one label to its left (the engine's rules).</summary>
        internal static bool Covers(string name, string fqdn)
        {
            return Native.CertificateNames.Covers(name, fqdn) != CertificateNameMatch.None;
        }

        private static string Describe(PSObject certificate)
        {
            return string.Format("{0} ({1})", Text(certificate, "Subject"), Text(certificate, "Thumbprint"));
        }
    }
}
