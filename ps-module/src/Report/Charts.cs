using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace HybridMailFlow.Report
{
    /// <summary>
    /// The report's charts, drawn here as SVG in the page: no script draws them, so they show and print as they are.
    /// Colours are presentation attributes (a strict Content-Security-Policy allows them) from a fixed palette.
    /// </summary>
    internal static class Charts
    {
        private const int Width = 960;
        private const int Left = 56;
        private const int Right = 12;
        private const int Top = 14;
        private const int PlotHeight = 200;
        private const int AxisHeight = 40;
        private const int MaxBars = 150;

        private static readonly int[] Widths = { 5, 10, 15, 30, 60 };

        private static readonly Dictionary<string, string> Palette = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            { "Delivered", "#2e7d32" },
            { "Sent", "#66bb6a" },
            { "Received", "#1565c0" },
            { "NoMessage", "#90a4ae" },
            { "Incomplete", "#cfd8dc" },
            { "Rejected", "#c62828" },
            { "Failed", "#c62828" },
            { "TempFailed", "#ef6c00" },
            { "Deferred", "#ef6c00" },
            { "Pending", "#ef6c00" },
            { "ConnectFailed", "#6a1b9a" },
            { "TlsFailed", "#ad1457" },
            { "AuthFailed", "#795548" },
            { "Dropped", "#f9a825" },
            { "DSN", "#8e24aa" },
            { "FilteredAsSpam", "#6d4c41" },
            { "Quarantined", "#4e342e" },
            { "Expanded", "#00838f" },
            { "Exchange Online", "#0078d4" },
            { "Internet", "#ef6c00" },
            { "Internal", "#2e7d32" },
            { "Unknown", "#90a4ae" },
        };

        public static string ColorOf(string category)
        {
            string color;
            return Palette.TryGetValue(category, out color) ? color : "#546e7a";
        }

        /// <summary>
        /// Stacked bars over time, one bar per 5 to 60 minutes of local time (the smallest width that keeps the bars
        /// to 150), per hour up to 31 days, per day beyond; then the legend with each category's total.
        /// </summary>
        public static void Timeline(HtmlWriter w, TimeSeries series, string id)
        {
            var keys = series.Buckets.Keys.ToList();
            var firstUtc = new DateTime(keys.Min() * TimeSeries.Base.Ticks, DateTimeKind.Utc);
            var lastUtc = new DateTime(keys.Max() * TimeSeries.Base.Ticks, DateTimeKind.Utc);
            var width = BarWidth(lastUtc - firstUtc);

            var bars = new List<DateTime>();
            for (var start = Align(firstUtc, width); start <= lastUtc; start = Align(start + width + TimeSpan.FromTicks(width.Ticks / 2), width))
            {
                bars.Add(start);
            }
            var index = new Dictionary<DateTime, int>();
            for (int i = 0; i < bars.Count; i++)
            {
                index[bars[i]] = i;
            }
            var counts = new long[bars.Count, series.Categories.Length];
            var totals = new long[series.Categories.Length];
            foreach (var bucket in series.Buckets)
            {
                var bar = index[Align(new DateTime(bucket.Key * TimeSeries.Base.Ticks, DateTimeKind.Utc), width)];
                for (int c = 0; c < series.Categories.Length; c++)
                {
                    counts[bar, c] += bucket.Value[c];
                    totals[c] += bucket.Value[c];
                }
            }
            long max = 1;
            for (int b = 0; b < bars.Count; b++)
            {
                long stack = 0;
                for (int c = 0; c < series.Categories.Length; c++)
                {
                    stack += counts[b, c];
                }
                max = Math.Max(max, stack);
            }
            var step = NiceStep(max, 4);
            var top = (max + step - 1) / step * step;

            var titleId = id + "-title";
            var unitText = width.TotalDays >= 1 ? "day" : width.TotalMinutes >= 60 ? "hour" : width.TotalMinutes.ToString(CultureInfo.InvariantCulture) + " minutes";
            var caption = string.Format(CultureInfo.InvariantCulture, "{0}: {1} {2}, one bar per {3}, local time ({4})",
                series.Title, Format.Count(series.Total), series.Unit, unitText, Format.Offsets(firstUtc, lastUtc));
            w.Open("figure", "class", "chart", "id", id);
            w.Open("svg", "xmlns", "http://www.w3.org/2000/svg", "viewBox", string.Format(CultureInfo.InvariantCulture, "0 0 {0} {1}", Width, Top + PlotHeight + AxisHeight),
                "role", "img", "aria-labelledby", titleId, "class", "timeline");
            w.Element("title", caption, "id", titleId);
            var plotWidth = Width - Left - Right;
            for (long tick = 0; tick <= top; tick += step)
            {
                var y = Top + PlotHeight - (double)tick / top * PlotHeight;
                w.Open("line", "x1", N(Left), "x2", N(Width - Right), "y1", N(y), "y2", N(y), "stroke", tick == 0 ? "#455a64" : "#cfd8dc", "stroke-width", "1").Close("line");
                w.Element("text", Format.Count(tick), "x", N(Left - 6), "y", N(y + 4), "text-anchor", "end", "font-size", "11", "fill", "#37474f");
            }
            var barWidth = (double)plotWidth / bars.Count;
            var gap = barWidth > 4 ? barWidth * 0.15 : 0;
            for (int b = 0; b < bars.Count; b++)
            {
                var x = Left + b * barWidth;
                var y = (double)(Top + PlotHeight);
                var label = BarLabel(bars[b], width);
                for (int c = 0; c < series.Categories.Length; c++)
                {
                    var count = counts[b, c];
                    if (count == 0)
                    {
                        continue;
                    }
                    var height = (double)count / top * PlotHeight;
                    y -= height;
                    w.Open("rect", "x", N(x + gap / 2), "y", N(y), "width", N(Math.Max(barWidth - gap, 0.5)), "height", N(height), "fill", ColorOf(series.Categories[c]));
                    w.Element("title", string.Format(CultureInfo.InvariantCulture, "{0}: {1} {2}", label, Format.Count(count), series.Categories[c]));
                    w.Close("rect");
                }
            }
            var every = (int)Math.Ceiling(bars.Count / 10.0);
            string lastDay = null;
            for (int b = 0; b < bars.Count; b += every)
            {
                var local = bars[b] + TimeZoneInfo.Local.GetUtcOffset(bars[b]);
                var day = local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                var x = Left + (b + 0.5) * barWidth;
                w.Open("line", "x1", N(x), "x2", N(x), "y1", N(Top + PlotHeight), "y2", N(Top + PlotHeight + 4), "stroke", "#455a64").Close("line");
                var text = width.TotalDays >= 1 ? day : local.ToString("HH:mm", CultureInfo.InvariantCulture);
                w.Element("text", text, "x", N(x), "y", N(Top + PlotHeight + 17), "text-anchor", "middle", "font-size", "11", "fill", "#37474f");
                if (width.TotalDays < 1 && day != lastDay)
                {
                    w.Element("text", day, "x", N(x), "y", N(Top + PlotHeight + 31), "text-anchor", "middle", "font-size", "10", "fill", "#607d8b");
                }
                lastDay = day;
            }
            w.Close("svg");
            w.Element("figcaption", caption);
            Legend(w, series.Categories.Select((c, i) => new KeyValuePair<string, long>(c, totals[i])).Where(p => p.Value > 0), id);
            w.Close("figure");
        }

        /// <summary>Horizontal bars with their labels and values: for a few categories (traffic, TLS protocols).</summary>
        public static void Bars(HtmlWriter w, string id, string title, IList<KeyValuePair<string, long>> bars, Func<string, string> color)
        {
            const int row = 24;
            const int label = 280;
            const int valueWidth = 90;
            var height = bars.Count * row + 8;
            var max = Math.Max(1, bars.Count == 0 ? 1 : bars.Max(b => b.Value));
            var titleId = id + "-title";
            w.Open("figure", "class", "chart bars", "id", id);
            w.Open("svg", "xmlns", "http://www.w3.org/2000/svg", "viewBox", string.Format(CultureInfo.InvariantCulture, "0 0 {0} {1}", Width, height),
                "role", "img", "aria-labelledby", titleId);
            w.Element("title", title, "id", titleId);
            for (int i = 0; i < bars.Count; i++)
            {
                var y = 4 + i * row;
                var length = (double)bars[i].Value / max * (Width - label - valueWidth);
                w.Element("text", Escape.Clip(bars[i].Key, 48), "x", N(label - 8), "y", N(y + 16), "text-anchor", "end", "font-size", "12", "fill", "#263238");
                w.Open("rect", "x", N(label), "y", N(y + 3), "width", N(Math.Max(length, 1)), "height", N(row - 8), "fill", color(bars[i].Key));
                w.Element("title", bars[i].Key + ": " + Format.Count(bars[i].Value));
                w.Close("rect");
                w.Element("text", Format.Count(bars[i].Value), "x", N(label + Math.Max(length, 1) + 6), "y", N(y + 16), "font-size", "12", "fill", "#263238");
            }
            w.Close("svg");
            w.Element("figcaption", title);
            w.Close("figure");
        }

        private static void Legend(HtmlWriter w, IEnumerable<KeyValuePair<string, long>> entries, string id)
        {
            w.Open("ul", "class", "legend");
            foreach (var entry in entries)
            {
                w.Open("li", "data-figure", id + "." + entry.Key, "data-value", entry.Value.ToString(CultureInfo.InvariantCulture));
                w.Open("svg", "xmlns", "http://www.w3.org/2000/svg", "viewBox", "0 0 12 12", "width", "12", "height", "12", "aria-hidden", "true");
                w.Open("rect", "width", "12", "height", "12", "fill", ColorOf(entry.Key)).Close("rect");
                w.Close("svg");
                w.Text(" " + entry.Key + " " + Format.Count(entry.Value));
                w.Close("li");
            }
            w.Close("ul");
        }

        private static TimeSpan BarWidth(TimeSpan span)
        {
            foreach (var minutes in Widths)
            {
                if (span.TotalMinutes / minutes < MaxBars)
                {
                    return TimeSpan.FromMinutes(minutes);
                }
            }
            return span.TotalDays <= 31 ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        }

        /// <summary>
        /// The start, in UTC, of the bar a moment falls in: bars begin on whole local hours (or days), so that a
        /// zone 30 or 45 minutes off UTC still gets bars from 06:00 to 07:00, and an hour repeated when the clocks
        /// go back gets a bar of its own.
        /// </summary>
        private static DateTime Align(DateTime utc, TimeSpan width)
        {
            var offset = TimeZoneInfo.Local.GetUtcOffset(utc);
            var local = utc.Ticks + offset.Ticks;
            return new DateTime(local / width.Ticks * width.Ticks - offset.Ticks, DateTimeKind.Utc);
        }

        private static string BarLabel(DateTime startUtc, TimeSpan width)
        {
            if (width.TotalDays >= 1)
            {
                return (startUtc + TimeZoneInfo.Local.GetUtcOffset(startUtc)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }
            var end = startUtc + width;
            return Format.LocalTime(startUtc, false) + " to " + (end + TimeZoneInfo.Local.GetUtcOffset(end)).ToString("HH:mm", CultureInfo.InvariantCulture);
        }

        private static long NiceStep(long max, int ticks)
        {
            var raw = Math.Max(1.0, (double)max / ticks);
            var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
            var normalized = raw / magnitude;
            var nice = normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10;
            return Math.Max(1, (long)Math.Round(nice * magnitude));
        }

        private static string N(double value)
        {
            return value.ToString("0.##", CultureInfo.InvariantCulture);
        }
    }
}
