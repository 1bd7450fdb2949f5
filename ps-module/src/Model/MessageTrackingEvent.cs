using System;
using System.Collections.Generic;
using System.Globalization;

namespace HybridMailFlow
{
    /// <summary>
    /// One message-tracking event (PSTypeName HybridMailFlow.MessageTrackingEvent): the properties of
    /// Get-MessageTrackingLog, with the same names and types, so that scripts written for it keep working; then
    /// where the row is, text forms of the lists, the parsed recipient statuses and latency, and the diagnosis.
    /// </summary>
    public sealed class MessageTrackingEvent
    {
        /// <summary>The event's time in this computer's time zone, as Get-MessageTrackingLog gives it.</summary>
        public DateTime Timestamp { get { return TimestampUtc.ToLocalTime(); } }

        public string ClientIp { get; internal set; }
        public string ClientHostname { get; internal set; }
        public string ServerIp { get; internal set; }
        public string ServerHostname { get; internal set; }
        public string SourceContext { get; internal set; }
        public string ConnectorId { get; internal set; }
        public string Source { get; internal set; }
        public string EventId { get; internal set; }
        public long? InternalMessageId { get; internal set; }
        public string MessageId { get; internal set; }
        public string NetworkMessageId { get; internal set; }

        /// <summary>recipient-address: one address per recipient.</summary>
        public ValueList<string> Recipients { get; internal set; }

        /// <summary>One status per recipient, in the order of Recipients.</summary>
        public ValueList<string> RecipientStatus { get; internal set; }

        public int? TotalBytes { get; internal set; }
        public int? RecipientCount { get; internal set; }
        public string RelatedRecipientAddress { get; internal set; }
        public ValueList<string> Reference { get; internal set; }
        public string MessageSubject { get; internal set; }

        /// <summary>sender-address.</summary>
        public string Sender { get; internal set; }

        public string ReturnPath { get; internal set; }

        /// <summary>message-info as written: the origination time and latency breakdowns, or a short code.</summary>
        public string MessageInfo { get; internal set; }

        /// <summary>For SEND and DELIVER, whose MessageInfo starts with the message's origination time: Timestamp minus it.</summary>
        public TimeSpan? MessageLatency
        {
            get { return HasEndToEndLatency ? TimestampUtc - OriginationTimeUtc.Value : (TimeSpan?)null; }
        }

        /// <summary>EndToEnd when MessageLatency is known, else None.</summary>
        public string MessageLatencyType { get { return HasEndToEndLatency ? "EndToEnd" : "None"; } }

        /// <summary>Incoming, Originating or Undefined.</summary>
        public string Directionality { get; internal set; }

        public string TenantId { get; internal set; }
        public string OriginalClientIp { get; internal set; }
        public string OriginalServerIp { get; internal set; }

        /// <summary>custom-data as key/value pairs; I32 values are numbers, Dt values UTC times, the others text.</summary>
        public ValueList<KeyValuePair<string, object>> EventData { get; internal set; }

        public string TransportTrafficType { get; internal set; }
        public string SchemaVersion { get; internal set; }

        /// <summary>The event's time, UTC, as written in the log.</summary>
        public DateTime TimestampUtc { get; internal set; }

        /// <summary>The file the row is in.</summary>
        public string Path { get; internal set; }

        /// <summary>The 1-based line of the row in that file.</summary>
        public long LineNumber { get; internal set; }

        /// <summary>The file's #Version: the Exchange build that wrote it.</summary>
        public string LogVersion { get; internal set; }

        public string LogId { get; internal set; }

        public string RecipientsText { get { return Recipients.ToString(); } }
        public string RecipientStatusText { get { return RecipientStatus.ToString(); } }
        public string ReferenceText { get { return Reference.ToString(); } }
        public string EventDataText { get { return EventData.ToString(); } }

        /// <summary>
        /// When a recipient status has the bracketed form ([{LED=...};{MSG=...};{FQDN=...};{IP=...};{LRT=...}]): one
        /// entry per recipient with the parts of its status. Empty otherwise.
        /// </summary>
        public ValueList<TrackingRecipientStatus> RecipientStatusDetails { get; internal set; }

        /// <summary>LED (last error) of the first bracketed recipient status.</summary>
        public string StatusLED { get { return FirstDetail(d => d.LED); } }

        /// <summary>MSG of the first bracketed recipient status.</summary>
        public string StatusMSG { get { return FirstDetail(d => d.MSG); } }

        /// <summary>FQDN (the host last tried) of the first bracketed recipient status.</summary>
        public string StatusFQDN { get { return FirstDetail(d => d.FQDN); } }

        /// <summary>IP (the address last tried) of the first bracketed recipient status.</summary>
        public string StatusIP { get { return FirstDetail(d => d.IP); } }

        /// <summary>LRT (last retry time) of the first bracketed recipient status.</summary>
        public string StatusLRT { get { return FirstDetail(d => d.LRT); } }

        /// <summary>The origination time leading MessageInfo, in this computer's time zone.</summary>
        public DateTime? OriginationTime
        {
            get { return OriginationTimeUtc.HasValue ? OriginationTimeUtc.Value.ToLocalTime() : (DateTime?)null; }
        }

        public DateTime? OriginationTimeUtc { get; internal set; }

        /// <summary>The latency breakdowns of MessageInfo (TOTAL-HUB=0.453|SMR=0.209(...)|...), each breakdown's total first.</summary>
        public ValueList<MessageLatencyComponent> LatencyComponents { get; internal set; }

        public string LatencyComponentsText { get { return LatencyComponents.ToString(); } }

        /// <summary>The TOTAL-* seconds of the first latency breakdown.</summary>
        public double? LatencyTotalSeconds
        {
            get
            {
                foreach (var component in LatencyComponents)
                {
                    if (component.IsTotal)
                    {
                        return component.Seconds;
                    }
                }
                return null;
            }
        }

        /// <summary>
        /// For FAIL, DEFER, DROP and the other failure events: what the failure means and how to fix it, best first.
        /// A DSN carries the diagnosis of the failure it reports. Empty for other events.
        /// </summary>
        public ValueList<SmtpErrorDiagnosis> Diagnosis { get; internal set; }

        public override string ToString()
        {
            return string.Format(CultureInfo.InvariantCulture, "{0:yyyy-MM-ddTHH:mm:ss.fffZ} {1} {2} {3} {4}", TimestampUtc, EventId, Source, Sender, RecipientsText).TrimEnd();
        }

        private bool HasEndToEndLatency
        {
            get
            {
                return OriginationTimeUtc.HasValue
                    && (string.Equals(EventId, "SEND", StringComparison.OrdinalIgnoreCase) || string.Equals(EventId, "DELIVER", StringComparison.OrdinalIgnoreCase));
            }
        }

        private string FirstDetail(Func<TrackingRecipientStatus, string> part)
        {
            foreach (var detail in RecipientStatusDetails)
            {
                if (detail.LED != null)
                {
                    return part(detail);
                }
            }
            return null;
        }
    }

    /// <summary>One recipient's status in the bracketed form, taken apart (PSTypeName HybridMailFlow.TrackingRecipientStatus).</summary>
    public sealed class TrackingRecipientStatus
    {
        public string Recipient { get; internal set; }

        /// <summary>The status as written.</summary>
        public string Status { get; internal set; }

        /// <summary>The last error: the SMTP response. Null when the status is not bracketed.</summary>
        public string LED { get; internal set; }

        public string MSG { get; internal set; }

        /// <summary>The host last tried.</summary>
        public string FQDN { get; internal set; }

        /// <summary>The address last tried.</summary>
        public string IP { get; internal set; }

        /// <summary>The last retry time, as written.</summary>
        public string LRT { get; internal set; }

        public override string ToString()
        {
            return string.IsNullOrEmpty(Recipient) ? Status : Recipient + ": " + Status;
        }
    }

    /// <summary>One component of a message-info latency breakdown (PSTypeName HybridMailFlow.MessageLatencyComponent).</summary>
    public sealed class MessageLatencyComponent
    {
        /// <summary>The server the breakdown is for.</summary>
        public string Server { get; internal set; }

        /// <summary>True when written LSRV= (the local server).</summary>
        public bool IsLocal { get; internal set; }

        /// <summary>True for the breakdown's TOTAL-&lt;stage&gt; component (TOTAL-HUB, TOTAL-SUB, TOTAL-DEL, ...).</summary>
        public bool IsTotal { get; internal set; }

        /// <summary>SMR, SMRC, CAT, QDE, TOTAL-HUB, ...</summary>
        public string Name { get; internal set; }

        /// <summary>The names from the top level down: SMR/SMRC/SMRCL.</summary>
        public string Path { get; internal set; }

        /// <summary>0 at the top level, 1 inside one pair of parentheses, ...</summary>
        public int Depth { get; internal set; }

        public double Seconds { get; internal set; }

        public override string ToString()
        {
            return Path + "=" + Seconds.ToString("0.###", CultureInfo.InvariantCulture);
        }
    }
}
