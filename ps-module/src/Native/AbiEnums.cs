using System;

namespace HybridMailFlow.Native
{
    /// <summary>
    /// Marks a C# mirror of an enum of the C ABI: its name in include/hybridmailflow.h and the prefix of its members
    /// there (HMF_ITEM_ + FileStarted = HMF_ITEM_FILE_STARTED). tests/pester/Abi.Tests.ps1 compares every marked enum
    /// with the header, names and values both ways, so that a value added or renumbered in the engine fails a test
    /// instead of being read as another.
    /// </summary>
    [AttributeUsage(AttributeTargets.Enum)]
    internal sealed class AbiEnumAttribute : Attribute
    {
        public AbiEnumAttribute(string cName, string memberPrefix)
        {
            CName = cName;
            MemberPrefix = memberPrefix;
        }

        public string CName { get; private set; }

        public string MemberPrefix { get; private set; }
    }

    /// <summary>hmf_item.kind: what an item of a batch holds.</summary>
    [AbiEnum("hmf_item_kind", "HMF_ITEM_")]
    internal enum ItemKind : uint
    {
        Entry = 1,
        Session = 2,
        Error = 3,
        FileStarted = 4,
        FileDone = 5,
        TrackingEvent = 6,
        FileRestarted = 7,
    }

    /// <summary>hmf_batch_view.state.</summary>
    [AbiEnum("hmf_batch_state", "HMF_BATCH_")]
    internal enum BatchState : uint
    {
        More = 0,
        Pending = 1,
        End = 2,
    }

    /// <summary>hmf_reader_new: a log's rows as written (protocol lines, tracking events) or protocol sessions.</summary>
    [AbiEnum("hmf_read_mode", "HMF_READ_")]
    internal enum ReadMode : uint
    {
        Entries = 0,
        Sessions = 1,
    }

    /// <summary>hmf_reader_add_filter's kinds for protocol logs.</summary>
    [AbiEnum("hmf_protocol_filter", "HMF_FILTER_")]
    internal enum ProtocolFilter : uint
    {
        SessionId = 1,
        RemoteAddress = 2,
        Connector = 3,
        Outcome = 4,
        Sender = 5,
        Recipient = 6,
    }

    /// <summary>The direction of a protocol log's entries and sessions.</summary>
    [AbiEnum("hmf_direction", "HMF_DIRECTION_")]
    internal enum LogDirection : uint
    {
        Receive = 0,
        Send = 1,
    }

    /// <summary>hmf_reader_add_filter's kinds for tracking logs: the parameters of Get-MessageTrackingLog.</summary>
    [AbiEnum("hmf_tracking_filter", "HMF_TRACKING_FILTER_")]
    internal enum TrackingFilter : uint
    {
        EventId = 1,
        Source = 2,
        Sender = 3,
        Recipient = 4,
        MessageSubject = 5,
        MessageId = 6,
        InternalMessageId = 7,
        NetworkMessageId = 8,
        Server = 9,
        Reference = 10,
        TransportTrafficType = 11,
    }

    /// <summary>hmf_timeline_query_add's kinds.</summary>
    [AbiEnum("hmf_timeline_value", "HMF_TIMELINE_")]
    internal enum TimelineValue : uint
    {
        MessageId = 1,
        NetworkMessageId = 2,
        Sender = 3,
        Recipient = 4,
        TrackingPath = 5,
        ProtocolPath = 6,
    }

    /// <summary>hmf_timeline.location: where a traced message is now.</summary>
    [AbiEnum("hmf_timeline_location", "HMF_LOCATION_")]
    internal enum TimelineLocation : uint
    {
        DeliveredOnPremises = 0,
        DeliveredInExchangeOnline = 1,
        SentToInternet = 2,
        Queued = 3,
        Failed = 4,
        Unknown = 5,
    }

    /// <summary>hmf_hop.component; shown as the hops' Component (<see cref="AbiNames.Of(HopComponent)"/>).</summary>
    [AbiEnum("hmf_hop_component", "HMF_COMPONENT_")]
    internal enum HopComponent : uint
    {
        FrontEnd = 0,
        Hub = 1,
        Edge = 2,
        Mailbox = 3,
        ExchangeOnline = 4,
    }

    /// <summary>hmf_hop.source: what a hop was read from.</summary>
    [AbiEnum("hmf_hop_source", "HMF_HOP_SOURCE_")]
    internal enum HopSource : uint
    {
        MessageTracking = 0,
        ProtocolLog = 1,
        MessageTrace = 2,
    }

    /// <summary>hmf_hop.joined_by: how a hop was tied to its message.</summary>
    [AbiEnum("hmf_join_key", "HMF_JOINED_BY_")]
    internal enum HopJoin : uint
    {
        MessageId = 0,
        InternalId = 1,
        NetworkMessageId = 2,
        Time = 3,
    }

    /// <summary>hmf_timeline_flag.kind: what looks wrong in a timeline.</summary>
    [AbiEnum("hmf_flag_kind", "HMF_FLAG_")]
    internal enum TimelineFlagKind : uint
    {
        MissingHop = 0,
        SlowHop = 1,
        ClockSkew = 2,
    }

    /// <summary>hmf_evidence_file.kind: the kind of log a server's evidence lines come from.</summary>
    [AbiEnum("hmf_evidence_kind", "HMF_EVIDENCE_")]
    internal enum EvidenceKind : uint
    {
        Tracking = 0,
        Protocol = 1,
    }

    /// <summary>hmf_trace_event.format: the Exchange Online export an event was read from (None: not known).</summary>
    [AbiEnum("hmf_trace_format", "HMF_TRACE_FORMAT_")]
    internal enum TraceFormat : uint
    {
        None = 0,
        MessageTrace = 1,
        MessageTraceDetail = 2,
        EnhancedSummary = 3,
        ExtendedReport = 4,
    }

    /// <summary>hmf_trace_issue.kind; shown (and in error ids) as <see cref="AbiNames.Of(TraceIssueKind)"/> names it.</summary>
    [AbiEnum("hmf_trace_issue_kind", "HMF_TRACE_ISSUE_")]
    internal enum TraceIssueKind : uint
    {
        NotATrace = 0,
        BadRow = 1,
        BadTime = 2,
        LostValues = 3,
        BadLog = 4,
    }

    /// <summary>hmf_cert_name_match.source: where the covering name was found.</summary>
    [AbiEnum("hmf_cert_name_source", "HMF_CERT_NAME_")]
    internal enum CertificateNameSource : uint
    {
        None = 0,
        Alternative = 1,
        SubjectCn = 2,
    }

    /// <summary>The transport service that wrote a protocol log. Named as the sessions' Role property shows it.</summary>
    [AbiEnum("hmf_role", "HMF_ROLE_")]
    internal enum TransportRole : uint
    {
        FrontEnd = 0,
        Hub = 1,
        Edge = 2,
        MailboxDelivery = 3,
        MailboxSubmission = 4,
        Unknown = 5,
    }

    /// <summary>How a session asked for TLS; shown as the SMTP verbs (<see cref="AbiNames.Of(TlsMode)"/>).</summary>
    [AbiEnum("hmf_tls_mode", "HMF_TLS_MODE_")]
    internal enum TlsMode : uint
    {
        None = 0,
        StartTls = 1,
        AnonymousTls = 2,
    }

    /// <summary>Whether a session authenticated.</summary>
    [AbiEnum("hmf_auth_result", "HMF_AUTH_")]
    internal enum AuthResult : uint
    {
        None = 0,
        Succeeded = 1,
        Failed = 2,
    }

    /// <summary>What an IP address is.</summary>
    [AbiEnum("hmf_address_class", "HMF_ADDRESS_")]
    internal enum AddressClass : uint
    {
        Loopback = 0,
        Private = 1,
        ExchangeOnline = 2,
        Public = 3,
        Invalid = 4,
    }

    /// <summary>The kind of a transport queue.</summary>
    [AbiEnum("hmf_queue_kind", "HMF_QUEUE_")]
    internal enum QueueKind : uint
    {
        Delivery = 0,
        Submission = 1,
        Unreachable = 2,
        Poison = 3,
        Shadow = 4,
    }

    /// <summary>How bad a finding or a queue's state is.</summary>
    [AbiEnum("hmf_severity", "HMF_SEVERITY_")]
    internal enum Severity : uint
    {
        Info = 0,
        Warning = 1,
        Error = 2,
        Critical = 3,
    }

    /// <summary>
    /// The names the objects show for values of the ABI: the member's name, read once per enum into an array so
    /// that naming a value of a record costs an index, not a lookup. Objects keep these names as strings (what
    /// Export-Csv, ConvertTo-Json and scripts comparing with -eq/-like have always seen); only the TLS mode is
    /// shown as the verb the protocol writes.
    /// </summary>
    internal static class AbiNames
    {
        public static string Of(TlsMode mode)
        {
            switch (mode)
            {
                case TlsMode.StartTls: return "STARTTLS";
                case TlsMode.AnonymousTls: return "X-ANONYMOUSTLS";
                default: return Of<TlsMode>((uint)mode);
            }
        }

        public static string Of(TransportRole value) { return Of<TransportRole>((uint)value); }

        /// <summary>The component as hops have always shown it ("Exchange Online", with its space).</summary>
        public static string Of(HopComponent value)
        {
            return value == HopComponent.ExchangeOnline ? "Exchange Online" : Of<HopComponent>((uint)value);
        }

        public static string Of(HopSource value) { return Of<HopSource>((uint)value); }

        public static string Of(HopJoin value) { return Of<HopJoin>((uint)value); }

        public static string Of(TimelineLocation value) { return Of<TimelineLocation>((uint)value); }

        public static string Of(TimelineFlagKind value) { return Of<TimelineFlagKind>((uint)value); }

        public static string Of(EvidenceKind value) { return Of<EvidenceKind>((uint)value); }

        /// <summary>The export's name (MessageTraceDetail...), or null when not known.</summary>
        public static string Of(TraceFormat value)
        {
            return value == TraceFormat.None ? null : Of<TraceFormat>((uint)value);
        }

        public static string Of(TraceIssueKind value) { return Of<TraceIssueKind>((uint)value); }

        public static string Of(AuthResult value) { return Of<AuthResult>((uint)value); }

        public static string Of(AddressClass value) { return Of<AddressClass>((uint)value); }

        public static string Of(QueueKind value) { return Of<QueueKind>((uint)value); }

        public static string Of(Severity value) { return Of<Severity>((uint)value); }

        public static string Of(Commands.SmtpOutcome value) { return Of<Commands.SmtpOutcome>((uint)value); }

        private static string Of<T>(uint value) where T : struct
        {
            var names = Names<T>.ByValue;
            // The ABI version check keeps the engine's values within the module's; the number is what a newer
            // value would show rather than a wrong name.
            return value < (uint)names.Length ? names[value] : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        private static class Names<T> where T : struct
        {
            public static readonly string[] ByValue = Build();

            private static string[] Build()
            {
                var values = (T[])Enum.GetValues(typeof(T));
                var names = new string[values.Length];
                foreach (var value in values)
                {
                    var index = Convert.ToUInt32(value, System.Globalization.CultureInfo.InvariantCulture);
                    if (index < (uint)names.Length)
                    {
                        names[index] = value.ToString();
                    }
                }
                return names;
            }
        }
    }
}
