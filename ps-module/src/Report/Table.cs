using System;
using System.Collections.Generic;
using System.Globalization;

namespace HybridMailFlow.Report
{
    /// <summary>
    /// A table of the report: its rows are written as HTML (they print and read without script); the page's script
    /// sorts them when a header is clicked and filters them by the text typed above.
    /// </summary>
    internal sealed class Table
    {
        private readonly string id;
        private readonly List<ColumnInfo> columns = new List<ColumnInfo>();
        private readonly List<TableRow> rows = new List<TableRow>();

        public Table(string id)
        {
            this.id = id;
        }

        /// <summary>How many rows exist in all, when only some are shown (the rest are counted in the totals).</summary>
        public long Total { get; set; }

        public Table Column(string header, bool numeric = false)
        {
            columns.Add(new ColumnInfo { Header = header, Numeric = numeric });
            return this;
        }

        public TableRow Add(string cssClass = null)
        {
            var row = new TableRow(cssClass);
            rows.Add(row);
            return row;
        }

        /// <summary>The table under its caption; an interactive one with a filter box and sortable headers.</summary>
        public void Write(HtmlWriter w, string label, bool interactive = true)
        {
            var shown = rows.Count;
            var total = Math.Max(Total, shown);
            if (interactive)
            {
                Tools(w, label, shown, total);
            }
            w.Open("div", "class", "table-wrap");
            w.Open("table", "id", id, "class", interactive ? "data sortable" : "data");
            w.Element("caption", label);
            w.Open("thead").Open("tr");
            foreach (var column in columns)
            {
                w.Open("th", "scope", "col", "data-sort", column.Numeric ? "number" : "text", "class", column.Numeric ? "num" : null);
                if (interactive)
                {
                    w.Element("button", column.Header, "type", "button", "class", "sort");
                }
                else
                {
                    w.Text(column.Header);
                }
                w.Close("th");
            }
            w.Close("tr").Close("thead");
            w.Open("tbody");
            foreach (var row in rows)
            {
                row.Write(w);
            }
            w.Close("tbody").Close("table").Close("div");
        }

        private void Tools(HtmlWriter w, string label, int shown, long total)
        {
            w.Open("div", "class", "table-tools");
            w.Open("label").Text("Filter ").Open("input", "type", "search", "class", "filter", "data-table", id, "aria-label", "Filter: " + label).Close("label");
            w.Element("span", string.Format(CultureInfo.InvariantCulture, "{0} rows", Format.Count(shown)), "class", "row-count", "data-table", id, "data-rows", shown.ToString(CultureInfo.InvariantCulture));
            if (total > shown)
            {
                w.Element("span", string.Format(CultureInfo.InvariantCulture, "{0} of {1} shown; the figures above count them all", Format.Count(shown), Format.Count(total)), "class", "note");
            }
            w.Close("div");
        }

        private sealed class ColumnInfo
        {
            public string Header;
            public bool Numeric;
        }
    }

    /// <summary>One row: cells in column order.</summary>
    internal sealed class TableRow
    {
        private readonly string cssClass;
        private readonly List<Cell> cells = new List<Cell>();

        public TableRow(string cssClass)
        {
            this.cssClass = cssClass;
        }

        public TableRow Text(string text, string cssClass = null)
        {
            cells.Add(new Cell { Text = Escape.Clip(text, 2000), CssClass = cssClass });
            return this;
        }

        /// <summary>Log text shown in a fixed-width font (replies, lines, commands).</summary>
        public TableRow Code(string text, string cssClass = null)
        {
            cells.Add(new Cell { Text = Escape.Clip(text, 2000), Code = true, CssClass = cssClass });
            return this;
        }

        public TableRow Number(long? value)
        {
            cells.Add(new Cell
            {
                Text = value.HasValue ? Format.Count(value.Value) : string.Empty,
                SortKey = value.HasValue ? value.Value.ToString(CultureInfo.InvariantCulture) : string.Empty,
                CssClass = "num",
            });
            return this;
        }

        public TableRow Seconds(double? seconds)
        {
            cells.Add(new Cell
            {
                Text = seconds.HasValue ? Format.Duration(TimeSpan.FromSeconds(seconds.Value)) : string.Empty,
                SortKey = seconds.HasValue ? seconds.Value.ToString("R", CultureInfo.InvariantCulture) : string.Empty,
                CssClass = "num",
            });
            return this;
        }

        public TableRow Time(DateTime? utc, bool seconds = true)
        {
            cells.Add(new Cell
            {
                Text = utc.HasValue ? Format.LocalTime(utc.Value, seconds) : string.Empty,
                SortKey = utc.HasValue ? Format.SortKey(utc.Value) : string.Empty,
                CssClass = "time",
            });
            return this;
        }

        /// <summary>A short status word with its colour (the class comes from our own list, never from the input).</summary>
        public TableRow Badge(string text, string badgeClass)
        {
            cells.Add(new Cell { Text = text, Badge = badgeClass });
            return this;
        }

        /// <summary>A button that shows an example's details from the page's data block.</summary>
        public TableRow ExampleButton(int example)
        {
            cells.Add(new Cell { Example = example });
            return this;
        }

        internal void Write(HtmlWriter w)
        {
            w.Open("tr", "class", cssClass);
            foreach (var cell in cells)
            {
                w.Open("td", "class", cell.CssClass, "data-value", cell.SortKey);
                if (cell.Example.HasValue)
                {
                    w.Element("button", "Details", "type", "button", "class", "show-example", "data-example", cell.Example.Value.ToString(CultureInfo.InvariantCulture));
                }
                else if (cell.Badge != null)
                {
                    w.Element("span", cell.Text, "class", "badge " + cell.Badge);
                }
                else if (cell.Code)
                {
                    w.Element("code", cell.Text);
                }
                else
                {
                    w.Text(cell.Text);
                }
                w.Close("td");
            }
            w.Close("tr");
        }

        private struct Cell
        {
            public string Text;
            public string SortKey;
            public string CssClass;
            public string Badge;
            public bool Code;
            public int? Example;
        }
    }
}
