using System;
using System.Runtime.InteropServices;

namespace HybridMailFlow.Native
{
    internal static partial class NativeMethods
    {
        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_timeline_query_new(out TimelineQueryHandle query);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void hmf_timeline_query_free(IntPtr query);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_timeline_query_add(TimelineQueryHandle query, TimelineValue kind, byte[] value, UIntPtr len);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_timeline_query_set_time_range(
            TimelineQueryHandle query,
            [MarshalAs(UnmanagedType.U1)] bool hasStart,
            long startMs,
            [MarshalAs(UnmanagedType.U1)] bool hasEnd,
            long endMs);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_timeline_query_set_slow_threshold(TimelineQueryHandle query, long ms);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_timeline_query_add_trace(
            TimelineQueryHandle query, byte[] name, UIntPtr nameLen, byte[] bytes, UIntPtr bytesLen, [MarshalAs(UnmanagedType.U1)] bool dayFirst);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_timeline_query_run(TimelineQueryHandle query, out TimelineResultHandle result);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_timeline_query_collect_evidence(TimelineQueryHandle query, out TimelineResultHandle result);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void hmf_timeline_result_free(IntPtr result);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_timeline_result_table(TimelineResultHandle result, TimelineTable table, out HmfTable tableView);
    }

    /// <summary>A timeline query; released with hmf_timeline_query_free.</summary>
    internal sealed class TimelineQueryHandle : HmfSafeHandle
    {
        protected override void Free(IntPtr handle)
        {
            NativeMethods.hmf_timeline_query_free(handle);
        }
    }

    /// <summary>A timeline result; released with hmf_timeline_result_free.</summary>
    internal sealed class TimelineResultHandle : HmfSafeHandle
    {
        protected override void Free(IntPtr handle)
        {
            NativeMethods.hmf_timeline_result_free(handle);
        }
    }
}
