using System;
using System.Runtime.InteropServices;

namespace HybridMailFlow.Native
{
    internal static partial class NativeMethods
    {
        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_queue_advise(
            byte[] identity, UIntPtr identityLen,
            byte[] status, UIntPtr statusLen,
            byte[] deliveryType, UIntPtr deliveryTypeLen,
            byte[] nextHopDomain, UIntPtr nextHopDomainLen,
            byte[] lastError, UIntPtr lastErrorLen,
            long messageCount,
            long threshold,
            out QueueAssessmentHandle assessment);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_submission_checklist(byte[] server, UIntPtr serverLen, out QueueAssessmentHandle assessment);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_queue_assessment_get(QueueAssessmentHandle assessment, out IntPtr advice);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void hmf_queue_assessment_free(IntPtr assessment);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_route_table_new(out RouteTableHandle table);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void hmf_route_table_free(IntPtr table);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_route_table_add_connector(
            RouteTableHandle table,
            byte[] name, UIntPtr nameLen,
            [MarshalAs(UnmanagedType.U1)] bool enabled,
            [MarshalAs(UnmanagedType.U1)] bool scoped,
            [MarshalAs(UnmanagedType.U1)] bool hybrid);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_route_table_add_address_space(RouteTableHandle table, byte[] text, UIntPtr textLen);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_route_table_route(RouteTableHandle table, byte[] recipient, UIntPtr recipientLen, out HmfRoute route);
    }
}
