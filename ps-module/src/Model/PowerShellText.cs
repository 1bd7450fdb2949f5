using System.Management.Automation.Language;

namespace HybridMailFlow
{
    /// <summary>
    /// Values put into the commands we suggest. They come from logs, queues and remote servers, so each stands in a
    /// single-quoted string escaped by PowerShell's own rules: besides ', PowerShell takes the typographic quotes
    /// ‘ ’ ‚ ‛ for single quotes, and a value holding one of them would otherwise end the string. The engine quotes
    /// the values of its own commands the same way (src/powershell.rs).
    /// </summary>
    internal static class PowerShellText
    {
        /// <summary>The value as a single-quoted string literal.</summary>
        public static string SingleQuoted(string value)
        {
            return "'" + CodeGeneration.EscapeSingleQuotedStringContent(value ?? string.Empty) + "'";
        }

        /// <summary>
        /// Fills a placeholder the engine left in a command (written as &lt;name&gt; inside a single-quoted string,
        /// where the engine put every placeholder) with a value escaped for that string.
        /// </summary>
        public static string FillPlaceholder(string command, string name, string value)
        {
            return command.Replace("<" + name + ">", CodeGeneration.EscapeSingleQuotedStringContent(value ?? string.Empty));
        }
    }
}
