using System;
using System.Runtime.InteropServices;

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
