using System;
using System.Runtime.InteropServices;

namespace HybridMailFlow.Native
{
    /// <summary>A native protocol-log reader; released with hmf_protocol_reader_free.</summary>
    internal sealed class ProtocolReaderHandle : HmfSafeHandle
    {
        protected override void Free(IntPtr handle)
        {
            NativeMethods.hmf_protocol_reader_free(handle);
        }
    }

    internal static partial class NativeMethods
    {
        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_protocol_reader_new(ReadMode mode, out ProtocolReaderHandle reader);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void hmf_protocol_reader_free(IntPtr reader);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_protocol_reader_add_path(ProtocolReaderHandle reader, byte[] path, UIntPtr len);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_protocol_reader_set_time_range(
            ProtocolReaderHandle reader,
            [MarshalAs(UnmanagedType.U1)] bool hasStart,
            long startMs,
            [MarshalAs(UnmanagedType.U1)] bool hasEnd,
            long endMs);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_protocol_reader_add_filter(ProtocolReaderHandle reader, ProtocolFilter kind, byte[] value, UIntPtr len);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_protocol_reader_set_tail(ProtocolReaderHandle reader, ulong count);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_protocol_reader_set_follow(ProtocolReaderHandle reader, [MarshalAs(UnmanagedType.U1)] bool follow);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_protocol_reader_set_default_server(ProtocolReaderHandle reader, byte[] name, UIntPtr len);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_protocol_reader_next_batch(ProtocolReaderHandle reader, UIntPtr maxItems, out BatchHandle batch);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_protocol_reader_stats(ProtocolReaderHandle reader, out HmfProtocolStats stats);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_protocol_parse_lines(byte[] text, UIntPtr len, LogDirection direction, out BatchHandle batch);
    }
}
