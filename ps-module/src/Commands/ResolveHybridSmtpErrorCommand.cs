using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using HybridMailFlow.Native;

namespace HybridMailFlow.Commands
{
    /// <summary>Which side of an SMTP session an error was seen on.</summary>
    public enum SmtpDirection
    {
        Receive = 1,
        Send = 2,
    }

    /// <summary>
    /// Turns an SMTP, NDR, queue or Exchange Online trace error into what it means, its likely cause and the fix.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Resolve, "HybridSmtpError")]
    [OutputType(typeof(SmtpErrorDiagnosis))]
    public sealed class ResolveHybridSmtpErrorCommand : PSCmdlet
    {
        // Where each kind of object keeps its error text, and what that says about the source.
        private static readonly KeyValuePair<string, LogKind>[] ErrorProperties =
        {
            new KeyValuePair<string, LogKind>("LastError", LogKind.Queue),
            new KeyValuePair<string, LogKind>("RecipientStatus", LogKind.MessageTracking),
            new KeyValuePair<string, LogKind>("Detail", LogKind.MessageTrace),
            new KeyValuePair<string, LogKind>("Reason", LogKind.MessageTrace),
            new KeyValuePair<string, LogKind>("Data", LogKind.MessageTrace),
        };

        private KnowledgeBaseHandle knowledge;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowEmptyString]
        [AllowNull]
        public PSObject[] Message { get; set; }

        [Parameter]
        public SwitchParameter All { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] RulePath { get; set; }

        [Parameter]
        public SmtpDirection Direction { get; set; }

        [Parameter]
        public LogKind Source { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string PrecedingCommand { get; set; }

        protected override void BeginProcessing()
        {
            LibraryLoader.EnsureLoaded();
            if (RulePath == null)
            {
                return;
            }
            var files = new List<string>();
            foreach (var pattern in RulePath)
            {
                ProviderInfo provider;
                files.AddRange(SessionState.Path.GetResolvedProviderPathFromPSPath(pattern, out provider));
            }
            try
            {
                // Each file alone first, so that a mistake is reported against the file that has it.
                foreach (var file in files)
                {
                    Diagnosis.LoadRules(File.ReadAllText(file, Encoding.UTF8), file).Dispose();
                }
                knowledge = Diagnosis.LoadRules(string.Join("\n", files.Select(f => File.ReadAllText(f, Encoding.UTF8))), string.Join(", ", files));
            }
            catch (NativeException e)
            {
                ThrowTerminatingError(e.ToErrorRecord(RulePath));
            }
        }

        protected override void ProcessRecord()
        {
            foreach (var item in Message ?? new PSObject[] { null })
            {
                foreach (var text in TextsOf(item))
                {
                    var direction = MyInvocation.BoundParameters.ContainsKey("Direction") ? (uint)Direction : 0u;
                    var source = MyInvocation.BoundParameters.ContainsKey("Source") ? Source : text.Source;
                    foreach (var finding in Diagnosis.Diagnose(knowledge, text.Text, direction, source, PrecedingCommand, All.IsPresent))
                    {
                        finding.Source = text.Origin;
                        WriteObject(finding);
                    }
                }
            }
        }

        protected override void EndProcessing()
        {
            if (knowledge != null)
            {
                knowledge.Dispose();
            }
        }

        private struct ErrorText
        {
            public string Text;
            public LogKind Source;
            public string Origin;
        }

        private IEnumerable<ErrorText> TextsOf(PSObject item)
        {
            var baseObject = item == null ? null : item.BaseObject;
            if (baseObject == null || baseObject is string)
            {
                yield return new ErrorText { Text = (string)baseObject ?? string.Empty, Source = LogKind.Unknown };
                yield break;
            }
            var session = baseObject as SmtpSession;
            if (session != null)
            {
                yield return new ErrorText { Text = session.OutcomeText ?? session.LastError ?? string.Empty, Source = LogKind.ProtocolLog, Origin = session.SessionId };
                yield break;
            }
            var entry = baseObject as SmtpLogEntry;
            if (entry != null)
            {
                yield return new ErrorText { Text = entry.Context ?? entry.Data ?? string.Empty, Source = LogKind.ProtocolLog, Origin = entry.Path + ":" + entry.LineNumber };
                yield break;
            }
            // From a server through remoting: the same properties, on a property bag.
            if (ExchangeObjects.IsModuleObject(item, "SmtpSession"))
            {
                var text = ExchangeObjects.Text(item, "OutcomeText") ?? ExchangeObjects.Text(item, "LastError") ?? string.Empty;
                yield return new ErrorText { Text = text, Source = LogKind.ProtocolLog, Origin = ExchangeObjects.Text(item, "SessionId") };
                yield break;
            }
            if (ExchangeObjects.IsModuleObject(item, "SmtpLogEntry"))
            {
                var text = ExchangeObjects.Text(item, "Context") ?? ExchangeObjects.Text(item, "Data") ?? string.Empty;
                yield return new ErrorText { Text = text, Source = LogKind.ProtocolLog, Origin = ExchangeObjects.Text(item, "Path") + ":" + ExchangeObjects.Text(item, "LineNumber") };
                yield break;
            }
            bool found = false;
            bool hasErrorProperty = false;
            foreach (var property in ErrorProperties)
            {
                var info = item.Properties[property.Key];
                hasErrorProperty |= info != null;
                if (info == null || info.Value == null)
                {
                    continue;
                }
                foreach (var value in Values(info.Value))
                {
                    found = true;
                    yield return new ErrorText { Text = value, Source = property.Value, Origin = property.Key };
                }
                if (found)
                {
                    yield break;
                }
            }
            // A healthy queue has an empty LastError: nothing to say, and no error either.
            if (!hasErrorProperty)
            {
                WriteError(new ErrorRecord(
                    new ArgumentException(string.Format(
                        "The {0} object has no error text: give a string, or an object with a LastError, RecipientStatus, Detail, Reason or Data property.",
                        item.TypeNames.Count > 0 ? item.TypeNames[0] : baseObject.GetType().FullName)),
                    "HybridMailFlow.NoErrorText", ErrorCategory.InvalidArgument, item));
            }
        }

        /// <summary>A property's text values: RecipientStatus is an array, one status per recipient.</summary>
        private static IEnumerable<string> Values(object value)
        {
            var unwrapped = value is PSObject ? ((PSObject)value).BaseObject : value;
            var text = unwrapped as string;
            if (text != null)
            {
                if (text.Length > 0)
                {
                    yield return text;
                }
                yield break;
            }
            var list = unwrapped as System.Collections.IEnumerable;
            if (list != null)
            {
                foreach (var element in list)
                {
                    var s = element == null ? null : element.ToString();
                    if (!string.IsNullOrEmpty(s))
                    {
                        yield return s;
                    }
                }
                yield break;
            }
            var other = unwrapped.ToString();
            if (!string.IsNullOrEmpty(other))
            {
                yield return other;
            }
        }
    }
}
