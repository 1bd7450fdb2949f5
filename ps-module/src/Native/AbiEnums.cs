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

    /// <summary>hmf_protocol_reader_new: entries (lines) or sessions.</summary>
    [AbiEnum("hmf_read_mode", "HMF_READ_")]
    internal enum ReadMode : uint
    {
        Entries = 0,
        Sessions = 1,
    }

    /// <summary>hmf_protocol_reader_add_filter's kinds.</summary>
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

    /// <summary>hmf_tracking_reader_add_filter's kinds: the parameters of Get-MessageTrackingLog.</summary>
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
}
