using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace HybridMailFlow.Native
{
    /// <summary>What to read and how: the parameters of Get-HybridMessageTrackingLog, as the engine takes them.</summary>
    internal sealed class TrackingReadOptions
    {
        public List<string> Paths = new List<string>();
        public DateTime? Start;
        public DateTime? End;
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
        public string DefaultServer;
    }

    /// <summary>Receives what the engine reads, in order.</summary>
    internal interface ITrackingSink
    {
        bool Stopping { get; }
        void Event(MessageTrackingEvent trackingEvent);
        void LineError(NativeError error);
        void FileStarted(string path, int index, int count);
        void FileDone(string path, HmfFileEvent stats);
    }

    /// <summary>Drives a native message-tracking reader: configure, then read batch after batch into managed objects.</summary>
    internal static class MessageTrackingLogReader
    {
        private const int BatchSize = 512;

        public static HmfTrackingStats Read(TrackingReadOptions options, ITrackingSink sink)
        {
            using (var reader = Create(options))
            {
                while (!sink.Stopping)
                {
                    BatchHandle batch;
                    NativeCall.Check(NativeMethods.hmf_tracking_reader_next_batch(reader, (UIntPtr)BatchSize, out batch));
                    using (batch)
                    {
                        if (Deliver(batch, sink) == BatchState.End)
                        {
                            break;
                        }
                    }
                }
                HmfTrackingStats stats;
                NativeCall.Check(NativeMethods.hmf_tracking_reader_stats(reader, out stats));
                return stats;
            }
        }

        private static TrackingReaderHandle Create(TrackingReadOptions o)
        {
            TrackingReaderHandle reader;
            NativeCall.Check(NativeMethods.hmf_tracking_reader_new(out reader));
            try
            {
                foreach (var path in o.Paths)
                {
                    NativeCall.Check(NativeMethods.hmf_tracking_reader_add_path(reader, Utf8.Bytes(path), Utf8.Length(path)));
                }
                if (o.Start.HasValue || o.End.HasValue)
                {
                    NativeCall.Check(NativeMethods.hmf_tracking_reader_set_time_range(reader,
                        o.Start.HasValue, o.Start.HasValue ? Times.ToUnixMs(o.Start.Value) : 0,
                        o.End.HasValue, o.End.HasValue ? Times.ToUnixMs(o.End.Value) : 0));
                }
                AddFilters(reader, TrackingFilter.EventId, o.EventIds);
                AddFilters(reader, TrackingFilter.Source, o.Sources);
                AddFilters(reader, TrackingFilter.Recipient, o.Recipients);
                AddFilter(reader, TrackingFilter.Sender, o.Sender);
                AddFilter(reader, TrackingFilter.MessageSubject, o.MessageSubject);
                AddFilter(reader, TrackingFilter.MessageId, o.MessageId);
                AddFilter(reader, TrackingFilter.InternalMessageId, o.InternalMessageId);
                AddFilter(reader, TrackingFilter.NetworkMessageId, o.NetworkMessageId);
                AddFilter(reader, TrackingFilter.Server, o.Server);
                AddFilter(reader, TrackingFilter.Reference, o.Reference);
                AddFilter(reader, TrackingFilter.TransportTrafficType, o.TransportTrafficType);
                if (o.ResultSize.HasValue)
                {
                    NativeCall.Check(NativeMethods.hmf_tracking_reader_set_result_size(reader, (ulong)Math.Max(0, o.ResultSize.Value)));
                }
                if (!string.IsNullOrEmpty(o.DefaultServer))
                {
                    NativeCall.Check(NativeMethods.hmf_tracking_reader_set_default_server(reader, Utf8.Bytes(o.DefaultServer), Utf8.Length(o.DefaultServer)));
                }
                return reader;
            }
            catch
            {
                reader.Dispose();
                throw;
            }
        }

        private static void AddFilters(TrackingReaderHandle reader, TrackingFilter kind, string[] values)
        {
            if (values == null)
            {
                return;
            }
            foreach (var value in values)
            {
                AddFilter(reader, kind, value);
            }
        }

        private static void AddFilter(TrackingReaderHandle reader, TrackingFilter kind, string value)
        {
            if (value != null)
            {
                NativeCall.Check(NativeMethods.hmf_tracking_reader_add_filter(reader, kind, Utf8.Bytes(value), Utf8.Length(value)));
            }
        }

        [MethodImpl(Jit.Eager)]
        private static unsafe BatchState Deliver(BatchHandle batch, ITrackingSink sink)
        {
            var view = NativeCall.View(batch);
            var items = (HmfItem*)view.Items;
            var strings = new StringCache();
            for (long i = 0; i < (long)view.Count && !sink.Stopping; i++)
            {
                var item = items[i];
                switch (item.Kind)
                {
                    case ItemKind.TrackingEvent:
                        sink.Event(ToEvent((HmfTrackingEvent*)item.TrackingEvent, strings));
                        break;
                    case ItemKind.Error:
                        sink.LineError(NativeError.From(*(HmfError*)item.Error));
                        break;
                    case ItemKind.FileStarted:
                        var started = (HmfFileEvent*)item.File;
                        sink.FileStarted(Utf8.Read(started->Path), (int)started->Index, (int)started->Count);
                        break;
                    case ItemKind.FileDone:
                        var done = (HmfFileEvent*)item.File;
                        sink.FileDone(Utf8.Read(done->Path), *done);
                        break;
                }
            }
            return view.State;
        }

        [MethodImpl(Jit.Eager)]
        private static unsafe MessageTrackingEvent ToEvent(HmfTrackingEvent* e, StringCache strings)
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
                InternalMessageId = e->InternalMessageId == long.MinValue ? (long?)null : e->InternalMessageId,
                MessageId = strings.Get(e->MessageId),
                NetworkMessageId = strings.Get(e->NetworkMessageId),
                Recipients = recipients,
                RecipientStatus = statuses,
                TotalBytes = e->TotalBytes < 0 ? (int?)null : (int)Math.Min(e->TotalBytes, int.MaxValue),
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
                OriginationTimeUtc = e->OriginationMs == long.MinValue ? (DateTime?)null : Times.FromUnixMs(e->OriginationMs),
                LatencyComponents = LatencyOf(e, strings),
            };
            result.Diagnosis = FindingsOf(e, result, strings);
            return result;
        }

        [MethodImpl(Jit.Eager)]
        private static unsafe ValueList<KeyValuePair<string, object>> EventDataOf(HmfTrackingEvent* e, StringCache strings)
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
        private static unsafe ValueList<TrackingRecipientStatus> StatusDetailsOf(HmfTrackingEvent* e, ValueList<string> recipients, ValueList<string> statuses, StringCache strings)
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
        private static unsafe ValueList<MessageLatencyComponent> LatencyOf(HmfTrackingEvent* e, StringCache strings)
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
        private static unsafe ValueList<SmtpErrorDiagnosis> FindingsOf(HmfTrackingEvent* e, MessageTrackingEvent trackingEvent, StringCache strings)
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
