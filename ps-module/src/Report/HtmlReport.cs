using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using HybridMailFlow.Commands;

namespace HybridMailFlow.Report
{
    /// <summary>
    /// Writes the report as one HTML file that opens offline in any browser: the style, the script and the charts
    /// inside it, and a Content-Security-Policy that lets the page load nothing and run only its own script and
    /// style (by their SHA-256), so that nothing a log holds can run even if it ever reached the markup.
    /// </summary>
    internal static class HtmlReport
    {
        private static readonly string Style = Resource("report.css");
        private static readonly string Script = Resource("report.js");

        private static readonly string[] SourceNames = { "SMTP session", "Tracking event", "Trace event", "Timeline", "Queue", "Error text" };
        private static readonly string[] SourceSingulars = { "SMTP session", "tracking event", "trace event", "timeline", "queue", "error text" };
        private static readonly string[] SourcePlurals = { "SMTP sessions", "tracking events", "trace events", "timelines", "queues", "error texts" };

        public static string Write(ReportModel m)
        {
            var sb = new StringBuilder(256 * 1024);
            var w = new HtmlWriter(sb);
            var policy = "default-src 'none'; script-src 'sha256-" + Sha256(Script) + "'; style-src 'sha256-" + Sha256(Style) +
                "'; img-src 'none'; base-uri 'none'; form-action 'none'; require-trusted-types-for 'script'; trusted-types 'none'";
            w.Raw("<!DOCTYPE html>\n");
            w.Open("html", "lang", "en");
            w.Open("head");
            w.Open("meta", "charset", "utf-8");
            w.Open("meta", "http-equiv", "Content-Security-Policy", "content", policy);
            w.Open("meta", "name", "referrer", "content", "no-referrer");
            w.Open("meta", "name", "viewport", "content", "width=device-width, initial-scale=1");
            w.Open("meta", "name", "generator", "content", "HybridMailFlow " + ModuleVersion() + " Export-HybridMailFlowReport");
            w.Element("title", m.Options.Title + (m.First.HasValue ? ", " + Format.LocalTime(m.First.Value, false) + " to " + Format.LocalTime(m.Last.Value, false) : string.Empty));
            w.Open("style").Raw(Style).Close("style");
            w.Close("head");
            w.Open("body");
            Header(w, m);
            w.Open("main");
            Section(w, "overview", "Overview", null, () => Overview(w, m));
            Section(w, "activity", "Outcomes over time", null, () => Activity(w, m));
            Section(w, "failures", "Failures by diagnosis", m.Groups.Count == 0 ? "No failure in the input." : null, () => Failures(w, m));
            Section(w, "traffic", "Exchange Online, Internet and internal traffic", null, () => Traffic(w, m));
            Section(w, "connectors", "Per connector", m.Connectors.Count == 0 ? "No connector was named in the input." : null, () => Connectors(w, m));
            Section(w, "remote-hosts", "Per remote host", m.RemoteHosts.Count == 0 ? "No remote host was named in the input." : null, () => RemoteHosts(w, m));
            Section(w, "tls", "TLS protocols and certificates", m.TlsProtocols.Count == 0 && m.Certificates.Count == 0 ? "No session logged TLS." : null, () => Tls(w, m));
            Section(w, "messages", "Where messages stopped, and the slowest hops",
                m.Timelines == 0 ? "No timelines were given: pipe Trace-HybridMessage's timelines to add where each message is and its slowest hops." : null, () => Messages(w, m));
            Section(w, "queues", "Queues", m.Queues == 0 ? "No queues were given: pipe Get-Queue | Get-HybridQueueDiagnosis to add them." : null, () => Queues(w, m));
            Section(w, "checks", "Configuration findings",
                m.Checks == 0 ? "No checks were given: pipe the output of Test-HybridReceiveConnector, Test-HybridSendConnector, Test-HybridCertificate, Test-HybridTransportDns or Invoke-HybridMailFlowCheck to add them." : null,
                () => Checks(w, m));
            w.Close("main");
            w.Open("footer").Text("Written by HybridMailFlow " + ModuleVersion() + " (Export-HybridMailFlowReport) on " + Format.LocalTime(m.Options.NowUtc) + ".").Close("footer");
            w.Open("script", "type", "application/json", "id", "hmf-examples");
            ExampleData(sb, m);
            w.Close("script");
            w.Open("script").Raw(Script).Close("script");
            w.Close("body").Close("html");
            sb.Append('\n');
            return sb.ToString();
        }

        private static void Header(HtmlWriter w, ReportModel m)
        {
            w.Open("header");
            w.Element("h1", m.Options.Title);
            w.Open("p", "class", "period");
            if (m.First.HasValue)
            {
                w.Text("From ").Element("strong", Format.LocalTime(m.First.Value), "data-figure", "period.first", "data-value", Format.SortKey(m.First.Value));
                w.Text(" to ").Element("strong", Format.LocalTime(m.Last.Value), "data-figure", "period.last", "data-value", Format.SortKey(m.Last.Value));
                w.Text(" (" + Format.Duration(m.Last.Value - m.First.Value) + ").");
            }
            else
            {
                w.Text("The input held no times.");
            }
            w.Close("p");
            var servers = m.ServerCounts.Keys.OrderBy(s => s, StringComparer.OrdinalIgnoreCase).ToList();
            w.Open("p", "class", "servers").Text(servers.Count == 1 ? "Server: " : "Servers (" + servers.Count + "): ");
            w.Element("span", servers.Count == 0 ? "none named in the input" : string.Join(", ", servers), "data-figure", "servers");
            w.Text(".").Close("p");
            w.Element("p", "Times are the local time of the computer that wrote this report (" + TimeZoneInfo.Local.StandardName + ") with the UTC offset of each moment: " +
                (m.First.HasValue ? Format.LocalTime(m.First.Value) + " is " + m.First.Value.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " UTC." : "+00:00 is UTC."), "class", "note");
            w.Open("nav").Open("ul");
            foreach (var link in new[] { "overview:Overview", "activity:Over time", "failures:Failures", "traffic:Traffic", "connectors:Connectors", "remote-hosts:Remote hosts", "tls:TLS", "messages:Messages", "queues:Queues", "checks:Checks" })
            {
                var parts = link.Split(new[] { ':' }, 2);
                w.Open("li").Element("a", parts[1], "href", "#" + parts[0]).Close("li");
            }
            w.Close("ul").Close("nav");
            w.Close("header");
        }

        private static void Overview(HtmlWriter w, ReportModel m)
        {
            w.Open("div", "class", "cards");
            var missing = new List<string>();
            Card(w, m.Sessions, "SMTP sessions", "sessions.total", missing, "SMTP sessions (Get-HybridSmtpSession, -SmtpLogPath)",
                Tuple.Create(m.SessionOutcomeCounts["Delivered"], "delivered", "sessions.delivered", "ok"),
                Tuple.Create(m.SessionsFailed, "failed", "sessions.failed", "bad"));
            Card(w, m.TrackingEvents, "Message tracking events", "tracking.total", missing, "message tracking (Get-HybridMessageTrackingLog, -TrackingLogPath)",
                Tuple.Create(m.TrackingFailures, "failures (FAIL, DEFER, DROP...)", "tracking.failures", "bad"));
            Card(w, m.TraceEvents, "Exchange Online trace events", "trace.total", missing, "Exchange Online trace (Import-HybridMessageTrace, -MessageTrace)",
                Tuple.Create(m.TraceFailures, "failed or deferred", "trace.failures", "bad"));
            Card(w, m.Timelines, "Message timelines", "timelines.total", missing, "timelines (Trace-HybridMessage)",
                Tuple.Create(m.TimelinesNotDelivered, "not delivered", "timelines.notDelivered", "bad"));
            Card(w, m.Queues, "Queues", "queues.total", missing, "queues (Get-HybridQueueDiagnosis)",
                Tuple.Create(m.QueuesNeedingAttention, "need attention", "queues.attention", "bad"));
            Card(w, m.Checks, "Checks", "checks.total", missing, "checks (Test-Hybrid*, Invoke-HybridMailFlowCheck)",
                Tuple.Create(m.CheckResults["Fail"], "failed", "checks.fail", "bad"),
                Tuple.Create(m.CheckResults["Warn"], "warnings", "checks.warn", "warn"));
            if (m.ErrorTexts > 0)
            {
                Card(w, m.ErrorTexts, "Error texts explained", "errortexts.total", missing, null);
            }
            w.Open("div", "class", "card");
            w.Figure("p", m.Groups.Count, "failures.groups", "big").Element("p", "diagnoses");
            w.Open("p").Figure("span", m.Failures, "failures.total", "bad").Text(" failures explained").Close("p");
            w.Close("div");
            w.Close("div");
            if (missing.Count > 0)
            {
                w.Element("p", "Not in this report: " + string.Join("; ", missing) + ".", "class", "note");
            }
            if (m.ServerCounts.Count > 0)
            {
                var table = new Table("tbl-servers").Column("Server").Column("SMTP sessions", true).Column("Tracking events", true).Column("Failures", true).Column("Queues", true).Column("Checks", true);
                foreach (var server in m.ServerCounts.OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase))
                {
                    table.Add().Text(server.Key).Number(server.Value["Sessions"]).Number(server.Value["Tracking events"]).Number(server.Value["Failures"])
                        .Number(server.Value["Queues"]).Number(server.Value["Checks"]);
                }
                table.Write(w, "Servers");
            }
        }

        private static void Card(HtmlWriter w, long total, string title, string figure, List<string> missing, string missingText, params Tuple<long, string, string, string>[] parts)
        {
            if (total == 0)
            {
                if (missingText != null)
                {
                    missing.Add(missingText);
                }
                return;
            }
            w.Open("div", "class", "card");
            w.Figure("p", total, figure, "big").Element("p", title);
            foreach (var part in parts)
            {
                w.Open("p").Figure("span", part.Item1, part.Item3, part.Item1 > 0 ? part.Item4 : null).Text(" " + part.Item2).Close("p");
            }
            w.Close("div");
        }

        private static void Activity(HtmlWriter w, ReportModel m)
        {
            var any = false;
            foreach (var chart in new[] { Tuple.Create(m.SessionSeries, "chart-sessions"), Tuple.Create(m.TrackingSeries, "chart-tracking"), Tuple.Create(m.TraceSeries, "chart-trace") })
            {
                if (chart.Item1.Total > 0)
                {
                    Charts.Timeline(w, chart.Item1, chart.Item2);
                    any = true;
                }
            }
            if (!any)
            {
                Note(w, "No SMTP sessions, tracking events or trace events with times were given.");
            }
            w.Open("div", "class", "columns");
            Counts(w, "tbl-outcomes", "SMTP sessions by outcome", "Outcome", "Sessions", m.SessionOutcomeCounts);
            Counts(w, "tbl-events", "Message tracking events by event id", "Event id", "Events", m.TrackingEventIds);
            Counts(w, "tbl-trace-status", "Exchange Online trace by status", "Status", "Events", m.TraceStatuses);
            w.Close("div");
        }

        private static void Counts(HtmlWriter w, string id, string label, string name, string unit, Tally tally)
        {
            if (tally.Total == 0)
            {
                return;
            }
            w.Open("div");
            var table = new Table(id).Column(name).Column(unit, true).Column("Share", true);
            foreach (var entry in tally.Largest())
            {
                table.Add().Text(entry.Name).Number(entry.Count).Text(Format.Percent(entry.Count, tally.Total), "num");
            }
            table.Write(w, label);
            w.Close("div");
        }

        private static void Failures(HtmlWriter w, ReportModel m)
        {
            var groups = m.Groups.Values.OrderBy(g => g.SeverityRank).ThenByDescending(g => g.Count).ThenBy(g => g.Info.RuleId, StringComparer.Ordinal).ToList();
            var summary = new Table("tbl-diagnoses").Column("Severity").Column("Diagnosis").Column("Rule").Column("Failures", true).Column("Seen in")
                .Column("First seen").Column("Last seen").Column("Servers");
            foreach (var g in groups)
            {
                summary.Add().Badge(g.Info.Severity ?? "Unknown", BadgeClass(g.Info.Severity)).Text(g.Info.Title).Code(g.Info.RuleId, "nowrap").Number(g.Count).Text(SeenIn(g))
                    .Time(g.First).Time(g.Last).Text(string.Join(", ", g.Servers));
            }
            summary.Write(w, "Failures by diagnosis");

            for (int i = 0; i < groups.Count; i++)
            {
                Group(w, groups[i], "failure-" + (i + 1).ToString(CultureInfo.InvariantCulture));
            }
        }

        private static void Group(HtmlWriter w, FailureGroup g, string id)
        {
            var info = g.Info;
            w.Open("article", "class", "failure", "id", id, "data-rule", info.RuleId);
            w.Open("h3").Element("span", info.Severity ?? "Unknown", "class", "badge " + BadgeClass(info.Severity)).Text(" " + info.Title).Close("h3");
            w.Open("p", "class", "rule").Element("code", info.RuleId);
            if (info.EnhancedCode != null)
            {
                w.Text(" \u00b7 ").Element("code", info.EnhancedCode);
            }
            w.Text(" \u00b7 ").Figure("strong", g.Count, "failures.rule." + info.RuleId).Text(g.Count == 1 ? " failure: " : " failures: ").Text(SeenIn(g));
            w.Close("p");
            w.Open("div", "class", "advice");
            if (info.Meaning != null)
            {
                w.Element("h4", "What it means").Element("p", info.Meaning);
            }
            List(w, "Likely causes, most likely first", info.Causes, "ol");
            List(w, "Fix", info.Fix, "ol");
            if (info.Commands.Count > 0)
            {
                w.Element("h4", "Commands");
                w.Open("pre", "class", "commands").Open("code").Text(string.Join("\n", info.Commands)).Close("code").Close("pre");
            }
            if (info.References.Count > 0)
            {
                w.Element("h4", "References");
                w.Open("ul", "class", "references");
                foreach (var reference in info.References)
                {
                    w.Open("li");
                    if (reference.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                    {
                        w.Element("a", reference, "href", reference, "rel", "noreferrer noopener");
                    }
                    else
                    {
                        w.Text(reference);
                    }
                    w.Close("li");
                }
                w.Close("ul");
            }
            w.Close("div");
            w.Element("h4", g.Count > g.Examples.Count ? "Examples (the first " + g.Examples.Count + " of " + Format.Count(g.Count) + ")" : "Examples");
            var table = new Table(id + "-examples").Column("Time").Column("Server").Column("Source").Column("Id").Column("Remote").Column("Status").Column("Deciding line").Column("Text").Column(string.Empty);
            foreach (var e in g.Examples)
            {
                table.Add().Time(e.TimeUtc).Text(e.Server).Text(SourceNames[(int)e.Kind]).Text(e.Identity).Text(e.Remote).Text(e.Status).Text(e.Place).Code(e.Deciding).ExampleButton(e.Index);
            }
            table.Write(w, "Examples: " + info.Title, false);
            w.Open("div", "class", "example-detail", "hidden", "hidden", "aria-live", "polite").Close("div");
            w.Close("article");
        }

        /// <summary>"3 SMTP sessions, 1 tracking event".</summary>
        private static string SeenIn(FailureGroup g)
        {
            return string.Join(", ", g.BySource.Select((count, k) => count == 0 ? null : Format.Count(count) + " " + (count == 1 ? SourceSingulars[k] : SourcePlurals[k]))
                .Where(t => t != null));
        }

        private static void List(HtmlWriter w, string title, List<string> items, string tag)
        {
            if (items == null || items.Count == 0)
            {
                return;
            }
            w.Element("h4", title).Open(tag);
            foreach (var item in items)
            {
                w.Element("li", item);
            }
            w.Close(tag);
        }

        private static void Traffic(HtmlWriter w, ReportModel m)
        {
            if (m.Traffic.Count == 0)
            {
                Note(w, "No SMTP sessions or SMTP tracking events were given.");
            }
            else
            {
                var order = new[] { "Exchange Online", "Internet", "Internal", "Unknown" };
                var bars = order.Select(t => new KeyValuePair<string, long>(t, m.Traffic.Values.Where(f => f.Traffic == t).Sum(f => f.Sessions + f.TrackingEvents)))
                    .Where(b => b.Value > 0).ToList();
                Charts.Bars(w, "chart-traffic", "SMTP sessions and SMTP tracking events by the remote side: Exchange Online (its address ranges and names), the Internet (other public addresses), internal (private addresses)", bars, Charts.ColorOf);
                var table = new Table("tbl-traffic").Column("Traffic").Column("Direction").Column("Sessions", true).Column("Delivered", true).Column("Failed", true)
                    .Column("Messages", true).Column("Bytes", true).Column("With TLS", true).Column("Tracking events", true).Column("Tracking failures", true);
                foreach (var f in m.Traffic.Values.OrderBy(f => Array.IndexOf(order, f.Traffic)).ThenBy(f => f.Direction, StringComparer.Ordinal))
                {
                    table.Add().Text(f.Traffic).Text(f.Direction).Number(f.Sessions).Number(f.Delivered).Number(f.Failed).Number(f.Messages)
                        .Text(Format.Bytes(f.Bytes), "num").Text(Format.Percent(f.TlsSessions, f.Sessions), "num").Number(f.TrackingEvents).Number(f.TrackingFailures);
                }
                table.Write(w, "Traffic by remote side and direction");
            }
            if (m.TraceEvents > 0)
            {
                w.Open("p").Text("Exchange Online message trace: ").Figure("strong", m.TraceEvents, "trace.traffic").Text(" events, ")
                    .Figure("strong", m.TraceFailures, "trace.traffic.failures").Text(" failed or deferred (by status under Outcomes over time).").Close("p");
            }
        }

        private static void Connectors(HtmlWriter w, ReportModel m)
        {
            var table = new Table("tbl-connectors").Column("Connector").Column("Direction").Column("Servers").Column("Sessions", true).Column("Delivered", true).Column("Failed", true)
                .Column("Messages", true).Column("Bytes", true).Column("With TLS", true).Column("Tracking events", true).Column("Tracking failures", true).Column("Most frequent failure");
            table.Total = m.Connectors.Count;
            foreach (var c in m.Connectors.Values.OrderByDescending(c => c.Activity).ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Take(m.Options.MaxRows))
            {
                table.Add().Text(c.Name).Text(c.Direction).Text(string.Join(", ", c.Servers)).Number(c.Sessions).Number(c.Delivered).Number(c.Failed).Number(c.Messages)
                    .Text(Format.Bytes(c.Bytes), "num").Text(Format.Percent(c.TlsSessions, c.Sessions), "num").Number(c.TrackingEvents).Number(c.TrackingFailures).Text(c.TopRule());
            }
            table.Write(w, "Connectors");
        }

        private static void RemoteHosts(HtmlWriter w, ReportModel m)
        {
            var table = new Table("tbl-remote-hosts").Column("Remote host").Column("Addresses").Column("Traffic").Column("Servers").Column("Sessions", true).Column("Delivered", true)
                .Column("Failed", true).Column("Messages", true).Column("Tracking events", true).Column("Most frequent failure");
            table.Total = m.RemoteHosts.Count;
            foreach (var r in m.RemoteHosts.Values.OrderByDescending(r => r.Activity).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Take(m.Options.MaxRows))
            {
                table.Add().Text(r.Name).Text(string.Join(", ", r.Addresses)).Text(r.Traffic).Text(string.Join(", ", r.Servers)).Number(r.Sessions).Number(r.Delivered)
                    .Number(r.Failed).Number(r.Messages).Number(r.TrackingEvents).Text(r.TopRule());
            }
            table.Write(w, "Remote hosts");
        }

        private static void Tls(HtmlWriter w, ReportModel m)
        {
            var protocols = m.TlsProtocols.Values.OrderByDescending(p => p.Total).ThenBy(p => p.Protocol, StringComparer.Ordinal).ToList();
            Charts.Bars(w, "chart-tls", "SMTP sessions by TLS protocol", protocols.Select(p => new KeyValuePair<string, long>(p.Protocol, p.Total)).ToList(),
                p => ReportModel.IsDeprecatedTls(p) || p.StartsWith("Failed", StringComparison.Ordinal) ? "#c62828" : "#1565c0");
            var table = new Table("tbl-tls").Column("Protocol").Column("Receive", true).Column("Send", true).Column("Exchange Online", true).Column("TLS failed", true).Column("Note");
            foreach (var p in protocols)
            {
                table.Add(ReportModel.IsDeprecatedTls(p.Protocol) ? "flag" : null).Text(p.Protocol).Number(p.Receive).Number(p.Send).Number(p.ExchangeOnline).Number(p.Failed)
                    .Text(ReportModel.IsDeprecatedTls(p.Protocol) ? "Deprecated: Exchange Online accepts TLS 1.2 and later only" : null);
            }
            w.Open("div", "class", "columns");
            w.Open("div");
            table.Write(w, "TLS protocols");
            w.Close("div");
            if (m.Ciphers.Count > 0)
            {
                w.Open("div");
                var ciphers = new Table("tbl-ciphers").Column("Cipher").Column("Sessions", true);
                foreach (var c in m.Ciphers.Largest())
                {
                    ciphers.Add().Code(c.Name).Number(c.Count);
                }
                ciphers.Write(w, "Ciphers");
                w.Close("div");
            }
            w.Close("div");

            var soon = m.Options.NowUtc.AddDays(m.Options.ExpiringDays);
            var expired = m.Certificates.Values.Count(c => c.Certificate.NotAfter.HasValue && c.Certificate.NotAfter.Value < m.Options.NowUtc);
            var expiring = m.Certificates.Values.Count(c => c.Certificate.NotAfter.HasValue && c.Certificate.NotAfter.Value >= m.Options.NowUtc && c.Certificate.NotAfter.Value < soon);
            w.Element("h3", "Certificates seen");
            w.Open("p").Figure("strong", m.Certificates.Count, "certificates.total").Text(" certificates; ")
                .Figure("strong", expired, "certificates.expired", expired > 0 ? "bad" : null).Text(" expired, ")
                .Figure("strong", expiring, "certificates.expiring", expiring > 0 ? "warn" : null)
                .Text(" expiring within " + m.Options.ExpiringDays + " days of " + Format.LocalTime(m.Options.NowUtc, false) + " (when the report was written).").Close("p");
            var certificates = new Table("tbl-certificates").Column("Status").Column("Subject").Column("Issuer").Column("Not after").Column("Not before").Column("Thumbprint")
                .Column("Names (SANs)").Column("Logged as").Column("Sessions", true).Column("Servers").Column("Remote hosts").Column("First seen").Column("Last seen");
            certificates.Total = m.Certificates.Count;
            foreach (var c in m.Certificates.Values.OrderBy(c => c.Certificate.NotAfter ?? DateTime.MaxValue).ThenBy(c => c.Certificate.Subject, StringComparer.OrdinalIgnoreCase).Take(m.Options.MaxRows))
            {
                var status = CertificateStatus(c, m.Options.NowUtc, soon);
                certificates.Add(status.Item2 == "bad" || status.Item2 == "warn" ? "flag" : null).Badge(status.Item1, status.Item2).Text(c.Certificate.Subject).Text(c.Certificate.Issuer)
                    .Time(c.Certificate.NotAfter, false).Time(c.Certificate.NotBefore, false).Code(c.Certificate.Thumbprint).Text(c.Certificate.SubjectAlternativeNames).Text(c.Certificate.Kind)
                    .Number(c.Sessions).Text(string.Join(", ", c.Servers)).Text(string.Join(", ", c.Remotes)).Time(c.FirstSeen).Time(c.LastSeen);
            }
            certificates.Write(w, "Certificates");
        }

        private static Tuple<string, string> CertificateStatus(CertificateStats c, DateTime now, DateTime soon)
        {
            var notAfter = c.Certificate.NotAfter;
            if (!notAfter.HasValue)
            {
                return Tuple.Create("Validity not logged", "muted");
            }
            if (notAfter.Value < now)
            {
                return Tuple.Create(c.LastSeen.HasValue && notAfter.Value < c.LastSeen.Value ? "Expired, and used after" : "Expired", "bad");
            }
            if (notAfter.Value < soon)
            {
                return Tuple.Create("Expires in " + Math.Max(0, (int)(notAfter.Value - now).TotalDays) + " days", "warn");
            }
            return Tuple.Create("Valid", "ok");
        }

        private static void Messages(HtmlWriter w, ReportModel m)
        {
            w.Open("div", "class", "columns");
            Counts(w, "tbl-locations", "Timelines by where the message is", "Location", "Timelines", m.TimelineLocations);
            Counts(w, "tbl-flags", "What looks wrong in the timelines", "Flag", "Timelines", m.TimelineFlags);
            w.Close("div");
            w.Element("h3", "Messages not delivered");
            if (m.Stopped.Count == 0)
            {
                Note(w, "Every timeline ends delivered or sent to the Internet.");
            }
            else
            {
                var table = new Table("tbl-stopped").Column("Last seen").Column("Location").Column("Server").Column("Message-ID").Column("Sender").Column("Recipient").Column("Where it is").Column("Error");
                table.Total = m.TimelinesNotDelivered;
                foreach (var s in m.Stopped)
                {
                    table.Add().Time(s.LastSeenUtc).Text(s.Location).Text(s.Server).Code(s.MessageId).Text(s.Sender).Text(s.Recipient).Text(s.Summary).Code(s.Error);
                }
                table.Write(w, "Messages not delivered");
            }
            w.Element("h3", "The slowest hops");
            if (m.SlowestHops.Count == 0)
            {
                Note(w, "No hop has a latency (a timeline needs two hops).");
            }
            else
            {
                var table = new Table("tbl-hops").Column("Latency", true).Column("Time").Column("From").Column("To").Column("Component").Column("Event").Column("Message-ID").Column("Recipient").Column("Flags");
                foreach (var h in m.SlowestHops)
                {
                    table.Add().Seconds(h.Seconds).Time(h.TimeUtc).Text(h.From).Text(h.Server).Text(h.Component).Text(h.Event).Code(h.MessageId).Text(h.Recipient).Text(h.Flags);
                }
                table.Write(w, "The slowest hops");
            }
        }

        private static void Queues(HtmlWriter w, ReportModel m)
        {
            var table = new Table("tbl-queues").Column("Severity").Column("Queue").Column("Kind").Column("Status").Column("State").Column("Messages", true).Column("Next hop")
                .Column("Last error").Column("Diagnosis").Column("Action").Column("Commands");
            table.Total = m.Queues;
            foreach (var q in m.QueueRows.OrderBy(q => ReportModel.SeverityRank(q.Severity)).ThenByDescending(q => q.MessageCount ?? 0))
            {
                table.Add().Badge(q.Severity ?? "Unknown", BadgeClass(q.Severity)).Text(q.Identity).Text(q.Kind).Text(q.Status).Text(q.State).Number(q.MessageCount)
                    .Text(q.NextHop).Code(q.LastError).Text(q.Diagnosis).Text(q.Action).Code(q.Commands);
            }
            table.Write(w, "Queues");
        }

        private static void Checks(HtmlWriter w, ReportModel m)
        {
            w.Open("p");
            foreach (var result in new[] { "Fail", "Warn", "Skipped", "Pass" })
            {
                w.Figure("strong", m.CheckResults[result], "checks." + result.ToLowerInvariant(), m.CheckResults[result] > 0 ? BadgeClass(result) : null).Text(" " + result + "  ");
            }
            w.Close("p");
            var table = new Table("tbl-checks").Column("Result").Column("Area").Column("Server").Column("Object").Column("Check").Column("Finding").Column("Evidence").Column("Fix").Column("Command");
            table.Total = m.Checks;
            foreach (var c in m.CheckRows.OrderBy(c => ResultRank(c.Result)).ThenBy(c => c.Area, StringComparer.Ordinal).ThenBy(c => c.Identity, StringComparer.Ordinal).Take(m.Options.MaxRows * 4))
            {
                table.Add(c.Result == "Fail" || c.Result == "Warn" ? "flag" : null).Badge(c.Result ?? "Unknown", BadgeClass(c.Result)).Text(c.Area).Text(c.Server).Text(c.Identity)
                    .Text(c.Check).Text(c.Message).Text(c.Evidence).Text(c.Fix).Code(c.Command);
            }
            table.Write(w, "Checks");
        }

        /// <summary>The examples' details as JSON, which the page shows when an example's Details button is pressed.</summary>
        private static void ExampleData(StringBuilder sb, ReportModel m)
        {
            var json = new JsonWriter(sb);
            json.BeginObject().Name("examples").BeginArray();
            foreach (var e in m.ExampleList)
            {
                json.BeginObject();
                json.Name("title").String(SourceNames[(int)e.Kind] + (e.Identity == null ? string.Empty : " " + e.Identity));
                json.Name("details").BeginArray();
                foreach (var detail in e.Details)
                {
                    json.BeginArray().String(detail.Key).String(detail.Value).EndArray();
                }
                json.EndArray();
                json.Name("linesTitle").String(e.LinesTitle);
                json.Name("lines").BeginArray();
                foreach (var line in e.Lines)
                {
                    json.String(line);
                }
                json.EndArray();
                json.Name("decidingLine").Number(e.DecidingLine);
                json.EndObject();
            }
            json.EndArray().EndObject();
        }

        /// <summary>A section of the page: its heading, then its content, or the note that says why it has none.</summary>
        private static void Section(HtmlWriter w, string id, string title, string emptyNote, Action content)
        {
            w.Open("section", "id", id).Element("h2", title);
            if (emptyNote != null)
            {
                Note(w, emptyNote);
            }
            else
            {
                content();
            }
            w.Close("section");
        }

        private static void Note(HtmlWriter w, string text)
        {
            w.Element("p", text, "class", "note");
        }

        /// <summary>The colour of a severity (Critical, Error, Warning, Info) or a check's result (Fail, Warn, Pass, Skipped).</summary>
        private static string BadgeClass(string word)
        {
            switch (word)
            {
                case "Critical":
                case "Error":
                case "Fail":
                    return "bad";
                case "Warning":
                case "Warn":
                    return "warn";
                case "Info":
                case "Pass":
                    return "ok";
                default:
                    return "muted";
            }
        }

        private static int ResultRank(string result)
        {
            switch (result)
            {
                case "Fail": return 0;
                case "Warn": return 1;
                case "Skipped": return 2;
                case "Pass": return 3;
                default: return 4;
            }
        }

        private static string Sha256(string text)
        {
            using (var sha = SHA256.Create())
            {
                return Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(text)));
            }
        }

        private static string Resource(string name)
        {
            using (var stream = typeof(HtmlReport).Assembly.GetManifestResourceStream("HybridMailFlow.Report." + name))
            using (var reader = new StreamReader(stream, Encoding.UTF8))
            {
                return reader.ReadToEnd();
            }
        }

        private static string ModuleVersion()
        {
            var v = typeof(HtmlReport).Assembly.GetName().Version;
            return string.Format(CultureInfo.InvariantCulture, "{0}.{1}.{2}", v.Major, v.Minor, v.Build);
        }
    }
}
