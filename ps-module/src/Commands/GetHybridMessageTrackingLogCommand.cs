using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using HybridMailFlow.Native;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// <para type="synopsis">Reads message tracking logs (MSGTRK*.LOG) as Get-MessageTrackingLog objects, on any computer.</para>
    /// <para type="description">
    /// The parameters of Get-MessageTrackingLog, applied by the engine to the raw rows before any object is made;
    /// a time range skips whole files by their name and #Date. Paths are gathered in ProcessRecord and read in
    /// EndProcessing, so that files piped one by one are merged into one time-ordered stream; events are written as
    /// they are read.
    /// </para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "HybridMessageTrackingLog", DefaultParameterSetName = "Path")]
    [OutputType(typeof(MessageTrackingEvent))]
    public sealed class GetHybridMessageTrackingLogCommand : RemoteReadCommand, ITrackingSink
    {
        internal static readonly string[] TrackingLogPrefixes = { "MSGTRK" };

        private LogPathList paths;
        private FileProgress progress;

        [Parameter(Position = 0, ParameterSetName = "Path", ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Path { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "FullName", "LP")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        [Parameter]
        public DateTime Start { get; set; }

        [Parameter]
        public DateTime End { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TrackingValueCompleter))]
        public string[] EventId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TrackingValueCompleter))]
        public string[] Source { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Sender { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] Recipients { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string MessageSubject { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string MessageId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string InternalMessageId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string NetworkMessageId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Reference { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string TransportTrafficType { get; set; }

        [Parameter]
        public string DomainController { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Server { get; set; }

        [Parameter]
        [ValidateNotNull]
        [ArgumentCompleter(typeof(ResultSizeCompleter))]
        public ResultSize ResultSize { get; set; }

        bool ILogSink.Stopping
        {
            get { return Stopping; }
        }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            LibraryLoader.EnsureLoaded();
            paths = new LogPathList(this);
            progress = new FileProgress(this, "Reading message tracking logs");
        }

        protected override void ProcessRecord()
        {
            if (GatherServers())
            {
                GatherForServers("Path", Path);
                GatherForServers("LiteralPath", LiteralPath);
                return;
            }
            // Only the parameter set's own values are bound; the other is null.
            paths.Add(Path, LiteralPath);
        }

        protected override void EndProcessing()
        {
            if (OnServers)
            {
                // Each server gives at most -ResultSize events; the oldest of them all are the answer.
                long left = ResultSize == null || !ResultSize.Value.HasValue ? long.MaxValue : ResultSize.Value.Value;
                if (left > 0)
                {
                    ReadOnServers("TimestampUtc", item =>
                    {
                        WriteObject(item);
                        return --left > 0;
                    });
                }
                return;
            }
            if (ParameterSetName == "Path" && Path == null)
            {
                paths.AddServerFolders("MessageTracking", "message tracking log");
            }
            if (MyInvocation.BoundParameters.ContainsKey("DomainController"))
            {
                WriteVerbose(string.Format("-DomainController {0} is ignored: the logs are read from their files, not through Active Directory.", DomainController));
            }
            paths.ReportFoldersWithoutLogs(TrackingLogPrefixes, "message tracking log (MSGTRK*.LOG: MSGTRK, MSGTRKMA, MSGTRKMD, MSGTRKMS)", false);
            if (paths.Paths.Count == 0)
            {
                return;
            }
            var options = new TrackingReadOptions
            {
                Paths = paths.Paths,
                Start = MyInvocation.BoundParameters.ContainsKey("Start") ? Start : (DateTime?)null,
                End = MyInvocation.BoundParameters.ContainsKey("End") ? End : (DateTime?)null,
                EventIds = EventId,
                Sources = Source,
                Sender = Sender,
                Recipients = Recipients,
                MessageSubject = MessageSubject,
                MessageId = MessageId,
                InternalMessageId = InternalMessageId,
                NetworkMessageId = NetworkMessageId,
                Reference = Reference,
                TransportTrafficType = TransportTrafficType,
                Server = Server,
                ResultSize = ResultSize == null ? null : ResultSize.Value,
                DefaultServer = paths.LocalServer(),
            };
            HmfStats stats;
            try
            {
                stats = MessageTrackingLogReader.Read(options, this);
            }
            catch (NativeException e)
            {
                ThrowTerminatingError(e.ToErrorRecord(null));
                return;
            }
            progress.Complete();
            WriteVerbose(VerboseSummary(stats));
        }

        internal static string VerboseSummary(HmfStats stats)
        {
            return string.Format(
                "Read {0} file(s) ({1} skipped by time, {2} by server, {3} not tracking logs), {4} line(s): {5} bad line(s) skipped, {6} incomplete last line(s) not read; {7} event(s).",
                stats.Files, stats.FilesSkippedByTime, stats.FilesSkippedByServer, stats.FilesRefused, stats.Lines, stats.SkippedLines, stats.TruncatedLines, stats.Rows);
        }

        void ITrackingSink.Event(MessageTrackingEvent trackingEvent)
        {
            WriteObject(trackingEvent);
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
    }

    /// <summary>Tab completion of -EventId and -Source with the values Exchange writes (others are accepted too).</summary>
    public sealed class TrackingValueCompleter : IArgumentCompleter
    {
        private static readonly string[] EventIds =
        {
            "AGENTINFO", "BADMAIL", "CLIENTSUBMISSION", "DEFER", "DELIVER", "DELIVERFAIL", "DROP", "DSN", "DUPLICATEDELIVER",
            "DUPLICATEEXPAND", "DUPLICATEREDIRECT", "EXPAND", "FAIL", "HADISCARD", "HARECEIVE", "HAREDIRECT", "HAREDIRECTFAIL",
            "INITMESSAGECREATED", "LOAD", "MODERATIONEXPIRE", "MODERATORAPPROVE", "MODERATORREJECT", "MODERATORSALLNDR", "NOTIFYMAPI",
            "NOTIFYSHADOW", "POISONMESSAGE", "PROCESS", "PROCESSMEETINGMESSAGE", "RECEIVE", "REDIRECT", "RESOLVE", "RESUBMIT",
            "RESUBMITDEFER", "RESUBMITFAIL", "SEND", "SENDEXTERNAL", "SUBMIT", "SUBMITDEFER", "SUBMITFAIL", "SUPPRESSED", "THROTTLE", "TRANSFER",
        };

        private static readonly string[] Sources =
        {
            "ADMIN", "AGENT", "APPROVAL", "BOOTLOADER", "DNS", "DSN", "GATEWAY", "MAILBOXRULE", "MEETINGMESSAGEPROCESSOR", "ORAR",
            "PICKUP", "POISONMESSAGE", "PUBLICFOLDER", "QUEUE", "REDUNDANCY", "ROUTING", "SAFETYNET", "SMTP", "STOREDRIVER",
        };

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var values = parameterName.Equals("Source", StringComparison.OrdinalIgnoreCase) ? Sources : EventIds;
            var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return values
                .Where(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(v => new CompletionResult(v, v, CompletionResultType.ParameterValue, v));
        }
    }
}
