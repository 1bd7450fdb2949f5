using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Text;

namespace HybridMailFlow.Native
{
    /// <summary>Reads trace exports through the engine and turns its tables into MessageTraceEvent objects.</summary>
    internal sealed class TraceImporter : IDisposable
    {
        private readonly TraceImportHandle handle;

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
        public List<MessageTraceEvent> Read(string name, byte[] bytes, List<TraceIssue> issues)
        {
            var nameBytes = Utf8.Bytes(name);
            NativeCall.Check(NativeMethods.hmf_trace_import_read(handle, nameBytes, (UIntPtr)nameBytes.Length, bytes, (UIntPtr)bytes.Length, CultureIsDayFirst));
            HmfTable table;
            NativeCall.Check(NativeMethods.hmf_trace_import_issues(handle, out table));
            issues.AddRange(TraceIssue.ReadAll(new NativeTable(table)));
            NativeCall.Check(NativeMethods.hmf_trace_import_events(handle, out table));
            var events = new NativeTable(table);
            var result = new List<MessageTraceEvent>(events.Rows);
            for (int i = 0; i < events.Rows; i++)
            {
                result.Add(ToEvent(events, i));
            }
            return result;
        }

        internal static MessageTraceEvent ToEvent(NativeTable t, int i)
        {
            var reason = t.Get(i, "Reason");
            var code = t.GetInt64(i, "ReasonCode");
            return new MessageTraceEvent
            {
                ReceivedUtc = t.GetUtc(i, "ReceivedMs") ?? DateTime.MinValue,
                SenderAddress = t.Get(i, "SenderAddress"),
                RecipientAddress = t.Get(i, "RecipientAddress"),
                Subject = t.Get(i, "Subject"),
                Status = t.Get(i, "Status"),
                FromIP = t.Get(i, "FromIP"),
                ToIP = t.Get(i, "ToIP"),
                Size = t.GetInt64(i, "Size"),
                MessageId = t.Get(i, "MessageId"),
                MessageTraceId = t.Get(i, "MessageTraceId"),
                NetworkMessageId = t.Get(i, "NetworkMessageId"),
                Organization = t.Get(i, "Organization"),
                Event = t.Get(i, "Event"),
                Events = t.GetList(i, "Events"),
                Action = t.Get(i, "Action"),
                Detail = t.Get(i, "Detail"),
                Data = t.Get(i, "Data"),
                DataProperties = t.GetList(i, "DataProperties"),
                ServerHostname = t.Get(i, "ServerHostname"),
                ConnectorId = t.Get(i, "ConnectorId"),
                ClientIp = t.Get(i, "ClientIp"),
                ClientHostname = t.Get(i, "ClientHostname"),
                ServerIp = t.Get(i, "ServerIp"),
                Source = t.Get(i, "Source"),
                SourceContext = t.Get(i, "SourceContext"),
                Directionality = t.Get(i, "Directionality"),
                InternalMessageId = t.Get(i, "InternalMessageId"),
                ReturnPath = t.Get(i, "ReturnPath"),
                CustomData = t.Get(i, "CustomData"),
                Reason = reason,
                ReasonLed = t.Get(i, "ReasonLed"),
                ReasonCode = code.HasValue ? (int?)code.Value : null,
                ReasonEnhancedCode = t.Get(i, "ReasonEnhancedCode"),
                LastAttemptedServer = t.Get(i, "ReasonLastAttemptedServer"),
                LastAttemptedIp = t.Get(i, "ReasonLastAttemptedIp"),
                OutboundProxyTargetIp = t.Get(i, "ReasonProxyTargetIp"),
                OutboundProxyTargetHostname = t.Get(i, "ReasonProxyTargetHostname"),
                ReasonRuleId = t.Get(i, "ReasonRuleId"),
                ReasonTitle = t.Get(i, "ReasonTitle"),
                Diagnosis = reason == null
                    ? ValueList<SmtpErrorDiagnosis>.None
                    : new ValueList<SmtpErrorDiagnosis>(Diagnosis.Diagnose(null, reason, 0, LogKind.MessageTrace, null, false)),
                Format = t.Get(i, "Format"),
                Path = t.Get(i, "Path"),
                LineNumber = t.GetInt64(i, "Line") ?? 0,
            };
        }

        public void Dispose()
        {
            handle.Dispose();
        }
    }

    /// <summary>A problem the engine found in an export: a file refused, a row skipped, values lost at export.</summary>
    internal sealed class TraceIssue
    {
        public string Kind;
        public string Path;
        public long Line;
        public string Message;

        public static IEnumerable<TraceIssue> ReadAll(NativeTable t)
        {
            for (int i = 0; i < t.Rows; i++)
            {
                yield return new TraceIssue { Kind = t.Get(i, "Kind"), Path = t.Get(i, "Path"), Line = t.GetInt64(i, "Line") ?? 0, Message = t.Get(i, "Message") };
            }
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
