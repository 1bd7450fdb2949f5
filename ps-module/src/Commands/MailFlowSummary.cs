using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace HybridMailFlow.Commands
{
    /// <summary>The facts of one tracking event a summary counts, whichever object it came from.</summary>
    internal sealed class TrackingFacts
    {
        public DateTime LocalTime;
        public string EventId;
        public string Source;
        public string ConnectorId;
        public string RemoteHost;
        public string Sender;
        public IEnumerable<string> Recipients;
        public string MessageId;

        /// <summary>For failure events: the error (the LED of a bracketed status), and what it means.</summary>
        public string FailureText;
        public SmtpErrorDiagnosis FailureDiagnosis;

        /// <summary>TOTAL-* components of the message-info latency: (stage, seconds).</summary>
        public List<KeyValuePair<string, double>> StageLatencies;
        public TimeSpan? EndToEndLatency;
    }

    /// <summary>The facts of one SMTP session a summary counts.</summary>
    internal sealed class SessionFacts
    {
        public DateTime LocalTime;
        public string Outcome;
        public string Role;
        public string ConnectorId;
        public string RemoteHost;
        public string FailureText;
        public SmtpErrorDiagnosis FailureDiagnosis;
        public TimeSpan Duration;

        /// <summary>The accepted messages: (MAIL FROM, recipients, message id).</summary>
        public List<Tuple<string, IEnumerable<string>, string>> Messages;
    }

    /// <summary>
    /// Counts tracking events and SMTP sessions as they stream by, into the rows of a summary. Memory is the counters,
    /// a 64-bit hash per distinct message and address, and one number per latency sample.
    /// </summary>
    internal sealed class MailFlowSummary
    {
        private static readonly Regex ReplyCode = new Regex(@"\b([245]\d\d)(?:[ -]+([245]\.\d{1,3}\.\d{1,3}))?\b", RegexOptions.CultureInvariant);

        private readonly int top;
        private long events;
        private long sessions;
        private long failures;
        private DateTime? first;
        private DateTime? last;
        private readonly HashSet<ulong> messages = new HashSet<ulong>();
        private readonly Tally eventIds = new Tally();
        private readonly Tally sources = new Tally();
        private readonly Tally outcomes = new Tally();
        private readonly Tally roles = new Tally();
        private readonly Tally connectors = new Tally();
        private readonly Tally remoteHosts = new Tally();
        private readonly Tally errorCodes = new Tally();
        private readonly Tally failureTexts = new Tally();
        private readonly Tally senders = new Tally();
        private readonly Tally recipients = new Tally();
        private readonly HashSet<ulong> senderMessages = new HashSet<ulong>();
        private readonly HashSet<ulong> recipientMessages = new HashSet<ulong>();
        private readonly SortedDictionary<DateTime, long> hours = new SortedDictionary<DateTime, long>();
        private readonly Dictionary<string, List<double>> latencies = new Dictionary<string, List<double>>(StringComparer.OrdinalIgnoreCase);

        public MailFlowSummary(int top)
        {
            this.top = top;
        }

        public void Add(TrackingFacts f)
        {
            events++;
            See(f.LocalTime);
            eventIds.Add(f.EventId);
            sources.Add(f.Source);
            connectors.Add(f.ConnectorId);
            remoteHosts.Add(f.RemoteHost);
            if (!string.IsNullOrEmpty(f.MessageId))
            {
                messages.Add(Hash(f.MessageId, null));
                CountOnce(senders, senderMessages, f.Sender, f.MessageId);
                if (f.Recipients != null)
                {
                    foreach (var recipient in f.Recipients)
                    {
                        CountOnce(recipients, recipientMessages, recipient, f.MessageId);
                    }
                }
            }
            if (f.FailureText != null)
            {
                Failure(f.EventId, f.FailureText, f.FailureDiagnosis);
            }
            if (f.StageLatencies != null)
            {
                foreach (var stage in f.StageLatencies)
                {
                    Sample(stage.Key, stage.Value);
                }
            }
            if (f.EndToEndLatency.HasValue)
            {
                Sample("EndToEnd", f.EndToEndLatency.Value.TotalSeconds);
            }
        }

        public void Add(SessionFacts f)
        {
            sessions++;
            See(f.LocalTime);
            outcomes.Add(f.Outcome);
            roles.Add(f.Role);
            connectors.Add(f.ConnectorId);
            remoteHosts.Add(f.RemoteHost);
            if (f.FailureText != null)
            {
                Failure(f.Outcome, f.FailureText, f.FailureDiagnosis);
            }
            foreach (var message in f.Messages)
            {
                messages.Add(Hash(message.Item3, null));
                CountOnce(senders, senderMessages, message.Item1, message.Item3);
                foreach (var recipient in message.Item2)
                {
                    CountOnce(recipients, recipientMessages, recipient, message.Item3);
                }
            }
            Sample("SessionDuration", f.Duration.TotalSeconds);
        }

        public IEnumerable<MailFlowSummaryRow> Rows()
        {
            var span = first.HasValue
                ? string.Format(CultureInfo.InvariantCulture, "{0:yyyy-MM-dd HH:mm:ss} to {1:yyyy-MM-dd HH:mm:ss}", first.Value, last.Value)
                : null;
            if (events > 0)
            {
                yield return Row("Total", "Events", events, null, span);
            }
            if (sessions > 0)
            {
                yield return Row("Total", "Sessions", sessions, null, span);
            }
            yield return Row("Total", "Messages", messages.Count, null, "distinct message ids");
            yield return Row("Total", "Failures", failures, null, events > 0 ? "FAIL, DEFER, DROP and other failure events" : "sessions that failed");
            foreach (var row in Rows(eventIds, "EventId", events, int.MaxValue)) yield return row;
            foreach (var row in Rows(sources, "Source", events, int.MaxValue)) yield return row;
            foreach (var row in Rows(outcomes, "Outcome", sessions, int.MaxValue)) yield return row;
            foreach (var row in Rows(roles, "Role", sessions, int.MaxValue)) yield return row;
            foreach (var row in Rows(connectors, "Connector", connectors.Total, top)) yield return row;
            foreach (var row in Rows(remoteHosts, "RemoteHost", remoteHosts.Total, top)) yield return row;
            foreach (var row in Rows(errorCodes, "ErrorCode", failures, top)) yield return row;
            foreach (var row in Rows(failureTexts, "Failure", failures, top)) yield return row;
            foreach (var row in Rows(senders, "Sender", messages.Count, top)) yield return row;
            foreach (var row in Rows(recipients, "Recipient", messages.Count, top)) yield return row;
            long counted = events + sessions;
            foreach (var hour in hours)
            {
                yield return Row("Hour", hour.Key.ToString("yyyy-MM-dd HH:00", CultureInfo.InvariantCulture), hour.Value, Percent(hour.Value, counted), null);
            }
            foreach (var stage in latencies.OrderBy(l => StageOrder(l.Key)).ThenBy(l => l.Key, StringComparer.OrdinalIgnoreCase))
            {
                var samples = stage.Value;
                samples.Sort();
                foreach (var p in new[] { 50, 90, 99 })
                {
                    yield return LatencyRow(stage.Key + " p" + p, samples, Percentile(samples, p));
                }
                yield return LatencyRow(stage.Key + " max", samples, samples[samples.Count - 1]);
            }
        }

        private void See(DateTime time)
        {
            if (!first.HasValue || time < first.Value) first = time;
            if (!last.HasValue || time > last.Value) last = time;
            var hour = new DateTime(time.Year, time.Month, time.Day, time.Hour, 0, 0, time.Kind);
            long count;
            hours.TryGetValue(hour, out count);
            hours[hour] = count + 1;
        }

        private void Failure(string kind, string text, SmtpErrorDiagnosis diagnosis)
        {
            failures++;
            text = text.Trim();
            var match = ReplyCode.Match(text);
            if (match.Success)
            {
                errorCodes.Add(match.Groups[2].Success ? match.Groups[1].Value + " " + match.Groups[2].Value : match.Groups[1].Value);
            }
            var detail = diagnosis == null ? kind : string.Format("{0}: {1}: {2}", kind, diagnosis.RuleId, diagnosis.Title);
            failureTexts.Add(text, detail);
        }

        private void Sample(string stage, double seconds)
        {
            List<double> samples;
            if (!latencies.TryGetValue(stage, out samples))
            {
                samples = new List<double>();
                latencies[stage] = samples;
            }
            samples.Add(seconds);
        }

        /// <summary>Counts `address` once per message it appears in.</summary>
        private static void CountOnce(Tally counter, HashSet<ulong> seen, string address, string messageId)
        {
            if (!string.IsNullOrEmpty(address) && seen.Add(Hash(address, messageId)))
            {
                counter.Add(address);
            }
        }

        /// <summary>FNV-1a over the text (addresses without regard to case) and the message id.</summary>
        private static ulong Hash(string text, string messageId)
        {
            ulong hash = 14695981039346656037UL;
            foreach (var c in text)
            {
                hash = (hash ^ char.ToLowerInvariant(c)) * 1099511628211UL;
            }
            if (messageId != null)
            {
                hash = (hash ^ '\n') * 1099511628211UL;
                foreach (var c in messageId)
                {
                    hash = (hash ^ c) * 1099511628211UL;
                }
            }
            return hash;
        }

        /// <summary>Nearest-rank percentile of sorted samples.</summary>
        private static double Percentile(List<double> sorted, int p)
        {
            int rank = (int)Math.Ceiling(p / 100.0 * sorted.Count);
            return sorted[Math.Max(0, Math.Min(sorted.Count - 1, rank - 1))];
        }

        /// <summary>End-to-end and session figures first, then Exchange's stages as they happen: submission, hub, delivery.</summary>
        private static int StageOrder(string stage)
        {
            switch (stage.ToUpperInvariant())
            {
                case "ENDTOEND": return 0;
                case "SESSIONDURATION": return 1;
                case "TOTAL-SUB": return 2;
                case "TOTAL-FE": return 3;
                case "TOTAL-HUB": return 4;
                case "TOTAL-DEL": return 5;
                default: return 6;
            }
        }

        private static MailFlowSummaryRow LatencyRow(string name, List<double> samples, double seconds)
        {
            return new MailFlowSummaryRow { Category = "Latency", Name = name, Count = samples.Count, Seconds = Math.Round(seconds, 3) };
        }

        private static MailFlowSummaryRow Row(string category, string name, long count, double? percent, string detail)
        {
            return new MailFlowSummaryRow { Category = category, Name = name, Count = count, Percent = percent, Detail = detail };
        }

        /// <summary>The rows of a category: its `limit` biggest counts, biggest first.</summary>
        private static IEnumerable<MailFlowSummaryRow> Rows(Tally tally, string category, long whole, int limit)
        {
            return tally.Largest(limit).Select(e => Row(category, e.Name, e.Count, Percent(e.Count, whole), e.Detail));
        }

        private static double? Percent(long count, long whole)
        {
            return whole == 0 ? (double?)null : Math.Round(100.0 * count / whole, 1);
        }
    }
}
