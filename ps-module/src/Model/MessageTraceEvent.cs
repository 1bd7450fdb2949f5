using System;

namespace HybridMailFlow
{
    /// <summary>
    /// One Exchange Online message trace event (PSTypeName HybridMailFlow.MessageTraceEvent), whatever it was read
    /// from: Get-MessageTrace(V2) and Get-MessageTraceDetail(V2) exports or objects, or the admin center's reports.
    /// The names of Get-MessageTraceV2 first, then the detail and report columns, then the reason taken apart.
    /// </summary>
    public sealed class MessageTraceEvent
    {
        /// <summary>
        /// When Exchange Online received the message (summary rows) or logged the event (detail and report rows),
        /// local (the module's one rule for time: see Times; Get-MessageTraceV2 itself gives UTC, here ReceivedUtc).
        /// </summary>
        public DateTime Received { get { return ReceivedUtc.ToLocalTime(); } }

        /// <summary>The same instant, UTC, as Exchange Online exports it.</summary>
        public DateTime ReceivedUtc { get; internal set; }

        /// <summary>Received under the name earlier versions gave the local time, for scripts that use it.</summary>
        public DateTime ReceivedLocal { get { return Received; } }

        public string SenderAddress { get; internal set; }
        public string RecipientAddress { get; internal set; }
        public string Subject { get; internal set; }

        /// <summary>Delivered, Failed, Pending, Expanded, FilteredAsSpam, Quarantined, GettingStatus or None.</summary>
        public string Status { get; internal set; }

        public string FromIP { get; internal set; }
        public string ToIP { get; internal set; }
        public long? Size { get; internal set; }
        public string MessageId { get; internal set; }
        public string MessageTraceId { get; internal set; }

        /// <summary>The id Exchange Online and on-premises message tracking both log (Get-MessageTrace's MessageTraceId).</summary>
        public string NetworkMessageId { get; internal set; }

        public string Organization { get; internal set; }

        /// <summary>Receive, Send, Deliver, Fail, Defer, Expand, Transfer... (detail and report rows).</summary>
        public string Event { get; internal set; }

        /// <summary>The events a report lists for this recipient, in order (recipient_status).</summary>
        public ValueList<string> Events { get; internal set; }

        public string EventsText { get { return string.Join(", ", Events); } }

        public string Action { get; internal set; }
        public string Detail { get; internal set; }

        /// <summary>The Data XML of a detail row, as exported.</summary>
        public string Data { get; internal set; }

        /// <summary>The message event properties of Data, as Name=Value.</summary>
        public ValueList<string> DataProperties { get; internal set; }

        /// <summary>The Exchange Online server that logged the event.</summary>
        public string ServerHostname { get; internal set; }

        public string ConnectorId { get; internal set; }
        public string ClientIp { get; internal set; }
        public string ClientHostname { get; internal set; }
        public string ServerIp { get; internal set; }
        public string Source { get; internal set; }
        public string SourceContext { get; internal set; }
        public string Directionality { get; internal set; }
        public string InternalMessageId { get; internal set; }
        public string ReturnPath { get; internal set; }
        public string CustomData { get; internal set; }

        /// <summary>The error text of a Fail or Defer (the Detail, or a report's recipient status), else null.</summary>
        public string Reason { get; internal set; }

        /// <summary>The {LED=...} of the reason: the SMTP response Exchange Online got or gave.</summary>
        public string ReasonLed { get; internal set; }

        public int? ReasonCode { get; internal set; }
        public string ReasonEnhancedCode { get; internal set; }

        /// <summary>[LastAttemptedServerName=...] or {FQDN=...}.</summary>
        public string LastAttemptedServer { get; internal set; }

        /// <summary>[LastAttemptedIP=...] or {IP=...}.</summary>
        public string LastAttemptedIp { get; internal set; }

        public string OutboundProxyTargetIp { get; internal set; }
        public string OutboundProxyTargetHostname { get; internal set; }

        /// <summary>The knowledge base's rule for the reason.</summary>
        public string ReasonRuleId { get; internal set; }

        public string ReasonTitle { get; internal set; }

        /// <summary>What the reason means, its likely causes and the fix (Resolve-HybridSmtpError's objects).</summary>
        public ValueList<SmtpErrorDiagnosis> Diagnosis { get; internal set; }

        /// <summary>MessageTrace, MessageTraceDetail, EnhancedSummary or ExtendedReport.</summary>
        public string Format { get; internal set; }

        /// <summary>The file read, or "InputObject" for objects from the pipeline.</summary>
        public string Path { get; internal set; }

        public long LineNumber { get; internal set; }
    }
}
