using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using HybridMailFlow.Commands;
using static HybridMailFlow.Commands.ExchangeObjects;

namespace HybridMailFlow.Report
{
    /// <summary>What the report is made of, by the command that gives it.</summary>
    internal enum SourceKind
    {
        Session,
        Tracking,
        Trace,
        Timeline,
        Queue,
        ErrorText,
    }

    /// <summary>The knowledge base's finding for a failure, as the report shows it, from a live or deserialized finding.</summary>
    internal sealed class DiagnosisInfo
    {
        public string RuleId;
        public string Title;
        public string Severity;
        public string Meaning;
        public string EnhancedCode;
        public List<string> Causes;
        public List<string> Fix;
        public List<string> Commands;
        public List<string> References;

        /// <summary>The rule id of a finding (SmtpErrorDiagnosis, or a deserialized one); null when it has none.</summary>
        public static string RuleIdOf(object finding)
        {
            var typed = finding as SmtpErrorDiagnosis;
            if (typed != null)
            {
                return typed.RuleId;
            }
            var o = finding as PSObject;
            return o == null ? null : Text(o, "RuleId");
        }

        public static DiagnosisInfo From(object finding)
        {
            var o = PSObject.AsPSObject(finding);
            return new DiagnosisInfo
            {
                RuleId = Text(o, "RuleId"),
                Title = Text(o, "Title"),
                Severity = Text(o, "Severity"),
                Meaning = Text(o, "Meaning"),
                EnhancedCode = Text(o, "EnhancedCode"),
                Causes = Values(Property(o, "Causes"), false).ToList(),
                Fix = Values(Property(o, "Fix"), false).ToList(),
                Commands = Values(Property(o, "Commands"), false).ToList(),
                References = Values(Property(o, "References"), false).ToList(),
            };
        }

        /// <summary>For failures no finding came with and no text to diagnose: what the report knows is the outcome.</summary>
        public static DiagnosisInfo Undiagnosed(string what)
        {
            return new DiagnosisInfo
            {
                RuleId = "Undiagnosed",
                Title = "Failures without a diagnosis: " + what,
                Severity = "Warning",
                Meaning = "These failures came without an error text to diagnose; their example lines show what happened.",
                Causes = new List<string>(),
                Fix = new List<string>(),
                Commands = new List<string>(),
                References = new List<string>(),
            };
        }
    }

    /// <summary>A TLS certificate a session logged.</summary>
    internal sealed class CertificateRecord
    {
        public string Kind;
        public string Subject;
        public string Issuer;
        public string Thumbprint;
        public DateTime? NotBefore;
        public DateTime? NotAfter;
        public string SubjectAlternativeNames;
    }

    /// <summary>The facts of one SMTP session the report counts, from a live session or a deserialized or re-imported one.</summary>
    internal sealed class SessionRecord
    {
        public DateTime StartUtc;
        public string Server;
        public string ConnectorId;
        public string Direction;
        public string Role;
        public string RemoteAddress;
        public string RemoteHost;
        public string AddressClass;
        public bool IsExchangeOnline;
        public string Outcome;
        public bool Failed;
        public string TlsProtocol;
        public string TlsCipher;
        public int? TlsCipherStrength;
        public bool? TlsSucceeded;
        public List<CertificateRecord> Certificates;
        public int Accepted;
        public long Bytes;

        /// <summary>The session's first finding (SmtpErrorDiagnosis or a deserialized one), or the text to diagnose.</summary>
        public object Finding;
        public string FailureText;

        public object Origin;

        public static SessionRecord Of(SmtpSession s)
        {
            var record = new SessionRecord
            {
                StartUtc = s.StartUtc,
                Server = s.Server,
                ConnectorId = s.ConnectorId,
                Direction = s.Direction,
                Role = s.Role,
                RemoteAddress = s.RemoteAddress,
                RemoteHost = s.RemoteHost,
                AddressClass = s.RemoteAddressClass,
                IsExchangeOnline = s.IsExchangeOnline,
                Outcome = s.Outcome,
                Failed = SmtpOutcomes.IsFailure(s.Outcome),
                TlsProtocol = s.TlsProtocol,
                TlsCipher = s.TlsCipher,
                TlsCipherStrength = s.TlsCipherStrength,
                TlsSucceeded = s.TlsSucceeded,
                Certificates = new List<CertificateRecord>(s.Certificates.Count),
                Accepted = s.AcceptedCount,
                Bytes = s.Bytes ?? 0,
                Origin = s,
            };
            foreach (var c in s.Certificates)
            {
                record.Certificates.Add(new CertificateRecord
                {
                    Kind = c.Kind,
                    Subject = c.Subject,
                    Issuer = c.Issuer,
                    Thumbprint = c.Thumbprint,
                    NotBefore = c.NotBeforeUtc,
                    NotAfter = c.NotAfterUtc,
                    SubjectAlternativeNames = c.SubjectAlternativeNames.ToString(),
                });
            }
            if (record.Failed)
            {
                record.Finding = s.Diagnosis.Count > 0 ? s.Diagnosis[0] : null;
                record.FailureText = s.OutcomeText ?? s.LastError;
            }
            return record;
        }

        /// <summary>A session deserialized from a remote session or Import-Clixml, or re-imported with Import-Csv.</summary>
        public static SessionRecord Of(PSObject o)
        {
            var outcome = Text(o, "Outcome");
            var record = new SessionRecord
            {
                StartUtc = Times.Utc(Property(o, "StartUtc"), true) ?? Times.Utc(Property(o, "Start"), false) ?? DateTime.MinValue,
                Server = Text(o, "Server"),
                ConnectorId = Text(o, "ConnectorId"),
                Direction = Text(o, "Direction"),
                Role = Text(o, "Role"),
                RemoteAddress = Text(o, "RemoteAddress"),
                RemoteHost = Text(o, "RemoteHost"),
                AddressClass = Text(o, "RemoteAddressClass"),
                IsExchangeOnline = Bool(Property(o, "IsExchangeOnline")) == true,
                Outcome = outcome,
                Failed = SmtpOutcomes.IsFailure(outcome),
                TlsProtocol = Text(o, "TlsProtocol"),
                TlsCipher = Text(o, "TlsCipher"),
                TlsCipherStrength = Int(Property(o, "TlsCipherStrength")),
                TlsSucceeded = Bool(Property(o, "TlsSucceeded")),
                Certificates = CertificatesOf(o),
                Accepted = Int(Property(o, "AcceptedCount")) ?? 0,
                Bytes = Long(Property(o, "Bytes")) ?? 0,
                Origin = o,
            };
            if (record.Failed)
            {
                record.Finding = FirstFinding(o);
                record.FailureText = Text(o, "OutcomeText") ?? Text(o, "LastError") ?? outcome;
            }
            return record;
        }

        /// <summary>The Certificates list (objects), else the flat Certificate* properties of the first one, as a CSV keeps them.</summary>
        private static List<CertificateRecord> CertificatesOf(PSObject o)
        {
            var result = new List<CertificateRecord>();
            var list = Property(o, "Certificates") as IEnumerable;
            if (list != null && !(list is string))
            {
                foreach (var item in list)
                {
                    var c = item as PSObject;
                    if (c == null || c.Properties["Subject"] == null)
                    {
                        continue;
                    }
                    result.Add(new CertificateRecord
                    {
                        Kind = Text(c, "Kind"),
                        Subject = Text(c, "Subject"),
                        Issuer = Text(c, "Issuer"),
                        Thumbprint = Text(c, "Thumbprint"),
                        NotBefore = Times.Utc(Property(c, "NotBeforeUtc"), true) ?? Times.Utc(Property(c, "NotBefore"), false),
                        NotAfter = Times.Utc(Property(c, "NotAfterUtc"), true) ?? Times.Utc(Property(c, "NotAfter"), false),
                        SubjectAlternativeNames = string.Join("; ", Values(Property(c, "SubjectAlternativeNames"), true)),
                    });
                }
            }
            if (result.Count == 0 && Text(o, "CertificateSubject") != null)
            {
                result.Add(new CertificateRecord
                {
                    Subject = Text(o, "CertificateSubject"),
                    Issuer = Text(o, "CertificateIssuer"),
                    Thumbprint = Text(o, "CertificateThumbprint"),
                    NotAfter = Times.Utc(Property(o, "CertificateNotAfter"), false),
                    SubjectAlternativeNames = Text(o, "CertificateSubjectAlternativeNames"),
                });
            }
            return result;
        }

        /// <summary>The first finding of a Diagnosis property kept as objects; null when it was lost to text (Import-Csv).</summary>
        internal static object FirstFinding(PSObject o)
        {
            var value = Property(o, "Diagnosis");
            var single = value as PSObject;
            if (single != null && single.Properties["RuleId"] != null)
            {
                return single;
            }
            var list = value as IEnumerable;
            if (list == null || value is string)
            {
                return value is SmtpErrorDiagnosis ? value : null;
            }
            foreach (var item in list)
            {
                if (item is SmtpErrorDiagnosis || DiagnosisInfo.RuleIdOf(item) != null)
                {
                    return item;
                }
            }
            return null;
        }

        private static bool? Bool(object value)
        {
            if (value is bool)
            {
                return (bool)value;
            }
            bool parsed;
            return value != null && bool.TryParse(value.ToString(), out parsed) ? parsed : (bool?)null;
        }

        private static int? Int(object value)
        {
            var number = Long(value);
            return number.HasValue ? (int)Math.Min(int.MaxValue, number.Value) : (int?)null;
        }

        private static long? Long(object value)
        {
            if (value == null)
            {
                return null;
            }
            long parsed;
            return long.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), NumberStyles.Integer, CultureInfo.InvariantCulture, out parsed) ? parsed : (long?)null;
        }
    }

    /// <summary>The facts of one message tracking event the report counts.</summary>
    internal sealed class TrackingRecord
    {
        public DateTime? TimeUtc;
        public string EventId;
        public string Source;
        public string ConnectorId;

        /// <summary>The server that logged the event: the client of an SMTP SEND (the server is its next hop), else the server.</summary>
        public string Server;
        public string RemoteHost;
        public string RemoteAddress;
        public bool IsFailure;
        public object Finding;
        public string FailureText;
        public object Origin;

        public static TrackingRecord Of(MessageTrackingEvent e)
        {
            var record = new TrackingRecord
            {
                TimeUtc = e.TimestampUtc,
                EventId = e.EventId,
                Source = e.Source,
                ConnectorId = e.ConnectorId,
                Origin = e,
            };
            record.SetEndpoints(e.ClientHostname, e.ClientIp, e.ServerHostname, e.ServerIp);
            if (record.IsFailure)
            {
                record.Finding = e.Diagnosis.Count > 0 ? e.Diagnosis[0] : null;
                record.FailureText = GetHybridMailFlowSummaryCommand.FailureTextOf(e.RecipientStatus, e.SourceContext, e.EventId);
            }
            return record;
        }

        /// <summary>A Get-MessageTrackingLog object (live, deserialized or re-imported), or this module's deserialized.</summary>
        public static TrackingRecord Of(PSObject o)
        {
            var record = new TrackingRecord
            {
                TimeUtc = Times.Utc(Property(o, "TimestampUtc"), true) ?? Times.Utc(Property(o, "Timestamp"), false),
                EventId = Text(o, "EventId"),
                Source = Text(o, "Source"),
                ConnectorId = Text(o, "ConnectorId"),
                Origin = o,
            };
            record.SetEndpoints(Text(o, "ClientHostname"), Text(o, "ClientIp"), Text(o, "ServerHostname"), Text(o, "ServerIp"));
            if (record.IsFailure)
            {
                var statuses = Values(Property(o, "RecipientStatus"), false);
                record.Finding = SessionRecord.FirstFinding(o);
                record.FailureText = GetHybridMailFlowSummaryCommand.FailureTextOf(statuses, Text(o, "SourceContext"), record.EventId);
            }
            return record;
        }

        private void SetEndpoints(string clientHostname, string clientIp, string serverHostname, string serverIp)
        {
            IsFailure = GetHybridMailFlowSummaryCommand.IsFailureEvent(EventId);
            // SMTP events other than RECEIVE (SEND, FAIL, DEFER) are logged by the client side: the server is the next hop.
            var smtpOut = string.Equals(Source, "SMTP", StringComparison.OrdinalIgnoreCase) && !string.Equals(EventId, "RECEIVE", StringComparison.OrdinalIgnoreCase);
            Server = ShortName(smtpOut ? clientHostname : serverHostname);
            RemoteHost = GetHybridMailFlowSummaryCommand.RemoteHostOf(EventId, Source, clientHostname, clientIp, serverHostname, serverIp);
            if (RemoteHost != null)
            {
                RemoteAddress = smtpOut ? serverIp : clientIp;
            }
        }

        /// <summary>
        /// A server as protocol logs name it (their folder, CMHYBD01): tracking logs write the same server short or
        /// as its FQDN (CMHYBD01.cloudmonkeys.xyz) from one row to the next.
        /// </summary>
        private static string ShortName(string host)
        {
            if (string.IsNullOrEmpty(host) || host.IndexOf(':') >= 0 || host.All(c => char.IsDigit(c) || c == '.'))
            {
                return host;
            }
            var dot = host.IndexOf('.');
            return dot > 0 ? host.Substring(0, dot) : host;
        }
    }

    /// <summary>The facts of one Exchange Online trace event the report counts, from this module's event, live or deserialized.</summary>
    internal sealed class TraceRecord
    {
        public DateTime? ReceivedUtc;
        public string Status;
        public string Event;
        public string Reason;
        public object Finding;
        public object Origin;

        public static TraceRecord Of(MessageTraceEvent e)
        {
            return new TraceRecord
            {
                ReceivedUtc = e.ReceivedUtc,
                Status = e.Status,
                Event = e.Event,
                Reason = e.Reason,
                Finding = e.Diagnosis != null && e.Diagnosis.Count > 0 ? e.Diagnosis[0] : null,
                Origin = e,
            };
        }

        public static TraceRecord Of(PSObject o)
        {
            return new TraceRecord
            {
                ReceivedUtc = Times.Utc(Property(o, "ReceivedUtc"), true) ?? Times.Utc(Property(o, "Received"), false),
                Status = Text(o, "Status"),
                Event = Text(o, "Event"),
                Reason = Text(o, "Reason"),
                Finding = SessionRecord.FirstFinding(o),
                Origin = o,
            };
        }
    }


    /// <summary>One example of a failure: what the examples table shows, and the details the page shows on demand.</summary>
    internal sealed class Example
    {
        public int Index;
        public SourceKind Kind;
        public DateTime? TimeUtc;
        public string Server;
        public string Identity;
        public string Remote;
        public string Status;

        /// <summary>Where the deciding line is (file name and line) and its text.</summary>
        public string Place;
        public string Deciding;

        public List<KeyValuePair<string, string>> Details = new List<KeyValuePair<string, string>>();

        /// <summary>The session's log lines (capped), the deciding one marked; or a timeline's hops.</summary>
        public List<string> Lines = new List<string>();
        public int DecidingLine = -1;
        public string LinesTitle;
    }

    /// <summary>Builds the examples of failures from the objects, by property name: live and deserialized alike.</summary>
    internal static class Examples
    {
        private const int MaxLines = 40;
        private const int MaxValue = 2000;

        private static readonly string[] SessionDetails =
        {
            "SessionId", "Server", "ConnectorId", "Direction", "Role", "Start", "Duration", "LocalAddress", "LocalPort", "RemoteAddress", "RemotePort",
            "RemoteAddressClass", "Helo", "RemoteHost", "Banner", "TlsMode", "TlsProtocol", "TlsCipher", "TlsFailure", "CertificateSubject",
            "CertificateNotAfter", "ChainValidationStatus", "TlsDomainCapabilities", "AuthMechanism", "AuthUser", "AuthResult", "AuthFailure",
            "MailFrom", "Recipients", "MessageIds", "Responses", "LastError", "ErrorCommand", "DisconnectReason", "Outcome", "OutcomeText",
            "OutcomePath", "OutcomeLine",
        };

        private static readonly string[] TrackingDetails =
        {
            "Timestamp", "EventId", "Source", "ServerHostname", "ServerIp", "ClientHostname", "ClientIp", "ConnectorId", "Sender", "Recipients",
            "RecipientStatus", "MessageSubject", "MessageId", "NetworkMessageId", "InternalMessageId", "SourceContext", "Path", "LineNumber",
        };

        private static readonly string[] TraceDetails =
        {
            "Received", "Event", "Status", "SenderAddress", "RecipientAddress", "Subject", "MessageId", "NetworkMessageId", "FromIP", "ToIP",
            "Reason", "LastAttemptedServer", "LastAttemptedIp", "Detail", "Path", "LineNumber",
        };

        private static readonly string[] TimelineDetails =
        {
            "MessageId", "NetworkMessageId", "Sender", "Recipient", "Subject", "Location", "LocationServer", "Summary", "Error", "ErrorRuleId",
            "Flags", "FirstSeen", "LastSeen",
        };

        private static readonly string[] QueueDetails =
        {
            "Identity", "Server", "QueueKind", "DeliveryType", "Status", "State", "Severity", "MessageCount", "NextHopDomain", "NextHopConnector",
            "LastError", "Meaning", "Action", "Commands", "OldestMessageReceived", "Source",
        };

        private static readonly string[] ErrorTextDetails = { "Input", "Source", "MatchedText", "Context", "Code", "EnhancedCode" };

        public static Example OfSession(SessionRecord r)
        {
            var o = PSObject.AsPSObject(r.Origin);
            var outcomePath = Text(o, "OutcomePath");
            var outcomeLine = Text(o, "OutcomeLine");
            var example = New(SourceKind.Session, o, SessionDetails);
            example.TimeUtc = r.StartUtc;
            example.Server = r.Server;
            example.Identity = Text(o, "SessionId");
            example.Remote = r.RemoteHost ?? r.RemoteAddress;
            example.Status = r.Outcome;
            example.Place = PlaceOf(outcomePath, outcomeLine);
            example.Deciding = Text(o, "OutcomeText") ?? Text(o, "LastError") ?? Text(o, "DisconnectReason");
            example.LinesTitle = "The session's lines";
            var session = r.Origin as SmtpSession;
            if (session != null)
            {
                AddLines(example, session, outcomePath);
            }
            else
            {
                var lines = Property(o, "Lines");
                var text = lines as string;
                var items = text != null ? text.Split('\n').Select(l => l.TrimEnd('\r')) : Values(lines, false);
                example.Lines.AddRange(items.Where(l => l.Length > 0).Take(MaxLines).Select(l => Escape.Clip(l, MaxValue)));
            }
            return example;
        }

        /// <summary>A live session's lines, read again from its log files, with the line that decided the outcome marked.</summary>
        private static void AddLines(Example example, SmtpSession session, string outcomePath)
        {
            var raw = session.Lines.RawText.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
            List<SmtpLogEntry> entries = null;
            try
            {
                entries = session.Lines.ToList();
            }
            catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException || e is Native.NativeException)
            {
                // RawText already says which file is gone or changed.
            }
            var deciding = -1;
            var lines = new List<string>(raw.Length);
            for (int i = 0; i < raw.Length; i++)
            {
                var entry = entries != null && entries.Count == raw.Length ? entries[i] : null;
                if (entry != null && entry.LineNumber == session.OutcomeLine && string.Equals(entry.Path, outcomePath, StringComparison.Ordinal))
                {
                    deciding = i;
                }
                var prefix = entry == null ? string.Empty : System.IO.Path.GetFileName(entry.Path) + ":" + entry.LineNumber.ToString(CultureInfo.InvariantCulture) + "  ";
                lines.Add(prefix + raw[i]);
            }
            // A long session: its first lines, then those up to and just after the deciding one.
            var windowEnd = lines.Count;
            var windowStart = 0;
            if (lines.Count > MaxLines)
            {
                windowEnd = deciding < MaxLines - 5 ? MaxLines : Math.Min(lines.Count, deciding + 5);
                windowStart = Math.Max(0, windowEnd - MaxLines);
            }
            var head = windowStart == 0 ? 0 : MaxLines / 4;
            for (int i = 0; i < head; i++)
            {
                example.Lines.Add(Escape.Clip(lines[i], MaxValue));
            }
            windowStart = Math.Max(windowStart + head, head);
            if (windowStart > head)
            {
                example.Lines.Add(string.Format(CultureInfo.InvariantCulture, "({0:N0} lines left out)", windowStart - head));
            }
            for (int i = windowStart; i < windowEnd; i++)
            {
                if (i == deciding)
                {
                    example.DecidingLine = example.Lines.Count;
                }
                example.Lines.Add(Escape.Clip(lines[i], MaxValue));
            }
            if (windowEnd < lines.Count)
            {
                example.Lines.Add(string.Format(CultureInfo.InvariantCulture, "({0:N0} more lines)", lines.Count - windowEnd));
            }
        }

        public static Example OfTracking(TrackingRecord r)
        {
            var o = PSObject.AsPSObject(r.Origin);
            var example = New(SourceKind.Tracking, o, TrackingDetails);
            example.TimeUtc = r.TimeUtc;
            example.Server = r.Server;
            example.Identity = Text(o, "MessageId");
            example.Remote = r.RemoteHost;
            example.Status = r.EventId;
            example.Place = PlaceOf(Text(o, "Path"), Text(o, "LineNumber"));
            example.Deciding = r.FailureText;
            return example;
        }

        public static Example OfTrace(TraceRecord r)
        {
            var o = PSObject.AsPSObject(r.Origin);
            var example = New(SourceKind.Trace, o, TraceDetails);
            var line = Text(o, "LineNumber");
            example.TimeUtc = r.ReceivedUtc;
            example.Server = Text(o, "ServerHostname") ?? "Exchange Online";
            example.Identity = Text(o, "MessageId");
            example.Remote = Text(o, "LastAttemptedServer") ?? Text(o, "RecipientAddress");
            example.Status = r.Event ?? r.Status;
            example.Place = PlaceOf(Text(o, "Path"), line == "0" ? null : line);
            example.Deciding = r.Reason ?? Text(o, "Detail");
            return example;
        }

        public static Example OfTimeline(PSObject o, DateTime? lastSeenUtc)
        {
            var example = New(SourceKind.Timeline, o, TimelineDetails);
            example.TimeUtc = lastSeenUtc;
            example.Server = Text(o, "LocationServer");
            example.Identity = Text(o, "MessageId");
            example.Remote = Text(o, "Recipient");
            example.Status = Text(o, "Location");
            example.Deciding = Text(o, "Error") ?? Text(o, "Summary");
            example.LinesTitle = "The message's hops";
            example.Lines.AddRange(Values(Property(o, "Hops"), false).Take(MaxLines).Select(h => Escape.Clip(h, MaxValue)));
            return example;
        }

        public static Example OfQueue(PSObject o)
        {
            var example = New(SourceKind.Queue, o, QueueDetails);
            example.Server = Text(o, "Server");
            example.Identity = Text(o, "Identity");
            example.Remote = Text(o, "NextHopDomain");
            example.Status = Text(o, "State") ?? Text(o, "Status");
            example.Deciding = Text(o, "LastError");
            example.Place = Text(o, "Source");
            return example;
        }

        public static Example OfErrorText(PSObject o)
        {
            var example = New(SourceKind.ErrorText, o, ErrorTextDetails);
            example.Status = Text(o, "Severity");
            example.Deciding = Text(o, "Input");
            example.Place = Text(o, "Source");
            return example;
        }

        private static Example New(SourceKind kind, PSObject o, string[] details)
        {
            var example = new Example { Kind = kind };
            foreach (var name in details)
            {
                var value = Display(o, name);
                if (!string.IsNullOrEmpty(value))
                {
                    example.Details.Add(new KeyValuePair<string, string>(name, Escape.Clip(value, MaxValue)));
                }
            }
            return example;
        }

        private static string PlaceOf(string path, string line)
        {
            if (path == null)
            {
                return null;
            }
            var name = System.IO.Path.GetFileName(path);
            return line == null ? name : name + ":" + line;
        }

        /// <summary>A property as the examples show it: lists joined with "; ", times local with their UTC offset.</summary>
        private static string Display(PSObject o, string name)
        {
            object value;
            try
            {
                value = Property(o, name);
            }
            catch (GetValueException)
            {
                return null;
            }
            if (value == null)
            {
                return null;
            }
            if (value is DateTime)
            {
                var time = (DateTime)value;
                return time.Kind == DateTimeKind.Unspecified
                    ? time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
                    : Format.LocalTime(time.ToUniversalTime());
            }
            if (value is string)
            {
                return (string)value;
            }
            if (value is IEnumerable)
            {
                return string.Join("; ", Values(value, false).Take(50));
            }
            return Convert.ToString(value, CultureInfo.InvariantCulture);
        }
    }
}
