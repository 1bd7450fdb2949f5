using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using HybridMailFlow.Native;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// Reads Exchange Online message trace exports (Get-MessageTrace, Get-MessageTraceV2, Get-MessageTraceDetail(V2)
    /// CSVs from Windows PowerShell 5.1 or PowerShell 7, the admin center's enhanced summary, extended and
    /// historical search reports) or the live objects of those cmdlets, as one normalized MessageTraceEvent shape.
    /// </summary>
    [Cmdlet(VerbsData.Import, "HybridMessageTrace", DefaultParameterSetName = "Path")]
    [OutputType(typeof(MessageTraceEvent))]
    public sealed class ImportHybridMessageTraceCommand : PSCmdlet, IDisposable
    {
        private TraceImporter importer;
        private int files;
        private int skippedRows;

        /// <summary>Export files; wildcards allowed.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Path { get; set; }

        /// <summary>Export files, taken literally (no wildcards). Bound from Get-ChildItem output.</summary>
        [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "FullName", "LP")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        /// <summary>Objects of Get-MessageTraceV2, Get-MessageTrace, Get-MessageTraceDetail(V2), or Import-Csv rows of their exports.</summary>
        [Parameter(Mandatory = true, ParameterSetName = "InputObject", ValueFromPipeline = true)]
        [ValidateNotNull]
        public PSObject[] InputObject { get; set; }

        protected override void BeginProcessing()
        {
            importer = new TraceImporter();
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == "InputObject")
            {
                Emit("InputObject", TraceCsv.FromObjects(InputObject), InputObject);
                return;
            }
            var list = new LogPathList(this);
            list.Add(Path, LiteralPath);
            foreach (var file in list.Paths)
            {
                if (Directory.Exists(file))
                {
                    WriteError(new ErrorRecord(new IOException(string.Format("'{0}' is a folder: give the export files (e.g. {0}{1}*.csv).", file, System.IO.Path.DirectorySeparatorChar)),
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
                    WriteError(new ErrorRecord(e, "HybridMailFlow.IoError", ErrorCategory.ReadError, file));
                    continue;
                }
                Emit(file, bytes, null);
            }
        }

        private void Emit(string name, byte[] bytes, object target)
        {
            files++;
            var issues = new List<TraceIssue>();
            List<MessageTraceEvent> events;
            try
            {
                events = importer.Read(name, bytes, issues);
            }
            catch (NativeException e)
            {
                WriteError(e.ToErrorRecord(target ?? name));
                return;
            }
            foreach (var issue in issues)
            {
                if (issue.IsWarning)
                {
                    WriteWarning(issue.Message);
                }
                else
                {
                    if (issue.Line > 0)
                    {
                        skippedRows++;
                    }
                    WriteError(issue.ToErrorRecord());
                }
            }
            WriteVerbose(string.Format("{0}: {1} events, {2} rows skipped", name, events.Count, issues.FindAll(i => !i.IsWarning && i.Line > 0).Count));
            foreach (var e in events)
            {
                WriteObject(e);
            }
        }

        protected override void EndProcessing()
        {
            WriteVerbose(string.Format("Import-HybridMessageTrace: {0} inputs read, {1} rows skipped.", files, skippedRows));
        }

        public void Dispose()
        {
            if (importer != null)
            {
                importer.Dispose();
            }
        }
    }
}
