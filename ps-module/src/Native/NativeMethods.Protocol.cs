using System;
using System.Runtime.InteropServices;

namespace HybridMailFlow.Native
{
    internal static partial class NativeMethods
    {
        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern UIntPtr hmf_struct_size(uint id);

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

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_batch_view_get(BatchHandle batch, out HmfBatchView view);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void hmf_batch_free(IntPtr batch);
    }
}

namespace HybridMailFlow.Native
{
    internal static partial class NativeMethods
    {
        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_knowledge_base_new(byte[] rules, UIntPtr rulesLen, byte[] sourceName, UIntPtr sourceLen, out KnowledgeBaseHandle knowledge);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void hmf_knowledge_base_free(IntPtr knowledge);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_diagnose(
            KnowledgeBaseHandle knowledge,
            byte[] text,
            UIntPtr textLen,
            uint direction,
            uint logKind,
            byte[] preceding,
            UIntPtr precedingLen,
            [MarshalAs(UnmanagedType.U1)] bool all,
            out FindingsHandle findings);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_findings_get(FindingsHandle findings, out IntPtr items, out UIntPtr count);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void hmf_findings_free(IntPtr findings);
    }
}
