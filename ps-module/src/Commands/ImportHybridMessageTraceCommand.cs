using System;
using System.Management.Automation;

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
        private TraceReading reading;

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Path { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "FullName", "LP")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = "InputObject", ValueFromPipeline = true)]
        [ValidateNotNull]
        public PSObject[] InputObject { get; set; }

        protected override void BeginProcessing()
        {
            reading = new TraceReading(this);
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == "InputObject")
            {
                WriteObject(reading.Read(InputObject), true);
                return;
            }
            var list = new LogPathList(this);
            list.Add(Path, LiteralPath);
            foreach (var events in reading.ReadFiles(list.Paths))
            {
                WriteObject(events, true);
            }
        }

        protected override void EndProcessing()
        {
            WriteVerbose(string.Format("Import-HybridMessageTrace: {0} inputs read, {1} rows skipped.", reading.Inputs, reading.SkippedRows));
        }

        public void Dispose()
        {
            if (reading != null)
            {
                reading.Dispose();
            }
        }
    }
}
