using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HybridMailFlow.Native;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// Checks the DNS servers of transport services (Get-TransportService, Get-FrontendTransportService):
    /// public resolvers in InternalDNSServers (the cause of 451 4.7.0 PRX2), the adapter flags, and missing
    /// external DNS.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "HybridTransportDns")]
    [OutputType(typeof(ConfigurationCheck))]
    public sealed class TestHybridTransportDnsCommand : ConfigurationCheckCommand
    {
        private const string Prx2 = "451 4.7.0 Temporary server error. Please try again later. PRX2";
        private const string NoExternalDns = "451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public PSObject[] InputObject { get; set; }

        protected override string Area { get { return "TransportDns"; } }

        protected override void ProcessRecord()
        {
            foreach (var item in InputObject ?? new PSObject[0])
            {
                if (item == null)
                {
                    continue;
                }
                var o = new ExchangeObject(item);
                if (!o.Has("InternalDNSServers") && !o.Has("ExternalDNSServers"))
                {
                    RefuseInput(o, "a Get-TransportService or Get-FrontendTransportService object (InternalDNSServers, ExternalDNSServers)");
                    continue;
                }
                var server = o.Text("Name") ?? o.Identity();
                // The Front End Transport service has no message tracking of its own: that tells a CSV row's service.
                var frontEnd = o.TypeNameContains("FrontendTransport") || (!o.TypeNameContains("TransportServer") && !o.Has("MessageTrackingLogPath") && !o.Has("MessageTrackingLogEnabled"));
                var set = (frontEnd ? "Set-FrontendTransportService " : "Set-TransportService ") + Quote(server);
                var service = frontEnd ? "Front End Transport" : "Transport";
                CheckInternal(o, server, service, set);
                CheckExternal(o, server, service, set);
                WarnAboutLostValues(o);
            }
        }

        private sealed class DnsServer
        {
            public string Address;
            public AddressClass Class;
            public string Resolver;

            public bool IsInternal { get { return Class == AddressClass.Private || Class == AddressClass.Loopback; } }

            public override string ToString()
            {
                return Resolver != null ? string.Format("{0} ({1})", Address, Resolver) : string.Format("{0} ({1})", Address, AbiNames.Of(Class).ToLowerInvariant());
            }
        }

        private static List<DnsServer> Classify(IEnumerable<string> addresses)
        {
            return addresses.Select(a =>
            {
                string resolver;
                var cls = Addresses.Classify(a, out resolver);
                return new DnsServer { Address = a, Class = cls, Resolver = resolver };
            }).ToList();
        }

        private void CheckInternal(ExchangeObject o, string server, string service, string set)
        {
            var servers = Classify(o.Values("InternalDNSServers"));
            if (o.IsLost("InternalDNSServers"))
            {
                Emit(server, server, "InternalDnsServers", CheckResult.Skipped, LostReason(server, "InternalDNSServers"));
                return;
            }
            var adapter = o.Bool("InternalDNSAdapterEnabled");
            var evidence = string.Format("InternalDNSServers: {{{0}}}; InternalDNSAdapterEnabled: {1}; InternalDNSAdapterGuid: {2}",
                string.Join(", ", servers.Select(s => s.Address)), adapter.HasValue ? adapter.Value.ToString() : "(not given)", o.Text("InternalDNSAdapterGuid") ?? "(not given)");
            var invalid = servers.Where(s => s.Class == AddressClass.Invalid).ToList();
            var external = servers.Where(s => !s.IsInternal && s.Class != AddressClass.Invalid).ToList();
            var keep = servers.Where(s => s.IsInternal).Select(s => s.Address).ToList();
            var fixList = keep.Count > 0 ? set + " -InternalDNSServers " + QuoteList(keep) + " -InternalDNSAdapterEnabled $false" : set + " -InternalDNSServers $null -InternalDNSAdapterEnabled $true";
            if (invalid.Count > 0)
            {
                Emit(server, server, "InternalDnsServers", CheckResult.Fail, "InternalDNSServers has entries that are not IP addresses: " + string.Join(", ", invalid.Select(s => s.Address)), evidence,
                    "List the internal DNS servers (the domain controllers) by address.", fixList);
            }
            else if (external.Count > 0)
            {
                Emit(server, server, "InternalDnsServers", CheckResult.Fail,
                    string.Format("The {0} service's internal DNS servers include public resolvers: {1}. They cannot resolve the organisation's internal names, so proxying to the Mailbox server fails now and then (the lab's PRX2).",
                        service, string.Join(", ", external)),
                    evidence,
                    keep.Count > 0 ? "Keep only the internal DNS servers, and stop taking them from the network adapter." : "Remove the public resolvers; use the network adapter's DNS servers if they are the domain controllers, or list the domain controllers.",
                    fixList, Prx2);
            }
            else if (servers.Count == 0 && adapter == false)
            {
                Emit(server, server, "InternalDnsServers", CheckResult.Fail,
                    "The " + service + " service has no internal DNS: InternalDNSAdapterEnabled is False and InternalDNSServers is empty.", evidence,
                    "Use the network adapter's DNS servers, or list the domain controllers.", set + " -InternalDNSAdapterEnabled $true", Prx2);
            }
            else if (servers.Count == 0)
            {
                Emit(server, server, "InternalDnsServers", CheckResult.Skipped,
                    "The " + service + " service uses the network adapter's DNS servers, which its settings do not show: check them with Get-DnsClientServerAddress (no public resolver may be among them).", evidence);
            }
            else if (adapter == true)
            {
                Emit(server, server, "InternalDnsServers", CheckResult.Warn,
                    "InternalDNSServers lists servers, but InternalDNSAdapterEnabled is True: the network adapter's DNS servers are used instead (a public one among them causes PRX2).", evidence,
                    "Use the listed servers only, as the lab guide's fix does.", set + " -InternalDNSServers " + QuoteList(keep) + " -InternalDNSAdapterEnabled $false", Prx2);
            }
            else
            {
                Emit(server, server, "InternalDnsServers", CheckResult.Pass, "The " + service + " service resolves internal names with internal DNS servers only: " + string.Join(", ", servers) + ".", evidence);
            }
        }

        private void CheckExternal(ExchangeObject o, string server, string service, string set)
        {
            var servers = Classify(o.Values("ExternalDNSServers"));
            if (o.IsLost("ExternalDNSServers"))
            {
                Emit(server, server, "ExternalDnsServers", CheckResult.Skipped, LostReason(server, "ExternalDNSServers"));
                return;
            }
            var adapter = o.Bool("ExternalDNSAdapterEnabled");
            var evidence = string.Format("ExternalDNSServers: {{{0}}}; ExternalDNSAdapterEnabled: {1}; ExternalDNSAdapterGuid: {2}",
                string.Join(", ", servers.Select(s => s.Address)), adapter.HasValue ? adapter.Value.ToString() : "(not given)", o.Text("ExternalDNSAdapterGuid") ?? "(not given)");
            var invalid = servers.Where(s => s.Class == AddressClass.Invalid).ToList();
            var labFix = set + " -ExternalDNSServers '8.8.8.8','8.8.4.4' -ExternalDNSAdapterEnabled $false";
            if (invalid.Count > 0)
            {
                Emit(server, server, "ExternalDnsServers", CheckResult.Fail, "ExternalDNSServers has entries that are not IP addresses: " + string.Join(", ", invalid.Select(s => s.Address)), evidence,
                    "List the external DNS servers by address.", labFix, NoExternalDns);
            }
            else if (servers.Count == 0 && adapter == false)
            {
                Emit(server, server, "ExternalDnsServers", CheckResult.Fail,
                    "The " + service + " service has no external DNS: ExternalDNSAdapterEnabled is False and ExternalDNSServers is empty, so MX lookups of external domains fail.", evidence,
                    "List external DNS servers (the lab guide uses Google's), or use the network adapter's.", labFix, NoExternalDns);
            }
            else if (servers.Count == 0)
            {
                Emit(server, server, "ExternalDnsServers", CheckResult.Skipped,
                    "The " + service + " service uses the network adapter's DNS servers for external lookups, which its settings do not show: check that they resolve internet names (Resolve-DnsName -Type MX cloudfield.mail.onmicrosoft.com).", evidence);
            }
            else if (adapter == true)
            {
                Emit(server, server, "ExternalDnsServers", CheckResult.Warn,
                    "ExternalDNSServers lists servers, but ExternalDNSAdapterEnabled is True: the network adapter's DNS servers are used instead.", evidence,
                    "Use the listed servers, as the lab guide's fix does.", set + " -ExternalDNSServers " + QuoteList(servers.Select(s => s.Address)) + " -ExternalDNSAdapterEnabled $false");
            }
            else
            {
                Emit(server, server, "ExternalDnsServers", CheckResult.Pass, "The " + service + " service resolves external names with " + string.Join(", ", servers) + ".", evidence);
            }
        }
    }
}
