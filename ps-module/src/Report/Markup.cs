using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace HybridMailFlow.Report
{
    /// <summary>
    /// Escaping for each place a value lands in the report. Everything in the logs was written by remote parties
    /// (EHLO names, MAIL FROM, subjects, replies), so every value goes through one of these, whatever it holds.
    /// </summary>
    internal static class Escape
    {
        /// <summary>
        /// HTML text, and attribute values (always written in double quotes): the characters that end a text or an
        /// attribute become references. C0 controls, which the HTML parser drops or refuses, show as their Unicode
        /// control pictures (U+2400 + code), so that a value reads as written, NUL and ESC included.
        /// </summary>
        public static void Html(StringBuilder sb, string text)
        {
            if (text == null)
            {
                return;
            }
            foreach (var c in text)
            {
                switch (c)
                {
                    case '&': sb.Append("&amp;"); break;
                    case '<': sb.Append("&lt;"); break;
                    case '>': sb.Append("&gt;"); break;
                    case '"': sb.Append("&quot;"); break;
                    case '\'': sb.Append("&#39;"); break;
                    case '\t':
                    case '\n':
                    case '\r':
                        sb.Append(c);
                        break;
                    default:
                        if (c < 0x20)
                        {
                            sb.Append((char)(0x2400 + c));
                        }
                        else if (c == 0x7F)
                        {
                            sb.Append('\u2421');
                        }
                        else
                        {
                            sb.Append(c);
                        }
                        break;
                }
            }
        }

        /// <summary>
        /// A JSON string for a &lt;script type="application/json"&gt; block: JSON's own escapes, and &lt;, &gt;, &amp;
        /// as \u escapes so that no "&lt;/script" or "&lt;!--" can end or bend the block, and U+2028/U+2029 (line
        /// ends to older JavaScript parsers).
        /// </summary>
        public static void Json(StringBuilder sb, string text)
        {
            if (text == null)
            {
                sb.Append("null");
                return;
            }
            sb.Append('"');
            foreach (var c in text)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    case '<':
                    case '>':
                    case '&':
                    case '\u2028':
                    case '\u2029':
                        AppendUnicodeEscape(sb, c);
                        break;
                    default:
                        if (c < 0x20 || c == 0x7F)
                        {
                            AppendUnicodeEscape(sb, c);
                        }
                        else
                        {
                            sb.Append(c);
                        }
                        break;
                }
            }
            sb.Append('"');
        }

        private static void AppendUnicodeEscape(StringBuilder sb, char c)
        {
            sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }

        /// <summary>A value cut to `max` characters, saying how much was left out: a hostile 1 MB EHLO does not bloat the report.</summary>
        public static string Clip(string text, int max)
        {
            if (text == null || text.Length <= max)
            {
                return text;
            }
            return text.Substring(0, max) + string.Format(CultureInfo.InvariantCulture, " \u2026 ({0:N0} more characters)", text.Length - max);
        }
    }

    /// <summary>Writes markup: tags and attribute names are ours; every text and attribute value is escaped.</summary>
    internal sealed class HtmlWriter
    {
        private readonly StringBuilder sb;

        public HtmlWriter(StringBuilder sb)
        {
            this.sb = sb;
        }

        /// <summary>Markup of our own (constants, numbers we formatted); never text from the input.</summary>
        public HtmlWriter Raw(string markup)
        {
            sb.Append(markup);
            return this;
        }

        public HtmlWriter Text(string text)
        {
            Escape.Html(sb, text);
            return this;
        }

        /// <summary>An opening tag with attributes given as name, value pairs; a null value leaves the attribute out.</summary>
        public HtmlWriter Open(string tag, params string[] attributes)
        {
            sb.Append('<').Append(tag);
            for (int i = 0; i + 1 < attributes.Length; i += 2)
            {
                if (attributes[i + 1] == null)
                {
                    continue;
                }
                sb.Append(' ').Append(attributes[i]).Append("=\"");
                Escape.Html(sb, attributes[i + 1]);
                sb.Append('"');
            }
            sb.Append('>');
            return this;
        }

        public HtmlWriter Close(string tag)
        {
            sb.Append("</").Append(tag).Append('>');
            return this;
        }

        public HtmlWriter Element(string tag, string text, params string[] attributes)
        {
            return Open(tag, attributes).Text(text).Close(tag);
        }

        /// <summary>A number as the page shows it (1,234), with its exact value in data-value for tests and sorting.</summary>
        public HtmlWriter Figure(string tag, long value, string figure, string cssClass = null)
        {
            return Element(tag, Format.Count(value), "class", cssClass, "data-figure", figure, "data-value", value.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>How the report writes numbers and times.</summary>
    internal static class Format
    {
        public static string Count(long value)
        {
            return value.ToString("N0", CultureInfo.InvariantCulture);
        }

        public static string Percent(long part, long whole)
        {
            return whole == 0 ? string.Empty : (100.0 * part / whole).ToString("0.#", CultureInfo.InvariantCulture) + " %";
        }

        public static string Bytes(long bytes)
        {
            if (bytes < 1024)
            {
                return bytes.ToString(CultureInfo.InvariantCulture) + " B";
            }
            string[] units = { "KB", "MB", "GB", "TB" };
            double value = bytes;
            int unit = -1;
            while (value >= 1024 && unit < units.Length - 1)
            {
                value /= 1024;
                unit++;
            }
            return value.ToString(value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " " + units[unit];
        }

        /// <summary>
        /// A time as this computer's local time with its UTC offset (2026-05-01 06:30:00 +01:00): the offset of that
        /// moment, so that times on both sides of a daylight-saving change read right.
        /// </summary>
        public static string LocalTime(DateTime utc, bool seconds = true)
        {
            var offset = TimeZoneInfo.Local.GetUtcOffset(utc);
            var local = utc + offset;
            return local.ToString(seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + Offset(offset);
        }

        public static string Offset(TimeSpan offset)
        {
            var sign = offset < TimeSpan.Zero ? "-" : "+";
            var abs = offset.Duration();
            return string.Format(CultureInfo.InvariantCulture, "{0}{1:00}:{2:00}", sign, (int)abs.TotalHours, abs.Minutes);
        }

        /// <summary>The sort key of a time: ISO 8601 UTC, which sorts as text.</summary>
        public static string SortKey(DateTime utc)
        {
            return utc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        }

        public static string Duration(TimeSpan span)
        {
            if (span.TotalSeconds < 60)
            {
                return span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
            }
            if (span.TotalHours < 1)
            {
                return string.Format(CultureInfo.InvariantCulture, "{0} min {1} s", (int)span.TotalMinutes, span.Seconds);
            }
            if (span.TotalDays < 1)
            {
                return string.Format(CultureInfo.InvariantCulture, "{0} h {1} min", (int)span.TotalHours, span.Minutes);
            }
            return string.Format(CultureInfo.InvariantCulture, "{0} d {1} h", (int)span.TotalDays, span.Hours);
        }

        /// <summary>The offsets the local zone had over a period: "+01:00", or "+01:00 / +02:00" across a change.</summary>
        public static string Offsets(DateTime firstUtc, DateTime lastUtc)
        {
            var first = TimeZoneInfo.Local.GetUtcOffset(firstUtc);
            var last = TimeZoneInfo.Local.GetUtcOffset(lastUtc);
            return first == last ? "UTC" + Offset(first) : "UTC" + Offset(first) + " / UTC" + Offset(last);
        }
    }

    /// <summary>A JSON writer for the page's data block; strings go through <see cref="Escape.Json"/>.</summary>
    internal sealed class JsonWriter
    {
        private readonly StringBuilder sb;
        private readonly Stack<bool> first = new Stack<bool>();

        public JsonWriter(StringBuilder sb)
        {
            this.sb = sb;
        }

        public JsonWriter BeginObject()
        {
            Separate();
            sb.Append('{');
            first.Push(true);
            return this;
        }

        public JsonWriter EndObject()
        {
            first.Pop();
            sb.Append('}');
            return this;
        }

        public JsonWriter BeginArray()
        {
            Separate();
            sb.Append('[');
            first.Push(true);
            return this;
        }

        public JsonWriter EndArray()
        {
            first.Pop();
            sb.Append(']');
            return this;
        }

        /// <summary>A member name; the value follows.</summary>
        public JsonWriter Name(string name)
        {
            Separate();
            Escape.Json(sb, name);
            sb.Append(':');
            // The value after a name takes no separator.
            first.Pop();
            first.Push(true);
            return this;
        }

        public JsonWriter String(string value)
        {
            Separate();
            Escape.Json(sb, value);
            return this;
        }

        public JsonWriter Number(long value)
        {
            Separate();
            sb.Append(value.ToString(CultureInfo.InvariantCulture));
            return this;
        }

        private void Separate()
        {
            if (first.Count == 0)
            {
                return;
            }
            if (first.Peek())
            {
                first.Pop();
                first.Push(false);
            }
            else
            {
                sb.Append(',');
            }
        }
    }
}
