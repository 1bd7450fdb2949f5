using System;
using System.Runtime.InteropServices;

namespace HybridMailFlow.Native
{
    internal static partial class NativeMethods
    {
        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_tracking_reader_new(out TrackingReaderHandle reader);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void hmf_tracking_reader_free(IntPtr reader);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_tracking_reader_add_path(TrackingReaderHandle reader, byte[] path, UIntPtr len);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_tracking_reader_set_time_range(
            TrackingReaderHandle reader,
            [MarshalAs(UnmanagedType.U1)] bool hasStart,
            long startMs,
            [MarshalAs(UnmanagedType.U1)] bool hasEnd,
            long endMs);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_tracking_reader_add_filter(TrackingReaderHandle reader, TrackingFilter kind, byte[] value, UIntPtr len);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_tracking_reader_set_result_size(TrackingReaderHandle reader, ulong count);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_tracking_reader_set_default_server(TrackingReaderHandle reader, byte[] name, UIntPtr len);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_tracking_reader_next_batch(TrackingReaderHandle reader, UIntPtr maxItems, out BatchHandle batch);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_tracking_reader_stats(TrackingReaderHandle reader, out HmfTrackingStats stats);
    }
}
