using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;

namespace HybridMailFlow.Network
{
    /// <summary>One term of an SPF record (RFC 7208 4.6): a mechanism with its qualifier, or a modifier.</summary>
    internal sealed class SpfTerm
    {
        /// <summary>all, include, a, mx, ptr, ip4, ip6, exists; redirect, exp or another modifier's name.</summary>
        public string Name { get; set; }

        /// <summary>The term as written.</summary>
        public string Text { get; set; }

        /// <summary>'+', '-', '~' or '?' for a mechanism; '\0' for a modifier.</summary>
        public char Qualifier { get; set; }

        /// <summary>The domain-spec (include:, a:, mx:, ptr:, exists:, redirect=), or null.</summary>
        public string Domain { get; set; }

        /// <summary>ip4: and ip6: network.</summary>
        public IPAddress Network { get; set; }

        public int Prefix4 { get; set; }

        public int Prefix6 { get; set; }

        public bool IsModifier { get { return Qualifier == '\0'; } }

        /// <summary>Each costs one of the ten DNS lookups (RFC 7208 4.6.4).</summary>
        public bool CostsLookup
        {
            get { return Name == "include" || Name == "a" || Name == "mx" || Name == "ptr" || Name == "exists" || Name == "redirect"; }
        }

        /// <summary>A domain-spec with macros (%{i}...) depends on the message: it is counted but not looked up.</summary>
        public bool HasMacro { get { return Domain != null && Domain.IndexOf('%') >= 0; } }
    }

    /// <summary>An SPF record taken apart; Errors lists what makes receivers return permerror.</summary>
    internal sealed class SpfRecord
    {
        private static readonly string[] Mechanisms = { "all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists" };

        private SpfRecord(string text)
        {
            Text = text;
            Terms = new List<SpfTerm>();
            Errors = new List<string>();
        }

        public string Text { get; private set; }

        public List<SpfTerm> Terms { get; private set; }

        public List<string> Errors { get; private set; }

        /// <summary>The first all mechanism: evaluation stops there, so terms after it never count.</summary>
        public SpfTerm All { get { return Terms.FirstOrDefault(t => t.Name == "all"); } }

        public SpfTerm Redirect { get { return Terms.FirstOrDefault(t => t.Name == "redirect"); } }

        /// <summary>Whether a TXT string is an SPF record: "v=spf1" alone or followed by a space.</summary>
        public static bool IsSpf(string text)
        {
            return text != null && text.StartsWith("v=spf1", StringComparison.OrdinalIgnoreCase) && (text.Length == 6 || text[6] == ' ');
        }

        public static SpfRecord Parse(string text)
        {
            var record = new SpfRecord(text);
            foreach (var token in text.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries).Skip(1))
            {
                var term = ParseTerm(token);
                if (term == null)
                {
                    record.Errors.Add(string.Format("'{0}' is not an SPF mechanism or modifier", token));
                }
                else
                {
                    record.Terms.Add(term);
                }
            }
            if (record.Terms.Count(t => t.Name == "redirect") > 1 || record.Terms.Count(t => t.Name == "exp") > 1)
            {
                record.Errors.Add("redirect= or exp= appears more than once");
            }
            return record;
        }

        private static SpfTerm ParseTerm(string token)
        {
            int equals = token.IndexOf('=');
            int colon = token.IndexOf(':');
            int slash = token.IndexOf('/');
            if (equals > 0 && (colon < 0 || equals < colon) && (slash < 0 || equals < slash))
            {
                var name = token.Substring(0, equals).ToLowerInvariant();
                if (!char.IsLetter(name[0]) || name.Any(c => !(char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.')))
                {
                    return null;
                }
                var value = token.Substring(equals + 1);
                if ((name == "redirect" || name == "exp") && value.Length == 0)
                {
                    return null;
                }
                return new SpfTerm { Name = name, Text = token, Qualifier = '\0', Domain = name == "redirect" ? value : null };
            }
            var term = new SpfTerm { Text = token, Qualifier = '+', Prefix4 = 32, Prefix6 = 128 };
            var rest = token;
            if ("+-~?".IndexOf(rest[0]) >= 0)
            {
                term.Qualifier = rest[0];
                rest = rest.Substring(1);
            }
            var end = rest.IndexOfAny(new[] { ':', '/' });
            term.Name = (end < 0 ? rest : rest.Substring(0, end)).ToLowerInvariant();
            var argument = end < 0 ? string.Empty : rest.Substring(end);
            if (Array.IndexOf(Mechanisms, term.Name) < 0)
            {
                return null;
            }
            switch (term.Name)
            {
                case "all":
                    return argument.Length == 0 ? term : null;
                case "include":
                case "exists":
                    if (!argument.StartsWith(":", StringComparison.Ordinal) || argument.Length < 2)
                    {
                        return null;
                    }
                    term.Domain = argument.Substring(1);
                    return term;
                case "ptr":
                    if (argument.Length > 0 && (!argument.StartsWith(":", StringComparison.Ordinal) || argument.Length < 2))
                    {
                        return null;
                    }
                    term.Domain = argument.Length > 0 ? argument.Substring(1) : null;
                    return term;
                case "a":
                case "mx":
                    return ParseDomainAndPrefixes(term, argument) ? term : null;
                default:
                    return ParseNetwork(term, argument) ? term : null;
            }
        }

        // a[:domain][/prefix4][//prefix6]
        private static bool ParseDomainAndPrefixes(SpfTerm term, string argument)
        {
            var prefixes = string.Empty;
            if (argument.StartsWith(":", StringComparison.Ordinal))
            {
                var slash = argument.IndexOf('/');
                term.Domain = slash < 0 ? argument.Substring(1) : argument.Substring(1, slash - 1);
                prefixes = slash < 0 ? string.Empty : argument.Substring(slash);
                if (term.Domain.Length == 0)
                {
                    return false;
                }
            }
            else
            {
                prefixes = argument;
            }
            if (prefixes.Length == 0)
            {
                return true;
            }
            var six = prefixes.IndexOf("//", StringComparison.Ordinal);
            var four = six < 0 ? prefixes : prefixes.Substring(0, six);
            int value;
            if (four.Length > 0)
            {
                if (!TryPrefix(four, 32, out value))
                {
                    return false;
                }
                term.Prefix4 = value;
            }
            if (six >= 0)
            {
                if (!TryPrefix(prefixes.Substring(six + 1), 128, out value))
                {
                    return false;
                }
                term.Prefix6 = value;
            }
            return true;
        }

        private static bool ParseNetwork(SpfTerm term, string argument)
        {
            if (!argument.StartsWith(":", StringComparison.Ordinal))
            {
                return false;
            }
            var text = argument.Substring(1);
            var slash = text.IndexOf('/');
            IPAddress address;
            if (!IPAddress.TryParse(slash < 0 ? text : text.Substring(0, slash), out address))
            {
                return false;
            }
            var six = term.Name == "ip6";
            if ((address.AddressFamily == AddressFamily.InterNetworkV6) != six)
            {
                return false;
            }
            term.Network = address;
            int prefix = six ? 128 : 32;
            if (slash >= 0 && !TryPrefix(text.Substring(slash), six ? 128 : 32, out prefix))
            {
                return false;
            }
            if (six)
            {
                term.Prefix6 = prefix;
            }
            else
            {
                term.Prefix4 = prefix;
            }
            return true;
        }

        private static bool TryPrefix(string text, int max, out int value)
        {
            value = 0;
            return text.Length > 1 && text[0] == '/' &&
                int.TryParse(text.Substring(1), NumberStyles.None, CultureInfo.InvariantCulture, out value) && value <= max;
        }
    }

    /// <summary>SPF results of check_host() (RFC 7208 2.6).</summary>
    internal enum SpfResult
    {
        None,
        Neutral,
        Pass,
        Fail,
        SoftFail,
        TempError,
        PermError,
    }

    /// <summary>How one SPF record costs lookups through its includes and redirect, and what is wrong on the way.</summary>
    internal sealed class SpfLookupCount
    {
        public SpfLookupCount()
        {
            Costs = new List<KeyValuePair<string, int>>();
            Problems = new List<string>();
            Domains = new List<string>();
        }

        /// <summary>DNS lookups the whole tree takes (the limit is 10).</summary>
        public int Lookups { get; set; }

        /// <summary>Lookups that found nothing (the limit is 2).</summary>
        public int VoidLookups { get; set; }

        /// <summary>Each lookup term of the top record with what it costs in all, nested ones included.</summary>
        public List<KeyValuePair<string, int>> Costs { get; private set; }

        /// <summary>Permerrors on the way: an include without SPF, a loop, a syntax error in an included record.</summary>
        public List<string> Problems { get; private set; }

        /// <summary>Every domain whose SPF record the tree reads, the top one first.</summary>
        public List<string> Domains { get; private set; }
    }

    /// <summary>
    /// SPF read from DNS as receivers read it: the record of a domain, its lookups counted through every include and
    /// redirect, and check_host() for an address (ptr and macros are not evaluated: they need the message).
    /// </summary>
    internal sealed class SpfEvaluator
    {
        // Bounds that keep a hostile or looping tree from running away; the RFC's own limit (10) fails long before.
        private const int MaxDepth = 10;
        private const int MaxRecords = 40;

        private readonly DnsResolver dns;

        public SpfEvaluator(DnsResolver dns)
        {
            this.dns = dns;
        }

        /// <summary>The SPF records of a domain (TXT strings that start with v=spf1), and the answer they came in.</summary>
        public List<string> Records(string domain, out DnsAnswer answer)
        {
            answer = dns.Query(domain, QueryType.TXT);
            return answer.Of<TxtRecord>().Select(DnsResolver.Text).Where(SpfRecord.IsSpf).ToList();
        }

        public SpfLookupCount CountLookups(string domain, SpfRecord record)
        {
            var count = new SpfLookupCount();
            count.Domains.Add(domain);
            var visited = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { domain.TrimEnd('.') };
            foreach (var term in Effective(record))
            {
                if (!term.CostsLookup)
                {
                    continue;
                }
                var before = count.Lookups;
                CountTerm(term, domain, 1, visited, count);
                count.Costs.Add(new KeyValuePair<string, int>(term.Text, count.Lookups - before));
            }
            return count;
        }

        private void CountTerm(SpfTerm term, string domain, int depth, HashSet<string> visited, SpfLookupCount count)
        {
            count.Lookups++;
            if (term.HasMacro || term.Name == "ptr")
            {
                return;
            }
            var target = (term.Domain ?? domain).TrimEnd('.');
            if (term.Name == "a" || term.Name == "exists")
            {
                if (!dns.Query(target, QueryType.A).Of<ARecord>().Any() && (term.Name == "exists" || !dns.Query(target, QueryType.AAAA).Of<AaaaRecord>().Any()))
                {
                    count.VoidLookups++;
                }
                return;
            }
            if (term.Name == "mx")
            {
                if (!dns.Query(target, QueryType.MX).Of<MxRecord>().Any())
                {
                    count.VoidLookups++;
                }
                return;
            }
            // include and redirect read another record, whose own lookups count too.
            if (depth > MaxDepth || count.Domains.Count >= MaxRecords)
            {
                count.Problems.Add(string.Format("{0}: the includes nest deeper than {1} records", term.Text, MaxDepth));
                return;
            }
            if (!visited.Add(target))
            {
                count.Problems.Add(string.Format("{0} includes itself again (a loop)", term.Text));
                return;
            }
            DnsAnswer answer;
            var records = Records(target, out answer);
            count.Domains.Add(target);
            if (records.Count != 1)
            {
                count.VoidLookups += records.Count == 0 ? 1 : 0;
                count.Problems.Add(records.Count == 0
                    ? string.Format("{0}: {1}, so the include is a permerror", term.Text, answer.Failed || answer.NameMissing ? answer.Absence : target + " has no SPF record")
                    : string.Format("{0}: {1} has {2} SPF records (a permerror)", term.Text, target, records.Count));
                visited.Remove(target);
                return;
            }
            var nested = SpfRecord.Parse(records[0]);
            foreach (var error in nested.Errors)
            {
                count.Problems.Add(string.Format("{0}: {1}", target, error));
            }
            foreach (var inner in Effective(nested).Where(t => t.CostsLookup))
            {
                CountTerm(inner, target, depth + 1, visited, count);
            }
            visited.Remove(target);
        }

        /// <summary>The terms evaluation reaches: up to the first all; redirect only when there is no all.</summary>
        private static IEnumerable<SpfTerm> Effective(SpfRecord record)
        {
            var hasAll = record.All != null;
            foreach (var term in record.Terms)
            {
                if (term.Name == "redirect" && hasAll)
                {
                    continue;
                }
                yield return term;
                if (term.Name == "all")
                {
                    yield break;
                }
            }
        }

        /// <summary>check_host(address, domain): the result and the term that decided it.</summary>
        public SpfResult Evaluate(string domain, IPAddress address, out string decidedBy)
        {
            int records = 0;
            return Evaluate(domain.TrimEnd('.'), address, 0, ref records, out decidedBy);
        }

        private SpfResult Evaluate(string domain, IPAddress address, int depth, ref int records, out string decidedBy)
        {
            decidedBy = null;
            if (depth > MaxDepth || ++records > MaxRecords)
            {
                decidedBy = "too many nested records";
                return SpfResult.PermError;
            }
            DnsAnswer answer;
            var texts = Records(domain, out answer);
            if (answer.Failed)
            {
                decidedBy = answer.Absence;
                return SpfResult.TempError;
            }
            if (texts.Count == 0)
            {
                decidedBy = domain + " has no SPF record";
                return SpfResult.None;
            }
            if (texts.Count > 1)
            {
                decidedBy = domain + " has " + texts.Count.ToString(CultureInfo.InvariantCulture) + " SPF records";
                return SpfResult.PermError;
            }
            var record = SpfRecord.Parse(texts[0]);
            if (record.Errors.Count > 0)
            {
                decidedBy = domain + ": " + record.Errors[0];
                return SpfResult.PermError;
            }
            foreach (var term in Effective(record).Where(t => !t.IsModifier))
            {
                string inner;
                var match = Matches(term, domain, address, depth, ref records, out inner);
                if (match == SpfResult.PermError || match == SpfResult.TempError)
                {
                    decidedBy = domain + ": " + term.Text + " (" + inner + ")";
                    return match;
                }
                if (match == SpfResult.Pass)
                {
                    decidedBy = domain + ": " + term.Text;
                    return ResultOf(term.Qualifier);
                }
            }
            var redirect = record.Redirect;
            if (redirect != null && record.All == null && !redirect.HasMacro)
            {
                var result = Evaluate(redirect.Domain.TrimEnd('.'), address, depth + 1, ref records, out decidedBy);
                return result == SpfResult.None ? SpfResult.PermError : result;
            }
            decidedBy = domain + ": no term matches";
            return SpfResult.Neutral;
        }

        // Pass: the mechanism matches; None: it does not; PermError/TempError: evaluation stops.
        private SpfResult Matches(SpfTerm term, string domain, IPAddress address, int depth, ref int records, out string why)
        {
            why = null;
            var target = (term.Domain ?? domain).TrimEnd('.');
            if (term.HasMacro || term.Name == "ptr")
            {
                return SpfResult.None;
            }
            switch (term.Name)
            {
                case "all":
                    return SpfResult.Pass;
                case "ip4":
                case "ip6":
                    return InNetwork(address, term.Network, address.AddressFamily == AddressFamily.InterNetwork ? term.Prefix4 : term.Prefix6) ? SpfResult.Pass : SpfResult.None;
                case "a":
                    return AnyAddress(dns.Addresses(target), address, term) ? SpfResult.Pass : SpfResult.None;
                case "mx":
                    var exchanges = dns.Query(target, QueryType.MX).Of<MxRecord>().Select(m => DnsResolver.Plain(m.Exchange)).ToList();
                    if (exchanges.Count > 10)
                    {
                        why = "more than 10 MX hosts";
                        return SpfResult.PermError;
                    }
                    return exchanges.Any(host => AnyAddress(dns.Addresses(host), address, term)) ? SpfResult.Pass : SpfResult.None;
                case "exists":
                    return dns.Query(target, QueryType.A).Of<ARecord>().Any() ? SpfResult.Pass : SpfResult.None;
                default:
                    var included = Evaluate(target, address, depth + 1, ref records, out why);
                    switch (included)
                    {
                        case SpfResult.Pass:
                            return SpfResult.Pass;
                        case SpfResult.None:
                        case SpfResult.PermError:
                            return SpfResult.PermError;
                        case SpfResult.TempError:
                            return SpfResult.TempError;
                        default:
                            return SpfResult.None;
                    }
            }
        }

        private static SpfResult ResultOf(char qualifier)
        {
            switch (qualifier)
            {
                case '-':
                    return SpfResult.Fail;
                case '~':
                    return SpfResult.SoftFail;
                case '?':
                    return SpfResult.Neutral;
                default:
                    return SpfResult.Pass;
            }
        }

        private static bool AnyAddress(IEnumerable<IPAddress> addresses, IPAddress address, SpfTerm term)
        {
            var prefix = address.AddressFamily == AddressFamily.InterNetwork ? term.Prefix4 : term.Prefix6;
            return addresses.Any(a => InNetwork(address, a, prefix));
        }

        public static bool InNetwork(IPAddress address, IPAddress network, int prefix)
        {
            if (network == null || address.AddressFamily != network.AddressFamily)
            {
                return false;
            }
            var a = address.GetAddressBytes();
            var n = network.GetAddressBytes();
            for (int bit = 0; bit < prefix; bit++)
            {
                var mask = 0x80 >> (bit % 8);
                if ((a[bit / 8] & mask) != (n[bit / 8] & mask))
                {
                    return false;
                }
            }
            return true;
        }
    }
}
