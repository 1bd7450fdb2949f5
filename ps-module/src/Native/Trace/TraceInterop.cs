using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Text;

namespace HybridMailFlow.Native
{
    /// <summary>Reads trace exports through the engine and turns its rows into MessageTraceEvent objects.</summary>
    internal sealed class TraceImporter : IDisposable
    {
        private readonly TraceImportHandle handle;
        private readonly StringPool strings = new StringPool();

        public TraceImporter()
        {
            LibraryLoader.EnsureLoaded();
            NativeCall.Check(NativeMethods.hmf_trace_import_new(out handle));
        }

        /// <summary>How this computer's culture writes a/b/yyyy: the export was most likely written here.</summary>
        public static bool CultureIsDayFirst
        {
            get { return CultureInfo.CurrentCulture.DateTimeFormat.ShortDatePattern.TrimStart().StartsWith("d", StringComparison.OrdinalIgnoreCase); }
        }

        /// <summary>Reads one export; its events, and the problems found (as native errors naming file and line).</summary>
        public unsafe List<MessageTraceEvent> Read(string name, byte[] bytes, List<TraceIssue> issues)
        {
            var nameBytes = Utf8.Bytes(name);
            NativeCall.Check(NativeMethods.hmf_trace_import_read(handle, nameBytes, (UIntPtr)nameBytes.Length, bytes, (UIntPtr)bytes.Length, CultureIsDayFirst));
            IntPtr items;
            UIntPtr count;
            NativeCall.Check(NativeMethods.hmf_trace_import_issues(handle, out items, out count));
            issues.AddRange(TraceIssue.ReadAll((HmfTraceIssue*)items, (int)count, strings));
            NativeCall.Check(NativeMethods.hmf_trace_import_events(handle, out items, out count));
            var events = (HmfTraceEvent*)items;
            var result = new List<MessageTraceEvent>((int)count);
            for (int i = 0; i < (int)count; i++)
            {
                result.Add(ToEvent(events + i, strings));
            }
            return result;
        }

        internal static unsafe MessageTraceEvent ToEvent(HmfTraceEvent* e, StringPool strings)
        {
            var reason = strings.Get(e->Reason);
            return new MessageTraceEvent
            {
                ReceivedUtc = Times.FromUnixMs(e->ReceivedMs),
                SenderAddress = strings.Get(e->SenderAddress),
                RecipientAddress = strings.Get(e->RecipientAddress),
                Subject = strings.Get(e->Subject),
                Status = strings.Get(e->Status),
                FromIP = strings.Get(e->FromIp),
                ToIP = strings.Get(e->ToIp),
                Size = Absent.OrNull(e->Size),
                MessageId = strings.Get(e->MessageId),
                MessageTraceId = strings.Get(e->MessageTraceId),
                NetworkMessageId = strings.Get(e->NetworkMessageId),
                Organization = strings.Get(e->Organization),
                Event = strings.Get(e->Event),
                Events = strings.List(e->Events),
                Action = strings.Get(e->Action),
                Detail = strings.Get(e->Detail),
                Data = strings.Get(e->Data),
                DataProperties = strings.List(e->DataProperties),
                ServerHostname = strings.Get(e->ServerHostname),
                ConnectorId = strings.Get(e->ConnectorId),
                ClientIp = strings.Get(e->ClientIp),
                ClientHostname = strings.Get(e->ClientHostname),
                ServerIp = strings.Get(e->ServerIp),
                Source = strings.Get(e->Source),
                SourceContext = strings.Get(e->SourceContext),
                Directionality = strings.Get(e->Directionality),
                InternalMessageId = strings.Get(e->InternalMessageId),
                ReturnPath = strings.Get(e->ReturnPath),
                CustomData = strings.Get(e->CustomData),
                Reason = reason,
                ReasonLed = strings.Get(e->ReasonLed),
                ReasonCode = e->ReasonCode < 0 ? (int?)null : e->ReasonCode,
                ReasonEnhancedCode = strings.Get(e->ReasonEnhancedCode),
                LastAttemptedServer = strings.Get(e->ReasonLastAttemptedServer),
                LastAttemptedIp = strings.Get(e->ReasonLastAttemptedIp),
                OutboundProxyTargetIp = strings.Get(e->ReasonProxyTargetIp),
                OutboundProxyTargetHostname = strings.Get(e->ReasonProxyTargetHostname),
                ReasonRuleId = strings.Get(e->ReasonRuleId),
                ReasonTitle = strings.Get(e->ReasonTitle),
                Diagnosis = reason == null
                    ? ValueList<SmtpErrorDiagnosis>.None
                    : new ValueList<SmtpErrorDiagnosis>(Diagnosis.Diagnose(null, reason, 0, LogKind.MessageTrace, null, false)),
                Format = AbiNames.Of(e->Format),
                Path = strings.Get(e->Path),
                LineNumber = (long)e->Line,
            };
        }

        public void Dispose()
        {
            handle.Dispose();
        }
    }

    /// <summary>A problem the engine found in an export or a log: a file refused, a row skipped, values lost at export.</summary>
    internal sealed class TraceIssue
    {
        public string Kind;
        public string Path;
        public long Line;
        public string Message;

        public static unsafe List<TraceIssue> ReadAll(HmfTraceIssue* items, int count, StringPool strings)
        {
            var issues = new List<TraceIssue>(count);
            for (int i = 0; i < count; i++)
            {
                issues.Add(new TraceIssue { Kind = AbiNames.Of(items[i].Kind), Path = strings.Get(items[i].Path), Line = (long)items[i].Line, Message = strings.Get(items[i].Message) });
            }
            return issues;
        }

        /// <summary>Lost values are a warning (the row is read); the others are errors naming file and line.</summary>
        public bool IsWarning { get { return Kind == "LostValues"; } }

        public ErrorRecord ToErrorRecord()
        {
            var exception = new System.IO.InvalidDataException(Message);
            var category = Kind == "NotATrace" ? ErrorCategory.InvalidType : ErrorCategory.InvalidData;
            return new ErrorRecord(exception, "HybridMailFlow." + Kind, category, Path);
        }
    }

    /// <summary>
    /// Objects from the pipeline (Get-MessageTraceV2, Get-MessageTraceDetailV2, Import-Csv rows) as the CSV
    /// Export-Csv would write, so that the engine reads them as it reads files: one parser, one set of rules.
    /// Times are written as UTC ISO 8601: Exchange Online's DateTimes are UTC, and an unspecified kind is taken
    /// as such.
    /// </summary>
    internal static class TraceCsv
    {
        public static byte[] FromObjects(IList<PSObject> objects)
        {
            var names = new List<string>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var o in objects)
            {
                foreach (var p in o.Properties)
                {
                    if (seen.Add(p.Name))
                    {
                        names.Add(p.Name);
                    }
                }
            }
            var text = new StringBuilder();
            AppendRow(text, names);
            foreach (var o in objects)
            {
                var row = new List<string>(names.Count);
                foreach (var name in names)
                {
                    PSPropertyInfo property = o.Properties[name];
                    object value = null;
                    try
                    {
                        value = property == null ? null : property.Value;
                    }
                    catch (GetValueException)
                    {
                        // A property whose getter throws has no value to trace; the others still count.
                    }
                    row.Add(Format(value));
                }
                AppendRow(text, row);
            }
            return Encoding.UTF8.GetBytes(text.ToString());
        }

        private static string Format(object value)
        {
            var unwrapped = value is PSObject ? ((PSObject)value).BaseObject : value;
            if (unwrapped == null)
            {
                return string.Empty;
            }
            if (unwrapped is DateTime)
            {
                var time = (DateTime)unwrapped;
                var utc = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);
                return utc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
            }
            if (unwrapped is DateTimeOffset)
            {
                return ((DateTimeOffset)unwrapped).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
            }
            if (!(unwrapped is string) && unwrapped is IEnumerable)
            {
                var items = new List<string>();
                foreach (var item in (IEnumerable)unwrapped)
                {
                    items.Add(Format(item));
                }
                return string.Join(";", items);
            }
            return Convert.ToString(unwrapped, CultureInfo.InvariantCulture);
        }

        private static void AppendRow(StringBuilder text, List<string> cells)
        {
            for (int i = 0; i < cells.Count; i++)
            {
                if (i > 0)
                {
                    text.Append(',');
                }
                text.Append('"').Append(cells[i].Replace("\"", "\"\"")).Append('"');
            }
            text.Append("\r\n");
        }
    }
}
