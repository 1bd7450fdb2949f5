using System;
using System.Runtime.InteropServices;

namespace HybridMailFlow.Native
{
    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfQueueAdvice
    {
        public HmfStr Server;
        public HmfStr Queue;
        public QueueKind Kind;
        public HmfStr State;
        public HmfStr Meaning;
        public HmfStr Action;
        public Severity Severity;
        public HmfStrList Commands;
        public HmfStrList Steps;
        public uint OverThreshold;
        public HmfStr Led;
        public HmfStr Msg;
        public HmfStr Fqdn;
        public HmfStr Ip;
        public HmfStr Lrt;
        public HmfStr Innermost;
        public int Code;
        public HmfStr EnhancedCode;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfRoute
    {
        public HmfStr Domain;
        public uint Found;
        public ulong ConnectorIndex;
        public HmfStr Connector;
        public HmfStr AddressSpace;
        public uint Specificity;
        public uint Cost;
        public uint Scoped;
        public ulong Alternatives;
        public HmfStr FixConnector;
        public HmfStrList FixCommands;
    }

    /// <summary>A queue's advice; released with hmf_queue_assessment_free.</summary>
    internal sealed class QueueAssessmentHandle : HmfSafeHandle
    {
        protected override void Free(IntPtr handle)
        {
            NativeMethods.hmf_queue_assessment_free(handle);
        }
    }

    /// <summary>Send connectors as routing sees them; released with hmf_route_table_free.</summary>
    internal sealed class RouteTableHandle : HmfSafeHandle
    {
        protected override void Free(IntPtr handle)
        {
            NativeMethods.hmf_route_table_free(handle);
        }
    }

    /// <summary>What the engine says of one queue, copied out of native memory.</summary>
    internal sealed class QueueAdvice
    {
        public string Server;
        public string Queue;
        public QueueKind Kind;
        public string State;
        public string Meaning;
        public string Action;
        public Severity Severity;
        public string[] Commands;
        public string[] Steps;
        public bool OverThreshold;
        public string Led;
        public string Msg;
        public string Fqdn;
        public string Ip;
        public string Lrt;
        public string Innermost;
        public int? Code;
        public string EnhancedCode;
    }

    /// <summary>The route of one recipient domain, copied out of native memory.</summary>
    internal sealed class RouteResult
    {
        /// <summary>The value routed, as given (a domain or an address).</summary>
        public string Recipient;
        public string Domain;
        public bool Found;
        public int ConnectorIndex;
        public string Connector;
        public string AddressSpace;
        public int Specificity;
        public int Cost;
        public bool Scoped;
        public int Alternatives;
        public string FixConnector;
        public string[] FixCommands;
    }

    /// <summary>Calls into the engine's queue advice and send connector routing.</summary>
    internal static class ConfigQueue
    {
        public static QueueAdvice Advise(string identity, string status, string deliveryType, string nextHopDomain, string lastError, long? messageCount, long? threshold)
        {
            QueueAssessmentHandle assessment;
            NativeCall.Check(NativeMethods.hmf_queue_advise(
                Utf8.Bytes(identity), Utf8.Length(identity),
                Utf8.Bytes(status), Utf8.Length(status),
                Utf8.Bytes(deliveryType), Utf8.Length(deliveryType),
                Utf8.Bytes(nextHopDomain), Utf8.Length(nextHopDomain),
                Utf8.Bytes(lastError), Utf8.Length(lastError),
                messageCount ?? -1, threshold ?? -1, out assessment));
            return Read(assessment);
        }

        public static QueueAdvice SubmissionChecklist(string server)
        {
            QueueAssessmentHandle assessment;
            NativeCall.Check(NativeMethods.hmf_submission_checklist(Utf8.Bytes(server), Utf8.Length(server), out assessment));
            return Read(assessment);
        }

        private static unsafe QueueAdvice Read(QueueAssessmentHandle assessment)
        {
            using (assessment)
            {
                IntPtr pointer;
                NativeCall.Check(NativeMethods.hmf_queue_assessment_get(assessment, out pointer));
                var a = *(HmfQueueAdvice*)pointer;
                return new QueueAdvice
                {
                    Server = Utf8.ReadOrNull(a.Server),
                    Queue = Utf8.ReadOrNull(a.Queue),
                    Kind = a.Kind,
                    State = Utf8.Read(a.State),
                    Meaning = Utf8.Read(a.Meaning),
                    Action = Utf8.Read(a.Action),
                    Severity = a.Severity,
                    Commands = Lists.ReadArray(a.Commands),
                    Steps = Lists.ReadArray(a.Steps),
                    OverThreshold = a.OverThreshold != 0,
                    Led = Utf8.ReadOrNull(a.Led),
                    Msg = Utf8.ReadOrNull(a.Msg),
                    Fqdn = Utf8.ReadOrNull(a.Fqdn),
                    Ip = Utf8.ReadOrNull(a.Ip),
                    Lrt = Utf8.ReadOrNull(a.Lrt),
                    Innermost = Utf8.ReadOrNull(a.Innermost),
                    Code = a.Code < 0 ? (int?)null : a.Code,
                    EnhancedCode = Utf8.ReadOrNull(a.EnhancedCode),
                };
            }
        }

        public static RouteTableHandle NewRouteTable()
        {
            RouteTableHandle table;
            NativeCall.Check(NativeMethods.hmf_route_table_new(out table));
            return table;
        }

        public static void AddConnector(RouteTableHandle table, string name, bool enabled, bool scoped, bool hybrid)
        {
            NativeCall.Check(NativeMethods.hmf_route_table_add_connector(table, Utf8.Bytes(name), Utf8.Length(name), enabled, scoped, hybrid));
        }

        /// <summary>Adds an address space to the connector added last; throws NativeException for text that is not one.</summary>
        public static void AddAddressSpace(RouteTableHandle table, string text)
        {
            NativeCall.Check(NativeMethods.hmf_route_table_add_address_space(table, Utf8.Bytes(text), Utf8.Length(text)));
        }

        public static RouteResult Route(RouteTableHandle table, string recipient)
        {
            HmfRoute r;
            NativeCall.Check(NativeMethods.hmf_route_table_route(table, Utf8.Bytes(recipient), Utf8.Length(recipient), out r));
            return new RouteResult
            {
                Recipient = recipient,
                Domain = Utf8.Read(r.Domain),
                Found = r.Found != 0,
                ConnectorIndex = (int)r.ConnectorIndex,
                Connector = Utf8.ReadOrNull(r.Connector),
                AddressSpace = Utf8.ReadOrNull(r.AddressSpace),
                Specificity = (int)r.Specificity,
                Cost = (int)r.Cost,
                Scoped = r.Scoped != 0,
                Alternatives = (int)r.Alternatives,
                FixConnector = Utf8.ReadOrNull(r.FixConnector),
                FixCommands = Lists.ReadArray(r.FixCommands),
            };
        }
    }
}
