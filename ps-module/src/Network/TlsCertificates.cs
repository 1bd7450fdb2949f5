using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace HybridMailFlow.Network
{
    /// <summary>What the TLS handshake showed of the server's certificate, read inside the validation callback.</summary>
    internal sealed class PresentedChain
    {
        public PresentedChain()
        {
            Certificates = new List<SmtpTlsCertificate>();
        }

        /// <summary>The server's certificate, then its issuers as this computer built the chain.</summary>
        public List<SmtpTlsCertificate> Certificates { get; private set; }

        public bool ChainValid { get; set; }

        /// <summary>Valid, or the chain's problems (UntrustedRoot, NotTimeValid, ...).</summary>
        public string Status { get; set; }
    }

    /// <summary>Certificates as the module shows them: subject, issuer, thumbprint, validity (UTC) and DNS names.</summary>
    internal static class TlsCertificates
    {
        private const string SubjectAlternativeNameOid = "2.5.29.17";

        /// <summary>
        /// The callback for SslStream: it records the chain and accepts any certificate, because the probe reports what
        /// a validating sender would refuse rather than refusing it.
        /// </summary>
        public static RemoteCertificateValidationCallback Recorder(PresentedChain presented)
        {
            return (sender, certificate, chain, errors) =>
            {
                if (certificate == null)
                {
                    presented.ChainValid = false;
                    presented.Status = "NoCertificate";
                    return true;
                }
                var elements = chain == null ? new X509Certificate2[0] : chain.ChainElements.Cast<X509ChainElement>().Select(e => e.Certificate).ToArray();
                if (elements.Length == 0)
                {
                    elements = new[] { new X509Certificate2(certificate) };
                }
                for (int i = 0; i < elements.Length; i++)
                {
                    var kind = i == 0 ? "Remote certificate" : (i == elements.Length - 1 && elements[i].Subject == elements[i].Issuer ? "Root" : "Intermediate");
                    presented.Certificates.Add(Describe(elements[i], kind));
                }
                presented.ChainValid = (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0;
                var problems = chain == null ? new string[0] : chain.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError).Select(s => s.Status.ToString()).Distinct().ToArray();
                presented.Status = presented.ChainValid ? "Valid" : (problems.Length == 0 ? "ChainErrors" : string.Join(", ", problems));
                return true;
            };
        }

        public static SmtpTlsCertificate Describe(X509Certificate2 certificate, string kind)
        {
            return new SmtpTlsCertificate
            {
                Kind = kind,
                Subject = Untrusted.Printable(certificate.Subject),
                Issuer = Untrusted.Printable(certificate.Issuer),
                SerialNumber = certificate.SerialNumber,
                Thumbprint = certificate.Thumbprint,
                NotBeforeUtc = certificate.NotBefore.ToUniversalTime(),
                NotAfterUtc = certificate.NotAfter.ToUniversalTime(),
                SubjectAlternativeNames = new ValueList<string>(AlternativeNames(certificate)),
            };
        }

        /// <summary>
        /// The DNS names and IP addresses of the subjectAltName extension, read from its DER (RFC 5280 4.2.1.6): the text
        /// .NET formats it to differs by platform and by Windows' language.
        /// </summary>
        public static List<string> AlternativeNames(X509Certificate2 certificate)
        {
            var names = new List<string>();
            var extension = certificate.Extensions.Cast<X509Extension>().FirstOrDefault(e => e.Oid != null && e.Oid.Value == SubjectAlternativeNameOid);
            if (extension == null)
            {
                return names;
            }
            var der = extension.RawData;
            int position = 0;
            int length;
            if (der.Length < 2 || der[position++] != 0x30 || !ReadLength(der, ref position, out length) || position + length > der.Length)
            {
                return names;
            }
            var endOfNames = position + length;
            while (position < endOfNames)
            {
                var tag = der[position++];
                if (!ReadLength(der, ref position, out length) || position + length > endOfNames)
                {
                    break;
                }
                if (tag == 0x82)
                {
                    names.Add(Untrusted.Printable(Encoding.ASCII.GetString(der, position, length)));
                }
                else if (tag == 0x87 && (length == 4 || length == 16))
                {
                    var bytes = new byte[length];
                    Array.Copy(der, position, bytes, 0, length);
                    names.Add(new IPAddress(bytes).ToString());
                }
                position += length;
            }
            return names;
        }

        private static bool ReadLength(byte[] der, ref int position, out int length)
        {
            length = 0;
            if (position >= der.Length)
            {
                return false;
            }
            var first = der[position++];
            if (first < 0x80)
            {
                length = first;
                return true;
            }
            var count = first & 0x7F;
            if (count == 0 || count > 3 || position + count > der.Length)
            {
                return false;
            }
            for (int i = 0; i < count; i++)
            {
                length = (length << 8) | der[position++];
            }
            return true;
        }
    }
}
