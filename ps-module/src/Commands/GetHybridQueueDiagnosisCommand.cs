using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using HybridMailFlow.Native;
using static HybridMailFlow.Commands.ExchangeObjects;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// Explains each transport queue: what its status means, what to do and the exact commands, its LastError in
    /// parts with the knowledge base's diagnosis, the age of its oldest message, and whether it is over a threshold.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "HybridQueueDiagnosis", DefaultParameterSetName = InputSet)]
    [OutputType(typeof(QueueDiagnosis))]
    public sealed class GetHybridQueueDiagnosisCommand : PSCmdlet
    {
        private const string InputSet = "InputObject";
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private const string UnreachableText = "A matching connector cannot be found to route the external recipient";

        private readonly List<QueueFacts> queues = new List<QueueFacts>();
        private readonly Dictionary<string, MessageGroup> messagesByQueue = new Dictionary<string, MessageGroup>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, SmtpErrorDiagnosis> diagnosed = new Dictionary<string, SmtpErrorDiagnosis>(StringComparer.Ordinal);
        private int skipped;
        private int messagesRead;
        private bool recipientsLostWarned;

        [Parameter(ParameterSetName = InputSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowNull]
        public PSObject[] InputObject { get; set; }

        [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; }

        [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true)]
        [Alias("PSPath", "FullName")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int MessageCountThreshold { get; set; } = 100;

        [Parameter]
        public SwitchParameter StuckInDrafts { get; set; }

        [Parameter]
        [ValidateNotNull]
        public PSObject[] SendConnector { get; set; }

        protected override void BeginProcessing()
        {
            LibraryLoader.EnsureLoaded();
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName != InputSet)
            {
                var paths = new LogPathList(this);
                paths.Add(Path, LiteralPath);
                foreach (var file in paths.Paths)
                {
                    ReadCsv(file);
                }
                return;
            }
            foreach (var item in InputObject ?? new PSObject[0])
            {
                if (item == null)
                {
                    continue;
                }
                var file = item.BaseObject as FileInfo;
                if (file != null)
                {
                    ReadCsv(file.FullName);
                    continue;
                }
                Take(item, "Pipeline");
            }
        }

        // Queues are written at the end: a queue's messages (Get-Queue; Get-Message) may come after it, and its
        // oldest message and recipients are part of its diagnosis. Queues are few; memory is not at stake.
        protected override void EndProcessing()
        {
            var connectors = SendConnector == null ? null : SendConnectors.Read(this, SendConnector);
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var queue in queues)
            {
                seen.Add(queue.Identity);
                WriteObject(Diagnose(queue, connectors));
            }
            // Messages whose queue was not given still say something about that queue.
            foreach (var group in messagesByQueue.Where(g => !seen.Contains(g.Key)))
            {
                var queue = new QueueFacts { Identity = group.Key, MessageCount = group.Value.Count, Source = group.Value.Source };
                seen.Add(queue.Identity);
                WriteObject(Diagnose(queue, connectors));
            }
            if (StuckInDrafts.IsPresent)
            {
                WriteSubmissionChecklists();
            }
            WriteVerbose(string.Format(CultureInfo.InvariantCulture, "{0} queue(s) and {1} message(s) read; {2} object(s) skipped.", queues.Count, messagesRead, skipped));
        }

        private void WriteSubmissionChecklists()
        {
            var servers = queues.Select(q => ServerOf(q.Identity)).Concat(messagesByQueue.Keys.Select(ServerOf))
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (servers.Count == 0)
            {
                servers.Add(string.Empty);
            }
            foreach (var server in servers)
            {
                var submission = queues.FirstOrDefault(q => string.Equals(ServerOf(q.Identity), server, StringComparison.OrdinalIgnoreCase)
                    && q.Identity.EndsWith("\\Submission", StringComparison.OrdinalIgnoreCase));
                if (submission != null && submission.MessageCount.GetValueOrDefault() > 0)
                {
                    WriteVerbose(string.Format("{0}: the Submission queue holds {1} message(s): mail reaches Submission; its queue's diagnosis applies.", submission.Identity, submission.MessageCount));
                    continue;
                }
                var advice = ConfigQueue.SubmissionChecklist(server);
                var row = FromAdvice(advice, new QueueFacts { Identity = server.Length == 0 ? "Submission" : server + "\\Submission", Source = submission == null ? "StuckInDrafts" : submission.Source });
                row.MessageCount = submission == null ? (int?)null : submission.MessageCount;
                row.Status = submission == null ? null : submission.Status;
                WriteObject(row);
            }
        }

        private QueueDiagnosis Diagnose(QueueFacts queue, List<SendConnectors.Connector> connectors)
        {
            MessageGroup messages;
            messagesByQueue.TryGetValue(queue.Identity, out messages);
            var advice = ConfigQueue.Advise(queue.Identity, queue.Status, queue.DeliveryType, queue.NextHopDomain, queue.LastError, queue.MessageCount, MessageCountThreshold);
            var row = FromAdvice(advice, queue);
            var errorText = !string.IsNullOrEmpty(queue.LastError) ? queue.LastError : messages == null ? null : messages.LastError;
            if (advice.Kind == QueueKind.Unreachable && string.IsNullOrEmpty(errorText) && advice.Severity != Severity.Info)
            {
                errorText = UnreachableText;
            }
            var commands = new List<string>(advice.Commands);
            if (!string.IsNullOrEmpty(errorText))
            {
                row.Diagnosis = DiagnosisOf(errorText);
                // The queue's own commands already cover an Unreachable queue, exactly; elsewhere the knowledge
                // base's commands follow, with this queue and server filled in.
                if (advice.Kind != QueueKind.Unreachable)
                {
                    commands.AddRange(row.Diagnosis.Commands
                        .Select(c => PowerShellText.FillPlaceholder(c, "queue", queue.Identity))
                        .Select(c => advice.Server == null ? c : PowerShellText.FillPlaceholder(c, "server", advice.Server))
                        .Where(c => !commands.Contains(c)));
                }
            }
            if (messages != null)
            {
                row.MessagesSeen = messages.Count;
                row.RecipientDomains = new ValueList<string>(messages.Domains.ToList());
                if (messages.Oldest.HasValue)
                {
                    row.OldestMessageReceivedUtc = messages.Oldest;
                    row.OldestMessageAge = DateTime.UtcNow - messages.Oldest.Value;
                }
                if (advice.Kind == QueueKind.Unreachable)
                {
                    FillUnreachableFix(commands, messages.Domains, connectors);
                }
            }
            var connector = ConnectorOf(queue, connectors);
            if (connector != null)
            {
                // The knowledge base writes <connector> where the text does not name it; the queue's NextHopConnector does.
                row.NextHopConnector = connector.Name;
                commands = commands.Select(c => PowerShellText.FillPlaceholder(c, "connector", connector.Name)).ToList();
            }
            row.Commands = new ValueList<string>(commands);
            return row;
        }

        private static SendConnectors.Connector ConnectorOf(QueueFacts queue, List<SendConnectors.Connector> connectors)
        {
            if (connectors == null || string.IsNullOrEmpty(queue.NextHopConnector))
            {
                return null;
            }
            return connectors.FirstOrDefault(c => string.Equals(c.Guid, queue.NextHopConnector, StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>The placeholder domain filled in with the messages' domains, and, with -SendConnector, the exact fix.</summary>
        private void FillUnreachableFix(List<string> commands, IEnumerable<string> domains, List<SendConnectors.Connector> connectors)
        {
            var placeholder = commands.FindIndex(c => c.Contains("-RecipientDomain '<domain>'"));
            if (placeholder < 0 || !domains.Any())
            {
                return;
            }
            var filled = new List<string>();
            if (connectors != null)
            {
                foreach (var route in SendConnectors.Route(this, connectors, domains).Where(r => !r.Found))
                {
                    filled.AddRange(route.FixCommands.Where(c => !c.StartsWith("Get-Queue", StringComparison.Ordinal)));
                }
            }
            if (filled.Count == 0)
            {
                filled.Add(commands[placeholder].Replace("'<domain>'", string.Join(", ", domains.Select(PowerShellText.SingleQuoted))));
            }
            commands.RemoveAt(placeholder);
            commands.InsertRange(placeholder, filled);
        }

        private QueueDiagnosis FromAdvice(QueueAdvice advice, QueueFacts queue)
        {
            return new QueueDiagnosis
            {
                Identity = queue.Identity,
                Server = advice.Server,
                QueueKind = AbiNames.Of(advice.Kind),
                DeliveryType = queue.DeliveryType,
                Status = queue.Status,
                State = advice.State,
                Severity = AbiNames.Of(advice.Severity),
                MessageCount = queue.MessageCount,
                NextHopDomain = queue.NextHopDomain,
                LastError = queue.LastError,
                LastErrorLED = advice.Led,
                LastErrorMSG = advice.Msg,
                LastErrorFQDN = advice.Fqdn,
                LastErrorIP = advice.Ip,
                LastErrorLRT = advice.Lrt,
                ErrorCode = advice.Code,
                EnhancedCode = advice.EnhancedCode,
                Meaning = advice.Meaning,
                Action = advice.Action,
                Commands = new ValueList<string>(advice.Commands),
                Steps = new ValueList<string>(advice.Steps),
                OverThreshold = advice.OverThreshold,
                MessageCountThreshold = MessageCountThreshold,
                RecipientDomains = ValueList<string>.None,
                Source = queue.Source,
            };
        }

        private SmtpErrorDiagnosis DiagnosisOf(string text)
        {
            SmtpErrorDiagnosis finding;
            if (!diagnosed.TryGetValue(text, out finding))
            {
                finding = Diagnosis.Diagnose(null, text, 0, LogKind.Queue, null, false)[0];
                finding.Source = "LastError";
                diagnosed[text] = finding;
            }
            return finding;
        }

        /// <summary>Takes a queue or a message; anything else is a non-terminating error and is counted as skipped.</summary>
        private void Take(PSObject item, string source)
        {
            bool isMessage = Has(item, "FromAddress") || Has(item, "DateReceived");
            bool isQueue = !isMessage && (Has(item, "DeliveryType") || Has(item, "NextHopDomain") || Has(item, "MessageCount"));
            var identity = Text(item, "Identity");
            if (isQueue && !string.IsNullOrWhiteSpace(identity))
            {
                TakeQueue(item, identity.Trim(), source);
            }
            else if (isMessage && (Text(item, "Queue") != null || (identity != null && identity.Count(c => c == '\\') >= 2)))
            {
                TakeMessage(item, identity, source);
            }
            else
            {
                skipped++;
                WriteError(new ErrorRecord(
                    new ArgumentException(string.Format(
                        "{0}: the {1} object is not a Get-Queue or Get-Message object (no Identity with DeliveryType, NextHopDomain or MessageCount; no Queue with FromAddress or DateReceived); skipped.",
                        source, item.TypeNames.Count > 0 ? item.TypeNames[0] : item.BaseObject.GetType().FullName)),
                    "HybridMailFlow.NotAQueue", ErrorCategory.InvalidArgument, item));
            }
        }

        private void TakeQueue(PSObject item, string identity, string source)
        {
            int? count = null;
            var countText = Text(item, "MessageCount");
            if (countText != null)
            {
                int parsed;
                if (int.TryParse(countText.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out parsed) && parsed >= 0)
                {
                    count = parsed;
                }
                else
                {
                    WriteError(new ErrorRecord(
                        new InvalidDataException(string.Format("{0}: queue '{1}' has MessageCount '{2}', which is not a number; read without it.", source, identity, countText)),
                        "HybridMailFlow.BadValue", ErrorCategory.InvalidData, item));
                }
            }
            queues.Add(new QueueFacts
            {
                Identity = identity,
                Status = Text(item, "Status") ?? string.Empty,
                DeliveryType = Text(item, "DeliveryType") ?? string.Empty,
                NextHopDomain = Text(item, "NextHopDomain") ?? string.Empty,
                LastError = Text(item, "LastError") ?? string.Empty,
                NextHopConnector = Text(item, "NextHopConnector"),
                MessageCount = count,
                Source = source,
            });
        }

        private void TakeMessage(PSObject item, string identity, string source)
        {
            messagesRead++;
            var queue = Text(item, "Queue");
            if (queue == null)
            {
                // <Server>\<Queue>\<MessageInteger>: the queue is all but the last part.
                queue = identity.Substring(0, identity.LastIndexOf('\\'));
            }
            MessageGroup group;
            if (!messagesByQueue.TryGetValue(queue.Trim(), out group))
            {
                group = new MessageGroup { Source = source };
                messagesByQueue[queue.Trim()] = group;
            }
            group.Count++;
            var received = Property(item, "DateReceived");
            if (received != null)
            {
                var local = LocalTimeOf(received);
                if (local == DateTime.MinValue)
                {
                    WriteError(new ErrorRecord(
                        new InvalidDataException(string.Format("{0}: message '{1}' has DateReceived '{2}', which is not a date; read without it.", source, identity, received)),
                        "HybridMailFlow.BadTime", ErrorCategory.InvalidData, item));
                }
                else
                {
                    var utc = local.ToUniversalTime();
                    if (!group.Oldest.HasValue || utc < group.Oldest.Value)
                    {
                        group.Oldest = utc;
                    }
                }
            }
            if (group.LastError == null)
            {
                group.LastError = Text(item, "LastError");
            }
            var recipients = Property(item, "Recipients");
            var recipientsText = recipients as string;
            if (recipientsText != null && recipientsText.StartsWith("System.", StringComparison.Ordinal) && !recipientsLostWarned)
            {
                recipientsLostWarned = true;
                WriteWarning(string.Format(
                    "{0}: Recipients reads '{1}': the value was lost at export (Export-Csv writes the type name of a list); the recipients' domains are unknown. Export with @{{n='Recipients';e={{$_.Recipients -join ','}}}} or use Export-Clixml.",
                    source, recipientsText));
            }
            foreach (var recipient in RecipientAddresses(recipients))
            {
                var at = recipient.LastIndexOf('@');
                if (at > 0 && at < recipient.Length - 1)
                {
                    group.Domains.Add(recipient.Substring(at + 1).Trim().ToLowerInvariant());
                }
            }
        }

        /// <summary>A live RecipientInfo has its Address; other shapes are read from their text.</summary>
        private static IEnumerable<string> RecipientAddresses(object recipients)
        {
            var list = recipients as IEnumerable;
            if (recipients == null || recipients is string || list == null)
            {
                return Values(recipients, false).SelectMany(SplitRecipients);
            }
            return list.Cast<object>().Where(r => r != null).SelectMany(r =>
            {
                var address = Text(PSObject.AsPSObject(r), "Address");
                return address != null ? new[] { address } : SplitRecipients(r.ToString());
            });
        }

        /// <summary>
        /// Recipients as Get-Message shows them, `{chris@contoso.com;2;2;A matching connector ...;16;...}`, or an
        /// exported list of them: the addresses are the parts with an @ before a status number.
        /// </summary>
        private static IEnumerable<string> SplitRecipients(string value)
        {
            foreach (var part in value.Trim('{', '}', ' ').Split(new[] { ' ', ',', ';', '{', '}' }, StringSplitOptions.RemoveEmptyEntries))
            {
                if (part.IndexOf('@') > 0 && part.IndexOf('@') == part.LastIndexOf('@'))
                {
                    yield return part.Trim('<', '>');
                }
            }
        }

        /// <summary>
        /// A CSV of Get-Queue or Get-Message objects through PowerShell's own Import-Csv (a #TYPE line, quoting, a
        /// UTF-16 file), with ';' as the delimiter when the header has no comma (Export-Csv -UseCulture).
        /// </summary>
        private void ReadCsv(string path)
        {
            string header;
            bool hasTypeLine;
            try
            {
                var lines = File.ReadLines(path).Take(2).ToList();
                hasTypeLine = lines.Count > 0 && lines[0].StartsWith("#TYPE", StringComparison.OrdinalIgnoreCase);
                header = lines.Skip(hasTypeLine ? 1 : 0).FirstOrDefault();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(e, "HybridMailFlow.IoError", ErrorCategory.ReadError, path));
                return;
            }
            if (string.IsNullOrWhiteSpace(header))
            {
                WriteError(new ErrorRecord(new InvalidDataException(string.Format("{0}: the file is empty; nothing read.", path)),
                    "HybridMailFlow.EmptyFile", ErrorCategory.InvalidData, path));
                return;
            }
            var delimiter = header.IndexOf(',') < 0 && header.IndexOf(';') >= 0 ? ";" : ",";
            var rows = InvokeCommand.InvokeScript("param($p, $d) Import-Csv -LiteralPath $p -Delimiter $d", true, PipelineResultTypes.None, null, path, delimiter);
            var firstDataLine = hasTypeLine ? 3 : 2;
            for (int i = 0; i < rows.Count; i++)
            {
                Take(rows[i], string.Format(CultureInfo.InvariantCulture, "{0}, line {1}", path, firstDataLine + i));
            }
            WriteVerbose(string.Format(CultureInfo.InvariantCulture, "{0}: {1} row(s) read.", path, rows.Count));
        }

        private static bool Has(PSObject o, string name)
        {
            return o.Properties[name] != null;
        }

        private static string ServerOf(string identity)
        {
            var slash = identity.IndexOf('\\');
            return slash < 0 ? string.Empty : identity.Substring(0, slash);
        }

        private sealed class QueueFacts
        {
            public string Identity;
            public string Status = string.Empty;
            public string DeliveryType = string.Empty;
            public string NextHopDomain = string.Empty;
            public string LastError = string.Empty;
            public string NextHopConnector;
            public int? MessageCount;
            public string Source;
        }

        private sealed class MessageGroup
        {
            public int Count;
            public DateTime? Oldest;
            public string LastError;
            public string Source;
            public readonly SortedSet<string> Domains = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        }
    }
}
