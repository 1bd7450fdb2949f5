using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using HybridMailFlow.Native;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// One ordered timeline per message and recipient from on-premises message tracking logs, SMTP protocol logs
    /// and Exchange Online trace, with where the message is now and what looks wrong. The correlation runs in the
    /// engine; inputs are gathered in ProcessRecord and traced in EndProcessing, since a timeline needs them all.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Trace, "HybridMessage")]
    [OutputType(typeof(MessageTimeline))]
    public sealed class TraceHybridMessageCommand : RemoteReadCommand
    {
        private readonly List<string> messageIds = new List<string>();
        private readonly List<PSObject> traceObjects = new List<PSObject>();
        private readonly List<string> traceSources = new List<string>();
        private List<string> trackingPaths;
        private List<string> protocolPaths;

        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string[] MessageId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] NetworkMessageId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] Sender { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] Recipient { get; set; }

        [Parameter]
        public DateTime Start { get; set; }

        [Parameter]
        public DateTime End { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] TrackingLogPath { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] ProtocolLogPath { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public PSObject[] MessageTrace { get; set; }

        [Parameter(ValueFromPipeline = true)]
        public PSObject InputObject { get; set; }

        [Parameter]
        public TimeSpan SlowThreshold { get; set; } = TimeSpan.FromMinutes(5);

        protected override void ProcessRecord()
        {
            GatherServers();
            if (InputObject == null || RecordIsServer)
            {
                return;
            }
            var id = PropertyText(InputObject, "MessageId");
            if (!string.IsNullOrEmpty(id))
            {
                messageIds.Add(id);
            }
            else
            {
                WriteError(new ErrorRecord(new ArgumentException("The input object has no MessageId to trace."), "HybridMailFlow.NoMessageId", ErrorCategory.InvalidArgument, InputObject));
            }
            if (IsTraceObject(InputObject))
            {
                traceObjects.Add(InputObject);
            }
        }

        protected override void EndProcessing()
        {
            if (MessageId != null)
            {
                messageIds.AddRange(MessageId);
            }
            if (messageIds.Count == 0 && NetworkMessageId == null && Sender == null && Recipient == null)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("Give what to trace: -MessageId, -NetworkMessageId, -Sender or -Recipient, or objects from the pipeline."),
                    "HybridMailFlow.NothingToTrace", ErrorCategory.InvalidArgument, null));
            }
            if (OnServers)
            {
                TraceOnServers();
                return;
            }
            LibraryLoader.EnsureLoaded();
            TimelineQueryHandle query;
            NativeCall.Check(NativeMethods.hmf_timeline_query_new(out query));
            using (query)
            {
                Add(query, TimelineValue.MessageId, messageIds);
                Add(query, TimelineValue.NetworkMessageId, NetworkMessageId);
                Add(query, TimelineValue.Sender, Sender);
                Add(query, TimelineValue.Recipient, Recipient);
                if (TrackingLogPath == null && ProtocolLogPath == null && MessageTrace == null && traceObjects.Count == 0)
                {
                    // Nothing to read given: this server's own logs, as the log commands read without -Path.
                    trackingPaths = ServerFolders("MessageTracking");
                    protocolPaths = ServerFolders("SmtpReceive, SmtpSend");
                }
                else
                {
                    trackingPaths = ResolvePaths(TrackingLogPath, GetHybridMessageTrackingLogCommand.TrackingLogPrefixes, "message tracking log (MSGTRK*.LOG)");
                    protocolPaths = ResolvePaths(ProtocolLogPath, SmtpLogCommandBase.ProtocolLogPrefixes, "SMTP protocol log (RECV*.LOG or SEND*.LOG)");
                }
                Add(query, TimelineValue.TrackingPath, trackingPaths);
                Add(query, TimelineValue.ProtocolPath, protocolPaths);
                var hasStart = MyInvocation.BoundParameters.ContainsKey("Start");
                var hasEnd = MyInvocation.BoundParameters.ContainsKey("End");
                NativeCall.Check(NativeMethods.hmf_timeline_query_set_time_range(query, hasStart, hasStart ? Times.ToUnixMs(Start) : 0, hasEnd, hasEnd ? Times.ToUnixMs(End) : 0));
                NativeCall.Check(NativeMethods.hmf_timeline_query_set_slow_threshold(query, (long)SlowThreshold.TotalMilliseconds));
                AddTrace(query);
                TimelineResultHandle result;
                var clock = System.Diagnostics.Stopwatch.StartNew();
                NativeCall.Check(NativeMethods.hmf_timeline_query_run(query, out result));
                using (result)
                {
                    Emit(result, clock.Elapsed);
                }
            }
        }

        private List<string> ServerFolders(string logKinds)
        {
            var folders = new LogPathList(this);
            folders.AddServerFolders(logKinds, null);
            return folders.Paths;
        }

        /// <summary>
        /// Each server traces the messages through its own logs; their timelines come back in the order of their
        /// first hop. Exchange Online's trace is not sent to every server: trace it here, from the servers' events.
        /// </summary>
        private void TraceOnServers()
        {
            if (MessageTrace != null || traceObjects.Count > 0)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("Exchange Online trace (-MessageTrace, or trace objects from the pipeline) is read on this computer: trace without -ComputerName and -Session, with the servers' logs as -TrackingLogPath and -ProtocolLogPath."),
                    "HybridMailFlow.MessageTraceOnServers", ErrorCategory.InvalidArgument, null));
            }
            var extra = new Hashtable(StringComparer.OrdinalIgnoreCase);
            if (messageIds.Count > 0)
            {
                extra["MessageId"] = messageIds.ToArray();
            }
            ReadOnServers("FirstSeenUtc", timeline =>
            {
                WriteObject(timeline);
                return true;
            }, extra);
        }

        private static string PropertyText(PSObject o, string name)
        {
            var p = o.Properties[name];
            var value = p == null ? null : p.Value;
            return value == null ? null : value.ToString();
        }

        private static bool IsTraceObject(PSObject o)
        {
            return o.BaseObject is MessageTraceEvent || o.Properties["MessageTraceId"] != null || o.Properties["RecipientAddress"] != null;
        }

        private static void Add(TimelineQueryHandle query, TimelineValue kind, IEnumerable<string> values)
        {
            if (values == null)
            {
                return;
            }
            foreach (var v in values.Where(v => !string.IsNullOrWhiteSpace(v)))
            {
                var bytes = Utf8.Bytes(v);
                NativeCall.Check(NativeMethods.hmf_timeline_query_add(query, kind, bytes, (UIntPtr)bytes.Length));
            }
        }

        private List<string> ResolvePaths(string[] patterns, string[] logPrefixes = null, string expected = null)
        {
            if (patterns == null)
            {
                return null;
            }
            var list = new LogPathList(this);
            list.Add(patterns, null);
            if (logPrefixes != null)
            {
                list.ReportFoldersWithoutLogs(logPrefixes, expected, false);
            }
            return list.Paths;
        }

        /// <summary>Nothing found is said: what was looked for, and where.</summary>
        private void WarnNothingFound()
        {
            var wanted = new List<string>();
            if (messageIds.Count > 0)
            {
                wanted.Add("Message-ID " + string.Join(", ", messageIds));
            }
            if (NetworkMessageId != null)
            {
                wanted.Add("NetworkMessageId " + string.Join(", ", NetworkMessageId));
            }
            if (Sender != null)
            {
                wanted.Add("sender " + string.Join(", ", Sender));
            }
            if (Recipient != null)
            {
                wanted.Add("recipient " + string.Join(", ", Recipient));
            }
            var searched = new List<string>();
            if (trackingPaths != null && trackingPaths.Count > 0)
            {
                searched.Add("the message tracking logs in " + string.Join(", ", trackingPaths));
            }
            if (protocolPaths != null && protocolPaths.Count > 0)
            {
                searched.Add("the SMTP protocol logs in " + string.Join(", ", protocolPaths));
            }
            if (traceSources.Count > 0)
            {
                searched.Add("the Exchange Online trace " + string.Join(", ", traceSources));
            }
            var where = searched.Count == 0
                ? "nothing: no -TrackingLogPath, -ProtocolLogPath or -MessageTrace held anything to search"
                : string.Join("; ", searched);
            var window = MyInvocation.BoundParameters.ContainsKey("Start") || MyInvocation.BoundParameters.ContainsKey("End") ? " (within -Start/-End)" : string.Empty;
            WriteWarning(string.Format("No message with {0} was found{1}. Searched {2}.", string.Join("; ", wanted), window, where));
        }

        private void AddTrace(TimelineQueryHandle query)
        {
            var objects = new List<PSObject>(traceObjects);
            foreach (var item in MessageTrace ?? new PSObject[0])
            {
                var file = item.BaseObject as FileInfo;
                var path = file != null ? file.FullName : item.BaseObject as string;
                if (path == null)
                {
                    objects.Add(item);
                    continue;
                }
                foreach (var resolved in ResolvePaths(new[] { path }))
                {
                    byte[] bytes;
                    try
                    {
                        bytes = File.ReadAllBytes(resolved);
                    }
                    catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                    {
                        WriteError(new ErrorRecord(e, "HybridMailFlow.IoError", ErrorCategory.ReadError, resolved));
                        continue;
                    }
                    AddTraceBytes(query, resolved, bytes);
                    traceSources.Add(resolved);
                }
            }
            if (objects.Count > 0)
            {
                AddTraceBytes(query, "InputObject", TraceCsv.FromObjects(objects));
                traceSources.Add(string.Format("objects ({0})", objects.Count));
            }
        }

        private static void AddTraceBytes(TimelineQueryHandle query, string name, byte[] bytes)
        {
            var nameBytes = Utf8.Bytes(name);
            NativeCall.Check(NativeMethods.hmf_timeline_query_add_trace(query, nameBytes, (UIntPtr)nameBytes.Length, bytes, (UIntPtr)bytes.Length, TraceImporter.CultureIsDayFirst));
        }

        private static NativeTable Table(TimelineResultHandle result, TimelineTable id)
        {
            HmfTable view;
            NativeCall.Check(NativeMethods.hmf_timeline_result_table(result, id, out view));
            return new NativeTable(view);
        }

        private void Emit(TimelineResultHandle result, TimeSpan elapsed)
        {
            var issues = Table(result, TimelineTable.Issues);
            foreach (var issue in TraceIssue.ReadAll(issues))
            {
                if (issue.IsWarning)
                {
                    WriteWarning(issue.Message);
                }
                else
                {
                    WriteError(issue.ToErrorRecord());
                }
            }
            var stats = Table(result, TimelineTable.Stats);
            WriteVerbose(string.Format("Searched {0} files ({1:N0} MB) for the ids; parsed {2} tracking and {3} protocol log files; {4} tracking events, {5} sessions; {6:N2} s.",
                stats.Get(0, "FilesSearched"), (stats.GetInt64(0, "BytesSearched") ?? 0) / 1048576.0, stats.Get(0, "TrackingFilesRead"), stats.Get(0, "ProtocolFilesRead"),
                stats.Get(0, "TrackingEvents"), stats.Get(0, "Sessions"), elapsed.TotalSeconds));
            var timelines = Table(result, TimelineTable.Timelines);
            var hops = Table(result, TimelineTable.Hops);
            var flags = Table(result, TimelineTable.Flags);
            if (timelines.Rows == 0)
            {
                WarnNothingFound();
            }
            var hopRow = 0;
            var flagRow = 0;
            for (int t = 0; t < timelines.Rows; t++)
            {
                var messageId = timelines.Get(t, "MessageId");
                var recipient = timelines.Get(t, "Recipient");
                var timelineFlags = new List<string>();
                var hopFlags = new Dictionary<int, List<string>>();
                for (; flagRow < flags.Rows && flags.GetInt64(flagRow, "Timeline") == t; flagRow++)
                {
                    var text = flags.Get(flagRow, "Kind") + ": " + flags.Get(flagRow, "Message");
                    timelineFlags.Add(text);
                    var hop = flags.GetInt64(flagRow, "Hop");
                    if (hop.HasValue)
                    {
                        List<string> list;
                        if (!hopFlags.TryGetValue((int)hop.Value, out list))
                        {
                            hopFlags[(int)hop.Value] = list = new List<string>();
                        }
                        list.Add(text);
                    }
                }
                var timelineHops = new List<TimelineHop>();
                for (; hopRow < hops.Rows && hops.GetInt64(hopRow, "Timeline") == t; hopRow++)
                {
                    var index = (int)(hops.GetInt64(hopRow, "Hop") ?? 0);
                    var latency = hops.GetInt64(hopRow, "LatencyMs");
                    List<string> mine;
                    hopFlags.TryGetValue(index, out mine);
                    timelineHops.Add(new TimelineHop
                    {
                        MessageId = messageId,
                        Recipient = recipient,
                        Index = index,
                        TimeUtc = hops.GetUtc(hopRow, "TimeMs") ?? DateTime.MinValue,
                        Server = hops.Get(hopRow, "Server"),
                        Component = hops.Get(hopRow, "Component"),
                        Connector = hops.Get(hopRow, "Connector"),
                        Event = hops.Get(hopRow, "Event"),
                        Source = hops.Get(hopRow, "Source"),
                        Status = hops.Get(hopRow, "Status"),
                        Latency = latency.HasValue ? TimeSpan.FromMilliseconds(latency.Value) : (TimeSpan?)null,
                        SessionId = hops.Get(hopRow, "SessionId"),
                        Remote = hops.Get(hopRow, "Remote"),
                        Sender = hops.Get(hopRow, "Sender"),
                        Recipients = hops.GetList(hopRow, "Recipients"),
                        NetworkMessageId = hops.Get(hopRow, "NetworkMessageId"),
                        InternalId = hops.Get(hopRow, "InternalId"),
                        NextInternalId = hops.Get(hopRow, "NextInternalId"),
                        NextHost = hops.Get(hopRow, "NextHost"),
                        Error = hops.Get(hopRow, "Error"),
                        ErrorRuleId = hops.Get(hopRow, "ErrorRuleId"),
                        ErrorTitle = hops.Get(hopRow, "ErrorTitle"),
                        JoinedBy = hops.Get(hopRow, "JoinedBy"),
                        Flags = mine == null ? ValueList<string>.None : new ValueList<string>(mine),
                        Path = hops.Get(hopRow, "Path"),
                        LineNumber = hops.GetInt64(hopRow, "Line") ?? 0,
                    });
                }
                WriteObject(new MessageTimeline
                {
                    MessageId = messageId,
                    NetworkMessageId = timelines.Get(t, "NetworkMessageId"),
                    Sender = timelines.Get(t, "Sender"),
                    Recipient = recipient,
                    Subject = timelines.Get(t, "Subject"),
                    Location = timelines.Get(t, "Location"),
                    LocationServer = timelines.Get(t, "LocationServer"),
                    Summary = timelines.Get(t, "Summary"),
                    Error = timelines.Get(t, "Error"),
                    ErrorRuleId = timelines.Get(t, "ErrorRuleId"),
                    ErrorTitle = timelines.Get(t, "ErrorTitle"),
                    Hops = new ValueList<TimelineHop>(timelineHops),
                    Flags = new ValueList<string>(timelineFlags),
                    FirstSeenUtc = timelines.GetUtc(t, "FirstMs"),
                    LastSeenUtc = timelines.GetUtc(t, "LastMs"),
                });
            }
        }
    }
}
