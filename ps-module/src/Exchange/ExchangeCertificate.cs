using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using HybridMailFlow.Native;

namespace HybridMailFlow.Commands
{
    /// <summary>A Get-ExchangeCertificate object, in whatever shape it arrived, read once.</summary>
    internal sealed class ExchangeCertificate
    {
        public string Thumbprint;
        public string Subject;
        public string Issuer;
        /// <summary>CertificateDomains: the subject's CN and the SANs, by name.</summary>
        public List<string> Names;
        /// <summary>CertificateDomains read "System.Object[]": the SANs are not known.</summary>
        public bool NamesLost;
        public List<string> Services;
        public DateTime? NotBeforeUtc;
        public DateTime? NotAfterUtc;
        public string Status;
        public bool? IsSelfSigned;
        public bool? HasPrivateKey;
        public string Server;
        public ExchangeObject Source;

        public bool IsSmtp
        {
            get { return Services.Any(s => s.Equals("SMTP", StringComparison.OrdinalIgnoreCase)); }
        }

        public bool IsExpired(DateTime nowUtc)
        {
            return NotAfterUtc.HasValue && NotAfterUtc.Value < nowUtc;
        }

        public bool IsUsable(DateTime nowUtc)
        {
            return !IsExpired(nowUtc) && !(NotBeforeUtc.HasValue && NotBeforeUtc.Value > nowUtc) && HasPrivateKey != false;
        }

        /// <summary>Its name as an admin recognises it: "CN=mail.cloudmonkeys.xyz (6A2B...)".</summary>
        public string Label
        {
            get { return string.Format("{0} ({1})", Subject ?? "(no subject)", Thumbprint ?? "no thumbprint"); }
        }

        public string NotAfterText
        {
            get { return NotAfterUtc.HasValue ? NotAfterUtc.Value.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "unknown"; }
        }

        /// <summary>The name of this certificate that covers `host`, or null.</summary>
        public CoveringName Covering(string host)
        {
            return CertificateNames.FindCoveringName(Subject, Names, host);
        }

        /// <summary>The connector value that names this certificate: &lt;I&gt;issuer&lt;S&gt;subject.</summary>
        public string TlsCertificateName
        {
            get { return "<I>" + Issuer + "<S>" + Subject; }
        }

        public static ExchangeCertificate Read(PSObject item)
        {
            var o = new ExchangeObject(item);
            var identity = o.Text("Identity");
            var cert = new ExchangeCertificate
            {
                Thumbprint = o.Text("Thumbprint"),
                Subject = o.Text("Subject"),
                Issuer = o.Text("Issuer"),
                Names = o.Values("CertificateDomains"),
                Services = o.Values("Services"),
                NotBeforeUtc = o.DateUtc("NotBefore"),
                NotAfterUtc = o.DateUtc("NotAfter"),
                Status = o.Text("Status"),
                IsSelfSigned = o.Bool("IsSelfSigned"),
                HasPrivateKey = o.Bool("HasPrivateKey"),
                // The identity names the certificate's server; PSComputerName is only the server a remote session reached.
                Server = ServerOfIdentity(identity) ?? o.Text("ServerName") ?? o.Text("PSComputerName"),
                Source = o,
            };
            cert.NamesLost = o.IsLost("CertificateDomains");
            return cert;
        }

        /// <summary>"CMHYBD01\6A2B..." (Get-ExchangeCertificate) and "CMHYBD01\Default Frontend CMHYBD01" (connectors) start with the server.</summary>
        public static string ServerOfIdentity(string identity)
        {
            if (identity == null)
            {
                return null;
            }
            var slash = identity.IndexOf('\\');
            return slash > 0 ? identity.Substring(0, slash) : null;
        }

        /// <summary>Certificates in their order of preference to present for a name: usable, CA-issued, SMTP-enabled, latest expiry.</summary>
        public static IEnumerable<ExchangeCertificate> ByPreference(IEnumerable<ExchangeCertificate> certificates, DateTime nowUtc)
        {
            return certificates
                .OrderByDescending(c => c.IsUsable(nowUtc))
                .ThenByDescending(c => c.IsSelfSigned != true)
                .ThenByDescending(c => c.IsSmtp)
                .ThenByDescending(c => c.NotAfterUtc ?? DateTime.MinValue);
        }
    }
}
