using System;

namespace HybridMailFlow
{
    /// <summary>
    /// The path of one message to one recipient across on-premises servers and Exchange Online (PSTypeName
    /// HybridMailFlow.MessageTimeline): where it is now, why, its hops in time order, and what looks wrong.
    /// </summary>
    public sealed class MessageTimeline
    {
        public string MessageId { get; internal set; }
        public string NetworkMessageId { get; internal set; }
        public string Sender { get; internal set; }
        public string Recipient { get; internal set; }
        public string Subject { get; internal set; }

        /// <summary>DeliveredOnPremises, DeliveredInExchangeOnline, SentToInternet, Queued, Failed or Unknown.</summary>
        public string Location { get; internal set; }

        /// <summary>The server the message is at or was last seen on.</summary>
        public string LocationServer { get; internal set; }

        /// <summary>Where the message is, in a sentence.</summary>
        public string Summary { get; internal set; }

        /// <summary>The error of the hop that failed or deferred it.</summary>
        public string Error { get; internal set; }

        public string ErrorRuleId { get; internal set; }
        public string ErrorTitle { get; internal set; }

        /// <summary>The hops in time order.</summary>
        public ValueList<TimelineHop> Hops { get; internal set; }

        public int HopCount { get { return Hops.Count; } }

        /// <summary>What looks wrong: "MissingHop: ...", "SlowHop: ...", "ClockSkew: ...".</summary>
        public ValueList<string> Flags { get; internal set; }

        public string FlagsText { get { return string.Join(" | ", Flags); } }

        /// <summary>The first and last hop's time, local (the module's one rule for time: see Times).</summary>
        public DateTime? FirstSeen { get { return Times.Local(FirstSeenUtc); } }

        public DateTime? LastSeen { get { return Times.Local(LastSeenUtc); } }

        /// <summary>The first and last hop's time, UTC.</summary>
        public DateTime? FirstSeenUtc { get; internal set; }

        public DateTime? LastSeenUtc { get; internal set; }

        /// <summary>FirstSeen and LastSeen under the names earlier versions gave the local times, for scripts that use them.</summary>
        public DateTime? FirstSeenLocal { get { return FirstSeen; } }
        public DateTime? LastSeenLocal { get { return LastSeen; } }

        public TimeSpan? Duration { get { return FirstSeenUtc.HasValue && LastSeenUtc.HasValue ? LastSeenUtc - FirstSeenUtc : null; } }
    }

    /// <summary>One hop of a message's timeline (PSTypeName HybridMailFlow.TimelineHop); flat, for Export-Csv.</summary>
    public sealed class TimelineHop
    {
        /// <summary>The message and recipient of the timeline, so that exported hops stand alone.</summary>
        public string MessageId { get; internal set; }

        public string Recipient { get; internal set; }

        /// <summary>0-based place in the timeline.</summary>
        public int Index { get; internal set; }

        /// <summary>When it happened, local (the module's one rule for time: see Times).</summary>
        public DateTime Time { get { return TimeUtc.ToLocalTime(); } }

        /// <summary>When it happened, UTC.</summary>
        public DateTime TimeUtc { get; internal set; }

        /// <summary>Time under the name earlier versions gave the local time, for scripts that use it.</summary>
        public DateTime TimeLocal { get { return Time; } }
        public string Server { get; internal set; }

        /// <summary>FrontEnd, Hub, Edge, Mailbox or Exchange Online.</summary>
        public string Component { get; internal set; }

        public string Connector { get; internal set; }

        /// <summary>RECEIVE, SEND, DELIVER, FAIL... (tracking), SmtpReceive/SmtpSend (sessions), Receive, Send, Defer... (Exchange Online).</summary>
        public string Event { get; internal set; }

        /// <summary>MessageTracking, ProtocolLog or MessageTrace.</summary>
        public string Source { get; internal set; }

        public string Status { get; internal set; }

        /// <summary>Since the previous hop.</summary>
        public TimeSpan? Latency { get; internal set; }

        /// <summary>The SMTP session that carried the message.</summary>
        public string SessionId { get; internal set; }

        /// <summary>The other side: the client of a receive, the server of a send.</summary>
        public string Remote { get; internal set; }

        public string Sender { get; internal set; }
        public ValueList<string> Recipients { get; internal set; }
        public string RecipientsText { get { return string.Join("; ", Recipients); } }
        public string NetworkMessageId { get; internal set; }
        public string InternalId { get; internal set; }

        /// <summary>The InternalId and host the next hop's 250 2.6.0 reply named.</summary>
        public string NextInternalId { get; internal set; }

        public string NextHost { get; internal set; }
        public string Error { get; internal set; }
        public string ErrorRuleId { get; internal set; }
        public string ErrorTitle { get; internal set; }

        /// <summary>MessageId, InternalId, NetworkMessageId or Time: how the hop was tied to the message.</summary>
        public string JoinedBy { get; internal set; }

        /// <summary>Flags that concern this hop.</summary>
        public ValueList<string> Flags { get; internal set; }

        public string Path { get; internal set; }
        public long LineNumber { get; internal set; }

        /// <summary>One line per hop, so that a timeline's Hops export to CSV as its path, not as type names.</summary>
        public override string ToString()
        {
            return string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0:yyyy-MM-ddTHH:mm:ss.fffZ} {1} {2} {3} {4}", TimeUtc, Component, Event, Server, Status).TrimEnd();
        }
    }
}
