using System.Text;

namespace HybridMailFlow.Network
{
    /// <summary>Text from the network (replies, certificates, DNS records): shown and exported, never trusted.</summary>
    internal static class Untrusted
    {
        /// <summary>Control characters (an escape sequence for the console, a line break in a name) as U+FFFD.</summary>
        public static string Printable(string text)
        {
            if (text == null)
            {
                return null;
            }
            var result = new StringBuilder(text.Length);
            foreach (var c in text)
            {
                result.Append(char.IsControl(c) && c != '\t' ? '\uFFFD' : c);
            }
            return result.ToString();
        }
    }
}
