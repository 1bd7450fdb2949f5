using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// Reading Exchange cmdlet objects whatever way they arrive: live, deserialized from a remote session (arrays
    /// as ArrayList, enums as strings, wrapped in PSObjects), or re-imported with Import-Csv (every value a string).
    /// </summary>
    internal static class ExchangeObjects
    {
        internal static bool HasProperties(PSObject o, params string[] names)
        {
            return names.All(n => o.Properties[n] != null);
        }

        /// <summary>Whether the object is one of this module's (PSTypeName HybridMailFlow.<paramref name="name"/>), live or as remoting deserialized it.</summary>
        internal static bool IsModuleObject(PSObject o, string name)
        {
            var typeName = "HybridMailFlow." + name;
            return o.TypeNames.Any(t => t == typeName || t == "Deserialized." + typeName);
        }

        internal static object Property(PSObject o, string name)
        {
            var property = o.Properties[name];
            var value = property == null ? null : property.Value;
            var wrapped = value as PSObject;
            return wrapped != null ? wrapped.BaseObject : value;
        }

        internal static string Text(PSObject o, string name)
        {
            var property = o.Properties[name];
            var wrapped = property == null ? null : property.Value as PSObject;
            // A deserialized value (an Exchange QueueIdentity, an enum sent as its number) keeps the text it had
            // on the server on its PSObject; its base object is only a property bag or the number.
            var value = wrapped != null && IsDeserialized(wrapped) ? wrapped : Property(o, name);
            var text = value == null ? null : value.ToString();
            return string.IsNullOrEmpty(text) ? null : text;
        }

        internal static bool IsDeserialized(PSObject o)
        {
            return o.TypeNames.Count > 0 && o.TypeNames[0].StartsWith("Deserialized.", StringComparison.Ordinal);
        }

        /// <summary>
        /// A list property: the items of an array (live or deserialized), or a joined string as Export-Csv writes it
        /// (split on ';' when `split`, else one value).
        /// </summary>
        internal static IEnumerable<string> Values(object value, bool split)
        {
            var text = value as string;
            if (text != null)
            {
                return split
                    ? text.Split(';').Select(t => t.Trim()).Where(t => t.Length > 0).ToList()
                    : (IEnumerable<string>)(text.Length > 0 ? new[] { text } : new string[0]);
            }
            var list = value as IEnumerable;
            if (list == null)
            {
                return new string[0];
            }
            return list.Cast<object>().Where(v => v != null).Select(v => v.ToString()).Where(v => v.Length > 0).ToList();
        }

        internal static DateTime LocalTimeOf(object value)
        {
            if (value is DateTime)
            {
                var time = (DateTime)value;
                return time.Kind == DateTimeKind.Utc ? time.ToLocalTime() : time;
            }
            DateTime parsed;
            var text = value == null ? null : value.ToString();
            if (text != null && (DateTime.TryParse(text, CultureInfo.CurrentCulture, DateTimeStyles.AllowWhiteSpaces, out parsed)
                || DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out parsed)))
            {
                return parsed.Kind == DateTimeKind.Utc ? parsed.ToLocalTime() : parsed;
            }
            return DateTime.MinValue;
        }

        /// <summary>A TimeSpan, or what reads as one (Exchange's EnhancedTimeSpan, deserialized or exported, prints as one).</summary>
        internal static TimeSpan? TimeSpanOf(object value)
        {
            if (value is TimeSpan)
            {
                return (TimeSpan)value;
            }
            TimeSpan parsed;
            var text = value == null ? null : value.ToString();
            return text != null && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out parsed) ? parsed : (TimeSpan?)null;
        }
    }
}
