using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using HybridMailFlow.Native;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// Exchange Online trace read for a cmdlet: export files, or objects as their CSV, through the engine's importer;
    /// the problems it finds are the cmdlet's warnings (values lost at export) and errors (file and line).
    /// </summary>
    internal sealed class TraceReading : IDisposable
    {
        private readonly PSCmdlet cmdlet;
        private readonly TraceImporter importer = new TraceImporter();

        public TraceReading(PSCmdlet cmdlet)
        {
            this.cmdlet = cmdlet;
        }

        /// <summary>Exports and object batches read.</summary>
        public int Inputs { get; private set; }

        /// <summary>Rows skipped as bad, over all inputs.</summary>
        public int SkippedRows { get; private set; }

        /// <summary>The events of one export (or of objects' CSV, named "InputObject"); none when the importer refused it.</summary>
        public List<MessageTraceEvent> Read(string name, byte[] bytes, object target)
        {
            Inputs++;
            var issues = new List<TraceIssue>();
            List<MessageTraceEvent> events;
            try
            {
                events = importer.Read(name, bytes, issues);
            }
            catch (NativeException e)
            {
                cmdlet.WriteError(e.ToErrorRecord(target ?? name));
                return new List<MessageTraceEvent>();
            }
            var skipped = 0;
            foreach (var issue in issues)
            {
                if (issue.IsWarning)
                {
                    cmdlet.WriteWarning(issue.Message);
                    continue;
                }
                skipped += issue.Line > 0 ? 1 : 0;
                cmdlet.WriteError(issue.ToErrorRecord());
            }
            SkippedRows += skipped;
            cmdlet.WriteVerbose(string.Format("{0}: {1} events, {2} rows skipped", name, events.Count, skipped));
            return events;
        }

        public List<MessageTraceEvent> Read(IList<PSObject> objects)
        {
            return Read("InputObject", TraceCsv.FromObjects(objects), objects);
        }

        /// <summary>Each export file's events; a folder or an unreadable file is an error, and the next file is read.</summary>
        public IEnumerable<List<MessageTraceEvent>> ReadFiles(IEnumerable<string> files)
        {
            foreach (var file in files)
            {
                if (Directory.Exists(file))
                {
                    cmdlet.WriteError(new ErrorRecord(new IOException(string.Format("'{0}' is a folder: give the export files (e.g. {0}{1}*.csv).", file, Path.DirectorySeparatorChar)),
                        "HybridMailFlow.PathIsFolder", ErrorCategory.InvalidArgument, file));
                    continue;
                }
                byte[] bytes;
                try
                {
                    bytes = File.ReadAllBytes(file);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    cmdlet.WriteError(new ErrorRecord(e, "HybridMailFlow.IoError", ErrorCategory.ReadError, file));
                    continue;
                }
                yield return Read(file, bytes, null);
            }
        }

        public void Dispose()
        {
            importer.Dispose();
        }
    }
}
