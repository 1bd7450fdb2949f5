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
        internal static extern HmfStatus hmf_timeline_result_timelines(TimelineResultHandle result, out IntPtr items, out UIntPtr count);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_timeline_result_issues(TimelineResultHandle result, out IntPtr items, out UIntPtr count);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_timeline_result_evidence(TimelineResultHandle result, out IntPtr items, out UIntPtr count);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_timeline_result_stats(TimelineResultHandle result, out HmfTimelineStats stats);
    }

    // Mirrors of the timeline structs in include/hybridmailflow.h. Field order and types must match the header
    // exactly; AbiCheck compares every size with hmf_struct_size at import.

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfHop
    {
        public long TimeMs;
        public HmfStr Server;
        public HopComponent Component;
        public HmfStr Connector;
        public HmfStr Event;
        public HopSource Source;
        public HmfStr Status;
        public long LatencyMs;
        public HmfStr SessionId;
        public HmfStr Remote;
        public HmfStr Sender;
        public HmfStrList Recipients;
        public HmfStr MessageId;
        public HmfStr NetworkMessageId;
        public HmfStr InternalId;
        public HmfStr NextInternalId;
        public HmfStr NextHost;
        public HmfStr Error;
        public HmfStr ErrorRuleId;
        public HmfStr ErrorTitle;
        public HopJoin JoinedBy;
        public HmfStr Path;
        public ulong Line;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfTimelineFlag
    {
        public TimelineFlagKind Kind;
        public long Hop;
        public HmfStr Message;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfTimeline
    {
        public HmfStr MessageId;
        public HmfStr NetworkMessageId;
        public HmfStr Sender;
        public HmfStr Recipient;
        public HmfStr Subject;
        public TimelineLocation Location;
        public HmfStr LocationServer;
        public HmfStr Summary;
        public HmfStr Error;
        public HmfStr ErrorRuleId;
        public HmfStr ErrorTitle;
        public IntPtr Hops;
        public UIntPtr HopCount;
        public IntPtr Flags;
        public UIntPtr FlagCount;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfTimelineStats
    {
        public ulong FilesSearched;
        public ulong BytesSearched;
        public ulong TrackingFilesRead;
        public ulong ProtocolFilesRead;
        public ulong TrackingEvents;
        public ulong Sessions;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfEvidenceFile
    {
        public EvidenceKind Kind;
        public HmfStr Path;
        public HmfStrList Header;
        public HmfStrList Lines;
        public IntPtr LineNumbers;
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
