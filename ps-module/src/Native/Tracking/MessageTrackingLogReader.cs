using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace HybridMailFlow.Native
{
    /// <summary>What to read and how: the parameters of Get-HybridMessageTrackingLog, as the engine takes them.</summary>
    internal sealed class TrackingReadOptions : LogReadOptions
    {
        public string[] EventIds;
        public string[] Sources;
        public string Sender;
        public string[] Recipients;
        public string MessageSubject;
        public string MessageId;
        public string InternalMessageId;
        public string NetworkMessageId;
        public string Reference;
        public string TransportTrafficType;
        public string Server;
        public long? ResultSize;

        internal override LogKind Kind
        {
            get { return LogKind.MessageTracking; }
        }

        internal override void Configure(LogReader reader)
        {
            reader.AddFilters((uint)TrackingFilter.EventId, EventIds);
            reader.AddFilters((uint)TrackingFilter.Source, Sources);
            reader.AddFilters((uint)TrackingFilter.Recipient, Recipients);
            reader.AddFilters((uint)TrackingFilter.Sender, Sender);
            reader.AddFilters((uint)TrackingFilter.MessageSubject, MessageSubject);
            reader.AddFilters((uint)TrackingFilter.MessageId, MessageId);
            reader.AddFilters((uint)TrackingFilter.InternalMessageId, InternalMessageId);
            reader.AddFilters((uint)TrackingFilter.NetworkMessageId, NetworkMessageId);
            reader.AddFilters((uint)TrackingFilter.Server, Server);
            reader.AddFilters((uint)TrackingFilter.Reference, Reference);
            reader.AddFilters((uint)TrackingFilter.TransportTrafficType, TransportTrafficType);
            if (ResultSize.HasValue)
            {
                reader.SetResultSize(ResultSize.Value);
            }
        }
    }

    /// <summary>Receives what the engine reads, in order.</summary>
    internal interface ITrackingSink : ILogSink
    {
        void Event(MessageTrackingEvent trackingEvent);
    }

    /// <summary>Reads message tracking logs into events (<see cref="LogReader"/> drives the read).</summary>
    internal static class MessageTrackingLogReader
    {
        public static HmfStats Read(TrackingReadOptions options, ITrackingSink sink)
        {
            return LogReader.Read(options, sink, new Rows(sink));
        }

        /// <summary>Tracking events as objects.</summary>
        private sealed class Rows : RowReader
        {
            private readonly ITrackingSink sink;

            public Rows(ITrackingSink sink)
            {
                this.sink = sink;
            }

            [MethodImpl(Jit.Eager)]
            internal override unsafe void Item(HmfItem item)
            {
                if (item.Kind == ItemKind.TrackingEvent)
                {
                    sink.Event(ToEvent((HmfTrackingEvent*)item.TrackingEvent, Strings));
                }
            }
        }

        [MethodImpl(Jit.Eager)]
        private static unsafe MessageTrackingEvent ToEvent(HmfTrackingEvent* e, StringPool strings)
        {
            var recipients = strings.List(e->Recipients);
            var statuses = strings.List(e->RecipientStatus);
            var result = new MessageTrackingEvent
            {
                TimestampUtc = Times.FromUnixMs(e->TimestampMs),
                ClientIp = strings.Get(e->ClientIp),
                ClientHostname = strings.Get(e->ClientHostname),
                ServerIp = strings.Get(e->ServerIp),
                ServerHostname = strings.Get(e->ServerHostname),
                SourceContext = Utf8.ReadOrNull(e->SourceContext),
                ConnectorId = strings.Get(e->ConnectorId),
                Source = strings.Get(e->Source),
                EventId = strings.Get(e->EventId),
                InternalMessageId = Absent.OrNull(e->InternalMessageId),
                MessageId = strings.Get(e->MessageId),
                NetworkMessageId = strings.Get(e->NetworkMessageId),
                Recipients = recipients,
                RecipientStatus = statuses,
                TotalBytes = e->TotalBytes == Absent.Value ? (int?)null : (int)Math.Min(e->TotalBytes, int.MaxValue),
                RecipientCount = e->RecipientCount < 0 ? (int?)null : e->RecipientCount,
                RelatedRecipientAddress = strings.Get(e->RelatedRecipientAddress),
                Reference = strings.List(e->Reference),
                MessageSubject = strings.Get(e->MessageSubject),
                Sender = strings.Get(e->Sender),
                ReturnPath = strings.Get(e->ReturnPath),
                MessageInfo = Utf8.ReadOrNull(e->MessageInfo),
                Directionality = strings.Get(e->Directionality),
                TenantId = strings.Get(e->TenantId),
                OriginalClientIp = strings.Get(e->OriginalClientIp),
                OriginalServerIp = strings.Get(e->OriginalServerIp),
                EventData = EventDataOf(e, strings),
                TransportTrafficType = strings.Get(e->TransportTrafficType),
                SchemaVersion = strings.Get(e->SchemaVersion),
                Path = strings.Get(e->Path),
                LineNumber = (long)e->Line,
                LogVersion = strings.Get(e->LogVersion),
                LogId = Utf8.ReadOrNull(e->LogId),
                RecipientStatusDetails = StatusDetailsOf(e, recipients, statuses, strings),
                OriginationTimeUtc = Times.FromUnixMsOrNull(e->OriginationMs),
                LatencyComponents = LatencyOf(e, strings),
            };
            result.Diagnosis = FindingsOf(e, result, strings);
            return result;
        }

        [MethodImpl(Jit.Eager)]
        private static unsafe ValueList<KeyValuePair<string, object>> EventDataOf(HmfTrackingEvent* e, StringPool strings)
        {
            int count = (int)e->EventDataKeys.Len;
            if (count == 0)
            {
                return ValueList<KeyValuePair<string, object>>.None;
            }
            var types = (HmfStr*)e->EventDataTypes.Items;
            var keys = (HmfStr*)e->EventDataKeys.Items;
            var values = (HmfStr*)e->EventDataValues.Items;
            var pairs = new KeyValuePair<string, object>[count];
            for (int i = 0; i < count; i++)
            {
                pairs[i] = new KeyValuePair<string, object>(strings.Get(keys[i]) ?? string.Empty, TypedValue(strings.Get(types[i]), strings.Get(values[i]) ?? string.Empty));
            }
            return new ValueList<KeyValuePair<string, object>>(pairs);
        }

        /// <summary>A custom-data value read by its type tag (I32, F, Dbl, Dt); text when it does not read as that type.</summary>
        private static object TypedValue(string typeTag, string value)
        {
            switch (typeTag)
            {
                case "I32":
                    int number;
                    return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out number) ? (object)number : value;
                case "F":
                case "Dbl":
                    double real;
                    return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out real) ? (object)real : value;
                case "Dt":
                    DateTime time;
                    return DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out time) ? (object)time : value;
                default:
                    return value;
            }
        }

        [MethodImpl(Jit.Eager)]
        private static unsafe ValueList<TrackingRecipientStatus> StatusDetailsOf(HmfTrackingEvent* e, ValueList<string> recipients, ValueList<string> statuses, StringPool strings)
        {
            int count = (int)e->StatusLed.Len;
            if (count == 0)
            {
                return ValueList<TrackingRecipientStatus>.None;
            }
            var details = new TrackingRecipientStatus[count];
            for (int i = 0; i < count; i++)
            {
                var led = ((HmfStr*)e->StatusLed.Items)[i];
                var status = statuses[i].Trim();
                bool bracketed = status.StartsWith("[{", StringComparison.Ordinal) && status.EndsWith("}]", StringComparison.Ordinal);
                details[i] = new TrackingRecipientStatus
                {
                    Recipient = i < recipients.Count ? recipients[i] : null,
                    Status = statuses[i],
                    LED = bracketed ? strings.Get(led) ?? string.Empty : null,
                    MSG = bracketed ? strings.Get(((HmfStr*)e->StatusMsg.Items)[i]) : null,
                    FQDN = bracketed ? strings.Get(((HmfStr*)e->StatusFqdn.Items)[i]) : null,
                    IP = bracketed ? strings.Get(((HmfStr*)e->StatusIp.Items)[i]) : null,
                    LRT = bracketed ? strings.Get(((HmfStr*)e->StatusLrt.Items)[i]) : null,
                };
            }
            return new ValueList<TrackingRecipientStatus>(details);
        }

        [MethodImpl(Jit.Eager)]
        private static unsafe ValueList<MessageLatencyComponent> LatencyOf(HmfTrackingEvent* e, StringPool strings)
        {
            int count = (int)e->LatencyCount;
            if (count == 0)
            {
                return ValueList<MessageLatencyComponent>.None;
            }
            var components = new MessageLatencyComponent[count];
            for (int i = 0; i < count; i++)
            {
                var c = ((HmfLatencyComponent*)e->Latency)[i];
                components[i] = new MessageLatencyComponent
                {
                    Server = strings.Get(c.Server),
                    IsLocal = c.Local != 0,
                    IsTotal = c.Total != 0,
                    Name = strings.Get(c.Name),
                    Path = strings.Get(c.Path),
                    Depth = (int)c.Depth,
                    Seconds = c.Seconds,
                };
            }
            return new ValueList<MessageLatencyComponent>(components);
        }

        [MethodImpl(Jit.Eager)]
        private static unsafe ValueList<SmtpErrorDiagnosis> FindingsOf(HmfTrackingEvent* e, MessageTrackingEvent trackingEvent, StringPool strings)
        {
            int count = (int)e->FindingCount;
            if (count == 0)
            {
                return ValueList<SmtpErrorDiagnosis>.None;
            }
            var source = trackingEvent.Path + ":" + trackingEvent.LineNumber.ToString(CultureInfo.InvariantCulture);
            var inputs = (HmfStr*)e->FindingInputs.Items;
            var findings = new SmtpErrorDiagnosis[count];
            for (int i = 0; i < count; i++)
            {
                findings[i] = Diagnosis.Read((HmfFinding*)e->Findings + i, 1, strings.Get(inputs[i]), source)[0];
            }
            return new ValueList<SmtpErrorDiagnosis>(findings);
        }
    }
}
