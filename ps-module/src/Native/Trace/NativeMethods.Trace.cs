using System;
using System.Runtime.InteropServices;

namespace HybridMailFlow.Native
{
    internal static partial class NativeMethods
    {
        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_trace_import_new(out TraceImportHandle import);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void hmf_trace_import_free(IntPtr import);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_trace_import_read(
            TraceImportHandle import, byte[] name, UIntPtr nameLen, byte[] bytes, UIntPtr bytesLen, [MarshalAs(UnmanagedType.U1)] bool dayFirst);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_trace_import_events(TraceImportHandle import, out IntPtr items, out UIntPtr count);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_trace_import_issues(TraceImportHandle import, out IntPtr items, out UIntPtr count);
    }

    // Mirrors of the trace structs in include/hybridmailflow.h. Field order and types must match the header exactly;
    // AbiCheck compares every size with hmf_struct_size at import.

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfTraceEvent
    {
        public TraceFormat Format;
        public long ReceivedMs;
        public HmfStr SenderAddress;
        public HmfStr RecipientAddress;
        public HmfStr Subject;
        public HmfStr Status;
        public HmfStr FromIp;
        public HmfStr ToIp;
        public long Size;
        public HmfStr MessageId;
        public HmfStr MessageTraceId;
        public HmfStr NetworkMessageId;
        public HmfStr Organization;
        public HmfStr Event;
        public HmfStrList Events;
        public HmfStr Action;
        public HmfStr Detail;
        public HmfStr Data;
        public HmfStrList DataProperties;
        public HmfStr ServerHostname;
        public HmfStr ConnectorId;
        public HmfStr ClientIp;
        public HmfStr ClientHostname;
        public HmfStr ServerIp;
        public HmfStr Source;
        public HmfStr SourceContext;
        public HmfStr Directionality;
        public HmfStr InternalMessageId;
        public HmfStr ReturnPath;
        public HmfStr CustomData;
        public HmfStr Reason;
        public HmfStr ReasonLed;
        public int ReasonCode;
        public HmfStr ReasonEnhancedCode;
        public HmfStr ReasonLastAttemptedServer;
        public HmfStr ReasonLastAttemptedIp;
        public HmfStr ReasonProxyTargetIp;
        public HmfStr ReasonProxyTargetHostname;
        public HmfStr ReasonRuleId;
        public HmfStr ReasonTitle;
        public HmfStr Path;
        public ulong Line;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfTraceIssue
    {
        public TraceIssueKind Kind;
        public HmfStr Path;
        public ulong Line;
        public HmfStr Message;
    }

    /// <summary>A trace importer; released with hmf_trace_import_free.</summary>
    internal sealed class TraceImportHandle : HmfSafeHandle
    {
        protected override void Free(IntPtr handle)
        {
            NativeMethods.hmf_trace_import_free(handle);
        }
    }
}
