using System;
using System.Runtime.InteropServices;

namespace HybridMailFlow.Native
{
    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfStrList
    {
        public IntPtr Items;
        public UIntPtr Len;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfFileEvent
    {
        public HmfStr Path;
        public ulong Index;
        public ulong Count;
        public ulong Bytes;
        public ulong Lines;
        public ulong Records;
        public ulong SkippedLines;
        public ulong TruncatedLines;
        public uint SkippedByTime;
        public uint SkippedByServer;
        public ulong RepairedLines;
        public ulong FirstRepairedLine;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfItem
    {
        public ItemKind Kind;
        public IntPtr Entry;
        public IntPtr Session;
        public IntPtr Error;
        public IntPtr File;
        public IntPtr TrackingEvent;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfBatchView
    {
        public IntPtr Items;
        public UIntPtr Count;
        public BatchState State;
    }

    /// <summary>A native batch of items; released with hmf_batch_free.</summary>
    internal sealed class BatchHandle : HmfSafeHandle
    {
        protected override void Free(IntPtr handle)
        {
            NativeMethods.hmf_batch_free(handle);
        }
    }

    internal static partial class NativeMethods
    {
        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_batch_view_get(BatchHandle batch, out HmfBatchView view);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void hmf_batch_free(IntPtr batch);
    }
}
