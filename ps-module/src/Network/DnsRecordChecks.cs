using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using DnsClient;
using DnsClient.Protocol;
using HybridMailFlow.Commands;
using HybridMailFlow.Native;

namespace HybridMailFlow.Network
{
    /// <summary>What Test-HybridDnsRecord checks besides the domain, and against what.</summary>
    internal sealed class DnsCheckOptions
    {
        public MailFlowDesign Design { get; set; }

        /// <summary>The tenant's initial domain (cloudfield.onmicrosoft.com): the DKIM CNAMEs point into it.</summary>
        public string TenantDomain { get; set; }

        /// <summary>Public addresses the on-premises servers send from: SPF must pass them, their PTR must name a HELO name.</summary>
        public IList<IPAddress> OnPremisesAddresses { get; set; }

        /// <summary>The names on-premises servers say in HELO/EHLO (the send connectors' Fqdn).</summary>
        public IList<string> HeloNames { get; set; }

        /// <summary>Names connectors and certificates use (mail.cloudmonkeys.xyz...): each needs an address.</summary>
        public IList<string> HostNames { get; set; }
    }

    /// <summary>
    /// The records a hybrid needs for one domain, each a DnsRecordCheck with the evidence and the fix: MX for the mail
    /// flow design, SPF (one record, Exchange Online's include, the on-premises addresses, the ten lookups, all), DMARC,
    /// the DKIM CNAMEs, autodiscover, the addresses of the hybrid's names and the PTR of the outbound addresses.
    /// </summary>
    internal sealed class DnsRecordChecks
    {
        public const string ExchangeOnlineSpf = "spf.protection.outlook.com";
        private const int Ttl = 3600;

        private readonly DnsResolver dns;
        private readonly SpfEvaluator spf;
        private readonly string domain;
        private readonly DnsCheckOptions options;

        public DnsRecordChecks(DnsResolver dns, string domain, DnsCheckOptions options)
        {
            this.dns = dns;
            spf = new SpfEvaluator(dns);
            this.domain = domain.Trim().TrimEnd('.').ToLowerInvariant();
            this.options = options;
        }

        /// <summary>Why the DNS server did not answer during the last Run, else null.</summary>
        public DnsServerException ServerError { get; private set; }

        /// <summary>The checks of one kind (MX, SPF, DMARC, DKIM, Autodiscover, HostAddress, PTR), in order.</summary>
        public List<DnsRecordCheck> Run(string kind)
        {
            ServerError = null;
            var checks = new List<DnsRecordCheck>();
            try
            {
                switch (kind)
                {
                    case "MX":
                        checks.Add(Mx());
                        break;
                    case "SPF":
                        checks.AddRange(Spf());
                        break;
                    case "DMARC":
                        checks.Add(Dmarc());
                        break;
                    case "DKIM":
                        checks.Add(Dkim("selector1"));
                        checks.Add(Dkim("selector2"));
                        break;
                    case "Autodiscover":
                        checks.Add(Autodiscover());
                        break;
                    case "HostAddress":
                        checks.AddRange(HostAddresses());
                        break;
                    case "PTR":
                        checks.AddRange(Ptrs());
                        break;
                    default:
                        throw new ArgumentOutOfRangeException("kind", kind, "not a DNS check");
                }
            }
            catch (DnsServerException e)
            {
                // The checks that came before keep their answers; this kind cannot be judged.
                ServerError = e;
                checks.Add(New(kind, domain, null, CheckResult.Skipped, e.Message + " Nothing can be concluded about the record: check that the server answers (-Server) and try again."));
            }
            return checks;
        }

        /// <summary>The host name Exchange Online gives a domain's MX: its dots as dashes under mail.protection.outlook.com.</summary>
        public static string ExchangeOnlineMxHost(string domainName)
        {
            return domainName.Replace('.', '-') + ".mail.protection.outlook.com";
        }

        public static bool IsExchangeOnlineHost(string host)
        {
            return host.EndsWith(".mail.protection.outlook.com", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".mx.microsoft", StringComparison.OrdinalIgnoreCase);
        }

        private DnsRecordCheck Mx()
        {
            var answer = dns.Query(domain, QueryType.MX);
            var exchanges = answer.Of<MxRecord>().OrderBy(m => m.Preference).Select(m => new KeyValuePair<int, string>(m.Preference, DnsResolver.Plain(m.Exchange))).ToList();
            var evidence = exchanges.Count == 0 ? answer.Absence : string.Join("; ", exchanges.Select(m => m.Key.ToString(CultureInfo.InvariantCulture) + " " + m.Value));
            var exoHost = ExchangeOnlineMxHost(domain);
            var onPremisesName = options.HostNames.FirstOrDefault();
            var expected = options.Design == MailFlowDesign.ExchangeOnlineFirst
                ? "0 " + exoHost + " (the value the Microsoft 365 admin center shows for the domain)"
                : "the on-premises public name" + (onPremisesName == null ? string.Empty : " (" + onPremisesName + ")") + " at the lowest preference";
            var wanted = options.Design == MailFlowDesign.ExchangeOnlineFirst ? exoHost : onPremisesName;
            var record = wanted == null ? null : Zone(domain, "MX", "0 " + wanted + ".");
            var command = wanted == null ? null : ReplaceCommand("Mx", string.Format(
                "Add-DnsServerResourceRecordMX -ZoneName {0} -Name '.' -MailExchange {1} -Preference 0", PowerShellText.SingleQuoted(domain), PowerShellText.SingleQuoted(wanted)));
            Func<CheckResult, string, string, DnsRecordCheck> result = (outcome, message, fix) =>
            {
                var check = New("MX", domain, "MX", outcome, message, evidence, expected);
                if (outcome != CheckResult.Pass)
                {
                    check.Fix = fix;
                    check.Record = record;
                    check.Command = command;
                }
                return check;
            };
            var pointFix = options.Design == MailFlowDesign.ExchangeOnlineFirst
                ? string.Format("Point the MX at Exchange Online: the value in the Microsoft 365 admin center (Settings, Domains, {0}, DNS records), usually {1}, with preference 0; remove the other MX records. Lower the record's TTL a day before the change.", domain, exoHost)
                : string.Format("Point the MX at the on-premises public name{0} (or the Edge server's), whose address the router forwards to Exchange on TCP 25.", onPremisesName == null ? " (give -HostName to name it)" : " " + onPremisesName);
            if (answer.Failed)
            {
                return result(CheckResult.Fail, string.Format("The MX of {0} cannot be read: {1}. Senders get the same error and keep the mail queued.", domain, answer.Absence), "Correct the zone on its authoritative DNS servers.");
            }
            if (exchanges.Count == 0)
            {
                return result(CheckResult.Fail, answer.NameMissing
                    ? string.Format("{0} does not exist in DNS: mail to it is refused as an unknown domain.", domain)
                    : string.Format("{0} has no MX record: senders fall back to its A record, and mail does not reach Exchange.", domain), pointFix);
            }
            var lowest = exchanges[0].Key;
            var first = exchanges.Where(m => m.Key == lowest).Select(m => m.Value).ToList();
            var backups = exchanges.Where(m => m.Key != lowest).Select(m => m.Value).ToList();
            var unresolved = exchanges.Select(m => m.Value).Distinct(StringComparer.OrdinalIgnoreCase).Where(h => dns.Addresses(h).Count == 0).ToList();
            var firstText = string.Join(", ", first);
            if (options.Design == MailFlowDesign.ExchangeOnlineFirst)
            {
                if (!first.All(IsExchangeOnlineHost))
                {
                    var where = first.Any(h => options.HostNames.Contains(h, StringComparer.OrdinalIgnoreCase)) ? "on-premises" : "elsewhere";
                    return result(CheckResult.Fail, string.Format(
                        "The MX of {0} points to {1} (preference {2}), not to Exchange Online: internet mail goes {3} first and bypasses Exchange Online Protection, which the Exchange Online first design does not want.",
                        domain, firstText, lowest, where), pointFix);
                }
                if (unresolved.Count > 0)
                {
                    return result(CheckResult.Fail, string.Format("The MX host {0} does not resolve to an address: senders cannot deliver to it.", string.Join(", ", unresolved)), pointFix);
                }
                if (backups.Any(h => !IsExchangeOnlineHost(h)))
                {
                    return result(CheckResult.Warn, string.Format(
                        "The MX points to Exchange Online ({0}), but {1} is a backup MX: spam sent there bypasses Exchange Online Protection.", firstText, string.Join(", ", backups.Where(h => !IsExchangeOnlineHost(h)))),
                        "Remove the backup MX records: Exchange Online queues mail itself when on-premises is down.");
                }
                return result(CheckResult.Pass, string.Format("The MX points to Exchange Online ({0}): internet mail enters through Exchange Online Protection, as the Exchange Online first design wants.", firstText), null);
            }
            if (first.Any(IsExchangeOnlineHost))
            {
                return result(CheckResult.Fail, string.Format(
                    "The MX of {0} points to Exchange Online ({1}), but the on-premises first design wants internet mail to reach the on-premises servers first.", domain, firstText), pointFix);
            }
            if (unresolved.Count > 0)
            {
                return result(CheckResult.Fail, string.Format("The MX host {0} does not resolve to an address: senders cannot deliver to it.", string.Join(", ", unresolved)), pointFix);
            }
            if (options.HostNames.Count > 0 && !first.Any(h => options.HostNames.Contains(h, StringComparer.OrdinalIgnoreCase)))
            {
                return result(CheckResult.Warn, string.Format(
                    "The MX points to {0}, which is none of the on-premises names given ({1}): internet mail may not reach the hybrid servers.", firstText, string.Join(", ", options.HostNames)), pointFix);
            }
            return result(CheckResult.Pass, string.Format("The MX points to {0} on-premises, as the on-premises first design wants.", firstText), null);
        }

        private IEnumerable<DnsRecordCheck> Spf()
        {
            DnsAnswer answer;
            var texts = spf.Records(domain, out answer);
            var evidence = texts.Count == 0 ? answer.Absence : string.Join("; ", texts);
            var subchecks = new[] { "SPFExchangeOnline", "SPFOnPremises", "SPFLookups", "SPFAll" };
            Func<string, IEnumerable<DnsRecordCheck>> skipRest = why => subchecks.Select(c => New(c, domain, "TXT", CheckResult.Skipped, why, evidence));
            if (answer.Failed)
            {
                var failed = New("SPF", domain, "TXT", CheckResult.Fail, string.Format("The TXT records of {0} cannot be read: {1}. Receivers get the same error (temperror).", domain, answer.Absence), evidence);
                failed.Fix = "Correct the zone on its authoritative DNS servers.";
                return new[] { failed }.Concat(skipRest("The TXT records cannot be read."));
            }
            if (texts.Count == 0)
            {
                var proposal = ProposeSpf(new SpfTerm[0], null);
                var none = New("SPF", domain, "TXT", CheckResult.Fail, string.Format(
                    "{0} publishes no SPF record: receivers cannot tell which servers may send for it, and Exchange Online and others treat its mail as suspicious.", domain), evidence,
                    "one TXT record: v=spf1 ... include:" + ExchangeOnlineSpf + " -all");
                none.Fix = "Publish one SPF record that lists Exchange Online and the on-premises servers that send to the internet.";
                SetSpfRecord(none, proposal, false);
                return new[] { none }.Concat(skipRest("There is no SPF record."));
            }
            var records = texts.Select(SpfRecord.Parse).ToList();
            if (records.Count > 1)
            {
                var merged = ProposeSpf(records.SelectMany(r => r.Terms.Where(t => t.Name != "all")), records.Select(r => r.All).FirstOrDefault(a => a != null));
                var two = New("SPF", domain, "TXT", CheckResult.Fail, string.Format(
                    "{0} has {1} SPF records: receivers return permerror (RFC 7208 4.5) and SPF fails for all mail from the domain, Exchange Online's too.", domain, records.Count), evidence, "exactly one TXT record starting with v=spf1");
                two.Fix = "Merge them into one record and delete the others.";
                SetSpfRecord(two, merged, true);
                return new[] { two }.Concat(skipRest("There is more than one SPF record: receivers evaluate none of them."));
            }
            var spfRecord = records[0];
            var checks = new List<DnsRecordCheck>();
            if (spfRecord.Errors.Count > 0)
            {
                var bad = New("SPF", domain, "TXT", CheckResult.Fail, string.Format(
                    "The SPF record of {0} has a syntax error ({1}): receivers return permerror and SPF fails for all mail from the domain.", domain, string.Join("; ", spfRecord.Errors)), evidence);
                bad.Fix = "Correct the record: remove or fix the terms named.";
                SetSpfRecord(bad, ProposeSpf(spfRecord.Terms.Where(t => t.Name != "all"), spfRecord.All), true);
                checks.Add(bad);
            }
            else
            {
                checks.Add(New("SPF", domain, "TXT", CheckResult.Pass, string.Format("{0} has one SPF record.", domain), evidence));
            }
            var count = spf.CountLookups(domain, spfRecord);
            checks.Add(SpfExchangeOnline(spfRecord, count, evidence));
            checks.Add(SpfOnPremises(spfRecord, evidence));
            checks.Add(SpfLookups(count, evidence));
            checks.Add(SpfAll(spfRecord, evidence));
            return checks;
        }

        private DnsRecordCheck SpfExchangeOnline(SpfRecord record, SpfLookupCount count, string evidence)
        {
            var direct = record.Terms.Any(t => t.Name == "include" && string.Equals(t.Domain.TrimEnd('.'), ExchangeOnlineSpf, StringComparison.OrdinalIgnoreCase));
            if (direct)
            {
                return New("SPFExchangeOnline", domain, "TXT", CheckResult.Pass, "The record includes " + ExchangeOnlineSpf + ": mail Exchange Online sends for the domain passes SPF.", evidence);
            }
            if (count.Domains.Contains(ExchangeOnlineSpf, StringComparer.OrdinalIgnoreCase))
            {
                return New("SPFExchangeOnline", domain, "TXT", CheckResult.Pass, "The record includes " + ExchangeOnlineSpf + " through a nested include: mail Exchange Online sends for the domain passes SPF.", evidence);
            }
            var check = New("SPFExchangeOnline", domain, "TXT", CheckResult.Fail,
                "The record does not include " + ExchangeOnlineSpf + ": mail Exchange Online sends for the domain (from cloud mailboxes, and on-premises mail relayed through Exchange Online) fails SPF.",
                evidence, "include:" + ExchangeOnlineSpf);
            check.Fix = "Add include:" + ExchangeOnlineSpf + " before the all term.";
            SetSpfRecord(check, ProposeSpf(record.Terms.Where(t => t.Name != "all"), record.All), true);
            return check;
        }

        private DnsRecordCheck SpfOnPremises(SpfRecord record, string evidence)
        {
            if (options.OnPremisesAddresses.Count == 0)
            {
                return New("SPFOnPremises", domain, "TXT", CheckResult.Skipped,
                    "No on-premises address given: give -OnPremisesAddress (the public addresses on-premises servers send to the internet from) to check that SPF passes them.", evidence);
            }
            var results = new List<string>();
            var missing = new List<IPAddress>();
            foreach (var address in options.OnPremisesAddresses)
            {
                string decidedBy;
                var result = spf.Evaluate(domain, address, out decidedBy);
                results.Add(string.Format("{0}: {1} ({2})", address, result, decidedBy));
                if (result != SpfResult.Pass)
                {
                    missing.Add(address);
                }
            }
            var evaluated = evidence + " | " + string.Join("; ", results);
            if (missing.Count == 0)
            {
                return New("SPFOnPremises", domain, "TXT", CheckResult.Pass, "SPF passes mail from the on-premises addresses: " + string.Join("; ", results) + ".", evaluated);
            }
            var check = New("SPFOnPremises", domain, "TXT", CheckResult.Fail, string.Format(
                "SPF does not pass {0}: mail the on-premises servers send to the internet from there fails SPF ({1}).", string.Join(", ", missing), string.Join("; ", results.Where((r, i) => missing.Contains(options.OnPremisesAddresses[i])))),
                evaluated, string.Join(" ", missing.Select(SpfAddressTerm)));
            check.Fix = "Add the addresses to the record as ip4:/ip6: terms (or route on-premises mail to the internet through Exchange Online).";
            SetSpfRecord(check, ProposeSpf(missing.Select(a => SpfRecord.Parse("v=spf1 " + SpfAddressTerm(a)).Terms[0]).Concat(record.Terms.Where(t => t.Name != "all")), record.All), true);
            return check;
        }

        private DnsRecordCheck SpfLookups(SpfLookupCount count, string evidence)
        {
            var costs = string.Join(", ", count.Costs.Select(c => string.Format(CultureInfo.InvariantCulture, "{0} ({1})", c.Key, c.Value)));
            var evaluated = string.Format(CultureInfo.InvariantCulture, "{0} | lookups: {1}; void lookups: {2}; {3}", evidence, count.Lookups, count.VoidLookups, costs);
            if (count.Lookups > 10 || count.VoidLookups > 2 || count.Problems.Count > 0)
            {
                var why = new List<string>();
                if (count.Lookups > 10)
                {
                    why.Add(string.Format(CultureInfo.InvariantCulture, "it takes {0} DNS lookups through its includes and redirects, over the limit of 10", count.Lookups));
                }
                if (count.VoidLookups > 2)
                {
                    why.Add(string.Format(CultureInfo.InvariantCulture, "{0} lookups find nothing, over the limit of 2", count.VoidLookups));
                }
                why.AddRange(count.Problems);
                var costliest = count.Costs.OrderByDescending(c => c.Value).Where(c => c.Value > 1).Take(3).Select(c => string.Format(CultureInfo.InvariantCulture, "{0} costs {1}", c.Key, c.Value));
                var check = New("SPFLookups", domain, "TXT", CheckResult.Fail, string.Format(
                    "The SPF record fails at receivers with permerror: {0}. SPF then fails for all mail from the domain.", string.Join("; ", why)), evaluated, "at most 10 lookups (include, a, mx, ptr, exists, redirect), at most 2 that find nothing");
                check.Fix = "Remove the includes of services that no longer send for the domain and the includes that do not resolve; replace the costliest includes with the ip4:/ip6: ranges they publish" +
                    (costliest.Any() ? " (" + string.Join(", ", costliest) + ")." : ".");
                return check;
            }
            return New("SPFLookups", domain, "TXT", CheckResult.Pass, string.Format(CultureInfo.InvariantCulture,
                "The record takes {0} DNS lookups of the 10 allowed, through every include and redirect.", count.Lookups), evaluated);
        }

        private DnsRecordCheck SpfAll(SpfRecord record, string evidence)
        {
            var all = record.All;
            if (all == null)
            {
                if (record.Redirect != null)
                {
                    return New("SPFAll", domain, "TXT", CheckResult.Pass, "The record ends with " + record.Redirect.Text + ": that record's all term decides.", evidence);
                }
                var none = New("SPFAll", domain, "TXT", CheckResult.Warn, "The record has no all term: mail from servers it does not list gets neutral, as if there were no SPF.", evidence, "-all (or ~all) at the end");
                none.Fix = "End the record with -all.";
                SetSpfRecord(none, ProposeSpf(record.Terms, AllTerm('-')), true);
                return none;
            }
            var last = record.Terms.Last(t => !t.IsModifier);
            var trailing = !ReferenceEquals(last, all) ? " Terms after it are never evaluated." : string.Empty;
            switch (all.Qualifier)
            {
                case '-':
                    return New("SPFAll", domain, "TXT", trailing.Length == 0 ? CheckResult.Pass : CheckResult.Warn, "-all: mail from servers the record does not list fails SPF." + trailing, evidence);
                case '~':
                    return New("SPFAll", domain, "TXT", trailing.Length == 0 ? CheckResult.Pass : CheckResult.Warn,
                        "~all: mail from servers the record does not list soft-fails (marked, not refused); with DMARC at quarantine or reject that is enforced, and -all is stricter." + trailing, evidence);
                default:
                    var result = all.Qualifier == '+' ? CheckResult.Fail : CheckResult.Warn;
                    var check = New("SPFAll", domain, "TXT", result, all.Qualifier == '+'
                        ? "+all: every server on the internet passes SPF for the domain, spammers too."
                        : "?all: mail from servers the record does not list gets neutral: SPF protects nothing.", evidence, "-all");
                    check.Fix = "End the record with -all (or ~all while you find every sender).";
                    SetSpfRecord(check, ProposeSpf(record.Terms.Where(t => t.Name != "all"), AllTerm('-')), true);
                    return check;
            }
        }

        private static SpfTerm AllTerm(char qualifier)
        {
            return new SpfTerm { Name = "all", Text = qualifier + "all", Qualifier = qualifier };
        }

        private static string SpfAddressTerm(IPAddress address)
        {
            return (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "ip4:" : "ip6:") + address;
        }

        /// <summary>
        /// One record from terms already published (each once, in order), with the on-premises addresses and Exchange
        /// Online's include added when missing, and one all at the end (the one given, else -all).
        /// </summary>
        private string ProposeSpf(IEnumerable<SpfTerm> published, SpfTerm all)
        {
            var terms = new List<string>();
            Action<string> add = text =>
            {
                if (!terms.Contains(text, StringComparer.OrdinalIgnoreCase))
                {
                    terms.Add(text);
                }
            };
            var kept = published.ToList();
            foreach (var address in options.OnPremisesAddresses)
            {
                if (!kept.Any(t => t.Network != null && SpfEvaluator.InNetwork(address, t.Network, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? t.Prefix4 : t.Prefix6)))
                {
                    add(SpfAddressTerm(address));
                }
            }
            var redirect = kept.FirstOrDefault(t => t.Name == "redirect");
            foreach (var term in kept.Where(t => t.Name != "redirect" && t.Name != "all"))
            {
                add(term.Text);
            }
            add("include:" + ExchangeOnlineSpf);
            if (redirect != null && all == null)
            {
                add(redirect.Text);
            }
            else
            {
                add(all == null || all.Qualifier == '+' || all.Qualifier == '?' ? "-all" : all.Text);
            }
            return "v=spf1 " + string.Join(" ", terms);
        }

        private void SetSpfRecord(DnsRecordCheck check, string proposal, bool replace)
        {
            check.Record = Zone(domain, "TXT", TxtData(proposal));
            var add = string.Format("Add-DnsServerResourceRecord -ZoneName {0} -Name '.' -Txt -DescriptiveText {1}", PowerShellText.SingleQuoted(domain), PowerShellText.SingleQuoted(proposal));
            check.Command = replace
                ? string.Format("Get-DnsServerResourceRecord -ZoneName {0} -Name '@' -RRType Txt | Where-Object {{ $_.RecordData.DescriptiveText -like 'v=spf1*' }} | Remove-DnsServerResourceRecord -ZoneName {0} -Force; {1}", PowerShellText.SingleQuoted(domain), add)
                : add;
        }

        private DnsRecordCheck Dmarc()
        {
            var name = "_dmarc." + domain;
            var answer = dns.Query(name, QueryType.TXT);
            var records = answer.Of<TxtRecord>().Select(DnsResolver.Text).Where(t => t.StartsWith("v=DMARC1", StringComparison.OrdinalIgnoreCase)).ToList();
            var evidence = records.Count == 0 ? answer.Absence : string.Join("; ", records);
            const string starter = "v=DMARC1; p=none";
            var expected = "one TXT record: v=DMARC1; p=quarantine or p=reject (p=none while you watch the reports); rua=mailto:<your report address>";
            Func<CheckResult, string, string, DnsRecordCheck> result = (outcome, message, fix) =>
            {
                var check = New("DMARC", name, "TXT", outcome, message, evidence, expected);
                check.Fix = fix;
                return check;
            };
            if (answer.Failed)
            {
                return result(CheckResult.Fail, string.Format("The DMARC record cannot be read: {0}.", answer.Absence), "Correct the zone on its authoritative DNS servers.");
            }
            if (records.Count == 0)
            {
                var missing = result(CheckResult.Warn, string.Format(
                    "{0} publishes no DMARC record: receivers apply no policy to mail that fails SPF and DKIM, and large mailbox providers expect one from bulk senders.", domain),
                    "Publish a DMARC record with p=none and a rua= address, read the reports, then move to p=quarantine and p=reject.");
                missing.Record = Zone(name, "TXT", TxtData(starter));
                missing.Command = string.Format("Add-DnsServerResourceRecord -ZoneName {0} -Name '_dmarc' -Txt -DescriptiveText {1}", PowerShellText.SingleQuoted(domain), PowerShellText.SingleQuoted(starter));
                return missing;
            }
            if (records.Count > 1)
            {
                return result(CheckResult.Fail, string.Format("{0} has {1} DMARC records: receivers ignore DMARC for the domain when there is more than one.", name, records.Count), "Keep one DMARC record and delete the others.");
            }
            var tags = records[0].Split(';').Select(t => t.Trim()).Where(t => t.IndexOf('=') > 0)
                .GroupBy(t => t.Substring(0, t.IndexOf('=')).Trim().ToLowerInvariant())
                .ToDictionary(g => g.Key, g => g.First().Substring(g.First().IndexOf('=') + 1).Trim());
            string policy;
            tags.TryGetValue("p", out policy);
            policy = (policy ?? string.Empty).ToLowerInvariant();
            if (policy != "none" && policy != "quarantine" && policy != "reject")
            {
                return result(CheckResult.Fail, string.Format("The DMARC record has no valid p= tag ('{0}'): receivers ignore it.", policy), "Give the record p=none, p=quarantine or p=reject.");
            }
            if (policy == "none")
            {
                return result(CheckResult.Warn, "p=none: receivers only report; mail that fails SPF and DKIM is still delivered.", "Once the reports show every legitimate sender passing, move to p=quarantine, then p=reject.");
            }
            string pct;
            int percent;
            if (tags.TryGetValue("pct", out pct) && int.TryParse(pct, NumberStyles.None, CultureInfo.InvariantCulture, out percent) && percent < 100)
            {
                return result(CheckResult.Warn, string.Format(CultureInfo.InvariantCulture, "p={0} applies to {1}% of failing mail only (pct={1}).", policy, percent), "Raise pct to 100 (or remove it) once the reports are clean.");
            }
            return result(CheckResult.Pass, string.Format("p={0}: receivers {1} mail that fails SPF and DKIM alignment.", policy, policy == "reject" ? "refuse" : "quarantine"), null);
        }

        private DnsRecordCheck Dkim(string selector)
        {
            var name = selector + "._domainkey." + domain;
            var answer = dns.Query(name, QueryType.CNAME);
            var target = answer.Of<CNameRecord>().Where(c => string.Equals(DnsResolver.Plain(c.DomainName), name, StringComparison.OrdinalIgnoreCase))
                .Select(c => DnsResolver.Plain(c.CanonicalName)).FirstOrDefault();
            var tenant = options.TenantDomain == null ? null : options.TenantDomain.Trim().TrimEnd('.').ToLowerInvariant();
            var expectedTarget = selector + "-" + domain.Replace('.', '-') + "._domainkey." + (tenant ?? "<tenant>.onmicrosoft.com");
            var evidence = target == null ? answer.Absence : name + " CNAME " + target;
            var check = New("DKIM", name, "CNAME", CheckResult.Pass, null, evidence, "CNAME " + expectedTarget);
            var readValues = string.Format("Get-DkimSigningConfig -Identity {0} | Format-List Selector1CNAME, Selector2CNAME", PowerShellText.SingleQuoted(domain));
            Action<CheckResult, string> fail = (outcome, message) =>
            {
                check.Result = outcome;
                check.Message = message;
                check.Fix = string.Format("Publish {0}._domainkey.{1} as a CNAME to the value Exchange Online gives (Get-DkimSigningConfig, in Exchange Online PowerShell), for both selectors; then turn signing on: Set-DkimSigningConfig -Identity {1} -Enabled $true.", selector, domain);
                check.Record = tenant == null ? null : Zone(name, "CNAME", expectedTarget + ".");
                check.Command = readValues;
            };
            if (answer.Failed)
            {
                fail(CheckResult.Fail, string.Format("The DKIM selector {0} cannot be read: {1}.", name, answer.Absence));
                return check;
            }
            if (target == null)
            {
                var key = dns.Query(name, QueryType.TXT).Of<TxtRecord>().Select(DnsResolver.Text).FirstOrDefault(t => t.IndexOf("p=", StringComparison.OrdinalIgnoreCase) >= 0);
                if (key != null)
                {
                    check.Evidence = name + " TXT " + key;
                    fail(CheckResult.Warn, string.Format(
                        "{0} is a key published directly (TXT), not a CNAME to Exchange Online: Exchange Online signs with its own keys, which receivers cannot verify against this one (fine only if another service signs with {1}).", name, selector));
                    return check;
                }
                fail(CheckResult.Fail, string.Format(
                    "{0}: {1}. Exchange Online cannot sign the domain's mail with its key, and DMARC rests on SPF alone (which forwarding breaks).", name, answer.NameMissing ? "the CNAME is missing (NXDOMAIN)" : "no CNAME record"));
                return check;
            }
            var prefix = selector + "-" + domain.Replace('.', '-') + "._domainkey.";
            bool intoTenant;
            if (tenant != null)
            {
                var tenantLabel = tenant.EndsWith(".onmicrosoft.com", StringComparison.Ordinal) ? tenant.Substring(0, tenant.Length - ".onmicrosoft.com".Length) : tenant;
                intoTenant = string.Equals(target, expectedTarget, StringComparison.OrdinalIgnoreCase) ||
                    (target.StartsWith(prefix + tenantLabel + ".", StringComparison.OrdinalIgnoreCase) && target.EndsWith(".dkim.mail.microsoft", StringComparison.OrdinalIgnoreCase));
            }
            else
            {
                intoTenant = target.StartsWith(selector + "-", StringComparison.OrdinalIgnoreCase) && target.IndexOf("._domainkey.", StringComparison.OrdinalIgnoreCase) > 0 &&
                    (target.EndsWith(".onmicrosoft.com", StringComparison.OrdinalIgnoreCase) || target.EndsWith(".dkim.mail.microsoft", StringComparison.OrdinalIgnoreCase));
            }
            if (intoTenant)
            {
                check.Message = string.Format("{0} points to Exchange Online's key ({1}){2}.", name, target, tenant == null ? "; give -TenantDomain to check it is your tenant's" : string.Empty);
                return check;
            }
            fail(CheckResult.Fail, string.Format("{0} points to {1}, not to {2}: receivers cannot verify the signatures Exchange Online makes for the domain.", name, target, tenant == null ? "an Exchange Online tenant (selectorN-<domain>._domainkey.<tenant>.onmicrosoft.com)" : expectedTarget));
            return check;
        }

        private DnsRecordCheck Autodiscover()
        {
            var name = "autodiscover." + domain;
            var cname = dns.Query(name, QueryType.CNAME).Of<CNameRecord>().Select(c => DnsResolver.Plain(c.CanonicalName)).FirstOrDefault();
            var addresses = dns.Addresses(name);
            var evidence = string.Join("; ", new[] { cname == null ? null : "CNAME " + cname }.Concat(addresses.Select(a => a.ToString())).Where(t => t != null));
            var expected = "an A record or a CNAME to the on-premises Exchange name on the certificate while mailboxes are on-premises; autodiscover.outlook.com once all are in Exchange Online";
            if (cname != null && cname.Equals("autodiscover.outlook.com", StringComparison.OrdinalIgnoreCase))
            {
                var cloud = New("Autodiscover", name, "CNAME", CheckResult.Warn,
                    "autodiscover points to Exchange Online (autodiscover.outlook.com): right once every mailbox is in Exchange Online; while mailboxes are on-premises, Outlook cannot find them this way.", evidence, expected);
                cloud.Fix = "In a hybrid with on-premises mailboxes, point autodiscover at the on-premises Exchange (Exchange redirects cloud mailboxes to Exchange Online).";
                cloud.Record = options.HostNames.Count == 0 ? null : Zone(name, "CNAME", options.HostNames[0] + ".");
                return cloud;
            }
            if (addresses.Count > 0)
            {
                return New("Autodiscover", name, cname == null ? "A" : "CNAME", CheckResult.Pass, string.Format("{0} resolves ({1}).", name, evidence), evidence, expected);
            }
            var missing = New("Autodiscover", name, "A", CheckResult.Fail, string.Format("{0} does not resolve: Outlook and mobile clients cannot find the mailboxes, and the Hybrid Configuration Wizard's checks fail.", name), string.IsNullOrEmpty(evidence) ? "no A, AAAA or CNAME record" : evidence, expected);
            missing.Fix = "Publish autodiscover as a CNAME to the on-premises Exchange name on the certificate (or an A record with its public address).";
            missing.Record = options.HostNames.Count == 0 ? null : Zone(name, "CNAME", options.HostNames[0] + ".");
            return missing;
        }

        private IEnumerable<DnsRecordCheck> HostAddresses()
        {
            if (options.HostNames.Count == 0)
            {
                yield return New("HostAddress", domain, "A", CheckResult.Skipped,
                    "No name given: give -HostName with the names the connectors and certificates use (the receive connector's Fqdn, Exchange Online's smart host for on-premises, the send connector's Fqdn).");
                yield break;
            }
            foreach (var host in options.HostNames)
            {
                string absence;
                var addresses = dns.Addresses(host, out absence);
                if (addresses.Count == 0)
                {
                    var missing = New("HostAddress", host, "A", CheckResult.Fail, string.Format(
                        "{0} does not resolve ({1}): the connectors and Exchange Online that use the name cannot connect.", host, absence), absence, "an A record with the public address");
                    missing.Fix = string.Format("Publish an A record for {0} with the public address the router forwards to Exchange on TCP 25.", host);
                    yield return missing;
                    continue;
                }
                var classes = addresses.Select(a => new KeyValuePair<IPAddress, AddressClass>(a, ClassOf(a))).ToList();
                var evidence = string.Join("; ", classes.Select(c => string.Format("{0} ({1})", c.Key, c.Value)));
                var inside = classes.Where(c => c.Value == Native.AddressClass.Private || c.Value == Native.AddressClass.Loopback).Select(c => c.Key.ToString()).ToList();
                if (inside.Count > 0)
                {
                    var warn = New("HostAddress", host, "A", CheckResult.Warn, string.Format(
                        "{0} resolves to {1}, an address Exchange Online and the internet cannot reach: right in internal DNS only (split DNS); public DNS must give the public address.", host, string.Join(", ", inside)), evidence, "the public address in public DNS");
                    warn.Fix = string.Format("In the public zone, give {0} the public address the router forwards to Exchange; keep the internal address in the internal zone.", host);
                    yield return warn;
                    continue;
                }
                yield return New("HostAddress", host, "A", CheckResult.Pass, string.Format("{0} resolves to {1}.", host, evidence), evidence);
            }
        }

        private IEnumerable<DnsRecordCheck> Ptrs()
        {
            if (options.OnPremisesAddresses.Count == 0)
            {
                yield return New("PTR", domain, "PTR", CheckResult.Skipped,
                    "No on-premises address given: give -OnPremisesAddress (and -HeloName, the send connector's Fqdn) to check the reverse DNS of the addresses on-premises servers send from.");
                yield break;
            }
            foreach (var address in options.OnPremisesAddresses)
            {
                var reverse = DnsResolver.ReverseName(address);
                var answer = dns.Query(reverse, QueryType.PTR);
                var names = answer.Of<PtrRecord>().Select(p => DnsResolver.Plain(p.PtrDomainName)).ToList();
                var helo = options.HeloNames.FirstOrDefault();
                var expected = helo == null ? "a PTR to a name that resolves back to the address" : "PTR " + string.Join(" or ", options.HeloNames);
                var ptrRecord = helo == null ? null : Zone(reverse, "PTR", helo + ".");
                if (names.Count == 0)
                {
                    var missing = New("PTR", reverse, "PTR", CheckResult.Fail, string.Format(
                        "{0} has no PTR record ({1}): many receivers refuse or distrust mail from addresses without reverse DNS.", address, answer.Absence), answer.Absence, expected);
                    missing.Fix = string.Format("Ask the provider of {0} (reverse DNS belongs to the owner of the address, usually the ISP) to set its PTR to {1}.", address, helo ?? "the name the server says in HELO");
                    missing.Record = ptrRecord;
                    yield return missing;
                    continue;
                }
                var confirmed = names.Where(n => dns.Addresses(n).Contains(address)).ToList();
                var evidence = string.Join("; ", names.Select(n => string.Format("PTR {0}{1}", n, confirmed.Contains(n) ? string.Empty : " (does not resolve back)")));
                if (options.HeloNames.Count > 0 && !names.Any(n => options.HeloNames.Contains(n, StringComparer.OrdinalIgnoreCase)))
                {
                    var mismatch = New("PTR", reverse, "PTR", CheckResult.Fail, string.Format(
                        "PTR mismatch: {0} points to {1}, but the servers say HELO {2}. Receivers that compare them score or refuse the mail.", address, string.Join(", ", names), string.Join(", ", options.HeloNames)), evidence, expected);
                    mismatch.Fix = string.Format("Ask the provider of {0} to set its PTR to {1}; or, if {2} is yours and on the certificate, make it the send connector's Fqdn.", address, helo, names[0]);
                    mismatch.Record = ptrRecord;
                    mismatch.Command = string.Format("Get-SendConnector | Where-Object Fqdn -eq {0} | Set-SendConnector -Fqdn {1}", PowerShellText.SingleQuoted(helo), PowerShellText.SingleQuoted(names[0]));
                    yield return mismatch;
                    continue;
                }
                if (confirmed.Count == 0)
                {
                    var unconfirmed = New("PTR", reverse, "PTR", CheckResult.Fail, string.Format(
                        "{0} points to {1}, which does not resolve back to {0} (not forward-confirmed): receivers that check reverse DNS treat it as missing.", address, string.Join(", ", names)), evidence, expected);
                    unconfirmed.Fix = string.Format("Publish an A record for {0} with {1}, or have the PTR changed to a name that has it.", names[0], address);
                    unconfirmed.Record = Zone(names[0], address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "A" : "AAAA", address.ToString());
                    yield return unconfirmed;
                    continue;
                }
                yield return New("PTR", reverse, "PTR", CheckResult.Pass, string.Format("{0} points to {1}, which resolves back to it{2}.", address, string.Join(", ", confirmed),
                    options.HeloNames.Count > 0 ? " and is the HELO name" : string.Empty), evidence, expected);
            }
        }

        private static AddressClass ClassOf(IPAddress address)
        {
            string resolver;
            return Addresses.Classify(address.ToString(), out resolver);
        }

        private DnsRecordCheck New(string check, string name, string type, CheckResult result, string message, string evidence = null, string expected = null)
        {
            return new DnsRecordCheck
            {
                DomainName = domain,
                Check = check,
                Name = name,
                RecordType = type,
                Result = result,
                Message = message,
                Evidence = evidence,
                Expected = expected,
                Server = dns.Description,
            };
        }

        private static string Zone(string name, string type, string data)
        {
            return string.Format(CultureInfo.InvariantCulture, "{0}. {1} IN {2} {3}", name, Ttl, type, data);
        }

        /// <summary>TXT data in zone-file form: quoted strings of at most 255 characters, quotes and backslashes escaped.</summary>
        private static string TxtData(string text)
        {
            var parts = new List<string>();
            for (int i = 0; i < text.Length; i += 255)
            {
                var part = text.Substring(i, Math.Min(255, text.Length - i));
                var quoted = new StringBuilder("\"");
                foreach (var c in part)
                {
                    if (c == '"' || c == '\\')
                    {
                        quoted.Append('\\');
                    }
                    quoted.Append(c);
                }
                parts.Add(quoted.Append('"').ToString());
            }
            return string.Join(" ", parts);
        }

        /// <summary>Removes the zone apex's records of a type, then runs `add`: the whole replacement as one command line.</summary>
        private string ReplaceCommand(string type, string add)
        {
            return string.Format("Get-DnsServerResourceRecord -ZoneName {0} -Name '@' -RRType {1} | Remove-DnsServerResourceRecord -ZoneName {0} -Force; {2}", PowerShellText.SingleQuoted(domain), type, add);
        }
    }
}
