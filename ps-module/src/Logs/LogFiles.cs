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
        /// Each folder given that holds no log of the kind a command reads (no file whose name starts with one of
        /// <paramref name="prefixes"/> and ends in .LOG, in it or below it) is a non-terminating error naming the
        /// folder and the files expected, and leaves the list. With <paramref name="waiting"/> (-Wait) a warning says
        /// the command waits for the first such file instead, and when no path holds one yet, it waits (until
        /// Ctrl+C) for one to be written.
        /// </summary>
        public void ReportFoldersWithoutLogs(string[] prefixes, string expected, bool waiting)
        {
            var empty = Paths.Where(p => Directory.Exists(p) && !HoldsLogs(p, prefixes)).ToList();
            foreach (var folder in empty)
            {
                if (waiting)
                {
                    cmdlet.WriteWarning(string.Format("'{0}' holds no {1} yet: waiting for the first one to be written (Ctrl+C to stop).", folder, expected));
                    continue;
                }
                cmdlet.WriteError(new ErrorRecord(
                    new ItemNotFoundException(string.Format("'{0}' holds no {1}, in it or in its subfolders: nothing was read from it.", folder, expected)),
                    "HybridMailFlow.NoLogs", ErrorCategory.ObjectNotFound, folder));
            }
            if (waiting && empty.Count == Paths.Count)
            {
                while (!cmdlet.Stopping && !empty.Any(folder => HoldsLogs(folder, prefixes)))
                {
                    System.Threading.Thread.Sleep(250);
                }
            }
            // The engine would say the same of a folder still empty, once more.
            Paths.RemoveAll(p => empty.Contains(p) && !HoldsLogs(p, prefixes));
        }

        private static bool HoldsLogs(string folder, string[] prefixes)
        {
            try
            {
                return Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                    .Select(System.IO.Path.GetFileName)
                    .Any(name => name.EndsWith(".LOG", StringComparison.OrdinalIgnoreCase)
                        && prefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)));
            }
            catch (UnauthorizedAccessException)
            {
                // A subfolder this account cannot list: the engine reads what it can, and says what it could not.
                return true;
            }
            catch (IOException)
            {
                return true;
            }
        }

        /// <summary>
        /// Without a path: this server's log folders of these kinds (Find-HybridLogPath's -LogKind values), as
        /// Find-HybridLogPath finds them. When none is found and <paramref name="kind"/> is given, a terminating
        /// error says so.
        /// </summary>
        public void AddServerFolders(string logKinds, string kind)
        {
            // Where Exchange is missing, the error below says so; Find-HybridLogPath's own would say it twice.
            foreach (var item in cmdlet.InvokeCommand.InvokeScript("Find-HybridLogPath -ExistingOnly -LogKind " + logKinds + " -ErrorAction Ignore"))
            {
                var path = item.Properties["Path"] == null ? null : item.Properties["Path"].Value as string;
                if (!string.IsNullOrEmpty(path))
                {
                    AddExisting(path);
                }
            }
            if (Paths.Count == 0 && kind != null)
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(
                    new ItemNotFoundException("No " + kind + " folder was found on this computer. Give the logs' folder with -Path (logs copied from a server work too)."),
                    "HybridMailFlow.NoLogFolder", ErrorCategory.ObjectNotFound, null));
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

    /// <summary>
    /// Write-Progress over the files a command reads, and each file's counts in the verbose stream. The percentage
    /// is the share of the files reached so far, read or skipped unread: readers that run side by side number
    /// their files each from their own first one, so the numbers the engine gives interleave and would make the
    /// bar go back; a count of files reached only grows.
    /// </summary>
    internal sealed class FileProgress
    {
        private const int ActivityId = 0x484D46;
        private readonly PSCmdlet cmdlet;
        private readonly string activity;
        private int filesReached;
        private int percent = -1;
        private bool written;

        public FileProgress(PSCmdlet cmdlet, string activity)
        {
            this.cmdlet = cmdlet;
            this.activity = activity;
        }

        public void Started(string path, int count)
        {
            filesReached++;
            if (count < 2)
            {
                return;
            }
            // -Wait follows files that did not exist when the count was made.
            percent = Math.Max(percent, Math.Min(100, (filesReached - 1) * 100 / count));
            // A record of its own each time: a host may keep the records it is given (PowerShell.Streams.Progress does).
            cmdlet.WriteProgress(new ProgressRecord(ActivityId, activity, Path.GetFileName(path))
            {
                CurrentOperation = path,
                PercentComplete = percent,
            });
            written = true;
        }

        public void Done(string path, HmfFileEvent stats)
        {
            if (stats.SkippedByTime != 0 || stats.SkippedByServer != 0)
            {
                filesReached++;
            }
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
            if (written)
            {
                cmdlet.WriteProgress(new ProgressRecord(ActivityId, activity, "Done")
                {
                    PercentComplete = 100,
                    RecordType = ProgressRecordType.Completed,
                });
            }
        }
    }
}
