using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using HybridMailFlow.Native;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// What Get-HybridSmtpLogEntry and Get-HybridSmtpSession share: paths, filters, tail and follow, and the
    /// loop that writes what the engine reads. Paths are gathered in ProcessRecord and read in EndProcessing,
    /// because a session spans files (the hourly roll) and files piped one by one must be read together; the
    /// objects themselves are written as they are read.
    /// </summary>
    public abstract class SmtpLogCommandBase : RemoteReadCommand, IProtocolSink
    {
        internal static readonly string[] ProtocolLogPrefixes = { "RECV", "SEND" };

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
        [ValidateRange(0, int.MaxValue)]
        public int Tail { get; set; }

        [Parameter]
        public SwitchParameter Wait { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] SessionId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] RemoteAddress { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Connector { get; set; }

        [Parameter]
        public SmtpOutcome[] Outcome { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Sender { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Recipient { get; set; }

        /// <summary>True for sessions, false for lines.</summary>
        protected abstract bool ReadsSessions { get; }

        bool ILogSink.Stopping
        {
            get { return Stopping; }
        }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            LibraryLoader.EnsureLoaded();
            paths = new LogPathList(this);
            progress = new FileProgress(this, ReadsSessions ? "Rebuilding SMTP sessions" : "Reading SMTP protocol logs");
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
                ReadOnServers();
                return;
            }
            if (ParameterSetName == "Path" && Path == null)
            {
                paths.AddServerFolders("SmtpReceive, SmtpSend", "SMTP protocol log");
            }
            paths.ReportFoldersWithoutLogs(ProtocolLogPrefixes, "SMTP protocol log (RECV*.LOG or SEND*.LOG)", Wait.IsPresent);
            if (paths.Paths.Count == 0)
            {
                return;
            }
            var options = new ProtocolReadOptions
            {
                Sessions = ReadsSessions,
                Paths = paths.Paths,
                Start = MyInvocation.BoundParameters.ContainsKey("Start") ? Start : (DateTime?)null,
                End = MyInvocation.BoundParameters.ContainsKey("End") ? End : (DateTime?)null,
                SessionIds = SessionId,
                RemoteAddresses = RemoteAddress,
                Connectors = Connector,
                Outcomes = Outcome == null ? null : Outcome.Select(o => o.ToString()).ToArray(),
                Senders = Sender,
                Recipients = Recipient,
                Tail = MyInvocation.BoundParameters.ContainsKey("Tail") ? Tail : (int?)null,
                Follow = Wait.IsPresent,
                DefaultServer = paths.LocalServer(),
            };
            HmfStats stats;
            try
            {
                stats = ProtocolLogReader.Read(options, this);
            }
            catch (NativeException e)
            {
                ThrowTerminatingError(e.ToErrorRecord(null));
                return;
            }
            progress.Complete();
            WriteVerbose(string.Format(
                "Read {0} file(s) ({1} skipped by time), {2} line(s): {3} bad line(s) skipped, {4} incomplete last line(s) not read; {5} {6}.",
                stats.Files, stats.FilesSkippedByTime, stats.Lines, stats.SkippedLines, stats.TruncatedLines,
                ReadsSessions ? stats.Sessions : stats.Rows, ReadsSessions ? "session(s)" : "line(s) returned"));
        }

        /// <summary>Each server reads its own logs; -Tail keeps the newest of them all, as on one server.</summary>
        private void ReadOnServers()
        {
            if (Wait.IsPresent)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("-Wait follows the logs of this computer only: on servers, run the command in Invoke-Command, one server at a time."),
                    "HybridMailFlow.WaitOnServers", ErrorCategory.InvalidArgument, null));
            }
            var newest = MyInvocation.BoundParameters.ContainsKey("Tail") ? new Queue<PSObject>() : null;
            ReadOnServers(ReadsSessions ? "StartUtc" : "DateTimeUtc", item =>
            {
                if (newest == null)
                {
                    WriteObject(item);
                    return true;
                }
                newest.Enqueue(item);
                if (newest.Count > Tail)
                {
                    newest.Dequeue();
                }
                return true;
            });
            if (newest != null)
            {
                WriteObject(newest, true);
            }
        }

        [MethodImpl(Jit.Eager)]
        void IProtocolSink.Entry(SmtpLogEntry entry)
        {
            WriteObject(entry);
        }

        [MethodImpl(Jit.Eager)]
        void IProtocolSink.Session(SmtpSession session)
        {
            WriteObject(session);
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

        void IProtocolSink.FileRestarted(string path, string message)
        {
            WriteWarning(path + " " + message);
        }
    }
}
