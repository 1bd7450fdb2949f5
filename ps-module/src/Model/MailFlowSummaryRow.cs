using System.Globalization;

namespace HybridMailFlow
{
    /// <summary>
    /// One row of a mail-flow summary (PSTypeName HybridMailFlow.MailFlowSummaryRow): a count in a category (events
    /// by EventId, sessions by Outcome, failures by error, top senders, events by hour, ...), or a latency
    /// percentile. One flat shape for every row, so that the summary reads as one table and exports to one CSV.
    /// </summary>
    public sealed class MailFlowSummaryRow
    {
        /// <summary>
        /// Total, EventId, Source, Outcome, Role, Connector, RemoteHost, ErrorCode, Failure, Sender, Recipient, Hour or
        /// Latency.
        /// </summary>
        public string Category { get; internal set; }

        /// <summary>What is counted: an event id, a connector, an error, an address, an hour (local time), a latency percentile.</summary>
        public string Name { get; internal set; }

        /// <summary>Events, sessions or messages counted; for Latency rows, the number of samples.</summary>
        public long Count { get; internal set; }

        /// <summary>Count as a percentage of the category's whole (events, sessions, failures or messages).</summary>
        public double? Percent { get; internal set; }

        /// <summary>For Latency rows: the percentile, in seconds.</summary>
        public double? Seconds { get; internal set; }

        /// <summary>What else helps: the diagnosis of a failure, the time span of the input.</summary>
        public string Detail { get; internal set; }

        public override string ToString()
        {
            return string.Format(CultureInfo.InvariantCulture, "{0} {1}: {2}", Category, Name, Seconds.HasValue ? Seconds.Value.ToString("0.###", CultureInfo.InvariantCulture) + " s" : Count.ToString(CultureInfo.InvariantCulture));
        }
    }
}
