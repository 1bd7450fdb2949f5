using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Text;
using HybridMailFlow.Native;
using HybridMailFlow.Report;
using static HybridMailFlow.Commands.ExchangeObjects;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// Writes one HTML report of what this module's commands return: sessions, tracking and trace events, timelines,
    /// queue diagnoses and checks, from the pipeline or read from logs and exports by the command itself. Objects are
    /// counted as they arrive (a few examples kept per diagnosis); the file is written at the end.
    /// </summary>
    [Cmdlet(VerbsData.Export, "HybridMailFlowReport", SupportsShouldProcess = true)]
    [OutputType(typeof(MailFlowReport))]
    public sealed class ExportHybridMailFlowReportCommand : PSCmdlet, IProtocolSink, ITrackingSink, IDisposable
    {
        private const int TraceBatch = 1000;

        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly List<PSObject> pendingTrace = new List<PSObject>();
        private ReportModel model;
        private TraceReading traceReading;
        private FileProgress progress;
        private string outputPath;
        private bool writing;

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter(ValueFromPipeline = true)]
        public PSObject InputObject { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] SmtpLogPath { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] TrackingLogPath { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public PSObject[] MessageTrace { get; set; }

        [Parameter]
        public DateTime Start { get; set; }

        [Parameter]
        public DateTime End { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Title { get; set; } = "Mail flow report";

        [Parameter]
        [ValidateRange(1, 100)]
        public int ExampleCount { get; set; } = 5;

        [Parameter]
        [ValidateRange(10, 100000)]
        public int MaxRows { get; set; } = 500;

        [Parameter]
        [ValidateRange(0, 3650)]
        public int ExpiringDays { get; set; } = 30;

        [Parameter]
        public SwitchParameter NoClobber { get; set; }

        bool ILogSink.Stopping
        {
            get { return Stopping; }
        }

        protected override void BeginProcessing()
        {
            LibraryLoader.EnsureLoaded();
            outputPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            var folder = System.IO.Path.GetDirectoryName(outputPath);
            if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
            {
                ThrowTerminatingError(new ErrorRecord(new DirectoryNotFoundException(string.Format("Cannot write '{0}': the folder '{1}' does not exist.", outputPath, folder)),
                    "HybridMailFlow.FolderNotFound", ErrorCategory.ObjectNotFound, outputPath));
            }
            if (NoClobber && File.Exists(outputPath))
            {
                ThrowTerminatingError(new ErrorRecord(new IOException(string.Format("The file '{0}' already exists (-NoClobber).", outputPath)),
                    "HybridMailFlow.FileExists", ErrorCategory.ResourceExists, outputPath));
            }
            writing = ShouldProcess(outputPath, "Write the mail flow report");
            model = new ReportModel(new ReportOptions { Title = Title, ExampleCount = ExampleCount, MaxRows = MaxRows, ExpiringDays = ExpiringDays });
            traceReading = new TraceReading(this);
        }

        protected override void ProcessRecord()
        {
            if (writing && InputObject != null)
            {
                Add(InputObject);
            }
        }

        protected override void EndProcessing()
        {
            if (!writing)
            {
                return;
            }
            FlushTrace();
            ReadSmtpLogs();
            ReadTrackingLogs();
            ReadMessageTrace();
            if (Stopping)
            {
                return;
            }
            var html = HtmlReport.Write(model);
            var bytes = new UTF8Encoding(false).GetBytes(html);
            try
            {
                File.WriteAllBytes(outputPath, bytes);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                ThrowTerminatingError(new ErrorRecord(e, "HybridMailFlow.IoError", ErrorCategory.WriteError, outputPath));
            }
            WriteObject(new MailFlowReport
            {
                Path = outputPath,
                Length = bytes.Length,
                Sessions = model.Sessions,
                TrackingEvents = model.TrackingEvents,
                TraceEvents = model.TraceEvents,
                Timelines = model.Timelines,
                Queues = model.Queues,
                Checks = model.Checks,
                ErrorTexts = model.ErrorTexts,
                Failures = model.Failures,
                Diagnoses = model.Groups.Count,
                Servers = new ValueList<string>(model.ServerCounts.Keys.OrderBy(s => s, StringComparer.OrdinalIgnoreCase).ToList()),
                FirstUtc = model.First,
                LastUtc = model.Last,
                Elapsed = clock.Elapsed,
            });
        }

        public void Dispose()
        {
            if (traceReading != null)
            {
                traceReading.Dispose();
            }
        }

        /// <summary>One object from the pipeline or -MessageTrace: this module's types first, then by the names of their properties.</summary>
        [MethodImpl(Jit.Eager)]
        private void Add(PSObject item)
        {
            var baseObject = item.BaseObject;
            var session = baseObject as SmtpSession;
            if (session != null)
            {
                model.Add(SessionRecord.Of(session));
                return;
            }
            var trackingEvent = baseObject as MessageTrackingEvent;
            if (trackingEvent != null)
            {
                model.Add(TrackingRecord.Of(trackingEvent));
                return;
            }
            var traceEvent = baseObject as MessageTraceEvent;
            if (traceEvent != null)
            {
                model.Add(TraceRecord.Of(traceEvent));
                return;
            }
            if (HasProperties(item, "SessionId", "Outcome", "Start"))
            {
                model.Add(SessionRecord.Of(item));
            }
            else if (HasProperties(item, "EventId", "Source", "Timestamp"))
            {
                model.Add(TrackingRecord.Of(item));
            }
            else if (baseObject is MessageTimeline || HasProperties(item, "MessageId", "Location", "Hops"))
            {
                model.AddTimeline(item);
            }
            else if (baseObject is QueueDiagnosis || HasProperties(item, "Identity", "QueueKind", "State", "Severity"))
            {
                model.AddQueue(item);
            }
            else if (baseObject is MailFlowCheck || HasProperties(item, "Checklist", "Step", "Check", "Result"))
            {
                model.AddCheck(CheckRow.OfChecklist(item));
            }
            else if (baseObject is ConfigurationCheck || HasProperties(item, "Area", "Identity", "Check", "Result"))
            {
                model.AddCheck(CheckRow.OfConfiguration(item));
            }
            else if (baseObject is SendConnectorCheck || HasProperties(item, "Connector", "Check", "Result", "Expected"))
            {
                model.AddCheck(CheckRow.OfSendConnector(item));
            }
            else if (baseObject is SendConnectorRoute || HasProperties(item, "RecipientDomain", "Status", "Routed", "Explanation"))
            {
                model.AddCheck(CheckRow.OfRoute(item));
            }
            else if (baseObject is SmtpErrorDiagnosis || HasProperties(item, "RuleId", "Title", "Meaning", "Input"))
            {
                model.AddErrorText(item);
            }
            else if (HasProperties(item, "Received", "ReasonRuleId", "Format"))
            {
                model.Add(TraceRecord.Of(item));
            }
            else if (IsTraceObject(item))
            {
                pendingTrace.Add(item);
                if (pendingTrace.Count >= TraceBatch)
                {
                    FlushTrace();
                }
            }
            else
            {
                WriteError(new ErrorRecord(
                    new ArgumentException(string.Format(
                        "A {0} is not something the report shows: give SMTP sessions, message tracking or Exchange Online trace events, timelines (Trace-HybridMessage), queue diagnoses or checks; or logs with -SmtpLogPath, -TrackingLogPath, -MessageTrace.",
                        item.TypeNames.Count > 0 ? item.TypeNames[0] : baseObject.GetType().FullName)),
                    "HybridMailFlow.UnsupportedInput", ErrorCategory.InvalidArgument, item));
            }
        }

        /// <summary>
        /// Objects of Get-MessageTraceV2, Get-MessageTraceDetailV2 and Import-Csv rows of their exports: read by the
        /// trace importer, whose rules make them MessageTraceEvents.
        /// </summary>
        private static bool IsTraceObject(PSObject item)
        {
            return HasProperties(item, "MessageTraceId") || HasProperties(item, "RecipientAddress", "Received") || HasProperties(item, "Event", "Detail", "Date");
        }

        private void FlushTrace()
        {
            if (pendingTrace.Count == 0)
            {
                return;
            }
            foreach (var e in traceReading.Read(pendingTrace))
            {
                model.Add(TraceRecord.Of(e));
            }
            pendingTrace.Clear();
        }

        private List<string> Resolve(string[] patterns)
        {
            var list = new LogPathList(this);
            list.Add(patterns, null);
            return list.Paths;
        }

        private void ReadSmtpLogs()
        {
            ReadLogs(SmtpLogPath, "Reading SMTP protocol logs for the report", paths =>
            {
                var stats = ProtocolLogReader.Read(new ProtocolReadOptions
                {
                    Sessions = true,
                    Paths = paths.Paths,
                    Start = TimeParameter("Start"),
                    End = TimeParameter("End"),
                    DefaultServer = paths.LocalServer(),
                }, this);
                WriteVerbose(string.Format("SMTP protocol logs: {0} file(s), {1} line(s), {2} session(s).", stats.Files, stats.Lines, stats.Sessions));
            });
        }

        private void ReadTrackingLogs()
        {
            ReadLogs(TrackingLogPath, "Reading message tracking logs for the report", paths =>
            {
                var stats = MessageTrackingLogReader.Read(new TrackingReadOptions
                {
                    Paths = paths.Paths,
                    Start = TimeParameter("Start"),
                    End = TimeParameter("End"),
                    DefaultServer = paths.LocalServer(),
                }, this);
                WriteVerbose(GetHybridMessageTrackingLogCommand.VerboseSummary(stats));
            });
        }

        /// <summary>The logs a path parameter names, read with progress; an engine error ends the command.</summary>
        private void ReadLogs(string[] patterns, string activity, Action<LogPathList> read)
        {
            if (patterns == null)
            {
                return;
            }
            var paths = new LogPathList(this);
            paths.Add(patterns, null);
            if (paths.Paths.Count == 0)
            {
                return;
            }
            progress = new FileProgress(this, activity);
            try
            {
                read(paths);
            }
            catch (NativeException e)
            {
                ThrowTerminatingError(e.ToErrorRecord(null));
            }
            progress.Complete();
        }

        private void ReadMessageTrace()
        {
            if (MessageTrace == null)
            {
                return;
            }
            var files = new List<string>();
            foreach (var item in MessageTrace)
            {
                var file = item.BaseObject as FileInfo;
                var path = file != null ? file.FullName : item.BaseObject as string;
                if (path != null)
                {
                    files.AddRange(Resolve(new[] { path }));
                }
                else
                {
                    Add(item);
                }
            }
            FlushTrace();
            foreach (var events in traceReading.ReadFiles(files))
            {
                foreach (var e in events)
                {
                    model.Add(TraceRecord.Of(e));
                }
            }
        }

        private DateTime? TimeParameter(string name)
        {
            return MyInvocation.BoundParameters.ContainsKey(name) ? (DateTime?)MyInvocation.BoundParameters[name] : null;
        }

        void IProtocolSink.Entry(SmtpLogEntry entry)
        {
            // The report reads sessions (ProtocolReadOptions.Sessions): the engine gives no lines.
        }

        [MethodImpl(Jit.Eager)]
        void IProtocolSink.Session(SmtpSession session)
        {
            model.Add(SessionRecord.Of(session));
        }

        [MethodImpl(Jit.Eager)]
        void ITrackingSink.Event(MessageTrackingEvent trackingEvent)
        {
            model.Add(TrackingRecord.Of(trackingEvent));
        }

        void ILogSink.LineError(NativeError error)
        {
            WriteError(error.ToErrorRecord());
        }

        void ILogSink.FileStarted(string path, int index, int count)
        {
            progress.Started(path, count);
        }

        void IProtocolSink.FileRestarted(string path, string message)
        {
            // The report does not follow files (no -Wait); a file cut while it is read is said all the same.
            WriteWarning(path + " " + message);
        }

        void ILogSink.FileDone(string path, HmfFileEvent stats)
        {
            progress.Done(path, stats);
        }
    }
}
