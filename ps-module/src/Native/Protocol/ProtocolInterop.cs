using System;
using System.Runtime.InteropServices;

namespace HybridMailFlow.Native
{
    // Mirrors of the structs in include/hybridmailflow.h. Field order and types must match the header exactly;
    // AbiCheck compares every size with hmf_struct_size at import, so a drifted layout fails loudly.

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfProtocolEntry
    {
        public HmfStr Path;
        public ulong Line;
        public long TimeMs;
        public HmfStr Server;
        public HmfStr ConnectorId;
        public HmfStr SessionId;
        public long Sequence;
        public HmfStr LocalEndpoint;
        public HmfStr RemoteEndpoint;
        public HmfStr LocalAddress;
        public int LocalPort;
        public HmfStr RemoteAddress;
        public int RemotePort;
        public uint Event;
        public LogDirection Direction;
        public TransportRole Role;
        public HmfStr Data;
        public HmfStr Context;
        public IntPtr Findings;
        public UIntPtr FindingCount;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfCertificate
    {
        public HmfStr Kind;
        public HmfStr Subject;
        public HmfStr Issuer;
        public HmfStr SerialNumber;
        public HmfStr Thumbprint;
        public long NotBeforeMs;
        public long NotAfterMs;
        public HmfStrList SubjectAlternativeNames;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfMessage
    {
        public HmfStr MailFrom;
        public HmfStrList Recipients;
        public HmfStr InternetMessageId;
        public HmfStr InternalId;
        public HmfStr Hostname;
        public long Size;
        public uint Accepted;
        public HmfStr Response;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfSession
    {
        public HmfStr Server;
        public HmfStr ConnectorId;
        public HmfStr SessionId;
        public LogDirection Direction;
        public TransportRole Role;
        public long StartMs;
        public long EndMs;
        public HmfStr LocalAddress;
        public int LocalPort;
        public HmfStr RemoteAddress;
        public int RemotePort;
        public AddressClass RemoteAddressClass;
        public uint IsExchangeOnline;
        public HmfStr Helo;
        public HmfStr RemoteHost;
        public HmfStr Banner;
        public HmfStrList Extensions;
        public TlsMode TlsMode;
        public int TlsSucceeded;
        public HmfStr TlsProtocol;
        public HmfStr TlsCipher;
        public int TlsCipherStrength;
        public HmfStr TlsMac;
        public HmfStr TlsKeyExchange;
        public int TlsKeyExchangeStrength;
        public HmfStr TlsFailure;
        public IntPtr Certificates;
        public UIntPtr CertificateCount;
        public HmfStr ChainValidationStatus;
        public HmfStr TlsDomainCapabilities;
        public HmfStr TlsDomainCapabilitiesStatus;
        public HmfStr TlsDomainCapabilitiesDomain;
        public HmfStr AuthMechanism;
        public HmfStr AuthUser;
        public AuthResult AuthResult;
        public HmfStr AuthFailure;
        public HmfStr Permissions;
        public IntPtr Messages;
        public UIntPtr MessageCount;
        public long Bytes;
        public double ThroughputKbps;
        public long TarpitMs;
        public HmfStr ProxiedSessionId;
        public HmfStr ProxyTarget;
        public HmfStr ProxyStatus;
        public HmfStrList Responses;
        public HmfStr LastError;
        public HmfStr DisconnectReason;
        public Commands.SmtpOutcome Outcome;
        public HmfStr OutcomePath;
        public ulong OutcomeLine;
        public HmfStr OutcomeText;
        public HmfStr ErrorCommand;
        public IntPtr Findings;
        public UIntPtr FindingCount;
        public uint LineCount;
        public HmfStr RawLines;
        public IntPtr LineFileIndexes;
        public IntPtr LineNumbers;
        public HmfStrList LineFiles;
        public IntPtr LineOffsets;
        public uint Ended;
    }


}
