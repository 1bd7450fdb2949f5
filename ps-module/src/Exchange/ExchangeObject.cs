using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// Reads the properties of an Exchange cmdlet's object in any of the shapes admins have: live in the Exchange
    /// Management Shell (multi-valued properties, enums, Exchange value types), deserialized from a remote session
    /// (ArrayList, strings), or re-imported with Import-Csv (every value a string; a list is joined, or lost as
    /// "System.Object[]").
    /// </summary>
    internal sealed class ExchangeObject
    {
        // What Export-Csv writes for a collection it cannot show: the value is gone.
        private static readonly Regex LostValue = new Regex(@"^(System\.[\w.]+\[\]|Microsoft\.Exchange\.[\w.`]+\[.*\]|System\.Collections\.[\w.`]+(\[.*\])?)$", RegexOptions.CultureInvariant);

        private readonly PSObject item;
        private readonly List<string> lostProperties = new List<string>();

        public ExchangeObject(PSObject item)
        {
            this.item = item;
        }

        public PSObject Item { get { return item; } }

        /// <summary>Properties whose value was lost at export ("System.Object[]"), in the order they were read.</summary>
        public IList<string> LostProperties { get { return lostProperties; } }

        /// <summary>Whether the property's value was lost at export: the checks that need it are skipped, not run on nothing.</summary>
        public bool IsLost(string name)
        {
            return lostProperties.Contains(name, StringComparer.OrdinalIgnoreCase);
        }

        public bool Has(string name)
        {
            return item.Properties[name] != null;
        }

        /// <summary>Whether any of the object's type names (live, "Deserialized.", or "CSV:" of Import-Csv) contains `part`.</summary>
        public bool TypeNameContains(string part)
        {
            return item.TypeNames.Any(t => t.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0);
        }

        public object Value(string name)
        {
            return ExchangeObjects.Property(item, name);
        }

        /// <summary>The property as text; null when absent, empty or lost at export.</summary>
        public string Text(string name)
        {
            var value = Value(name);
            if (value == null)
            {
                return null;
            }
            var list = value as IEnumerable;
            if (!(value is string) && list != null)
            {
                return string.Join(", ", Values(name));
            }
            var text = value.ToString().Trim();
            if (LostValue.IsMatch(text))
            {
                lostProperties.Add(name);
                return null;
            }
            return text.Length == 0 ? null : text;
        }

        /// <summary>
        /// A multi-valued property's items: the elements of a collection (each by its ToString, as Exchange's value
        /// types print their names), or a string as Format-Table and a joined export show them ("{a, b}", "a; b").
        /// Flags enums ("IMAP, POP, IIS, SMTP") read as their names.
        /// </summary>
        public List<string> Values(string name)
        {
            var value = Value(name);
            var result = new List<string>();
            if (value == null)
            {
                return result;
            }
            var text = value as string;
            if (text == null && value is Enum)
            {
                text = value.ToString();
            }
            if (text != null)
            {
                text = text.Trim();
                if (LostValue.IsMatch(text))
                {
                    lostProperties.Add(name);
                    return result;
                }
                text = text.TrimStart('{').TrimEnd('}');
                result.AddRange(text.Split(new[] { ',', ';' }, StringSplitOptions.RemoveEmptyEntries).Select(t => t.Trim()).Where(t => t.Length > 0));
                return result;
            }
            var list = value as IEnumerable;
            if (list == null)
            {
                var single = value.ToString().Trim();
                if (single.Length > 0)
                {
                    result.Add(single);
                }
                return result;
            }
            foreach (var element in list)
            {
                var s = element == null ? null : element.ToString().Trim();
                if (!string.IsNullOrEmpty(s))
                {
                    result.Add(s);
                }
            }
            return result;
        }

        /// <summary>A Boolean property: a bool, or "True"/"False" as Import-Csv gives it; null when absent or unreadable.</summary>
        public bool? Bool(string name)
        {
            var value = Value(name);
            if (value is bool)
            {
                return (bool)value;
            }
            bool parsed;
            var text = Text(name);
            return text != null && bool.TryParse(text, out parsed) ? parsed : (bool?)null;
        }

        /// <summary>A date property, in UTC: a DateTime, or text in this culture's or the invariant format.</summary>
        public DateTime? DateUtc(string name)
        {
            var value = Value(name);
            if (value is DateTime)
            {
                // Exchange gives local times (Kind Local or Unspecified); both convert as local.
                return ((DateTime)value).ToUniversalTime();
            }
            var text = Text(name);
            DateTime parsed;
            if (text != null && (DateTime.TryParse(text, CultureInfo.CurrentCulture, DateTimeStyles.AllowWhiteSpaces, out parsed)
                || DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out parsed)))
            {
                return parsed.ToUniversalTime();
            }
            return null;
        }

        /// <summary>The object's identity as Exchange prints it: Identity, else Name.</summary>
        public string Identity()
        {
            return Text("Identity") ?? Text("Name");
        }

        /// <summary>A short description for messages: the identity, or the first type name.</summary>
        public string Describe()
        {
            return Identity() ?? (item.TypeNames.Count > 0 ? item.TypeNames[0] : item.BaseObject.GetType().FullName);
        }
    }
}
