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

    /// <summary>hmf_timeline_result_table's tables.</summary>
    [AbiEnum("hmf_timeline_table", "HMF_TIMELINE_TABLE_")]
    internal enum TimelineTable : uint
    {
        Timelines = 1,
        Hops = 2,
        Flags = 3,
        Issues = 4,
        Stats = 5,
        Evidence = 6,
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
