using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using HybridMailFlow.Native;
using static HybridMailFlow.Commands.ExchangeObjects;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// <para type="synopsis">A quick summary of mail flow: counts by event, source, connector, remote host, error and hour, top senders and recipients, failures with their diagnosis, latency percentiles.</para>
    /// <para type="description">
    /// Takes tracking events (this module's, Get-MessageTrackingLog's, live, deserialized or re-imported from CSV) or
    /// SMTP sessions from the pipeline, or reads message tracking logs from -Path. Counts as the input streams by;
    /// writes the rows at the end.
    /// </para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "HybridMailFlowSummary", DefaultParameterSetName = "InputObject")]
    [OutputType(typeof(MailFlowSummaryRow))]
    public sealed class GetHybridMailFlowSummaryCommand : RemoteReadCommand, ITrackingSink
    {
        private static readonly Regex StageTotal = new Regex(@"(?:^|;)\s*L?SRV=[^:;]*:(TOTAL-[A-Za-z]+)=([0-9.]+)", RegexOptions.CultureInvariant);
        private static readonly Regex BracketedLed = new Regex(@"^\s*\[\{(?:[^}]*\};\{)*?LED=(.*?)\}(?:;\{|\]\s*$)", RegexOptions.CultureInvariant | RegexOptions.Singleline);

        private MailFlowSummary summary;
        private LogPathList paths;
        private FileProgress progress;
        private readonly DiagnosisCache diagnoses = new DiagnosisCache(LogKind.MessageTracking);

        [Parameter(ValueFromPipeline = true, ParameterSetName = "InputObject")]
        public PSObject InputObject { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Path { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = "LiteralPath")]
        [Alias("PSPath", "FullName", "LP")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        [Parameter]
        public DateTime Start { get; set; }

        [Parameter]
        public DateTime End { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Top { get; set; } = 10;

        // Hidden: on a server asked by -ComputerName or -Session, the counts of its own logs rather than rows, for the
        // asking computer to add up (MailFlowSummary.Save).
        [Parameter(DontShow = true)]
        public SwitchParameter PartialResult { get; set; }

        bool ILogSink.Stopping
        {
            get { return Stopping; }
        }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            LibraryLoader.EnsureLoaded();
            summary = new MailFlowSummary(Top);
            paths = new LogPathList(this);
            progress = new FileProgress(this, "Summarizing message tracking logs");
        }

        protected override void ProcessRecord()
        {
            // -Path and -LiteralPath come from the command line only: they reach the servers with the other parameters.
            if (GatherServers())
            {
                return;
            }
            var timeRange = MyInvocation.BoundParameters.ContainsKey("Start") || MyInvocation.BoundParameters.ContainsKey("End");
            if (ParameterSetName == "InputObject" && !MyInvocation.ExpectingInput)
            {
                if (!PartialResult.IsPresent && !timeRange)
                {
                    ThrowTerminatingError(new ErrorRecord(
                        new ArgumentException("Give what to summarize: tracking events or sessions from the pipeline, logs with -Path, servers with -ComputerName or -Session, or -Start for this server's own tracking logs."),
                        "HybridMailFlow.NothingToSummarize", ErrorCategory.InvalidArgument, null));
                }
                // This server's own logs, read at the end.
                return;
            }
            if (ParameterSetName == "InputObject" && timeRange)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("-Start and -End select from the logs the command reads (-Path, -ComputerName, -Session, or this server's own): filter objects from the pipeline before they come, as with Get-HybridMessageTrackingLog -Start."),
                    "HybridMailFlow.TimeRangeOfPipeline", ErrorCategory.InvalidArgument, null));
            }
            switch (ParameterSetName)
            {
                case "Path":
                case "LiteralPath":
                    paths.Add(Path, LiteralPath);
                    break;
                default:
                    Count(InputObject);
                    break;
            }
        }

        protected override void EndProcessing()
        {
            if (OnServers)
            {
                // Each server counts its own logs; only the counts travel, and add up here.
                ReadOnServers(null, part =>
                {
                    var counts = part.BaseObject as byte[];
                    if (counts == null)
                    {
                        WriteError(new ErrorRecord(new InvalidDataException("The server sent something other than a partial summary."), "HybridMailFlow.NotAPartialSummary", ErrorCategory.InvalidData, part));
                        return true;
                    }
                    summary.Merge(counts);
                    return true;
                }, new Hashtable { { "PartialResult", true } });
            }
            else if (paths.Paths.Count == 0 && ParameterSetName == "InputObject" && !MyInvocation.ExpectingInput)
            {
                paths.AddServerFolders("MessageTracking", "message tracking log");
            }
            if (paths.Paths.Count > 0)
            {
                var options = new TrackingReadOptions
                {
                    Paths = paths.Paths,
                    Start = MyInvocation.BoundParameters.ContainsKey("Start") ? Start : (DateTime?)null,
                    End = MyInvocation.BoundParameters.ContainsKey("End") ? End : (DateTime?)null,
                    DefaultServer = paths.LocalServer(),
                };
                try
                {
                    var stats = MessageTrackingLogReader.Read(options, this);
                    progress.Complete();
                    WriteVerbose(GetHybridMessageTrackingLogCommand.VerboseSummary(stats));
                }
                catch (NativeException e)
                {
                    ThrowTerminatingError(e.ToErrorRecord(null));
                }
            }
            if (PartialResult.IsPresent)
            {
                WriteObject(summary.Save());
                return;
            }
            foreach (var row in summary.Rows())
            {
                WriteObject(row);
            }
        }

        private void Count(PSObject item)
        {
            var baseObject = item == null ? null : item.BaseObject;
            var trackingEvent = baseObject as MessageTrackingEvent;
            if (trackingEvent != null)
            {
                summary.Add(FactsOf(trackingEvent));
                return;
            }
            var session = baseObject as SmtpSession;
            if (session != null)
            {
                summary.Add(FactsOf(session));
                return;
            }
            var file = baseObject as FileSystemInfo;
            if (file != null)
            {
                paths.AddExisting(file.FullName);
                return;
            }
            if (item != null && item.TypeNames.Contains("HybridMailFlow.LogPath"))
            {
                // Find-HybridLogPath output: a log folder.
                paths.AddExisting(Text(item, "Path"));
                return;
            }
            if (item != null && HasProperties(item, "EventId", "Source", "Timestamp"))
            {
                summary.Add(FactsOfTrackingObject(item));
                return;
            }
            if (item != null && HasProperties(item, "SessionId", "Outcome", "Start"))
            {
                summary.Add(FactsOfSessionObject(item));
                return;
            }
            WriteError(new ErrorRecord(
                new ArgumentException(string.Format(
                    "A {0} is not something to summarize: give message tracking events (Get-HybridMessageTrackingLog, Get-MessageTrackingLog), SMTP sessions (Get-HybridSmtpSession) or log files.",
                    item == null ? "null" : item.TypeNames.Count > 0 ? item.TypeNames[0] : baseObject.GetType().FullName)),
                "HybridMailFlow.UnsupportedInput", ErrorCategory.InvalidArgument, item));
        }

        void ITrackingSink.Event(MessageTrackingEvent trackingEvent)
        {
            summary.Add(FactsOf(trackingEvent));
        }

        void ILogSink.LineError(NativeError error)
        {
            WriteError(error.ToErrorRecord());
        }

        void ILogSink.FileStarted(string path, int index, int count)
        {
            progress.Started(path, count);
        }

        void ILogSink.FileDone(string path, HmfFileEvent stats)
        {
            progress.Done(path, stats);
        }

        private static TrackingFacts FactsOf(MessageTrackingEvent e)
        {
            var facts = new TrackingFacts
            {
                LocalTime = e.Timestamp,
                EventId = e.EventId,
                Source = e.Source,
                ConnectorId = e.ConnectorId,
                RemoteHost = RemoteHostOf(e.EventId, e.Source, e.ClientHostname, e.ClientIp, e.ServerHostname, e.ServerIp),
                Sender = e.Sender,
                Recipients = e.Recipients,
                MessageId = e.MessageId,
                EndToEndLatency = e.MessageLatency,
            };
            if (IsFailureEvent(e.EventId))
            {
                if (e.Diagnosis.Count > 0)
                {
                    facts.FailureDiagnosis = e.Diagnosis[0];
                    facts.FailureText = ErrorOf(e.Diagnosis[0].Input);
                }
                else
                {
                    facts.FailureText = FailureTextOf(e.RecipientStatus, e.SourceContext, e.EventId);
                }
            }
            foreach (var component in e.LatencyComponents)
            {
                if (component.IsTotal)
                {
                    if (facts.StageLatencies == null)
                    {
                        facts.StageLatencies = new List<KeyValuePair<string, double>>();
                    }
                    facts.StageLatencies.Add(new KeyValuePair<string, double>(component.Name, component.Seconds));
                }
            }
            return facts;
        }

        /// <summary>A Get-MessageTrackingLog object, live, deserialized, or re-imported from CSV.</summary>
        private TrackingFacts FactsOfTrackingObject(PSObject o)
        {
            var eventId = Text(o, "EventId");
            var facts = new TrackingFacts
            {
                LocalTime = LocalTimeOf(Property(o, "Timestamp")),
                EventId = eventId,
                Source = Text(o, "Source"),
                ConnectorId = Text(o, "ConnectorId"),
                RemoteHost = RemoteHostOf(eventId, Text(o, "Source"), Text(o, "ClientHostname"), Text(o, "ClientIp"), Text(o, "ServerHostname"), Text(o, "ServerIp")),
                Sender = Text(o, "Sender"),
                Recipients = Values(Property(o, "Recipients"), true),
                MessageId = Text(o, "MessageId"),
                EndToEndLatency = TimeSpanOf(Property(o, "MessageLatency")),
            };
            if (IsFailureEvent(eventId))
            {
                var statuses = Values(Property(o, "RecipientStatus"), false);
                var status = FailedStatuses(statuses).FirstOrDefault();
                facts.FailureText = FailureTextOf(statuses, Text(o, "SourceContext"), eventId);
                if (status != null)
                {
                    facts.FailureDiagnosis = diagnoses.Diagnose(status);
                }
            }
            var info = Text(o, "MessageInfo");
            if (info != null)
            {
                foreach (Match match in StageTotal.Matches(info))
                {
                    double seconds;
                    if (double.TryParse(match.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds))
                    {
                        if (facts.StageLatencies == null)
                        {
                            facts.StageLatencies = new List<KeyValuePair<string, double>>();
                        }
                        facts.StageLatencies.Add(new KeyValuePair<string, double>(match.Groups[1].Value.ToUpperInvariant(), seconds));
                    }
                }
            }
            return facts;
        }

        private static SessionFacts FactsOf(SmtpSession s)
        {
            var facts = new SessionFacts
            {
                LocalTime = s.StartLocal,
                Outcome = s.Outcome,
                Role = s.Role + " " + s.Direction,
                ConnectorId = s.ConnectorId,
                RemoteHost = s.RemoteHost ?? s.RemoteAddress,
                Duration = s.Duration,
                Messages = new List<Tuple<string, IEnumerable<string>, string>>(),
            };
            if (SmtpOutcomes.IsFailure(s.Outcome))
            {
                facts.FailureText = s.Failure ?? s.Outcome;
                facts.FailureDiagnosis = s.Diagnosis.Count > 0 ? s.Diagnosis[0] : null;
            }
            for (int i = 0; i < s.Messages.Count; i++)
            {
                var m = s.Messages[i];
                if (m.Accepted)
                {
                    var id = m.InternetMessageId ?? s.SessionId + "#" + i.ToString(CultureInfo.InvariantCulture);
                    facts.Messages.Add(Tuple.Create(m.MailFrom, (IEnumerable<string>)m.Recipients, id));
                }
            }
            return facts;
        }

        /// <summary>A session object deserialized or re-imported from CSV: its flat properties.</summary>
        private SessionFacts FactsOfSessionObject(PSObject o)
        {
            var outcome = Text(o, "Outcome");
            var facts = new SessionFacts
            {
                LocalTime = LocalTimeOf(Property(o, "Start")),
                Outcome = outcome,
                Role = string.Join(" ", new[] { Text(o, "Role"), Text(o, "Direction") }.Where(t => t != null)),
                ConnectorId = Text(o, "ConnectorId"),
                RemoteHost = Text(o, "RemoteHost") ?? Text(o, "RemoteAddress"),
                Duration = TimeSpanOf(Property(o, "Duration")) ?? TimeSpan.Zero,
                Messages = new List<Tuple<string, IEnumerable<string>, string>>(),
            };
            if (SmtpOutcomes.IsFailure(outcome))
            {
                facts.FailureText = Text(o, "Failure")
                    ?? SmtpSession.DescribeFailure(outcome, Text(o, "LastError"), Text(o, "OutcomeText"), Text(o, "DisconnectReason"), null)
                    ?? outcome;
                facts.FailureDiagnosis = ShippedDiagnosis(o) ?? diagnoses.Diagnose(facts.FailureText);
            }
            var mailFrom = Text(o, "MailFrom");
            var recipients = Values(Property(o, "Recipients"), true).ToList();
            int accepted;
            if (int.TryParse(Text(o, "AcceptedCount"), NumberStyles.Integer, CultureInfo.InvariantCulture, out accepted))
            {
                // As for a live session, the accepted messages by their ids (the first ones: which were accepted is
                // not in the flat properties); a session of one message counts exactly as the live one.
                var ids = Values(Property(o, "MessageIds"), true).ToList();
                for (int i = 0; i < accepted; i++)
                {
                    var id = i < ids.Count ? ids[i] : Text(o, "SessionId") + "#" + i.ToString(CultureInfo.InvariantCulture);
                    facts.Messages.Add(Tuple.Create(mailFrom, (IEnumerable<string>)recipients, id));
                }
            }
            else if (mailFrom != null || recipients.Count > 0)
            {
                facts.Messages.Add(Tuple.Create(mailFrom, (IEnumerable<string>)recipients, Text(o, "SessionId")));
            }
            return facts;
        }

        private static readonly Regex DiagnosisText = new Regex(@"^(\S+)(?: \(([^)]*)\))?: (.*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline);

        /// <summary>
        /// The diagnosis a session from a server was made with there, from the line and command that decided it,
        /// as remoting sends it (its text, RuleId: Title): better than diagnosing its failure text again here.
        /// </summary>
        private static SmtpErrorDiagnosis ShippedDiagnosis(PSObject o)
        {
            if (!IsModuleObject(o, "SmtpSession"))
            {
                return null;
            }
            var first = Values(Property(o, "Diagnosis"), false).FirstOrDefault();
            var match = first == null ? null : DiagnosisText.Match(first);
            if (match == null || !match.Success)
            {
                return null;
            }
            return new SmtpErrorDiagnosis
            {
                RuleId = match.Groups[1].Value,
                EnhancedCode = match.Groups[2].Success ? match.Groups[2].Value : null,
                Title = match.Groups[3].Value,
            };
        }

        /// <summary>The remote side of an SMTP event: the client of a RECEIVE, the server of a SEND.</summary>
        internal static string RemoteHostOf(string eventId, string source, string clientHostname, string clientIp, string serverHostname, string serverIp)
        {
            if (!string.Equals(source, "SMTP", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
            if (string.Equals(eventId, "RECEIVE", StringComparison.OrdinalIgnoreCase))
            {
                return clientHostname ?? clientIp;
            }
            if (string.Equals(eventId, "SEND", StringComparison.OrdinalIgnoreCase))
            {
                return serverHostname ?? serverIp;
            }
            return null;
        }

        /// <summary>FAIL, DEFER, DROP and the events named for a failure or deferral; not DSN, which reports a failure counted already.</summary>
        internal static bool IsFailureEvent(string eventId)
        {
            if (string.IsNullOrEmpty(eventId))
            {
                return false;
            }
            var id = eventId.ToUpperInvariant();
            return id == "DROP" || id.EndsWith("FAIL", StringComparison.Ordinal) || id.EndsWith("DEFER", StringComparison.Ordinal);
        }

        /// <summary>Statuses that report a failure: not To/Cc/Bcc, not a 2xx reply.</summary>
        internal static IEnumerable<string> FailedStatuses(IEnumerable<string> statuses)
        {
            foreach (var status in statuses)
            {
                var reply = ErrorOf(status).Trim();
                if (reply.Length > 0 && reply[0] != '2' && !reply.Equals("To", StringComparison.OrdinalIgnoreCase)
                    && !reply.Equals("Cc", StringComparison.OrdinalIgnoreCase) && !reply.Equals("Bcc", StringComparison.OrdinalIgnoreCase))
                {
                    yield return status;
                }
            }
        }

        /// <summary>The error of a failure event: its first failed status, else its source context, else its event id.</summary>
        internal static string FailureTextOf(IEnumerable<string> statuses, string sourceContext, string eventId)
        {
            var status = FailedStatuses(statuses).FirstOrDefault();
            return status != null ? ErrorOf(status) : sourceContext ?? eventId;
        }

        /// <summary>The LED of a bracketed status ([{LED=...};{MSG=...};...]), or the text itself.</summary>
        internal static string ErrorOf(string status)
        {
            if (status == null)
            {
                return string.Empty;
            }
            var match = BracketedLed.Match(status);
            return match.Success ? match.Groups[1].Value : status;
        }
    }
}
