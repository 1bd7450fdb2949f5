using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

namespace HybridMailFlow.Native
{
    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfCertNameMatch
    {
        public CertificateNameMatch Kind;
        public CertificateNameSource Source;
        public UIntPtr Index;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfSpan
    {
        [MarshalAs(UnmanagedType.U1)]
        public bool Found;
        public UIntPtr Start;
        public UIntPtr Len;
    }

    /// <summary>How a certificate name covers a host (HMF_CERT_MATCH_*).</summary>
    [AbiEnum("hmf_cert_match_kind", "HMF_CERT_MATCH_")]
    public enum CertificateNameMatch : uint
    {
        None = 0,
        Exact = 1,
        Wildcard = 2,
    }

    /// <summary>The name of a certificate that covers a host, where it is, and how it matches.</summary>
    public sealed class CoveringName
    {
        public CoveringName(string name, string source, CertificateNameMatch match)
        {
            Name = name;
            Source = source;
            Match = match;
        }

        public string Name { get; private set; }

        /// <summary>SubjectAlternativeName or SubjectCommonName.</summary>
        public string Source { get; private set; }

        public CertificateNameMatch Match { get; private set; }

        public override string ToString()
        {
            return Name;
        }
    }

    /// <summary>
    /// The engine's certificate name rules (src/config/certificate.rs): whether a certificate covers a host name,
    /// with RFC 6125 wildcards, and the distinguished names a connector's TlsCertificateName compares.
    /// </summary>
    internal static class CertificateNames
    {
        public static CertificateNameMatch Covers(string certificateName, string host)
        {
            var name = Utf8.Bytes(certificateName);
            var hostBytes = Utf8.Bytes(host);
            CertificateNameMatch kind;
            NativeCall.Check(NativeMethods.hmf_cert_name_covers(name, (UIntPtr)name.Length, hostBytes, (UIntPtr)hostBytes.Length, out kind));
            return kind;
        }

        /// <summary>
        /// The name among `alternativeNames` (in order), then the subject's common name, that covers `host`; an exact
        /// name wins over a wildcard. Null when none does.
        /// </summary>
        public static unsafe CoveringName FindCoveringName(string subject, IList<string> alternativeNames, string host)
        {
            var names = alternativeNames ?? new string[0];
            var offsets = new int[names.Count + 1];
            var buffer = new List<byte>();
            for (int i = 0; i < names.Count; i++)
            {
                offsets[i] = buffer.Count;
                buffer.AddRange(Utf8.Bytes(names[i]));
            }
            offsets[names.Count] = buffer.Count;
            // One pinned buffer holds every name; the views point into it for the duration of the call.
            var all = buffer.Count == 0 ? new byte[1] : buffer.ToArray();
            var subjectBytes = Utf8.Bytes(subject);
            var hostBytes = Utf8.Bytes(host);
            HmfCertNameMatch match;
            fixed (byte* start = all)
            {
                var views = new HmfStr[names.Count];
                for (int i = 0; i < names.Count; i++)
                {
                    views[i].Ptr = (IntPtr)(start + offsets[i]);
                    views[i].Len = (UIntPtr)(offsets[i + 1] - offsets[i]);
                }
                NativeCall.Check(NativeMethods.hmf_cert_find_covering_name(
                    subjectBytes, (UIntPtr)subjectBytes.Length, views, (UIntPtr)views.Length, hostBytes, (UIntPtr)hostBytes.Length, out match));
            }
            switch (match.Source)
            {
                case CertificateNameSource.Alternative:
                    return new CoveringName(names[checked((int)match.Index)], "SubjectAlternativeName", match.Kind);
                case CertificateNameSource.SubjectCn:
                    return new CoveringName(SubjectCommonName(subject), "SubjectCommonName", match.Kind);
                default:
                    return null;
            }
        }

        /// <summary>The CN of a subject such as `CN=mail.cloudmonkeys.xyz, O=Cloud Monkeys`; null when it has none.</summary>
        public static string SubjectCommonName(string subject)
        {
            var bytes = Utf8.Bytes(subject);
            HmfSpan span;
            NativeCall.Check(NativeMethods.hmf_cert_subject_common_name(bytes, (UIntPtr)bytes.Length, out span));
            return Slice(bytes, span);
        }

        /// <summary>Takes `&lt;I&gt;issuer&lt;S&gt;subject` apart; false when the text is not in that form.</summary>
        public static bool TryParseTlsCertificateName(string text, out string issuer, out string subject)
        {
            var bytes = Utf8.Bytes(text);
            HmfSpan issuerSpan, subjectSpan;
            NativeCall.Check(NativeMethods.hmf_tls_certificate_name_parse(bytes, (UIntPtr)bytes.Length, out issuerSpan, out subjectSpan));
            issuer = Slice(bytes, issuerSpan);
            subject = Slice(bytes, subjectSpan);
            return issuer != null && subject != null;
        }

        public static bool DistinguishedNamesEqual(string a, string b)
        {
            var left = Utf8.Bytes(a);
            var right = Utf8.Bytes(b);
            bool equal;
            NativeCall.Check(NativeMethods.hmf_distinguished_names_equal(left, (UIntPtr)left.Length, right, (UIntPtr)right.Length, out equal));
            return equal;
        }

        private static string Slice(byte[] bytes, HmfSpan span)
        {
            return span.Found ? Encoding.UTF8.GetString(bytes, checked((int)span.Start), checked((int)span.Len)) : null;
        }
    }
}

namespace HybridMailFlow.Native
{
    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfAddressInfo
    {
        public AddressClass AddressClass;
        public HmfStr PublicResolver;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfIpRangeInfo
    {
        [MarshalAs(UnmanagedType.U1)]
        public bool Valid;
        [MarshalAs(UnmanagedType.U1)]
        public bool IncludesExchangeOnline;
    }

    /// <summary>The engine's address classification (src/net.rs).</summary>
    internal static class Addresses
    {
        /// <summary>The class of an address, and the public DNS service it belongs to (null when none).</summary>
        public static AddressClass Classify(string address, out string publicResolver)
        {
            var bytes = Utf8.Bytes(address);
            HmfAddressInfo info;
            NativeCall.Check(NativeMethods.hmf_address_classify(bytes, (UIntPtr)bytes.Length, out info));
            publicResolver = Utf8.ReadOrNull(info.PublicResolver);
            return info.AddressClass;
        }

        /// <summary>Whether a RemoteIPRanges entry is valid, and whether Exchange Online's addresses fall in it.</summary>
        public static bool TryParseRange(string range, out bool includesExchangeOnline)
        {
            var bytes = Utf8.Bytes(range);
            HmfIpRangeInfo info;
            NativeCall.Check(NativeMethods.hmf_ip_range_parse(bytes, (UIntPtr)bytes.Length, out info));
            includesExchangeOnline = info.IncludesExchangeOnline;
            return info.Valid;
        }
    }
}
