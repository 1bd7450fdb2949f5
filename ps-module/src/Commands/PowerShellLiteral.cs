using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Language;

namespace HybridMailFlow.Commands
{
    /// <summary>Values written into suggested commands: always single-quoted literals, whatever they hold.</summary>
    internal static class PowerShellLiteral
    {
        /// <summary>
        /// A single-quoted string literal. Every quote PowerShell reads as one (the typographic ones too) is doubled,
        /// so that a value from a remote server, a DNS record or a log cannot end the string and run.
        /// </summary>
        public static string Quote(string text)
        {
            return "'" + CodeGeneration.EscapeSingleQuotedStringContent(text ?? string.Empty) + "'";
        }

        /// <summary>'a','b'</summary>
        public static string QuoteList(IEnumerable<string> items)
        {
            return string.Join(",", items.Select(Quote));
        }
    }
}
