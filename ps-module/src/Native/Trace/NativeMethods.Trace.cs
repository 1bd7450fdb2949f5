using System;
using System.Collections.Generic;
using System.Linq;
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
        internal static extern HmfStatus hmf_trace_import_events(TraceImportHandle import, out HmfTable table);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_trace_import_issues(TraceImportHandle import, out HmfTable table);
    }

    /// <summary>Mirror of hmf_table: rows of named string columns.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfTable
    {
        public HmfStrList Columns;
        public HmfStrList Cells;
        public UIntPtr Rows;
    }

    /// <summary>A trace importer; released with hmf_trace_import_free.</summary>
    internal sealed class TraceImportHandle : HmfSafeHandle
    {
        protected override void Free(IntPtr handle)
        {
            NativeMethods.hmf_trace_import_free(handle);
        }
    }

    /// <summary>An engine table copied into managed strings; cells are found by column name.</summary>
    internal sealed class NativeTable
    {
        private readonly Dictionary<string, int> columns = new Dictionary<string, int>(StringComparer.Ordinal);
        private readonly string[] cells;
        private readonly int width;

        public NativeTable(HmfTable table)
        {
            var names = Lists.ReadArray(table.Columns);
            for (int i = 0; i < names.Length; i++)
            {
                columns[names[i]] = i;
            }
            width = names.Length;
            // Raw: a list cell's items are joined with a line feed, which is taken apart before it is shown.
            cells = Lists.ReadArray(table.Cells, raw: true);
            Rows = width == 0 ? 0 : cells.Length / width;
        }

        public int Rows { get; private set; }

        /// <summary>The cell, or null when it is empty or the engine has no such column.</summary>
        public string Get(int row, string column)
        {
            return Untrusted.Printable(GetRaw(row, column));
        }

        /// <summary>
        /// The cell as the engine wrote it, control characters and all: for text handed on to the engine (a
        /// joined trace's log lines), never for showing.
        /// </summary>
        public string GetRaw(int row, string column)
        {
            int index;
            if (!columns.TryGetValue(column, out index))
            {
                return null;
            }
            var value = cells[row * width + index];
            return value.Length == 0 ? null : value;
        }

        public long? GetInt64(int row, string column)
        {
            long value;
            var text = Get(row, column);
            return text != null && long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out value) ? value : (long?)null;
        }

        /// <summary>A time column (milliseconds since the Unix epoch) as a UTC DateTime.</summary>
        public DateTime? GetUtc(int row, string column)
        {
            var ms = GetInt64(row, column);
            return ms.HasValue ? Times.FromUnixMs(ms.Value) : (DateTime?)null;
        }

        /// <summary>A list column (items joined with a line feed).</summary>
        public ValueList<string> GetList(int row, string column)
        {
            var text = GetRaw(row, column);
            return text == null ? ValueList<string>.None : new ValueList<string>(text.Split('\n').Select(Untrusted.Printable).ToArray());
        }
    }
}
