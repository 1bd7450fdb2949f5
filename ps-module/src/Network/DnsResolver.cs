using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DnsClient;
using DnsClient.Protocol;

namespace HybridMailFlow.Network
{
    /// <summary>The DNS server did not answer (timed out, unreachable): no record can be judged.</summary>
    internal sealed class DnsServerException : Exception
    {
        public DnsServerException(string message, Exception inner) : base(message, inner)
        {
        }
    }

    /// <summary>The answer to one question: its records, or why there are none.</summary>
    internal sealed class DnsAnswer
    {
        public DnsAnswer(string name, QueryType type, IReadOnlyList<DnsResourceRecord> records, DnsHeaderResponseCode code)
        {
            Name = name;
            Type = type;
            Records = records;
            ResponseCode = code;
        }

        public string Name { get; private set; }

        public QueryType Type { get; private set; }

        public IReadOnlyList<DnsResourceRecord> Records { get; private set; }

        public DnsHeaderResponseCode ResponseCode { get; private set; }

        /// <summary>The name does not exist at all (NXDOMAIN), as opposed to existing without records of this type.</summary>
        public bool NameMissing { get { return ResponseCode == DnsHeaderResponseCode.NotExistentDomain; } }

        /// <summary>The server answered with an error other than NXDOMAIN: SERVFAIL, REFUSED...</summary>
        public bool Failed { get { return ResponseCode != DnsHeaderResponseCode.NoError && !NameMissing; } }

        /// <summary>NXDOMAIN, no records of the type, or the server's error, in words.</summary>
        public string Absence
        {
            get
            {
                if (NameMissing)
                {
                    return string.Format("{0} does not exist (NXDOMAIN)", Name);
                }
                if (Failed)
                {
                    return string.Format("the server answered {0} for {1} {2}", ResponseCode, Name, Type);
                }
                return string.Format("{0} has no {1} record", Name, Type);
            }
        }

        public IEnumerable<T> Of<T>() where T : DnsResourceRecord
        {
            return Records.OfType<T>();
        }
    }

    /// <summary>
    /// DNS through DnsClient: one server given as address[:port], or this computer's resolvers. Answers are kept for
    /// one command only (SPF asks for the same records again for each address), so that a record just corrected is
    /// seen by the next command.
    /// </summary>
    internal sealed class DnsResolver
    {
        private readonly LookupClient client;
        private readonly Dictionary<string, DnsAnswer> answers = new Dictionary<string, DnsAnswer>(StringComparer.OrdinalIgnoreCase);

        // A server that did not answer once is not asked again by this command: each question would wait the timeout.
        private DnsServerException silent;

        private DnsResolver(LookupClient client, string description)
        {
            this.client = client;
            Description = description;
        }

        /// <summary>The server asked, for the Server property of the results.</summary>
        public string Description { get; private set; }

        /// <summary>A resolver asking `server` (address[:port], [IPv6]:port), or the system's resolvers when null.</summary>
        public static DnsResolver Create(string server, TimeSpan timeout)
        {
            LookupClientOptions options;
            string description;
            if (string.IsNullOrEmpty(server))
            {
                options = new LookupClientOptions();
                description = "system (" + string.Join(", ", options.NameServers.Select(n => Endpoints.Format(n.Address, n.Port))) + ")";
            }
            else
            {
                var endpoint = Endpoints.Parse(server, 53);
                options = new LookupClientOptions(new NameServer(endpoint));
                description = Endpoints.Format(endpoint.Address.ToString(), endpoint.Port);
            }
            options.UseCache = false;
            options.Timeout = timeout;
            options.Retries = 1;
            options.ThrowDnsErrors = false;
            options.UseTcpFallback = true;
            options.ContinueOnDnsError = true;
            return new DnsResolver(new LookupClient(options), description);
        }

        public DnsAnswer Query(string name, QueryType type)
        {
            var key = type.ToString() + " " + name.TrimEnd('.');
            DnsAnswer answer;
            if (answers.TryGetValue(key, out answer))
            {
                return answer;
            }
            if (silent != null)
            {
                throw silent;
            }
            try
            {
                var response = client.Query(name, type);
                answer = new DnsAnswer(name.TrimEnd('.'), type, response.Answers, response.Header.ResponseCode);
                answers[key] = answer;
                return answer;
            }
            catch (DnsResponseException e)
            {
                silent = new DnsServerException(string.Format("The DNS server {0} did not answer {1} {2}: {3}", Description, name, type, e.Message), e);
                throw silent;
            }
            catch (SocketException e)
            {
                silent = new DnsServerException(string.Format("The DNS server {0} did not answer {1} {2}: {3}", Description, name, type, e.Message), e);
                throw silent;
            }
        }

        /// <summary>The IPv4 and IPv6 addresses of a host, following CNAMEs.</summary>
        public IList<IPAddress> Addresses(string host)
        {
            string absence;
            return Addresses(host, out absence);
        }

        /// <summary>The addresses of a host; when there are none, why: NXDOMAIN, no A record, the server's error.</summary>
        public IList<IPAddress> Addresses(string host, out string absence)
        {
            var v4 = Query(host, QueryType.A);
            var found = v4.Of<ARecord>().Select(r => r.Address).ToList();
            found.AddRange(Query(host, QueryType.AAAA).Of<AaaaRecord>().Select(r => r.Address));
            absence = found.Count == 0 ? v4.Absence : null;
            return found;
        }

        /// <summary>in-addr.arpa or ip6.arpa name of an address.</summary>
        public static string ReverseName(IPAddress address)
        {
            var bytes = address.GetAddressBytes();
            var name = new StringBuilder();
            if (address.AddressFamily == AddressFamily.InterNetwork)
            {
                for (int i = bytes.Length - 1; i >= 0; i--)
                {
                    name.Append(bytes[i].ToString(CultureInfo.InvariantCulture)).Append('.');
                }
                return name.Append("in-addr.arpa").ToString();
            }
            for (int i = bytes.Length - 1; i >= 0; i--)
            {
                name.Append((bytes[i] & 0xF).ToString("x", CultureInfo.InvariantCulture)).Append('.');
                name.Append((bytes[i] >> 4).ToString("x", CultureInfo.InvariantCulture)).Append('.');
            }
            return name.Append("ip6.arpa").ToString();
        }

        /// <summary>A DNS name as written in records: without the root's trailing dot.</summary>
        public static string Plain(DnsString name)
        {
            return name == null ? null : Untrusted.Printable(name.Value.TrimEnd('.'));
        }

        /// <summary>A TXT record's strings joined, as SPF and DMARC read them (RFC 7208 3.3).</summary>
        public static string Text(TxtRecord record)
        {
            return Untrusted.Printable(string.Concat(record.Text));
        }
    }

    /// <summary>Host and port as admins write them: 127.0.0.1:5353, [::1]:5353, 10.0.0.2.</summary>
    internal static class Endpoints
    {
        private static readonly System.Text.RegularExpressions.Regex Name = new System.Text.RegularExpressions.Regex(
            @"^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9])?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        /// <summary>A DNS name (letters, digits, '-', '_', dots) or an address, bare or in brackets.</summary>
        public static bool IsHost(string text)
        {
            IPAddress address;
            return text != null && (Name.IsMatch(text) || IPAddress.TryParse(text.Trim('[', ']'), out address));
        }

        public static IPEndPoint Parse(string text, int defaultPort)
        {
            var value = (text ?? string.Empty).Trim();
            IPAddress address;
            if (IPAddress.TryParse(value, out address) && (address.AddressFamily == AddressFamily.InterNetworkV6 || value.IndexOf(':') < 0))
            {
                return new IPEndPoint(address, defaultPort);
            }
            int portAt = value.LastIndexOf(':');
            int port;
            if (portAt > 0 && int.TryParse(value.Substring(portAt + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) && port > 0 && port < 65536 &&
                IPAddress.TryParse(value.Substring(0, portAt).Trim('[', ']'), out address))
            {
                return new IPEndPoint(address, port);
            }
            throw new ArgumentException(string.Format("'{0}' is not an address or address:port (e.g. 10.0.0.2, 127.0.0.1:5353, [::1]:5353).", value));
        }

        public static string Format(string address, int port)
        {
            return (address.IndexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port.ToString(CultureInfo.InvariantCulture);
        }
    }
}
