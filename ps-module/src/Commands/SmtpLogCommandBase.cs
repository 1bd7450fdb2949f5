using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using HybridMailFlow.Native;

namespace HybridMailFlow.Commands
{
    /// <summary>Outcomes a session can have, for -Outcome (tab completion and validation).</summary>
    public enum SmtpOutcome
    {
        Delivered,
        Rejected,
        TempFailed,
        ConnectFailed,
        TlsFailed,
        AuthFailed,
        Dropped,
        NoMessage,
        Incomplete,
    }

    /// <summary>
    /// What Get-HybridSmtpLogEntry and Get-HybridSmtpSession share: paths, filters, tail and follow, and the
    /// loop that writes what the engine reads. Paths are gathered in ProcessRecord and read in EndProcessing,
    /// because a session spans files (the hourly roll) and files piped one by one must be read together; the
    /// objects themselves are written as they are read.
    /// </summary>
    public abstract class SmtpLogCommandBase : PSCmdlet, IProtocolSink
    {
        private readonly List<string> paths = new List<string>();
        private ProgressRecord progress;

        /// <summary>Files or folders; wildcards allowed. A folder means every RECV*/SEND* .LOG file under it.</summary>
        [Parameter(Position = 0, ParameterSetName = "Path", ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Path { get; set; }

        /// <summary>Files or folders, taken literally (no wildcards). Bound from Get-ChildItem output.</summary>
        [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "FullName", "LP")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        /// <summary>Only lines at or after this time (sessions that end at or after it). Local time unless the DateTime is UTC.</summary>
        [Parameter]
        public DateTime Start { get; set; }

        /// <summary>Only lines at or before this time (sessions that start at or before it).</summary>
        [Parameter]
        public DateTime End { get; set; }

        /// <summary>Only the last N, read from the newest files back (like Get-Content -Tail).</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int Tail { get; set; }

        /// <summary>Keep reading the newest file as Exchange writes it, through the hourly roll, until Ctrl+C.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] SessionId { get; set; }

        /// <summary>Remote address or CIDR range (40.92.0.0/15 is Exchange Online).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] RemoteAddress { get; set; }

        /// <summary>Connector id: wildcards, or without them any part of it.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Connector { get; set; }

        /// <summary>Only sessions (or lines of sessions) with these outcomes.</summary>
        [Parameter]
        public SmtpOutcome[] Outcome { get; set; }

        /// <summary>MAIL FROM address, exact or with wildcards.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Sender { get; set; }

        /// <summary>RCPT TO address, exact or with wildcards.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Recipient { get; set; }

        /// <summary>True for sessions, false for lines.</summary>
        protected abstract bool ReadsSessions { get; }

        bool IProtocolSink.Stopping
        {
            get { return Stopping; }
        }

        protected override void BeginProcessing()
        {
            LibraryLoader.EnsureLoaded();
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == "LiteralPath")
            {
                foreach (var p in LiteralPath)
                {
                    AddLiteral(SessionState.Path.GetUnresolvedProviderPathFromPSPath(p));
                }
            }
            else if (Path != null)
            {
                foreach (var p in Path)
                {
                    AddWildcard(p);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == "Path" && Path == null)
            {
                AddDefaultFolders();
            }
            if (paths.Count == 0)
            {
                return;
            }
            var options = new ProtocolReadOptions
            {
                Sessions = ReadsSessions,
                Paths = paths,
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
                DefaultServer = LocalServerFor(paths),
            };
            HmfProtocolStats stats;
            try
            {
                stats = ProtocolLogReader.Read(options, this);
            }
            catch (NativeException e)
            {
                ThrowTerminatingError(e.ToErrorRecord(null));
                return;
            }
            if (progress != null)
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
            WriteVerbose(string.Format(
                "Read {0} file(s) ({1} skipped by time), {2} line(s): {3} bad line(s) skipped, {4} incomplete last line(s) not read; {5} {6}.",
                stats.Files, stats.FilesSkippedByTime, stats.Lines, stats.SkippedLines, stats.TruncatedLines,
                ReadsSessions ? stats.Sessions : stats.Entries, ReadsSessions ? "session(s)" : "line(s) returned"));
        }

        void IProtocolSink.Entry(SmtpLogEntry entry)
        {
            WriteObject(entry);
        }

        void IProtocolSink.Session(SmtpSession session)
        {
            WriteObject(session);
        }

        void IProtocolSink.LineError(NativeError error)
        {
            WriteError(error.ToErrorRecord());
        }

        void IProtocolSink.FileStarted(string path, int index, int count)
        {
            if (count < 2)
            {
                return;
            }
            if (progress == null)
            {
                progress = new ProgressRecord(0x484D46, ReadsSessions ? "Rebuilding SMTP sessions" : "Reading SMTP protocol logs", "Starting");
            }
            progress.StatusDescription = System.IO.Path.GetFileName(path);
            progress.CurrentOperation = path;
            progress.PercentComplete = Math.Min(100, index * 100 / count);
            WriteProgress(progress);
        }

        void IProtocolSink.FileDone(string path, HmfFileEvent stats)
        {
            if (stats.SkippedByTime != 0)
            {
                WriteVerbose(string.Format("{0}: skipped unread, its name shows it is outside the time range.", path));
                return;
            }
            var text = string.Format("{0}: {1} line(s), {2} record(s)", path, stats.Lines, stats.Records);
            if (stats.SkippedLines > 0)
            {
                text += string.Format(", {0} bad line(s) skipped", stats.SkippedLines);
            }
            if (stats.TruncatedLines > 0)
            {
                text += ", last line incomplete (the file is still being written) and not read";
            }
            WriteVerbose(text + ".");
        }

        private void AddWildcard(string pattern)
        {
            ProviderInfo provider;
            System.Collections.ObjectModel.Collection<string> resolved;
            try
            {
                resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(pattern, out provider);
            }
            catch (ItemNotFoundException e)
            {
                WriteError(new ErrorRecord(e, "HybridMailFlow.PathNotFound", ErrorCategory.ObjectNotFound, pattern));
                return;
            }
            foreach (var p in resolved)
            {
                AddLiteral(p);
            }
        }

        /// <summary>A file, or a folder the engine searches for RECV*/SEND* logs.</summary>
        private void AddLiteral(string path)
        {
            if (Directory.Exists(path) || File.Exists(path))
            {
                paths.Add(path);
            }
            else
            {
                WriteError(new ErrorRecord(
                    new ItemNotFoundException(string.Format("Cannot find path '{0}' because it does not exist.", path)),
                    "HybridMailFlow.PathNotFound", ErrorCategory.ObjectNotFound, path));
            }
        }

        /// <summary>Without -Path: the local server's protocol-log folders, as Find-HybridLogPath finds them.</summary>
        private void AddDefaultFolders()
        {
            // Where Exchange is missing, the error below says so; Find-HybridLogPath's own would say it twice.
            var found = InvokeCommand.InvokeScript("Find-HybridLogPath -ExistingOnly -LogKind SmtpReceive, SmtpSend -ErrorAction Ignore");
            foreach (var item in found)
            {
                var path = item.Properties["Path"] == null ? null : item.Properties["Path"].Value as string;
                if (!string.IsNullOrEmpty(path))
                {
                    AddLiteral(path);
                }
            }
            if (paths.Count == 0)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ItemNotFoundException("No SMTP protocol log folder was found on this computer. Give the logs' folder with -Path (logs copied from a server work too)."),
                    "HybridMailFlow.NoLogFolder", ErrorCategory.ObjectNotFound, null));
            }
        }

        /// <summary>
        /// The server name for logs read where Exchange wrote them: their path does not name the server, and send
        /// connector ids do not either.
        /// </summary>
        private static string LocalServerFor(List<string> files)
        {
            var install = Environment.GetEnvironmentVariable("ExchangeInstallPath");
            if (string.IsNullOrEmpty(install))
            {
                return null;
            }
            return files.Any(f => f.StartsWith(install, StringComparison.OrdinalIgnoreCase)) ? Environment.MachineName : null;
        }
    }

    /// <summary>
    /// <para type="synopsis">Reads SMTP protocol-log lines as objects.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "HybridSmtpLogEntry", DefaultParameterSetName = "Path")]
    [OutputType(typeof(SmtpLogEntry))]
    public sealed class GetHybridSmtpLogEntryCommand : SmtpLogCommandBase
    {
        protected override bool ReadsSessions
        {
            get { return false; }
        }
    }

    /// <summary>
    /// <para type="synopsis">Rebuilds SMTP sessions from protocol logs, with TLS, AUTH, messages and the outcome.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "HybridSmtpSession", DefaultParameterSetName = "Path")]
    [OutputType(typeof(SmtpSession))]
    public sealed class GetHybridSmtpSessionCommand : SmtpLogCommandBase
    {
        protected override bool ReadsSessions
        {
            get { return true; }
        }
    }
}
