using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using HybridMailFlow.Commands;
using HybridMailFlow.Native;
using static HybridMailFlow.Commands.ExchangeObjects;

namespace HybridMailFlow.Report
{
    internal sealed class ReportOptions
    {
        public string Title = "Mail flow report";
        public int ExampleCount = 5;
        public int MaxRows = 500;
        public int ExpiringDays = 30;
        public int SlowestHops = 25;

        /// <summary>Log lines the examples may carry in all: what keeps a report of many diagnoses small enough to mail.</summary>
        public int LineBudget = 2000;
        public DateTime NowUtc = DateTime.UtcNow;
    }

    /// <summary>
    /// Counts over time by category, in 5-minute buckets of UTC; the chart groups them into the width it shows.
    /// </summary>
    internal sealed class TimeSeries
    {
        public static readonly TimeSpan Base = TimeSpan.FromMinutes(5);

        public readonly string Title;
        public readonly string[] Categories;
        public readonly string Unit;
        public readonly Dictionary<long, long[]> Buckets = new Dictionary<long, long[]>();
        public long Total;

        public TimeSeries(string title, string unit, params string[] categories)
        {
            Title = title;
            Unit = unit;
            Categories = categories;
        }

        public int CategoryOf(string name)
        {
            for (int i = 0; i < Categories.Length - 1; i++)
            {
                if (string.Equals(Categories[i], name, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }
            return Categories.Length - 1;
        }

        public void Add(DateTime? utc, int category)
        {
            if (!utc.HasValue || utc.Value == DateTime.MinValue)
            {
                return;
            }
            var key = utc.Value.Ticks / Base.Ticks;
            long[] counts;
            if (!Buckets.TryGetValue(key, out counts))
            {
                counts = new long[Categories.Length];
                Buckets[key] = counts;
            }
            counts[category]++;
            Total++;
        }
    }

    /// <summary>One diagnosis and the failures it explains, with a few examples.</summary>
    internal sealed class FailureGroup
    {
        public DiagnosisInfo Info;
        public long Count;
        public readonly long[] BySource = new long[Enum.GetValues(typeof(SourceKind)).Length];
        public DateTime? First;
        public DateTime? Last;
        public readonly SortedSet<string> Servers = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        public readonly List<Example> Examples = new List<Example>();

        public int SeverityRank
        {
            get { return ReportModel.SeverityRank(Info.Severity); }
        }
    }

    /// <summary>What a set of sessions and SMTP tracking events came to: a traffic class, a connector, a remote host.</summary>
    internal class FlowCounts
    {
        public long Sessions;
        public long Delivered;
        public long Failed;
        public long Messages;
        public long Bytes;
        public long TlsSessions;
        public long TrackingEvents;
        public long TrackingFailures;

        public void Count(SessionRecord s)
        {
            Sessions++;
            Delivered += s.Outcome == "Delivered" ? 1 : 0;
            Failed += s.Failed ? 1 : 0;
            Messages += s.Accepted;
            Bytes += s.Bytes;
            TlsSessions += s.TlsSucceeded == true ? 1 : 0;
        }

        public void Count(TrackingRecord e)
        {
            TrackingEvents++;
            TrackingFailures += e.IsFailure ? 1 : 0;
        }
    }

    /// <summary>What happened through one connector or with one remote host.</summary>
    internal sealed class EndpointStats : FlowCounts
    {
        private const int MaxNames = 4;

        public string Name;
        public string Direction;
        public string Traffic;
        public readonly SortedSet<string> Servers = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        public readonly SortedSet<string> Addresses = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        public readonly Tally Rules = new Tally();

        public long Activity
        {
            get { return Sessions + TrackingEvents; }
        }

        public static void AddName(SortedSet<string> names, string name)
        {
            if (!string.IsNullOrEmpty(name) && names.Count < MaxNames)
            {
                names.Add(name);
            }
        }

        public string TopRule()
        {
            var top = Rules.Largest(1).FirstOrDefault();
            return top == null ? null : top.Name + " (" + Format.Count(top.Count) + ")";
        }
    }

    internal sealed class CertificateStats
    {
        public CertificateRecord Certificate;
        public long Sessions;
        public DateTime? FirstSeen;
        public DateTime? LastSeen;
        public readonly SortedSet<string> Servers = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        public readonly SortedSet<string> Remotes = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
    }

    internal sealed class TlsStats
    {
        public string Protocol;
        public long Receive;
        public long Send;
        public long ExchangeOnline;
        public long Failed;

        public long Total
        {
            get { return Receive + Send; }
        }
    }

    internal sealed class TrafficStats : FlowCounts
    {
        public string Traffic;
        public string Direction;
    }

    internal sealed class HopRow
    {
        public string MessageId;
        public string Recipient;
        public DateTime? TimeUtc;
        public string From;
        public string Server;
        public string Component;
        public string Event;
        public double Seconds;
        public string Flags;
    }

    internal sealed class StoppedRow
    {
        public string MessageId;
        public string Sender;
        public string Recipient;
        public string Location;
        public string Server;
        public string Summary;
        public string Error;
        public DateTime? LastSeenUtc;
    }

    internal sealed class QueueRow
    {
        public string Identity;
        public string Server;
        public string Kind;
        public string Status;
        public string State;
        public string Severity;
        public long? MessageCount;
        public string NextHop;
        public string LastError;
        public string Diagnosis;
        public string Action;
        public string Commands;
    }

    /// <summary>A check in one shape, whichever command made it.</summary>
    internal sealed class CheckRow
    {
        public string Area;
        public string Server;
        public string Identity;
        public string Check;
        public string Result;
        public string Message;
        public string Evidence;
        public string Fix;
        public string Command;

        /// <summary>Test-HybridCertificate, Test-HybridReceiveConnector, Test-HybridTransportDns (ConfigurationCheck).</summary>
        public static CheckRow OfConfiguration(PSObject o)
        {
            return Common(o, Text(o, "Area"), Text(o, "Identity"), Text(o, "Message"));
        }

        /// <summary>Invoke-HybridMailFlowCheck's steps (MailFlowCheck).</summary>
        public static CheckRow OfChecklist(PSObject o)
        {
            return Common(o, Text(o, "Checklist"), "Step " + Text(o, "Step"), Text(o, "Reason"));
        }

        /// <summary>Test-HybridSendConnector's checks of the hybrid connector (SendConnectorCheck): its Fix is the command.</summary>
        public static CheckRow OfSendConnector(PSObject o)
        {
            var row = Common(o, "SendConnector", Text(o, "Connector"), Text(o, "Reason"));
            var expected = Text(o, "Expected");
            if (expected != null)
            {
                row.Evidence += " (expected: " + expected + ")";
            }
            row.Command = row.Fix;
            row.Fix = null;
            return row;
        }

        /// <summary>What every kind of check names alike (Check, Result, Evidence, Fix, Command, Server); the rest as the kind names it.</summary>
        private static CheckRow Common(PSObject o, string area, string identity, string message)
        {
            return new CheckRow
            {
                Area = area,
                Server = Text(o, "Server"),
                Identity = identity,
                Check = Text(o, "Check"),
                Result = Text(o, "Result"),
                Message = message,
                Evidence = Text(o, "Evidence"),
                Fix = Text(o, "Fix"),
                Command = Text(o, "Command"),
            };
        }

        /// <summary>Test-HybridSendConnector's routes (SendConnectorRoute): an unreachable domain fails.</summary>
        public static CheckRow OfRoute(PSObject o)
        {
            var status = Text(o, "Status");
            var connector = Text(o, "Connector");
            return new CheckRow
            {
                Area = "Routing",
                Identity = Text(o, "Recipient") ?? Text(o, "RecipientDomain"),
                Check = "SendConnectorRoute",
                Result = status == "Unreachable" ? "Fail" : "Pass",
                Message = Text(o, "Explanation"),
                Evidence = connector == null ? status : status + ": " + connector + " (" + Text(o, "AddressSpace") + ")",
                Fix = Text(o, "FixConnector"),
                Command = string.Join("; ", Values(Property(o, "FixCommands"), false)),
            };
        }
    }

    /// <summary>
    /// Everything the report shows, counted as objects stream by: counters and a few capped lists (examples, table
    /// rows, the slowest hops), so that memory does not grow with the logs. Distinct names (connectors, remote
    /// hosts, certificates, servers) are kept once each.
    /// </summary>
    internal sealed class ReportModel
    {
        public static readonly string[] SessionOutcomes = SmtpOutcomes.SuccessesFirst.Concat(new[] { "Other" }).ToArray();

        public static readonly string[] TrackingOutcomes = { "Delivered", "Sent", "Received", "Failed", "Deferred", "DSN", "Other" };
        public static readonly string[] TraceOutcomes = { "Delivered", "Failed", "Pending", "FilteredAsSpam", "Quarantined", "Expanded", "Other" };

        private static readonly Regex TlsVersion = new Regex(@"(TLS|SSL)(\d)(?:_(\d)(?=_|$))?", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        public readonly ReportOptions Options;
        public long Sessions;
        public long SessionsFailed;
        public long TrackingEvents;
        public long TrackingFailures;
        public long TraceEvents;
        public long TraceFailures;
        public long Timelines;
        public long TimelinesNotDelivered;
        public long Queues;
        public long QueuesNeedingAttention;
        public long Checks;
        public long ErrorTexts;
        public long Failures;
        public DateTime? First;
        public DateTime? Last;

        public readonly Tally SessionOutcomeCounts = new Tally();
        public readonly Tally TrackingEventIds = new Tally();
        public readonly Tally TraceStatuses = new Tally();
        public readonly Tally TimelineLocations = new Tally();
        public readonly Tally TimelineFlags = new Tally();
        public readonly Tally QueueStates = new Tally();
        public readonly Tally CheckResults = new Tally();
        public readonly Tally Ciphers = new Tally();
        public readonly Dictionary<string, Tally> ServerCounts = new Dictionary<string, Tally>(StringComparer.OrdinalIgnoreCase);

        public readonly TimeSeries SessionSeries = new TimeSeries("SMTP sessions by outcome", "sessions", SessionOutcomes);
        public readonly TimeSeries TrackingSeries = new TimeSeries("Message tracking events", "events", TrackingOutcomes);
        public readonly TimeSeries TraceSeries = new TimeSeries("Exchange Online message trace by status", "events", TraceOutcomes);

        public readonly Dictionary<string, FailureGroup> Groups = new Dictionary<string, FailureGroup>(StringComparer.OrdinalIgnoreCase);
        public readonly List<Example> ExampleList = new List<Example>();
        public readonly Dictionary<string, TrafficStats> Traffic = new Dictionary<string, TrafficStats>(StringComparer.OrdinalIgnoreCase);
        public readonly Dictionary<string, EndpointStats> Connectors = new Dictionary<string, EndpointStats>(StringComparer.OrdinalIgnoreCase);
        public readonly Dictionary<string, EndpointStats> RemoteHosts = new Dictionary<string, EndpointStats>(StringComparer.OrdinalIgnoreCase);
        public readonly Dictionary<string, TlsStats> TlsProtocols = new Dictionary<string, TlsStats>(StringComparer.OrdinalIgnoreCase);
        public readonly Dictionary<string, CertificateStats> Certificates = new Dictionary<string, CertificateStats>(StringComparer.OrdinalIgnoreCase);
        public readonly List<HopRow> SlowestHops = new List<HopRow>();
        public readonly List<StoppedRow> Stopped = new List<StoppedRow>();
        public readonly List<QueueRow> QueueRows = new List<QueueRow>();
        public readonly List<CheckRow> CheckRows = new List<CheckRow>();

        private readonly DiagnosisCache diagnoses = new DiagnosisCache(LogKind.Unknown);
        private int linesKept;
        private readonly Dictionary<string, string> addressClasses = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public ReportModel(ReportOptions options)
        {
            Options = options;
        }

        public static int SeverityRank(string severity)
        {
            switch (severity)
            {
                case "Critical": return 0;
                case "Error": return 1;
                case "Warning": return 2;
                case "Info": return 3;
                default: return 4;
            }
        }

        public static bool IsDeprecatedTls(string protocol)
        {
            return protocol.StartsWith("SSL", StringComparison.Ordinal) || protocol == "TLS 1.0" || protocol == "TLS 1.1";
        }

        public static string TrafficOf(bool isExchangeOnline, string addressClass)
        {
            if (isExchangeOnline || addressClass == "ExchangeOnline")
            {
                return "Exchange Online";
            }
            switch (addressClass)
            {
                case "Public": return "Internet";
                case "Private":
                case "Loopback":
                    return "Internal";
                default: return "Unknown";
            }
        }

        public void Add(SessionRecord s)
        {
            Sessions++;
            See(s.StartUtc);
            CountServer(s.Server, "Sessions");
            SessionOutcomeCounts.Add(s.Outcome);
            SessionSeries.Add(s.StartUtc, SessionSeries.CategoryOf(s.Outcome));
            string rule = null;
            if (s.Failed)
            {
                SessionsFailed++;
                CountServer(s.Server, "Failures");
                rule = Failure(SourceKind.Session, s.StartUtc, s.Server, s.Finding, s.FailureText, s.Outcome, () => Examples.OfSession(s));
            }

            var traffic = TrafficOf(s.IsExchangeOnline, s.AddressClass);
            var connector = Get(Connectors, s.ConnectorId ?? "(none)", () => new EndpointStats { Name = s.ConnectorId ?? "(none)", Direction = s.Direction + " (" + s.Role + ")" });
            var remoteName = RemoteName(s.RemoteHost, s.RemoteAddress);
            var remote = Get(RemoteHosts, remoteName, () => new EndpointStats { Name = remoteName, Traffic = traffic });
            Get(Traffic, traffic + "|" + s.Direction, () => new TrafficStats { Traffic = traffic, Direction = s.Direction }).Count(s);
            connector.Count(s);
            remote.Count(s);
            if (rule != null)
            {
                connector.Rules.Add(rule);
                remote.Rules.Add(rule);
            }
            EndpointStats.AddName(connector.Servers, s.Server);
            EndpointStats.AddName(remote.Servers, s.Server);
            EndpointStats.AddName(remote.Addresses, s.RemoteAddress);

            if (s.TlsProtocol != null || s.TlsSucceeded == false)
            {
                var protocol = s.TlsProtocol == null ? "Failed before a protocol was agreed" : TlsName(s.TlsProtocol);
                var stats = Get(TlsProtocols, protocol, () => new TlsStats { Protocol = protocol });
                if (string.Equals(s.Direction, "Send", StringComparison.OrdinalIgnoreCase))
                {
                    stats.Send++;
                }
                else
                {
                    stats.Receive++;
                }
                stats.ExchangeOnline += traffic == "Exchange Online" ? 1 : 0;
                stats.Failed += s.TlsSucceeded == false ? 1 : 0;
            }
            if (s.TlsCipher != null)
            {
                Ciphers.Add(s.TlsCipherStrength.HasValue ? s.TlsCipher + " (" + s.TlsCipherStrength.Value + " bits)" : s.TlsCipher);
            }
            foreach (var certificate in s.Certificates)
            {
                AddCertificate(certificate, s);
            }
        }

        public void Add(TrackingRecord e)
        {
            TrackingEvents++;
            See(e.TimeUtc);
            CountServer(e.Server, "Tracking events");
            TrackingEventIds.Add(e.EventId);
            TrackingSeries.Add(e.TimeUtc, TrackingCategory(e.EventId, e.IsFailure));
            string rule = null;
            if (e.IsFailure)
            {
                TrackingFailures++;
                CountServer(e.Server, "Failures");
                rule = Failure(SourceKind.Tracking, e.TimeUtc, e.Server, e.Finding, e.FailureText, e.EventId, () => Examples.OfTracking(e));
            }
            if (e.RemoteHost == null)
            {
                return;
            }
            var direction = string.Equals(e.EventId, "SEND", StringComparison.OrdinalIgnoreCase) ? "Send" : "Receive";
            var traffic = TrafficOf(false, ClassOf(e.RemoteAddress));
            Get(Traffic, traffic + "|" + direction, () => new TrafficStats { Traffic = traffic, Direction = direction }).Count(e);
            var remoteName = RemoteName(e.RemoteHost, e.RemoteAddress);
            var remote = Get(RemoteHosts, remoteName, () => new EndpointStats { Name = remoteName, Traffic = traffic });
            remote.Count(e);
            EndpointStats.AddName(remote.Addresses, e.RemoteAddress);
            EndpointStats.AddName(remote.Servers, e.Server);
            if (e.ConnectorId != null)
            {
                var connector = Get(Connectors, e.ConnectorId, () => new EndpointStats { Name = e.ConnectorId, Direction = direction });
                connector.Count(e);
                EndpointStats.AddName(connector.Servers, e.Server);
                if (rule != null)
                {
                    connector.Rules.Add(rule);
                }
            }
        }

        public void Add(TraceRecord e)
        {
            TraceEvents++;
            See(e.ReceivedUtc);
            var status = e.Status ?? TraceStatusOfEvent(e.Event);
            TraceStatuses.Add(status);
            TraceSeries.Add(e.ReceivedUtc, TraceSeries.CategoryOf(status));
            var failed = e.Reason != null || string.Equals(status, "Failed", StringComparison.OrdinalIgnoreCase);
            if (failed)
            {
                TraceFailures++;
                Failure(SourceKind.Trace, e.ReceivedUtc, "Exchange Online", e.Finding, e.Reason, status, () => Examples.OfTrace(e));
            }
        }

        public void AddTimeline(PSObject o)
        {
            Timelines++;
            var location = Text(o, "Location");
            var first = (Times.Utc(Property(o, "FirstSeenUtc"), true) ?? Times.Utc(Property(o, "FirstSeen"), false));
            var last = (Times.Utc(Property(o, "LastSeenUtc"), true) ?? Times.Utc(Property(o, "LastSeen"), false));
            See(first);
            See(last);
            TimelineLocations.Add(location);
            foreach (var flag in Values(Property(o, "Flags"), false))
            {
                var colon = flag.IndexOf(':');
                TimelineFlags.Add(colon > 0 ? flag.Substring(0, colon) : flag);
            }
            var delivered = location == "DeliveredOnPremises" || location == "DeliveredInExchangeOnline" || location == "SentToInternet";
            var error = Text(o, "Error");
            if (!delivered)
            {
                TimelinesNotDelivered++;
                if (Stopped.Count < Options.MaxRows)
                {
                    Stopped.Add(new StoppedRow
                    {
                        MessageId = Text(o, "MessageId"),
                        Sender = Text(o, "Sender"),
                        Recipient = Text(o, "Recipient"),
                        Location = location,
                        Server = Text(o, "LocationServer"),
                        Summary = Text(o, "Summary"),
                        Error = error,
                        LastSeenUtc = last,
                    });
                }
            }
            if (error != null || location == "Failed")
            {
                Failure(SourceKind.Timeline, last, Text(o, "LocationServer"), null, error, location, () => Examples.OfTimeline(o, last));
            }
            AddHops(o);
        }

        private void AddHops(PSObject timeline)
        {
            var hops = Property(timeline, "Hops") as System.Collections.IEnumerable;
            if (hops == null || hops is string)
            {
                return;
            }
            string previous = null;
            foreach (var item in hops)
            {
                var hop = PSObject.AsPSObject(item);
                var server = Text(hop, "Server");
                var latency = TimeSpanOf(Property(hop, "Latency"));
                if (latency.HasValue && (SlowestHops.Count < Options.SlowestHops || latency.Value.TotalSeconds > SlowestHops[SlowestHops.Count - 1].Seconds))
                {
                    var row = new HopRow
                    {
                        MessageId = Text(timeline, "MessageId"),
                        Recipient = Text(timeline, "Recipient"),
                        TimeUtc = Times.Utc(Property(hop, "TimeUtc"), true) ?? Times.Utc(Property(hop, "Time"), false),
                        From = previous,
                        Server = server,
                        Component = Text(hop, "Component"),
                        Event = Text(hop, "Event"),
                        Seconds = latency.Value.TotalSeconds,
                        Flags = string.Join("; ", Values(Property(hop, "Flags"), false)),
                    };
                    var at = SlowestHops.FindIndex(h => h.Seconds < row.Seconds);
                    SlowestHops.Insert(at < 0 ? SlowestHops.Count : at, row);
                    if (SlowestHops.Count > Options.SlowestHops)
                    {
                        SlowestHops.RemoveAt(SlowestHops.Count - 1);
                    }
                }
                previous = server ?? previous;
            }
        }

        public void AddQueue(PSObject o)
        {
            Queues++;
            var state = Text(o, "State") ?? Text(o, "Status");
            var severity = Text(o, "Severity");
            QueueStates.Add(state);
            CountServer(Text(o, "Server"), "Queues");
            var attention = severity != null && severity != "Info";
            if (attention)
            {
                QueuesNeedingAttention++;
            }
            var finding = SessionRecord.FirstFinding(o);
            if (QueueRows.Count < Options.MaxRows)
            {
                QueueRows.Add(new QueueRow
                {
                    Identity = Text(o, "Identity"),
                    Server = Text(o, "Server"),
                    Kind = Text(o, "QueueKind"),
                    Status = Text(o, "Status"),
                    State = state,
                    Severity = severity,
                    MessageCount = MessageCountOf(o),
                    NextHop = Text(o, "NextHopDomain"),
                    LastError = Text(o, "LastError"),
                    Diagnosis = Text(o, "DiagnosisTitle") ?? (finding == null ? null : DiagnosisInfo.From(finding).Title),
                    Action = Text(o, "Action"),
                    Commands = string.Join("\n", Values(Property(o, "Commands"), false)),
                });
            }
            var lastError = Text(o, "LastError");
            if (attention && (finding != null || lastError != null))
            {
                Failure(SourceKind.Queue, null, Text(o, "Server"), finding, lastError, state, () => Examples.OfQueue(o));
            }
        }

        /// <summary>A check of configuration, a send connector, a checklist step, or a route; in one shape.</summary>
        public void AddCheck(CheckRow row)
        {
            Checks++;
            CheckResults.Add(row.Result);
            CountServer(row.Server, "Checks");
            if (CheckRows.Count < Options.MaxRows * 4)
            {
                CheckRows.Add(row);
            }
        }

        public void AddErrorText(PSObject finding)
        {
            ErrorTexts++;
            Failure(SourceKind.ErrorText, null, null, finding, Text(finding, "Input"), Text(finding, "Severity"), () => Examples.OfErrorText(finding));
        }

        /// <summary>
        /// Counts a failure under its diagnosis: the finding that came with it, else the knowledge base's for its
        /// text. Returns the rule id.
        /// </summary>
        private string Failure(SourceKind kind, DateTime? utc, string server, object finding, string text, string what, Func<Example> example)
        {
            Failures++;
            var ruleId = finding == null ? null : DiagnosisInfo.RuleIdOf(finding);
            if (ruleId == null && !string.IsNullOrWhiteSpace(text))
            {
                finding = diagnoses.Diagnose(text);
                ruleId = DiagnosisInfo.RuleIdOf(finding);
            }
            var key = ruleId ?? "Undiagnosed " + what;
            FailureGroup group;
            if (!Groups.TryGetValue(key, out group))
            {
                group = new FailureGroup { Info = finding == null ? DiagnosisInfo.Undiagnosed(what) : DiagnosisInfo.From(finding) };
                Groups[key] = group;
            }
            group.Count++;
            group.BySource[(int)kind]++;
            if (utc.HasValue)
            {
                group.First = !group.First.HasValue || utc < group.First ? utc : group.First;
                group.Last = !group.Last.HasValue || utc > group.Last ? utc : group.Last;
            }
            if (server != null && group.Servers.Count < 20)
            {
                group.Servers.Add(server);
            }
            if (group.Examples.Count < Options.ExampleCount)
            {
                var e = example();
                KeepWithinLineBudget(e);
                e.Index = ExampleList.Count;
                ExampleList.Add(e);
                group.Examples.Add(e);
            }
            return group.Info.RuleId ?? key;
        }

        private void KeepWithinLineBudget(Example e)
        {
            var room = Math.Max(0, Options.LineBudget - linesKept);
            if (e.Lines.Count > room)
            {
                e.Lines.RemoveRange(room, e.Lines.Count - room);
                e.Lines.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture,
                    "(The report keeps {0:N0} log lines in all; the rest of this example's are left out.)", Options.LineBudget));
                e.DecidingLine = e.DecidingLine < room ? e.DecidingLine : -1;
            }
            linesKept += e.Lines.Count;
        }

        private void AddCertificate(CertificateRecord c, SessionRecord s)
        {
            var key = c.Thumbprint ?? (c.Subject + "|" + c.Issuer + "|" + (c.NotAfter.HasValue ? c.NotAfter.Value.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty));
            var stats = Get(Certificates, key, () => new CertificateStats { Certificate = c });
            stats.Sessions++;
            stats.FirstSeen = !stats.FirstSeen.HasValue || s.StartUtc < stats.FirstSeen ? s.StartUtc : stats.FirstSeen;
            stats.LastSeen = !stats.LastSeen.HasValue || s.StartUtc > stats.LastSeen ? s.StartUtc : stats.LastSeen;
            EndpointStats.AddName(stats.Servers, s.Server);
            EndpointStats.AddName(stats.Remotes, RemoteName(s.RemoteHost, s.RemoteAddress));
        }

        private void See(DateTime? utc)
        {
            if (!utc.HasValue || utc.Value == DateTime.MinValue)
            {
                return;
            }
            First = !First.HasValue || utc < First ? utc : First;
            Last = !Last.HasValue || utc > Last ? utc : Last;
        }

        private void CountServer(string server, string what)
        {
            if (string.IsNullOrEmpty(server))
            {
                return;
            }
            Get(ServerCounts, server, () => new Tally()).Add(what);
        }

        /// <summary>The engine's class of a remote address (Exchange Online, Public, Private...), asked once per address.</summary>
        private string ClassOf(string address)
        {
            if (string.IsNullOrEmpty(address))
            {
                return null;
            }
            string addressClass;
            if (!addressClasses.TryGetValue(address, out addressClass))
            {
                string resolver;
                addressClass = AbiNames.Of(Addresses.Classify(address, out resolver));
                if (addressClasses.Count < 100000)
                {
                    addressClasses[address] = addressClass;
                }
            }
            return addressClass;
        }

        /// <summary>A remote host by its name; by its address when it gave none (or only its address in brackets).</summary>
        private static string RemoteName(string host, string address)
        {
            if (!string.IsNullOrEmpty(host) && !host.StartsWith("[", StringComparison.Ordinal))
            {
                return host;
            }
            return address ?? host ?? "(unknown)";
        }

        /// <summary>SP_PROT_TLS1_2_SERVER is TLS 1.2; SP_PROT_TLS1_SERVER is TLS 1.0.</summary>
        public static string TlsName(string protocol)
        {
            var match = TlsVersion.Match(protocol);
            if (!match.Success)
            {
                return protocol;
            }
            return match.Groups[1].Value.ToUpperInvariant() + " " + match.Groups[2].Value + "." + (match.Groups[3].Success ? match.Groups[3].Value : "0");
        }

        private int TrackingCategory(string eventId, bool failure)
        {
            var id = (eventId ?? string.Empty).ToUpperInvariant();
            if (failure)
            {
                return id.EndsWith("DEFER", StringComparison.Ordinal) ? TrackingSeries.CategoryOf("Deferred") : TrackingSeries.CategoryOf("Failed");
            }
            switch (id)
            {
                case "DELIVER": return TrackingSeries.CategoryOf("Delivered");
                case "SEND": return TrackingSeries.CategoryOf("Sent");
                case "RECEIVE": return TrackingSeries.CategoryOf("Received");
                case "DSN": return TrackingSeries.CategoryOf("DSN");
                default: return TrackingSeries.Categories.Length - 1;
            }
        }

        /// <summary>A detail row has an event, not a status: what the event means for the message.</summary>
        private static string TraceStatusOfEvent(string traceEvent)
        {
            switch ((traceEvent ?? string.Empty).ToUpperInvariant())
            {
                case "DELIVER":
                case "SEND":
                    return "Delivered";
                case "FAIL":
                case "DROP":
                    return "Failed";
                case "DEFER":
                    return "Pending";
                case "EXPAND":
                    return "Expanded";
                default:
                    return traceEvent ?? "None";
            }
        }

        private static long? MessageCountOf(PSObject o)
        {
            long count;
            var text = Text(o, "MessageCount");
            return text != null && long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out count) ? count : (long?)null;
        }

        private static T Get<T>(Dictionary<string, T> map, string key, Func<T> create)
        {
            T value;
            if (!map.TryGetValue(key, out value))
            {
                value = create();
                map[key] = value;
            }
            return value;
        }
    }
}
