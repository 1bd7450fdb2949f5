using System.Text;

namespace HybridMailFlow
{
    /// <summary>
    /// Text from logs and from the network (EHLO names, replies, certificate subjects, subjects of messages): shown
    /// and exported, never trusted. A control character in it would reach the terminal that shows the object: an
    /// escape sequence that sets the window title, clears the screen or hides what follows. Every string the engine
    /// hands the cmdlets passes here once, as it becomes a .NET string (Utf8.Read, SessionDetails).
    /// </summary>
    internal static class Untrusted
    {
        /// <summary>
        /// The text with each control character but TAB (C0, DEL and C1: U+0000-U+001F, U+007F, U+0080-U+009F) written
        /// as \xHH, two lower-case hex digits: ESC is \x1b, BEL \x07. A backslash of the text stays as it is, so
        /// the escaped form cannot be told from the same characters written in the log: the raw text is kept where
        /// the README says. Text without control characters is returned as it is, without a copy.
        /// </summary>
        public static string Printable(string text)
        {
            if (text == null)
            {
                return null;
            }
            int first = 0;
            while (first < text.Length && !IsEscaped(text[first]))
            {
                first++;
            }
            if (first == text.Length)
            {
                return text;
            }
            var result = new StringBuilder(text.Length + 8);
            result.Append(text, 0, first);
            for (int i = first; i < text.Length; i++)
            {
                char c = text[i];
                if (IsEscaped(c))
                {
                    result.Append("\\x").Append(((int)c).ToString("x2"));
                }
                else
                {
                    result.Append(c);
                }
            }
            return result.ToString();
        }

        private static bool IsEscaped(char c)
        {
            return char.IsControl(c) && c != '\t';
        }
    }
}
