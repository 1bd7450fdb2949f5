using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Language;
using System.Text;

namespace HybridMailFlow
{
    /// <summary>
    /// Text laid out for the views, which fit 120 columns: PowerShell's list view cuts a long value at the column
    /// wherever it falls, in the middle of a word or of a command, so the views give it lines that already fit.
    /// Commands stay commands: a long one is broken where PowerShell reads on (after a pipe, or before a parameter
    /// with a backtick), so that what is copied from the screen still runs.
    /// </summary>
    public static class TextLayout
    {
        private const string ContinuationIndent = "    ";

        /// <summary>Text in lines of at most width characters, broken between words.</summary>
        public static string Wrap(string text, int width)
        {
            return text == null ? null : string.Join(Environment.NewLine, WrapLines(text, width));
        }

        /// <summary>Items one under another, each begun with its marker ("- ", or "1. " numbered) and wrapped under itself.</summary>
        public static string Items(IEnumerable<string> items, int width, bool numbered)
        {
            if (items == null)
            {
                return null;
            }
            var lines = new List<string>();
            int number = 0;
            foreach (var item in items)
            {
                number++;
                var marker = numbered ? number + ". " : "- ";
                var wrapped = WrapLines(item ?? string.Empty, width - marker.Length);
                for (int i = 0; i < wrapped.Count; i++)
                {
                    lines.Add((i == 0 ? marker : new string(' ', marker.Length)) + wrapped[i]);
                }
            }
            return string.Join(Environment.NewLine, lines);
        }

        /// <summary>Commands one under another, each whole on its own line when it fits, else broken where PowerShell reads on.</summary>
        public static string Commands(IEnumerable<string> commands, int width)
        {
            return commands == null ? null : string.Join(Environment.NewLine, commands.SelectMany(c => CommandLines(c ?? string.Empty, width)));
        }

        /// <summary>
        /// One command in lines of at most width characters where its tokens allow: a line ends after a pipe, or
        /// before a parameter with " `", and the lines after the first are indented. Strings and script blocks are
        /// never cut; a single token longer than the width stays whole.
        /// </summary>
        public static IList<string> CommandLines(string command, int width)
        {
            if (command.Length <= width)
            {
                return new[] { command };
            }
            Token[] tokens;
            ParseError[] errors;
            Parser.ParseInput(command, out tokens, out errors);
            var breaks = new List<KeyValuePair<int, bool>>();
            foreach (var token in tokens)
            {
                if (token.Kind == TokenKind.Pipe)
                {
                    breaks.Add(new KeyValuePair<int, bool>(token.Extent.EndOffset, false));
                }
                else if (token.Kind == TokenKind.Parameter && token.Extent.StartOffset > 0 && command[token.Extent.StartOffset - 1] == ' ')
                {
                    breaks.Add(new KeyValuePair<int, bool>(token.Extent.StartOffset, true));
                }
            }
            var lines = new List<string>();
            int start = 0;
            while (true)
            {
                var indent = lines.Count == 0 ? string.Empty : ContinuationIndent;
                var rest = command.Substring(start).TrimStart();
                if (indent.Length + rest.Length <= width)
                {
                    lines.Add(indent + rest);
                    break;
                }
                KeyValuePair<int, bool>? chosen = null;
                foreach (var b in breaks.Where(b => b.Key > start))
                {
                    var fits = indent.Length + Piece(command, start, b).Length <= width;
                    if (fits || chosen == null)
                    {
                        chosen = b;
                    }
                    if (!fits)
                    {
                        break;
                    }
                }
                if (chosen == null)
                {
                    lines.Add(indent + rest);
                    break;
                }
                lines.Add(indent + Piece(command, start, chosen.Value));
                start = chosen.Value.Key;
            }
            return lines;
        }

        private static string Piece(string command, int start, KeyValuePair<int, bool> at)
        {
            var piece = command.Substring(start, at.Key - start).Trim();
            return at.Value ? piece + " `" : piece;
        }

        private static List<string> WrapLines(string text, int width)
        {
            var lines = new List<string>();
            foreach (var paragraph in text.Replace("\r\n", "\n").Split('\n'))
            {
                var line = new StringBuilder();
                foreach (var word in paragraph.Split(' '))
                {
                    if (line.Length > 0 && line.Length + 1 + word.Length > width)
                    {
                        lines.Add(line.ToString());
                        line.Clear();
                    }
                    else if (line.Length > 0)
                    {
                        line.Append(' ');
                    }
                    line.Append(word);
                    while (line.Length > width)
                    {
                        lines.Add(line.ToString(0, width));
                        line.Remove(0, width);
                    }
                }
                lines.Add(line.ToString());
            }
            return lines;
        }
    }
}
