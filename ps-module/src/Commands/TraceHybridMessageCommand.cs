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

        /// <summary>On each server of -ComputerName and -Session: the lines the trace uses, rather than timelines.</summary>
        [Parameter(DontShow = true)]
        public SwitchParameter Evidence { get; set; }

        /// <summary>With -Evidence: the Exchange Online trace of the computer that asked (base64 of each export).</summary>
        [Parameter(DontShow = true)]
        [ValidateNotNull]
        public string[] TraceData { get; set; }

        /// <summary>With -TraceData: dates in the exports are day first (the culture of the computer that asked).</summary>
        [Parameter(DontShow = true)]
        public SwitchParameter TraceDayFirst { get; set; }

        /// <summary>A joined trace: where each written evidence file came from.</summary>
        private readonly Dictionary<string, EvidenceOrigin> evidenceOrigins = new Dictionary<string, EvidenceOrigin>(StringComparer.Ordinal);
        private readonly List<string> serversSearched = new List<string>();

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
            if (TrackingLogPath == null && ProtocolLogPath == null && (Evidence.IsPresent || (MessageTrace == null && traceObjects.Count == 0)))
            {
                // No logs given, and not only Exchange Online's trace: this server's own logs, as the log commands
                // read without -Path.
                trackingPaths = ServerFolders("MessageTracking");
                protocolPaths = ServerFolders("SmtpReceive, SmtpSend");
            }
            else
            {
                trackingPaths = ResolvePaths(TrackingLogPath, GetHybridMessageTrackingLogCommand.TrackingLogPrefixes, "message tracking log (MSGTRK*.LOG)");
                protocolPaths = ResolvePaths(ProtocolLogPath, SmtpLogCommandBase.ProtocolLogPrefixes, "SMTP protocol log (RECV*.LOG or SEND*.LOG)");
            }
            if (Evidence.IsPresent)
            {
                SendEvidence();
                return;
            }
            Trace();
        }

        /// <summary>Traces the messages through <see cref="trackingPaths"/>, <see cref="protocolPaths"/> and the trace given.</summary>
        private void Trace()
        {
            using (var query = NewQuery())
            {
                TimelineResultHandle result;
                var clock = System.Diagnostics.Stopwatch.StartNew();
                NativeCall.Check(NativeMethods.hmf_timeline_query_run(query, out result));
                using (result)
                {
                    Emit(result, clock.Elapsed);
                }
            }
        }

        private TimelineQueryHandle NewQuery()
        {
            LibraryLoader.EnsureLoaded();
            TimelineQueryHandle query;
            NativeCall.Check(NativeMethods.hmf_timeline_query_new(out query));
            Add(query, TimelineValue.MessageId, messageIds);
            Add(query, TimelineValue.NetworkMessageId, NetworkMessageId);
            Add(query, TimelineValue.Sender, Sender);
            Add(query, TimelineValue.Recipient, Recipient);
            Add(query, TimelineValue.TrackingPath, trackingPaths);
            Add(query, TimelineValue.ProtocolPath, protocolPaths);
            var hasStart = MyInvocation.BoundParameters.ContainsKey("Start");
            var hasEnd = MyInvocation.BoundParameters.ContainsKey("End");
            NativeCall.Check(NativeMethods.hmf_timeline_query_set_time_range(query, hasStart, hasStart ? Times.ToUnixMs(Start) : 0, hasEnd, hasEnd ? Times.ToUnixMs(End) : 0));
            NativeCall.Check(NativeMethods.hmf_timeline_query_set_slow_threshold(query, (long)SlowThreshold.TotalMilliseconds));
            foreach (var export in TraceExports())
            {
                AddTraceBytes(query, export.Key, export.Value, TraceData != null ? TraceDayFirst.IsPresent : TraceImporter.CultureIsDayFirst);
            }
            return query;
        }

        /// <summary>On a server: the lines of its logs the trace uses, one object per file, for the computer that asked.</summary>
        private unsafe void SendEvidence()
        {
            using (var query = NewQuery())
            {
                TimelineResultHandle result;
                NativeCall.Check(NativeMethods.hmf_timeline_query_collect_evidence(query, out result));
                using (result)
                {
                    WriteIssues(result);
                    IntPtr items;
                    UIntPtr count;
                    NativeCall.Check(NativeMethods.hmf_timeline_result_evidence(result, out items, out count));
                    for (int i = 0; i < (int)count; i++)
                    {
                        WriteObject(ToEvidence((HmfEvidenceFile*)items + i));
                    }
                }
            }
        }

        /// <summary>
        /// One file's evidence as the object a server sends: its texts as the engine has them (they are written
        /// again into a log file, not shown), each list one line per item.
        /// </summary>
        private static unsafe TraceEvidence ToEvidence(HmfEvidenceFile* f)
        {
            int count = (int)f->Lines.Len;
            var numbers = new string[count];
            for (int i = 0; i < count; i++)
            {
                numbers[i] = ((ulong*)f->LineNumbers)[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            return new TraceEvidence
            {
                Server = Environment.MachineName,
                Kind = AbiNames.Of(f->Kind),
                Path = f->Path.Len == UIntPtr.Zero ? null : Utf8.ReadRaw(f->Path),
                Header = string.Join("\n", Lists.ReadArray(f->Header, raw: true)),
                Lines = string.Join("\n", Lists.ReadArray(f->Lines, raw: true)),
                LineNumbers = string.Join("\n", numbers),
            };
        }

        private List<string> ServerFolders(string logKinds)
        {
            var folders = new LogPathList(this);
            folders.AddServerFolders(logKinds, null);
            return folders.Paths;
        }

        /// <summary>
        /// Each server finds the lines of its own logs that the trace uses (with the Exchange Online trace given
        /// here, which names ids and refused sessions to look for) and sends only those; written again here under
        /// their folders and names, they are traced together: one timeline per message and recipient across the
        /// servers, as if this computer had read all their folders. Hops name the servers' own files and lines.
        /// </summary>
        private void TraceOnServers()
        {
            var extra = new Hashtable(StringComparer.OrdinalIgnoreCase);
            if (messageIds.Count > 0)
            {
                extra["MessageId"] = messageIds.ToArray();
            }
            var exports = TraceExports();
            if (exports.Count > 0)
            {
                extra["TraceData"] = exports.Select(e => Convert.ToBase64String(e.Value)).ToArray();
                extra["TraceDayFirst"] = TraceImporter.CultureIsDayFirst;
            }
            extra["Evidence"] = true;
            var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hmf-trace-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            var computers = new List<string>();
            try
            {
                ReadOnServers(null, item =>
                {
                    var computer = PropertyText(item, "PSComputerName") ?? string.Empty;
                    var index = computers.FindIndex(c => c.Equals(computer, StringComparison.OrdinalIgnoreCase));
                    if (index < 0)
                    {
                        computers.Add(computer);
                        index = computers.Count - 1;
                    }
                    WriteEvidence(System.IO.Path.Combine(root, index.ToString(System.Globalization.CultureInfo.InvariantCulture)), item);
                    return true;
                }, extra);
                serversSearched.AddRange(ServerNames());
                trackingPaths = new List<string> { root };
                protocolPaths = new List<string> { root };
                Directory.CreateDirectory(root);
                Trace();
            }
            finally
            {
                try
                {
                    if (Directory.Exists(root))
                    {
                        Directory.Delete(root, true);
                    }
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    WriteWarning(string.Format("The server logs' lines written to {0} for the trace could not be removed: {1}", root, e.Message));
                }
            }
        }

        /// <summary>Writes one file of a server's evidence under <paramref name="folder"/>, noting where its lines came from.</summary>
        private void WriteEvidence(string folder, PSObject item)
        {
            var server = PropertyText(item, "Server");
            var original = PropertyText(item, "Path");
            var header = PropertyText(item, "Header");
            var lines = PropertyText(item, "Lines");
            var numbers = PropertyText(item, "LineNumbers");
            long[] lineNumbers = null;
            if (original != null && header != null && lines != null && numbers != null)
            {
                lineNumbers = numbers.Length == 0 ? new long[0] : numbers.Split('\n').Select(n =>
                {
                    long value;
                    return long.TryParse(n, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value) ? value : -1;
                }).ToArray();
            }
            var lineTexts = lines == null ? null : (lines.Length == 0 ? new string[0] : lines.Split('\n'));
            if (lineNumbers == null || lineNumbers.Contains(-1) || lineNumbers.Length != lineTexts.Length)
            {
                WriteError(new ErrorRecord(new InvalidDataException(string.Format("{0} sent {1} rather than the lines of a log file for the trace.", PropertyText(item, "PSComputerName"), item.TypeNames.FirstOrDefault())),
                    "HybridMailFlow.NotTraceEvidence", ErrorCategory.InvalidData, item));
                return;
            }
            var path = EvidencePath(folder, server, original);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path));
            var headerLines = header.Length == 0 ? new string[0] : header.Split('\n');
            using (var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false)))
            {
                writer.NewLine = "\r\n";
                foreach (var line in headerLines.Concat(lineTexts))
                {
                    writer.WriteLine(line);
                }
            }
            evidenceOrigins[System.IO.Path.GetFullPath(path)] = new EvidenceOrigin(original, headerLines.Length, lineNumbers);
        }

        /// <summary>
        /// Where a server's log file is written for a joined trace: a folder named after the server (so the trace
        /// knows whose logs these are), then the file's own folders (they tell the transport role) and name (it tells
        /// the hour). What could leave the folder, or is not a file name, is dropped or replaced: it came from a server.
        /// </summary>
        internal static string EvidencePath(string folder, string server, string original)
        {
            var parts = new List<string> { folder, SafePart(server) ?? "server" };
            var pieces = original.Split('/', '\\');
            for (int i = 0; i < pieces.Length; i++)
            {
                if (i == 0 && pieces[i].Length == 2 && pieces[i][1] == ':')
                {
                    continue;
                }
                var part = SafePart(pieces[i]);
                if (part != null)
                {
                    parts.Add(part);
                }
            }
            return System.IO.Path.Combine(parts.ToArray());
        }

        private static string SafePart(string part)
        {
            if (part == null)
            {
                return null;
            }
            var safe = new string(part.Select(c => char.IsControl(c) || "<>:\"|?*".IndexOf(c) >= 0 ? '_' : c).ToArray()).Trim().TrimEnd('.');
            return safe.Length == 0 || safe == ".." ? null : safe;
        }

        /// <summary>A hop of a joined trace names the server's own file and line, not the copy's.</summary>
        private void MapToOrigin(TimelineHop hop)
        {
            EvidenceOrigin origin;
            if (evidenceOrigins.Count == 0 || string.IsNullOrEmpty(hop.Path) || !evidenceOrigins.TryGetValue(System.IO.Path.GetFullPath(hop.Path), out origin))
            {
                return;
            }
            hop.Path = origin.Path;
            var index = hop.LineNumber - origin.HeaderLines - 1;
            hop.LineNumber = index >= 0 && index < origin.LineNumbers.Length ? origin.LineNumbers[index] : 0;
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
            if (serversSearched.Count > 0)
            {
                searched.Add("the message tracking and SMTP protocol logs of " + string.Join(", ", serversSearched));
            }
            else if (trackingPaths != null && trackingPaths.Count > 0)
            {
                searched.Add("the message tracking logs in " + string.Join(", ", trackingPaths));
            }
            if (serversSearched.Count == 0 && protocolPaths != null && protocolPaths.Count > 0)
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

        /// <summary>The Exchange Online trace given, each export as its bytes: files, trace objects, or what a computer sent.</summary>
        private List<KeyValuePair<string, byte[]>> TraceExports()
        {
            var exports = new List<KeyValuePair<string, byte[]>>();
            traceSources.Clear();
            if (TraceData != null)
            {
                foreach (var data in TraceData)
                {
                    exports.Add(new KeyValuePair<string, byte[]>("MessageTrace", Convert.FromBase64String(data)));
                }
                return exports;
            }
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
                    exports.Add(new KeyValuePair<string, byte[]>(resolved, bytes));
                    traceSources.Add(resolved);
                }
            }
            if (objects.Count > 0)
            {
                exports.Add(new KeyValuePair<string, byte[]>("InputObject", TraceCsv.FromObjects(objects)));
                traceSources.Add(string.Format("objects ({0})", objects.Count));
            }
            return exports;
        }

        private static void AddTraceBytes(TimelineQueryHandle query, string name, byte[] bytes, bool dayFirst)
        {
            var nameBytes = Utf8.Bytes(name);
            NativeCall.Check(NativeMethods.hmf_timeline_query_add_trace(query, nameBytes, (UIntPtr)nameBytes.Length, bytes, (UIntPtr)bytes.Length, dayFirst));
        }

        private unsafe void WriteIssues(TimelineResultHandle result)
        {
            IntPtr items;
            UIntPtr count;
            NativeCall.Check(NativeMethods.hmf_timeline_result_issues(result, out items, out count));
            foreach (var issue in TraceIssue.ReadAll((HmfTraceIssue*)items, (int)count, new StringPool(StringPool.FewSlots)))
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
        }

        private unsafe void Emit(TimelineResultHandle result, TimeSpan elapsed)
        {
            WriteIssues(result);
            HmfTimelineStats stats;
            NativeCall.Check(NativeMethods.hmf_timeline_result_stats(result, out stats));
            WriteVerbose(string.Format("Searched {0} files ({1:N0} MB) for the ids; parsed {2} tracking and {3} protocol log files; {4} tracking events, {5} sessions; {6:N2} s.",
                stats.FilesSearched, stats.BytesSearched / 1048576.0, stats.TrackingFilesRead, stats.ProtocolFilesRead,
                stats.TrackingEvents, stats.Sessions, elapsed.TotalSeconds));
            IntPtr items;
            UIntPtr count;
            NativeCall.Check(NativeMethods.hmf_timeline_result_timelines(result, out items, out count));
            if (count == UIntPtr.Zero)
            {
                WarnNothingFound();
            }
            var strings = new StringPool();
            for (int t = 0; t < (int)count; t++)
            {
                WriteObject(ToTimeline((HmfTimeline*)items + t, strings));
            }
        }

        private unsafe MessageTimeline ToTimeline(HmfTimeline* t, StringPool strings)
        {
            var messageId = strings.Get(t->MessageId);
            var recipient = strings.Get(t->Recipient);
            var timelineFlags = new List<string>();
            var hopFlags = new Dictionary<long, List<string>>();
            for (int f = 0; f < (int)t->FlagCount; f++)
            {
                var flag = (HmfTimelineFlag*)t->Flags + f;
                var text = AbiNames.Of(flag->Kind) + ": " + strings.Get(flag->Message);
                timelineFlags.Add(text);
                var hop = Native.Absent.OrNull(flag->Hop);
                if (hop.HasValue)
                {
                    List<string> list;
                    if (!hopFlags.TryGetValue(hop.Value, out list))
                    {
                        hopFlags[hop.Value] = list = new List<string>();
                    }
                    list.Add(text);
                }
            }
            int hopCount = (int)t->HopCount;
            var hops = (HmfHop*)t->Hops;
            var timelineHops = new List<TimelineHop>(hopCount);
            for (int index = 0; index < hopCount; index++)
            {
                var h = hops + index;
                List<string> mine;
                hopFlags.TryGetValue(index, out mine);
                var timelineHop = new TimelineHop
                {
                    MessageId = messageId,
                    Recipient = recipient,
                    Index = index,
                    TimeUtc = Times.FromUnixMs(h->TimeMs),
                    Server = strings.Get(h->Server),
                    Component = AbiNames.Of(h->Component),
                    Connector = strings.Get(h->Connector),
                    Event = strings.Get(h->Event),
                    Source = AbiNames.Of(h->Source),
                    Status = strings.Get(h->Status),
                    Latency = Times.DurationOrNull(h->LatencyMs),
                    SessionId = strings.Get(h->SessionId),
                    Remote = strings.Get(h->Remote),
                    Sender = strings.Get(h->Sender),
                    Recipients = strings.List(h->Recipients),
                    NetworkMessageId = strings.Get(h->NetworkMessageId),
                    InternalId = strings.Get(h->InternalId),
                    NextInternalId = strings.Get(h->NextInternalId),
                    NextHost = strings.Get(h->NextHost),
                    Error = strings.Get(h->Error),
                    ErrorRuleId = strings.Get(h->ErrorRuleId),
                    ErrorTitle = strings.Get(h->ErrorTitle),
                    JoinedBy = AbiNames.Of(h->JoinedBy),
                    Flags = mine == null ? ValueList<string>.None : new ValueList<string>(mine),
                    Path = strings.Get(h->Path),
                    LineNumber = (long)h->Line,
                };
                MapToOrigin(timelineHop);
                timelineHops.Add(timelineHop);
            }
            return new MessageTimeline
            {
                MessageId = messageId,
                NetworkMessageId = strings.Get(t->NetworkMessageId),
                Sender = strings.Get(t->Sender),
                Recipient = recipient,
                Subject = strings.Get(t->Subject),
                Location = AbiNames.Of(t->Location),
                LocationServer = strings.Get(t->LocationServer),
                Summary = strings.Get(t->Summary),
                Error = strings.Get(t->Error),
                ErrorRuleId = strings.Get(t->ErrorRuleId),
                ErrorTitle = strings.Get(t->ErrorTitle),
                Hops = new ValueList<TimelineHop>(timelineHops),
                Flags = new ValueList<string>(timelineFlags),
                FirstSeenUtc = hopCount == 0 ? (DateTime?)null : Times.FromUnixMs(hops[0].TimeMs),
                LastSeenUtc = hopCount == 0 ? (DateTime?)null : Times.FromUnixMs(hops[hopCount - 1].TimeMs),
            };
        }
    }
}
