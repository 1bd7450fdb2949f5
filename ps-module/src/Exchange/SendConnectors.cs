using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using HybridMailFlow.Native;
using static HybridMailFlow.Commands.ExchangeObjects;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// Get-SendConnector objects as routing and the hybrid checks read them, whatever way they arrive: live
    /// (AddressSpaces as AddressSpace objects), deserialized (an ArrayList of strings or property bags), or from a
    /// CSV (a joined string, or "System.Object[]" when Export-Csv lost the value).
    /// </summary>
    internal static class SendConnectors
    {
        internal sealed class Connector
        {
            public PSObject Source;
            public string Name;

            /// <summary>The connector's Guid: a queue's NextHopConnector names its connector by it.</summary>
            public string Guid;
            public bool Enabled;
            public bool Scoped;
            public bool Hybrid;
            public List<string> AddressSpaces = new List<string>();

            /// <summary>False when the export lost the AddressSpaces ("System.Object[]"): the connector cannot take part in routing.</summary>
            public bool AddressSpacesKnown = true;
        }

        public static List<Connector> Read(Cmdlet cmdlet, IEnumerable<PSObject> items)
        {
            var result = new List<Connector>();
            foreach (var item in items.Where(i => i != null))
            {
                var connector = ReadOne(cmdlet, item);
                if (connector != null)
                {
                    result.Add(connector);
                }
            }
            return result;
        }

        public static Connector ReadOne(Cmdlet cmdlet, PSObject item)
        {
            var name = Text(item, "Name") ?? Text(item, "Identity");
            if (name == null || item.Properties["AddressSpaces"] == null)
            {
                cmdlet.WriteError(new ErrorRecord(
                    new ArgumentException(string.Format("The {0} object is not a Get-SendConnector object (no Name and AddressSpaces); skipped.",
                        item.TypeNames.Count > 0 ? item.TypeNames[0] : item.BaseObject.GetType().FullName)),
                    "HybridMailFlow.NotASendConnector", ErrorCategory.InvalidArgument, item));
                return null;
            }
            var connector = new Connector
            {
                Source = item,
                Name = name,
                Guid = Text(item, "Guid"),
                Enabled = Flag(item, "Enabled") ?? true,
                Scoped = Flag(item, "IsScopedConnector") ?? false,
            };
            var spaces = Property(item, "AddressSpaces");
            var text = spaces as string;
            if (text != null && text.StartsWith("System.", StringComparison.Ordinal))
            {
                connector.AddressSpacesKnown = false;
                cmdlet.WriteWarning(string.Format(
                    "Send connector '{0}': AddressSpaces reads '{1}': the value was lost at export (Export-Csv writes the type name of a list). Export with @{{n='AddressSpaces';e={{$_.AddressSpaces -join ','}}}} or use Export-Clixml; the connector is left out of routing.",
                    name, text));
            }
            else if (text != null)
            {
                connector.AddressSpaces.AddRange(text.Trim('{', '}').Split(new[] { ',', '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).Where(s => s.Length > 0));
            }
            else if (spaces is IEnumerable)
            {
                connector.AddressSpaces.AddRange(((IEnumerable)spaces).Cast<object>().Select(AddressSpaceText).Where(s => !string.IsNullOrEmpty(s)));
            }
            else if (spaces != null)
            {
                connector.AddressSpaces.Add(AddressSpaceText(spaces));
            }
            connector.Hybrid = IsHybrid(item, name, connector.AddressSpaces);
            return connector;
        }

        /// <summary>
        /// HCW's connector: named `Outbound to Office 365 - &lt;guid&gt;`, or sending to Exchange Online with
        /// CloudServicesMailEnabled, TlsDomain mail.protection.outlook.com, or the tenant's mail.onmicrosoft.com.
        /// </summary>
        private static bool IsHybrid(PSObject item, string name, List<string> spaces)
        {
            var tlsDomain = Text(item, "TlsDomain");
            return name.StartsWith("Outbound to Office 365", StringComparison.OrdinalIgnoreCase)
                || (Flag(item, "CloudServicesMailEnabled") ?? false)
                || (tlsDomain != null && tlsDomain.EndsWith("protection.outlook.com", StringComparison.OrdinalIgnoreCase))
                || spaces.Any(s => s.IndexOf(".mail.onmicrosoft.com", StringComparison.OrdinalIgnoreCase) >= 0);
        }

        /// <summary>An address space as text: a string, or an object with AddressSpace (or Domain), Type and Cost.</summary>
        private static string AddressSpaceText(object element)
        {
            if (element == null)
            {
                return null;
            }
            var o = PSObject.AsPSObject(element);
            if (o.BaseObject is string)
            {
                return ((string)o.BaseObject).Trim();
            }
            var address = Text(o, "AddressSpace") ?? Text(o, "Address") ?? Text(o, "Domain");
            if (address == null)
            {
                return o.ToString();
            }
            var type = Text(o, "Type") ?? "SMTP";
            var cost = Text(o, "Cost") ?? "1";
            return string.Format(CultureInfo.InvariantCulture, "{0}:{1};{2}", type, address, cost);
        }

        /// <summary>A Boolean property: a bool, or its text ("True", "$false") from a CSV; null when absent or unreadable.</summary>
        internal static bool? Flag(PSObject o, string name)
        {
            var value = Property(o, name);
            if (value is bool)
            {
                return (bool)value;
            }
            var text = value == null ? null : value.ToString().Trim().TrimStart('$');
            bool parsed;
            return text != null && bool.TryParse(text, out parsed) ? parsed : (bool?)null;
        }

        /// <summary>A route table of the connectors whose address spaces are known; a bad space is a non-terminating error and is left out.</summary>
        public static RouteTableHandle Table(Cmdlet cmdlet, List<Connector> connectors, out List<Connector> order)
        {
            var table = ConfigQueue.NewRouteTable();
            order = new List<Connector>();
            foreach (var connector in connectors.Where(c => c.AddressSpacesKnown))
            {
                ConfigQueue.AddConnector(table, connector.Name, connector.Enabled, connector.Scoped, connector.Hybrid);
                order.Add(connector);
                foreach (var space in connector.AddressSpaces)
                {
                    try
                    {
                        ConfigQueue.AddAddressSpace(table, space);
                    }
                    catch (NativeException e)
                    {
                        cmdlet.WriteError(e.ToErrorRecord(connector.Source));
                    }
                }
            }
            return table;
        }

        public static List<RouteResult> Route(Cmdlet cmdlet, List<Connector> connectors, IEnumerable<string> recipients)
        {
            List<Connector> order;
            var results = new List<RouteResult>();
            using (var table = Table(cmdlet, connectors, out order))
            {
                foreach (var recipient in recipients)
                {
                    try
                    {
                        results.Add(ConfigQueue.Route(table, recipient));
                    }
                    catch (NativeException e)
                    {
                        cmdlet.WriteError(e.ToErrorRecord(recipient));
                    }
                }
            }
            return results;
        }
    }
}
