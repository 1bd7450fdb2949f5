using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using HybridMailFlow.Native;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// The files and folders a log command was given: -Path wildcards resolved, -LiteralPath (and Get-ChildItem
    /// output) taken as is, and a path that does not exist reported as a non-terminating error.
    /// </summary>
    internal sealed class LogPathList
    {
        private readonly PSCmdlet cmdlet;

        public LogPathList(PSCmdlet cmdlet)
        {
            this.cmdlet = cmdlet;
        }

        public List<string> Paths { get; } = new List<string>();

        /// <summary>Every -Path (wildcards) and -LiteralPath value a cmdlet was given; either may be null.</summary>
        public void Add(string[] wildcards, string[] literals)
        {
            foreach (var pattern in wildcards ?? new string[0])
            {
                AddWildcard(pattern);
            }
            foreach (var literal in literals ?? new string[0])
            {
                AddLiteral(literal);
            }
        }

        public void AddLiteral(string psPath)
        {
            AddExisting(cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(psPath));
        }

        public void AddWildcard(string pattern)
        {
            ProviderInfo provider;
            System.Collections.ObjectModel.Collection<string> resolved;
            try
            {
                resolved = cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(pattern, out provider);
            }
            catch (ItemNotFoundException e)
            {
                cmdlet.WriteError(new ErrorRecord(e, "HybridMailFlow.PathNotFound", ErrorCategory.ObjectNotFound, pattern));
                return;
            }
            foreach (var p in resolved)
            {
                AddExisting(p);
            }
        }

        /// <summary>A file, or a folder the engine searches for logs.</summary>
        public void AddExisting(string path)
        {
            if (Directory.Exists(path) || File.Exists(path))
            {
                Paths.Add(path);
            }
            else
            {
                cmdlet.WriteError(new ErrorRecord(
                    new ItemNotFoundException(string.Format("Cannot find path '{0}' because it does not exist.", path)),
                    "HybridMailFlow.PathNotFound", ErrorCategory.ObjectNotFound, path));
            }
        }

        /// <summary>
        /// The server name for logs read where Exchange wrote them: their path does not name the server. Null when
        /// the logs are not under this computer's Exchange installation.
        /// </summary>
        public string LocalServer()
        {
            var install = Environment.GetEnvironmentVariable("ExchangeInstallPath");
            if (string.IsNullOrEmpty(install))
            {
                return null;
            }
            return Paths.Any(f => f.StartsWith(install, StringComparison.OrdinalIgnoreCase)) ? Environment.MachineName : null;
        }
    }

    /// <summary>Write-Progress over the files a command reads, and each file's counts in the verbose stream.</summary>
    internal sealed class FileProgress
    {
        private readonly PSCmdlet cmdlet;
        private readonly string activity;
        private ProgressRecord progress;

        public FileProgress(PSCmdlet cmdlet, string activity)
        {
            this.cmdlet = cmdlet;
            this.activity = activity;
        }

        public void Started(string path, int index, int count)
        {
            if (count < 2)
            {
                return;
            }
            if (progress == null)
            {
                progress = new ProgressRecord(0x484D46, activity, "Starting");
            }
            progress.StatusDescription = Path.GetFileName(path);
            progress.CurrentOperation = path;
            progress.PercentComplete = Math.Min(100, index * 100 / count);
            cmdlet.WriteProgress(progress);
        }

        public void Done(string path, HmfFileEvent stats)
        {
            if (stats.SkippedByTime != 0)
            {
                cmdlet.WriteVerbose(string.Format("{0}: skipped unread, it is outside the time range.", path));
                return;
            }
            if (stats.SkippedByServer != 0)
            {
                cmdlet.WriteVerbose(string.Format("{0}: skipped unread, it comes from another server.", path));
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
            cmdlet.WriteVerbose(text + ".");
            if (stats.RepairedLines > 0)
            {
                cmdlet.WriteWarning(string.Format(
                    "{0}: {1} damaged line(s) read after a repair, the first on line {2} (trailing fields missing, read as empty; an empty event column, read as '*').",
                    path, stats.RepairedLines, stats.FirstRepairedLine));
            }
        }

        public void Complete()
        {
            if (progress != null)
            {
                progress.RecordType = ProgressRecordType.Completed;
                cmdlet.WriteProgress(progress);
            }
        }
    }
}
