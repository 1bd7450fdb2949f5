using System;

namespace HybridMailFlow
{
    /// <summary>One line of an SMTP protocol log (PSTypeName HybridMailFlow.SmtpLogEntry).</summary>
    public sealed class SmtpLogEntry
    {
        /// <summary>The line's date-time, local (the module's one rule for time: see Times).</summary>
        public DateTime DateTime { get { return DateTimeUtc.ToLocalTime(); } }

        /// <summary>The line's date-time, UTC, as the log writes it.</summary>
        public DateTime DateTimeUtc { get; internal set; }

        /// <summary>DateTime under the name earlier versions gave the local time, for scripts that use it.</summary>
        public DateTime LocalTime { get { return DateTime; } }

        public string Server { get; internal set; }
        public string ConnectorId { get; internal set; }
        public string SessionId { get; internal set; }

        /// <summary>The sequence number; null when the line has none.</summary>
        public int? SequenceNumber { get; internal set; }

        public string LocalEndpoint { get; internal set; }
        public string RemoteEndpoint { get; internal set; }
        public string LocalAddress { get; internal set; }
        public int? LocalPort { get; internal set; }
        public string RemoteAddress { get; internal set; }
        public int? RemotePort { get; internal set; }

        /// <summary>The event as written: + (connect), - (disconnect), &gt; (send), &lt; (receive), * (information).</summary>
        public string Event { get; internal set; }

        /// <summary>Connect, Disconnect, Send, Receive or Information.</summary>
        public string EventName { get; internal set; }

        /// <summary>Receive (SmtpReceive log) or Send (SmtpSend log).</summary>
        public string Direction { get; internal set; }

        /// <summary>FrontEnd, Hub, Edge, MailboxDelivery, MailboxSubmission or Unknown, from the log's folder.</summary>
        public string Role { get; internal set; }

        public string Data { get; internal set; }
        public string Context { get; internal set; }

        /// <summary>The file the line is in.</summary>
        public string Path { get; internal set; }

        /// <summary>The 1-based line number in that file.</summary>
        public long LineNumber { get; internal set; }

        /// <summary>For a line that reports a failure: what it means and how to fix it, best first. Empty otherwise.</summary>
        public ValueList<SmtpErrorDiagnosis> Diagnosis { get; internal set; }

        public override string ToString()
        {
            return string.Format("{0:yyyy-MM-ddTHH:mm:ss.fffZ} {1} {2} {3} {4}", DateTime, SessionId, Event, Data, Context).TrimEnd();
        }

        internal static string EventNameOf(string symbol)
        {
            switch (symbol)
            {
                case "+": return "Connect";
                case "-": return "Disconnect";
                case ">": return "Send";
                case "<": return "Receive";
                default: return "Information";
            }
        }
    }
}
