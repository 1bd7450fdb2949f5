using System;
using System.Runtime.InteropServices;

namespace HybridMailFlow.Native
{
    // Mirrors of the message-tracking structs in include/hybridmailflow.h. Field order and types must match the
    // header exactly; AbiCheck compares every size with hmf_struct_size at import.

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfLatencyComponent
    {
        public HmfStr Server;
        public uint Local;
        public uint Total;
        public HmfStr Name;
        public HmfStr Path;
        public uint Depth;
        public double Seconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfTrackingEvent
    {
        public HmfStr Path;
        public ulong Line;
        public long TimestampMs;
        public HmfStr ClientIp;
        public HmfStr ClientHostname;
        public HmfStr ServerIp;
        public HmfStr ServerHostname;
        public HmfStr SourceContext;
        public HmfStr ConnectorId;
        public HmfStr Source;
        public HmfStr EventId;
        public long InternalMessageId;
        public HmfStr MessageId;
        public HmfStr NetworkMessageId;
        public HmfStrList Recipients;
        public HmfStrList RecipientStatus;
        public long TotalBytes;
        public int RecipientCount;
        public HmfStr RelatedRecipientAddress;
        public HmfStrList Reference;
        public HmfStr MessageSubject;
        public HmfStr Sender;
        public HmfStr ReturnPath;
        public HmfStr MessageInfo;
        public HmfStr Directionality;
        public HmfStr TenantId;
        public HmfStr OriginalClientIp;
        public HmfStr OriginalServerIp;
        public HmfStrList EventDataTypes;
        public HmfStrList EventDataKeys;
        public HmfStrList EventDataValues;
        public HmfStr TransportTrafficType;
        public HmfStr LogId;
        public HmfStr SchemaVersion;
        public HmfStr LogVersion;
        public HmfStrList StatusLed;
        public HmfStrList StatusMsg;
        public HmfStrList StatusFqdn;
        public HmfStrList StatusIp;
        public HmfStrList StatusLrt;
        public long OriginationMs;
        public IntPtr Latency;
        public UIntPtr LatencyCount;
        public IntPtr Findings;
        public UIntPtr FindingCount;
        public HmfStrList FindingInputs;
    }

}
