using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HybridMailFlow.Native;

namespace HybridMailFlow.Commands
{
    /// <summary>What the Test-Hybrid* configuration cmdlets share: reading Exchange objects, writing checks.</summary>
    public abstract class ConfigurationCheckCommand : PSCmdlet
    {
        protected abstract string Area { get; }

        protected readonly DateTime NowUtc = DateTime.UtcNow;

        protected override void BeginProcessing()
        {
            LibraryLoader.EnsureLoaded();
        }

        protected void Emit(string server, string identity, string check, CheckResult result, string message, string evidence = null, string fix = null, string command = null, string symptom = null)
        {
            WriteObject(new ConfigurationCheck
            {
                Area = Area,
                Server = server,
                Identity = identity,
                Check = check,
                Result = result,
                Message = message,
                Evidence = evidence,
                Fix = fix,
                Command = command,
                Symptom = symptom,
            });
        }

        /// <summary>Says which values an export lost ("System.Object[]"): the checks that need them are skipped.</summary>
        private protected void WarnAboutLostValues(ExchangeObject o)
        {
            foreach (var name in o.LostProperties.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                WriteWarning(string.Format(
                    "{0}: {1} reads '{2}': the list was lost when the object was exported to CSV. Export it joined (@{{n='{1}';e={{$_.{1} -join ';'}}}}) or use Export-Clixml.",
                    o.Describe(), name, o.Value(name)));
            }
            o.LostProperties.Clear();
        }

        /// <summary>The reason of a check skipped because an export lost the property it needs.</summary>
        protected static string LostReason(string describe, string property)
        {
            return string.Format("{0} of {1} was lost when it was exported to CSV (System.Object[]): not checked. Export the list joined, or use Export-Clixml.", property, describe);
        }

        /// <summary>A non-terminating error for an object that is not what the cmdlet reads; the rest goes on.</summary>
        private protected void RefuseInput(ExchangeObject o, string expected)
        {
            WriteError(new ErrorRecord(
                new ArgumentException(string.Format("{0} is not {1}: it has none of the properties the checks read.", o.Describe(), expected)),
                "HybridMailFlow.UnexpectedInput", ErrorCategory.InvalidArgument, o.Item));
        }

        /// <summary>A PowerShell single-quoted string literal.</summary>
        protected static string Quote(string text)
        {
            return PowerShellText.SingleQuoted(text);
        }

        /// <summary>A PowerShell list of single-quoted literals: 'a','b'.</summary>
        protected static string QuoteList(IEnumerable<string> items)
        {
            return string.Join(",", items.Select(PowerShellText.SingleQuoted));
        }

        protected static bool ContainsName(IEnumerable<string> values, string name)
        {
            return values.Any(v => v.Equals(name, StringComparison.OrdinalIgnoreCase));
        }
    }
}
