using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace HybridMailFlow.Native
{
    /// <summary>hmf_stats: a reader's totals. A count a log kind does not keep stays 0.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfStats
    {
        public ulong Files;
        public ulong FilesSkippedByTime;
        public ulong FilesSkippedByServer;
        public ulong FilesRefused;
        public ulong Bytes;
        public ulong Lines;
        public ulong SkippedLines;
        public ulong TruncatedLines;
        /// <summary>Protocol lines read, or tracking events returned.</summary>
        public ulong Rows;
        public ulong Sessions;
    }

    /// <summary>A native log reader of any kind; released with hmf_reader_free.</summary>
    internal sealed class LogReaderHandle : HmfSafeHandle
    {
        protected override void Free(IntPtr handle)
        {
            NativeMethods.hmf_reader_free(handle);
        }
    }

    internal static partial class NativeMethods
    {
        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_reader_new(LogKind kind, ReadMode mode, out LogReaderHandle reader);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void hmf_reader_free(IntPtr reader);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_reader_add_path(LogReaderHandle reader, byte[] path, UIntPtr len);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_reader_set_time_range(
            LogReaderHandle reader,
            [MarshalAs(UnmanagedType.U1)] bool hasStart,
            long startMs,
            [MarshalAs(UnmanagedType.U1)] bool hasEnd,
            long endMs);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_reader_add_filter(LogReaderHandle reader, uint kind, byte[] value, UIntPtr len);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_reader_set_tail(LogReaderHandle reader, ulong count);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_reader_set_follow(LogReaderHandle reader, [MarshalAs(UnmanagedType.U1)] bool follow);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_reader_set_result_size(LogReaderHandle reader, ulong count);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_reader_set_default_server(LogReaderHandle reader, byte[] name, UIntPtr len);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_reader_next_batch(LogReaderHandle reader, UIntPtr maxItems, out BatchHandle batch);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_reader_stats(LogReaderHandle reader, out HmfStats stats);
    }

    /// <summary>Receives what every log kind reports besides its rows, in order. The cmdlets write it out.</summary>
    internal interface ILogSink
    {
        bool Stopping { get; }
        void LineError(NativeError error);
        void FileStarted(string path, int index, int count);
        void FileDone(string path, HmfFileEvent stats);
    }

    /// <summary>What to read, for any log kind: paths, time range, the local server; a kind adds its own filters.</summary>
    internal abstract class LogReadOptions
    {
        public List<string> Paths = new List<string>();
        public DateTime? Start;
        public DateTime? End;
        public string DefaultServer;

        internal abstract LogKind Kind { get; }

        internal virtual ReadMode Mode
        {
            get { return ReadMode.Entries; }
        }

        /// <summary>Adds the kind's filters and options to a reader being configured.</summary>
        internal abstract void Configure(LogReader reader);
    }

    /// <summary>Turns the rows of a batch into objects: the one part of reading that each log kind does its own way.</summary>
    internal abstract class RowReader
    {
        /// <summary>The read's strings: values that repeat from row to row are decoded once per read.</summary>
        protected readonly StringPool Strings = new StringPool();

        /// <summary>An item that is neither an error nor file progress: a row of the kind, or a notice only it gives.</summary>
        internal abstract void Item(HmfItem item);
    }

    /// <summary>
    /// Drives a native reader of any log kind: configure, then read batch after batch, handing errors and file
    /// progress to the sink and rows to the kind's <see cref="RowReader"/>; in follow mode, waits between batches.
    /// </summary>
    internal sealed class LogReader : IDisposable
    {
        private const int BatchSize = 512;
        private static readonly TimeSpan FollowPollInterval = TimeSpan.FromMilliseconds(500);

        private readonly LogReaderHandle handle;

        private LogReader(LogReadOptions o)
        {
            NativeCall.Check(NativeMethods.hmf_reader_new(o.Kind, o.Mode, out handle));
            try
            {
                foreach (var path in o.Paths)
                {
                    NativeCall.Check(NativeMethods.hmf_reader_add_path(handle, Utf8.Bytes(path), Utf8.Length(path)));
                }
                if (o.Start.HasValue || o.End.HasValue)
                {
                    NativeCall.Check(NativeMethods.hmf_reader_set_time_range(
                        handle, o.Start.HasValue, o.Start.HasValue ? Times.ToUnixMs(o.Start.Value) : 0, o.End.HasValue, o.End.HasValue ? Times.ToUnixMs(o.End.Value) : 0));
                }
                o.Configure(this);
                if (!string.IsNullOrEmpty(o.DefaultServer))
                {
                    NativeCall.Check(NativeMethods.hmf_reader_set_default_server(handle, Utf8.Bytes(o.DefaultServer), Utf8.Length(o.DefaultServer)));
                }
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        public static HmfStats Read(LogReadOptions options, ILogSink sink, RowReader rows)
        {
            using (var reader = new LogReader(options))
            {
                while (!sink.Stopping)
                {
                    BatchHandle batch;
                    NativeCall.Check(NativeMethods.hmf_reader_next_batch(reader.handle, (UIntPtr)BatchSize, out batch));
                    BatchState state;
                    using (batch)
                    {
                        state = Deliver(batch, sink, rows);
                    }
                    if (state == BatchState.End)
                    {
                        break;
                    }
                    if (state == BatchState.Pending)
                    {
                        WaitForMore(sink);
                    }
                }
                HmfStats stats;
                NativeCall.Check(NativeMethods.hmf_reader_stats(reader.handle, out stats));
                return stats;
            }
        }

        public void Dispose()
        {
            handle.Dispose();
        }

        /// <summary>Adds a filter value of the kind's filter enum for each value given; null values add none.</summary>
        public void AddFilters(uint kind, params string[] values)
        {
            if (values == null)
            {
                return;
            }
            foreach (var value in values)
            {
                if (value != null)
                {
                    NativeCall.Check(NativeMethods.hmf_reader_add_filter(handle, kind, Utf8.Bytes(value), Utf8.Length(value)));
                }
            }
        }

        public void SetTail(int count)
        {
            NativeCall.Check(NativeMethods.hmf_reader_set_tail(handle, (ulong)Math.Max(0, count)));
        }

        public void SetFollow()
        {
            NativeCall.Check(NativeMethods.hmf_reader_set_follow(handle, true));
        }

        public void SetResultSize(long count)
        {
            NativeCall.Check(NativeMethods.hmf_reader_set_result_size(handle, (ulong)Math.Max(0, count)));
        }

        private static void WaitForMore(ILogSink sink)
        {
            var until = DateTime.UtcNow + FollowPollInterval;
            while (!sink.Stopping && DateTime.UtcNow < until)
            {
                Thread.Sleep(50);
            }
        }

        [MethodImpl(Jit.Eager)]
        private static unsafe BatchState Deliver(BatchHandle batch, ILogSink sink, RowReader rows)
        {
            var view = NativeCall.View(batch);
            var items = (HmfItem*)view.Items;
            for (long i = 0; i < (long)view.Count && !sink.Stopping; i++)
            {
                var item = items[i];
                switch (item.Kind)
                {
                    case ItemKind.Error:
                        sink.LineError(NativeError.From(*(HmfError*)item.Error));
                        break;
                    case ItemKind.FileStarted:
                        var started = (HmfFileEvent*)item.File;
                        sink.FileStarted(Utf8.Read(started->Path), (int)started->Index, (int)started->Count);
                        break;
                    case ItemKind.FileDone:
                        var done = (HmfFileEvent*)item.File;
                        sink.FileDone(Utf8.Read(done->Path), *done);
                        break;
                    default:
                        rows.Item(item);
                        break;
                }
            }
            return view.State;
        }
    }
}
