using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
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

        private const int PartFormat = 1;

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
        private readonly OncePerMessage senders = new OncePerMessage();
        private readonly OncePerMessage recipients = new OncePerMessage();
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
                senders.Add(f.Sender, f.MessageId);
                if (f.Recipients != null)
                {
                    foreach (var recipient in f.Recipients)
                    {
                        recipients.Add(recipient, f.MessageId);
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
                senders.Add(message.Item1, message.Item3);
                foreach (var recipient in message.Item2)
                {
                    recipients.Add(recipient, message.Item3);
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
            foreach (var row in Rows(senders.Counts(), "Sender", messages.Count, top)) yield return row;
            foreach (var row in Rows(recipients.Counts(), "Recipient", messages.Count, top)) yield return row;
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

        /// <summary>
        /// The counts so far, for a summary of many servers: each server counts its own logs and sends this, and
        /// <see cref="Merge"/> adds them up as one read of all the logs would have counted. Times travel as UTC,
        /// since the servers may be in other time zones.
        /// </summary>
        public byte[] Save()
        {
            using (var stream = new MemoryStream())
            using (var writer = new BinaryWriter(stream))
            {
                writer.Write(PartFormat);
                writer.Write(events);
                writer.Write(sessions);
                writer.Write(failures);
                writer.Write(first.HasValue);
                writer.Write(first.HasValue ? first.Value.ToUniversalTime().Ticks : 0);
                writer.Write(last.HasValue ? last.Value.ToUniversalTime().Ticks : 0);
                writer.Write(messages.Count);
                foreach (var hash in messages)
                {
                    writer.Write(hash);
                }
                foreach (var tally in Tallies())
                {
                    tally.Save(writer);
                }
                senders.Save(writer);
                recipients.Save(writer);
                writer.Write(hours.Count);
                foreach (var hour in hours)
                {
                    writer.Write(hour.Key.ToUniversalTime().Ticks);
                    writer.Write(hour.Value);
                }
                writer.Write(latencies.Count);
                foreach (var stage in latencies)
                {
                    writer.Write(stage.Key);
                    writer.Write(stage.Value.Count);
                    foreach (var seconds in stage.Value)
                    {
                        writer.Write(seconds);
                    }
                }
                writer.Flush();
                return stream.ToArray();
            }
        }

        /// <summary>Adds the counts another summary saved with <see cref="Save"/>.</summary>
        public void Merge(byte[] part)
        {
            using (var reader = new BinaryReader(new MemoryStream(part)))
            {
                if (reader.ReadInt32() != PartFormat)
                {
                    throw new InvalidDataException("The partial summary is of another format.");
                }
                events += reader.ReadInt64();
                sessions += reader.ReadInt64();
                failures += reader.ReadInt64();
                var hasTimes = reader.ReadBoolean();
                var firstTicks = reader.ReadInt64();
                var lastTicks = reader.ReadInt64();
                if (hasTimes)
                {
                    var partFirst = new DateTime(firstTicks, DateTimeKind.Utc).ToLocalTime();
                    var partLast = new DateTime(lastTicks, DateTimeKind.Utc).ToLocalTime();
                    if (!first.HasValue || partFirst < first.Value) first = partFirst;
                    if (!last.HasValue || partLast > last.Value) last = partLast;
                }
                var messageCount = reader.ReadInt32();
                for (int i = 0; i < messageCount; i++)
                {
                    messages.Add(reader.ReadUInt64());
                }
                foreach (var tally in Tallies())
                {
                    tally.Merge(reader);
                }
                senders.Merge(reader);
                recipients.Merge(reader);
                var hourCount = reader.ReadInt32();
                for (int i = 0; i < hourCount; i++)
                {
                    var hour = new DateTime(reader.ReadInt64(), DateTimeKind.Utc).ToLocalTime();
                    long count;
                    hours.TryGetValue(hour, out count);
                    hours[hour] = count + reader.ReadInt64();
                }
                var stageCount = reader.ReadInt32();
                for (int i = 0; i < stageCount; i++)
                {
                    var stage = reader.ReadString();
                    var samples = reader.ReadInt32();
                    for (int j = 0; j < samples; j++)
                    {
                        Sample(stage, reader.ReadDouble());
                    }
                }
            }
        }

        private Tally[] Tallies()
        {
            return new[] { eventIds, sources, outcomes, roles, connectors, remoteHosts, errorCodes, failureTexts };
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

        /// <summary>FNV-1a over the text (addresses without regard to case) and the message id.</summary>
        internal static ulong Hash(string text, string messageId)
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

    /// <summary>
    /// Addresses counted once per message they appear in, kept as (address, message) pairs so that counts of
    /// several servers add up without counting twice a message that passed through two of them.
    /// </summary>
    internal sealed class OncePerMessage
    {
        private readonly Dictionary<ulong, string> pairs = new Dictionary<ulong, string>();
        private readonly Dictionary<string, string> spellings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public void Add(string address, string messageId)
        {
            if (string.IsNullOrEmpty(address))
            {
                return;
            }
            var hash = MailFlowSummary.Hash(address, messageId);
            if (!pairs.ContainsKey(hash))
            {
                pairs[hash] = Spelling(address);
            }
        }

        public Tally Counts()
        {
            var tally = new Tally();
            foreach (var address in pairs.Values)
            {
                tally.Add(address);
            }
            return tally;
        }

        public void Save(BinaryWriter writer)
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var address in pairs.Values)
            {
                if (!index.ContainsKey(address))
                {
                    index[address] = index.Count;
                }
            }
            writer.Write(index.Count);
            foreach (var address in index.OrderBy(a => a.Value))
            {
                writer.Write(address.Key);
            }
            writer.Write(pairs.Count);
            foreach (var pair in pairs)
            {
                writer.Write(pair.Key);
                writer.Write(index[pair.Value]);
            }
        }

        public void Merge(BinaryReader reader)
        {
            var addresses = new string[reader.ReadInt32()];
            for (int i = 0; i < addresses.Length; i++)
            {
                addresses[i] = Spelling(reader.ReadString());
            }
            var count = reader.ReadInt32();
            for (int i = 0; i < count; i++)
            {
                var hash = reader.ReadUInt64();
                var address = addresses[reader.ReadInt32()];
                if (!pairs.ContainsKey(hash))
                {
                    pairs[hash] = address;
                }
            }
        }

        /// <summary>The first spelling seen of an address, shared by its pairs (and shown, as the tally shows its first).</summary>
        private string Spelling(string address)
        {
            string known;
            if (spellings.TryGetValue(address, out known))
            {
                return known;
            }
            spellings[address] = address;
            return address;
        }
    }
}
