using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace HybridMailFlow.Native
{
    /// <summary>What to read and how: the parameters of the protocol-log cmdlets, as the engine takes them.</summary>
    internal sealed class ProtocolReadOptions : LogReadOptions
    {
        public bool Sessions;
        public string[] SessionIds;
        public string[] RemoteAddresses;
        public string[] Connectors;
        public string[] Outcomes;
        public string[] Senders;
        public string[] Recipients;
        public int? Tail;
        public bool Follow;

        internal override LogKind Kind
        {
            get { return LogKind.ProtocolLog; }
        }

        internal override ReadMode Mode
        {
            get { return Sessions ? ReadMode.Sessions : ReadMode.Entries; }
        }

        internal override void Configure(LogReader reader)
        {
            reader.AddFilters((uint)ProtocolFilter.SessionId, SessionIds);
            reader.AddFilters((uint)ProtocolFilter.RemoteAddress, RemoteAddresses);
            reader.AddFilters((uint)ProtocolFilter.Connector, Connectors);
            reader.AddFilters((uint)ProtocolFilter.Outcome, Outcomes);
            reader.AddFilters((uint)ProtocolFilter.Sender, Senders);
            reader.AddFilters((uint)ProtocolFilter.Recipient, Recipients);
            if (Tail.HasValue)
            {
                reader.SetTail(Tail.Value);
            }
            if (Follow)
            {
                reader.SetFollow();
            }
        }
    }

    /// <summary>Receives what the engine reads, in order. The cmdlets write it to the pipeline.</summary>
    internal interface IProtocolSink : ILogSink
    {
        void Entry(SmtpLogEntry entry);
        void Session(SmtpSession session);
        /// <summary>-Wait: a followed file was truncated, rewritten or replaced and is read again from its start.</summary>
        void FileRestarted(string path, string message);
    }

    /// <summary>Reads protocol logs into lines or sessions (<see cref="LogReader"/> drives the read).</summary>
    internal static class ProtocolLogReader
    {
        public static HmfStats Read(ProtocolReadOptions options, IProtocolSink sink)
        {
            return LogReader.Read(options, sink, new Rows(sink));
        }

        /// <summary>Protocol lines, sessions and followed files read again, as objects.</summary>
        private sealed class Rows : RowReader
        {
            private readonly IProtocolSink sink;
            private readonly SessionPacker packer = new SessionPacker();

            public Rows(IProtocolSink sink)
            {
                this.sink = sink;
            }

            [MethodImpl(Jit.Eager)]
            internal override unsafe void Item(HmfItem item)
            {
                switch (item.Kind)
                {
                    case ItemKind.Entry:
                        sink.Entry(ToEntry((HmfProtocolEntry*)item.Entry, Strings));
                        break;
                    case ItemKind.Session:
                        sink.Session(ToSession((HmfSession*)item.Session, Strings, packer));
                        break;
                    case ItemKind.FileRestarted:
                        var restarted = (HmfError*)item.Error;
                        sink.FileRestarted(Utf8.Read(restarted->Path), Utf8.Read(restarted->Message));
                        break;
                }
            }
        }

        [MethodImpl(Jit.Eager)]
        private static unsafe SmtpLogEntry ToEntry(HmfProtocolEntry* e, StringPool strings)
        {
            var symbol = ((char)e->Event).ToString();
            var entry = new SmtpLogEntry
            {
                DateTimeUtc = Times.FromUnixMs(e->TimeMs),
                Server = strings.Get(e->Server),
                ConnectorId = strings.Get(e->ConnectorId),
                SessionId = strings.Get(e->SessionId),
                SequenceNumber = (int?)Absent.OrNull(e->Sequence),
                LocalEndpoint = Utf8.ReadOrNull(e->LocalEndpoint),
                RemoteEndpoint = Utf8.ReadOrNull(e->RemoteEndpoint),
                LocalAddress = Utf8.ReadOrNull(e->LocalAddress),
                LocalPort = e->LocalPort < 0 ? (int?)null : e->LocalPort,
                RemoteAddress = Utf8.ReadOrNull(e->RemoteAddress),
                RemotePort = e->RemotePort < 0 ? (int?)null : e->RemotePort,
                Event = symbol,
                EventName = SmtpLogEntry.EventNameOf(symbol),
                Direction = e->Direction == LogDirection.Send ? "Send" : "Receive",
                Role = AbiNames.Of(e->Role),
                Data = Utf8.ReadOrNull(e->Data),
                Context = Utf8.ReadOrNull(e->Context),
                Path = strings.Get(e->Path),
                LineNumber = (long)e->Line,
            };
            entry.Diagnosis = FindingsOf(e->Findings, e->FindingCount, entry.Context ?? entry.Data, entry.Path == null ? null : entry.Path + ":" + entry.LineNumber);
            return entry;
        }

        /// <summary>Findings attached to a line or a session, with what they were about.</summary>
        [MethodImpl(Jit.Eager)]
        private static unsafe ValueList<SmtpErrorDiagnosis> FindingsOf(IntPtr items, UIntPtr count, string input, string source)
        {
            return count == UIntPtr.Zero
                ? ValueList<SmtpErrorDiagnosis>.None
                : new ValueList<SmtpErrorDiagnosis>(Diagnosis.Read((HmfFinding*)items, (int)count, input, source));
        }

        [MethodImpl(Jit.Eager)]
        private static unsafe SmtpSession ToSession(HmfSession* s, StringPool pool, SessionPacker packer)
        {
            // What the default views and the usual filters read is decoded now; the rest stays packed until read.
            var session = new SmtpSession
            {
                Server = pool.Get(s->Server),
                ConnectorId = pool.Get(s->ConnectorId),
                Direction = s->Direction == LogDirection.Send ? "Send" : "Receive",
                Role = AbiNames.Of(s->Role),
                SessionId = Utf8.Read(s->SessionId),
                StartUtc = Times.FromUnixMs(s->StartMs),
                EndUtc = Times.FromUnixMs(s->EndMs),
                LocalAddress = pool.Get(s->LocalAddress),
                LocalPort = s->LocalPort < 0 ? (int?)null : s->LocalPort,
                RemoteAddress = pool.Get(s->RemoteAddress),
                RemotePort = s->RemotePort < 0 ? (int?)null : s->RemotePort,
                RemoteAddressClass = AbiNames.Of(s->RemoteAddressClass),
                IsExchangeOnline = s->IsExchangeOnline != 0,
                TlsSucceeded = s->TlsSucceeded < 0 ? (bool?)null : s->TlsSucceeded != 0,
                TlsCipherStrength = s->TlsCipherStrength < 0 ? (int?)null : s->TlsCipherStrength,
                TlsKeyExchangeStrength = s->TlsKeyExchangeStrength < 0 ? (int?)null : s->TlsKeyExchangeStrength,
                Bytes = Absent.OrNull(s->Bytes),
                ThroughputKBps = s->ThroughputKbps < 0 ? (double?)null : Math.Round(s->ThroughputKbps, 1),
                Tarpit = TimeSpan.FromMilliseconds(s->TarpitMs),
                LastError = pool.Get(s->LastError),
                Outcome = AbiNames.Of(s->Outcome),
                TlsMode = AbiNames.Of(s->TlsMode),
                AuthResult = AbiNames.Of(s->AuthResult),
                Ended = s->Ended != 0,
                OutcomeLine = s->OutcomeLine == 0 ? (long?)null : (long)s->OutcomeLine,
                LineCount = (int)s->LineCount,
            };
            session.SetDetails(packer.Pack(s));
            if (s->FindingCount != UIntPtr.Zero)
            {
                // Read from the engine's session, not the session's properties, which would decode all details.
                var outcomePath = pool.Get(s->OutcomePath);
                session.Diagnosis = FindingsOf(s->Findings, s->FindingCount, Utf8.ReadOrNull(s->OutcomeText), outcomePath == null ? null : outcomePath + ":" + session.OutcomeLine);
            }
            else
            {
                session.Diagnosis = ValueList<SmtpErrorDiagnosis>.None;
            }
            // Where each line is, not the lines: they are read again from the files when asked for (Lines),
            // which is rare. Copying a few kilobytes per session into .NET was the largest cost of this method.
            int lineCount = (int)s->LineCount;
            var origins = new SessionLineOrigins(lineCount, pool.List(s->LineFiles));
            for (int i = 0; i < lineCount; i++)
            {
                origins.FileIndexes[i] = ((uint*)s->LineFileIndexes)[i];
                origins.Numbers[i] = ((ulong*)s->LineNumbers)[i];
                origins.Offsets[i] = ((ulong*)s->LineOffsets)[i];
            }
            session.SetLines(origins);
            return session;
        }

        /// <summary>The lines of a session as entries, read by the engine from the session's raw lines.</summary>
        internal static unsafe SmtpLogEntry[] ParseSessionLines(SmtpSession session, byte[] raw, SessionLineOrigins origins)
        {
            var fileIndexes = origins.FileIndexes;
            var numbers = origins.Numbers;
            var files = origins.Files;
            if (raw.Length == 0)
            {
                return new SmtpLogEntry[0];
            }
            var result = new List<SmtpLogEntry>(numbers.Length);
            LogDirection direction = session.Direction == "Send" ? LogDirection.Send : LogDirection.Receive;
            using (var batch = NativeCall.ParseLines(raw, direction))
            {
                var view = NativeCall.View(batch);
                var items = (HmfItem*)view.Items;
                var strings = new StringPool(StringPool.FewSlots);
                for (long i = 0; i < (long)view.Count; i++)
                {
                    if (items[i].Kind != ItemKind.Entry)
                    {
                        continue;
                    }
                    var entry = ToEntry((HmfProtocolEntry*)items[i].Entry, strings);
                    int index = (int)((HmfProtocolEntry*)items[i].Entry)->Line - 1;
                    if (index >= 0 && index < numbers.Length)
                    {
                        entry.Path = files[(int)fileIndexes[index]];
                        entry.LineNumber = (long)numbers[index];
                    }
                    entry.Server = session.Server;
                    entry.Role = session.Role;
                    result.Add(entry);
                }
            }
            return result.ToArray();
        }
    }
}
