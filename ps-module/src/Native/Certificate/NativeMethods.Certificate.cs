using System;
using System.Runtime.InteropServices;

namespace HybridMailFlow.Native
{
    internal static partial class NativeMethods
    {
        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_cert_name_covers(byte[] certName, UIntPtr certNameLen, byte[] host, UIntPtr hostLen, out CertificateNameMatch kind);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_cert_find_covering_name(
            byte[] subject,
            UIntPtr subjectLen,
            [In] HmfStr[] names,
            UIntPtr nameCount,
            byte[] host,
            UIntPtr hostLen,
            out HmfCertNameMatch match);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_cert_subject_common_name(byte[] subject, UIntPtr subjectLen, out HmfSpan commonName);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_tls_certificate_name_parse(byte[] text, UIntPtr textLen, out HmfSpan issuer, out HmfSpan subject);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_distinguished_names_equal(
            byte[] a,
            UIntPtr aLen,
            byte[] b,
            UIntPtr bLen,
            [MarshalAs(UnmanagedType.U1)] out bool equal);
    }
}

namespace HybridMailFlow.Native
{
    internal static partial class NativeMethods
    {
        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_address_classify(byte[] text, UIntPtr textLen, out HmfAddressInfo info);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_ip_range_parse(byte[] text, UIntPtr textLen, out HmfIpRangeInfo info);
    }
}
