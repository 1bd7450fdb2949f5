using System;

namespace HybridMailFlow
{
    /// <summary>
    /// The report Export-HybridMailFlowReport wrote (PSTypeName HybridMailFlow.MailFlowReport): where, how big, and
    /// what it counted; the same figures as the page's overview.
    /// </summary>
    public sealed class MailFlowReport
    {
        /// <summary>The HTML file written.</summary>
        public string Path { get; internal set; }

        /// <summary>Its size in bytes.</summary>
        public long Length { get; internal set; }

        public long Sessions { get; internal set; }
        public long TrackingEvents { get; internal set; }
        public long TraceEvents { get; internal set; }
        public long Timelines { get; internal set; }
        public long Queues { get; internal set; }
        public long Checks { get; internal set; }

        /// <summary>Findings of Resolve-HybridSmtpError given as input.</summary>
        public long ErrorTexts { get; internal set; }

        /// <summary>Failed sessions, failure events, failed or deferred trace events, timelines with an error, queues needing attention and error texts.</summary>
        public long Failures { get; internal set; }

        /// <summary>The diagnoses the failures are grouped under.</summary>
        public int Diagnoses { get; internal set; }

        /// <summary>The servers the input names.</summary>
        public ValueList<string> Servers { get; internal set; }

        /// <summary>The first and last time in the input, local time (the module's one rule for time).</summary>
        public DateTime? First { get { return Times.Local(FirstUtc); } }

        public DateTime? Last { get { return Times.Local(LastUtc); } }

        public DateTime? FirstUtc { get; internal set; }

        public DateTime? LastUtc { get; internal set; }

        /// <summary>From the command's start to the file written: reading the logs it was given, counting, writing.</summary>
        public TimeSpan Elapsed { get; internal set; }

        public override string ToString()
        {
            return Path;
        }
    }
}
