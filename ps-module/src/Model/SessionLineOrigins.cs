using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;

namespace HybridMailFlow
{
    /// <summary>
    /// Where the lines of a session are: for each line its file (an index into Files), its line number and the byte
    /// offset where it starts. The lines themselves are read again from the files when asked for.
    /// </summary>
    internal sealed class SessionLineOrigins
    {
        // The engine never reads a longer line (it reports it as an error instead): a longer one means the file
        // changed since.
        private const int MaxLineBytes = 1024 * 1024;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal SessionLineOrigins(int lineCount, ValueList<string> files)
        {
            FileIndexes = new uint[lineCount];
            Numbers = new ulong[lineCount];
            Offsets = new ulong[lineCount];
            Files = files;
        }

        internal uint[] FileIndexes { get; private set; }
        internal ulong[] Numbers { get; private set; }
        internal ulong[] Offsets { get; private set; }
        internal ValueList<string> Files { get; private set; }

        /// <summary>
        /// The lines joined with '\n' as the engine kept them (line ends removed). Each line must still hold the
        /// session id: a log file rewritten since reads as an error naming the file and line, never as other lines.
        /// The id is looked for in the line decoded as the engine decoded it (UTF-8, bytes that are not UTF-8
        /// replaced): an id is whatever the log holds, in any script or none.
        /// </summary>
        internal byte[] ReadLines(string sessionId)
        {
            var output = new MemoryStream();
            var id = sessionId ?? string.Empty;
            FileStream stream = null;
            bool? utf16BigEndian = null;
            long openIndex = -1;
            try
            {
                for (int i = 0; i < Numbers.Length; i++)
                {
                    string path = Files[(int)FileIndexes[i]];
                    if (FileIndexes[i] != openIndex)
                    {
                        if (stream != null)
                        {
                            stream.Dispose();
                        }
                        // Exchange keeps writing the current log: share it as Get-Content does.
                        stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.RandomAccess);
                        utf16BigEndian = Utf16ByteOrder(stream);
                        openIndex = FileIndexes[i];
                    }
                    var line = utf16BigEndian.HasValue ? ReadUtf16Line(stream, (long)Offsets[i], utf16BigEndian.Value) : ReadLine(stream, (long)Offsets[i]);
                    if (line == null || Encoding.UTF8.GetString(line).IndexOf(id, StringComparison.Ordinal) < 0)
                    {
                        throw new IOException(string.Format(
                            "{0}:{1}: the log file changed since the session was read (the line no longer belongs to session {2}); read it again.",
                            path, Numbers[i], sessionId));
                    }
                    if (i > 0)
                    {
                        output.WriteByte((byte)'\n');
                    }
                    output.Write(line, 0, line.Length);
                }
            }
            finally
            {
                if (stream != null)
                {
                    stream.Dispose();
                }
            }
            return output.ToArray();
        }

        /// <summary>
        /// The line starting at offset, without its line end (CRLF, LF or CR, as the engine reads them); null when it
        /// does not end before the limit.
        /// </summary>
        private static byte[] ReadLine(FileStream stream, long offset)
        {
            if (offset >= stream.Length)
            {
                return null;
            }
            stream.Seek(offset, SeekOrigin.Begin);
            var line = new MemoryStream();
            var buffer = new byte[4096];
            while (line.Length <= MaxLineBytes)
            {
                int read = stream.Read(buffer, 0, buffer.Length);
                if (read == 0)
                {
                    return null;
                }
                int end = LineEnd(buffer, read);
                if (end >= 0)
                {
                    line.Write(buffer, 0, end);
                    return line.ToArray();
                }
                line.Write(buffer, 0, read);
            }
            return null;
        }

        /// <summary>
        /// For a file that starts with a UTF-16 byte order mark (a log saved again by Windows PowerShell 5.1 or
        /// Notepad), whether it is big endian; else null: the engine read it as UTF-8. Its offsets are of the file
        /// either way.
        /// </summary>
        private static bool? Utf16ByteOrder(FileStream stream)
        {
            if (stream.Length < 2)
            {
                return null;
            }
            stream.Seek(0, SeekOrigin.Begin);
            int first = stream.ReadByte(), second = stream.ReadByte();
            if (first == 0xFF && second == 0xFE)
            {
                return false;
            }
            if (first == 0xFE && second == 0xFF)
            {
                return true;
            }
            return null;
        }

        /// <summary>
        /// The UTF-16 line starting at offset, up to its CR or LF unit, as the UTF-8 the engine read (units that are
        /// not a character replaced, as the engine replaces them); null when it does not end before the limit.
        /// </summary>
        private static byte[] ReadUtf16Line(FileStream stream, long offset, bool bigEndian)
        {
            if (offset >= stream.Length || offset % 2 != 0)
            {
                return null;
            }
            stream.Seek(offset, SeekOrigin.Begin);
            var line = new MemoryStream();
            var pair = new byte[2];
            while (line.Length <= 2L * MaxLineBytes)
            {
                if (stream.Read(pair, 0, 2) != 2)
                {
                    return null;
                }
                int unit = bigEndian ? (pair[0] << 8) | pair[1] : (pair[1] << 8) | pair[0];
                if (unit == '\n' || unit == '\r')
                {
                    var text = new UnicodeEncoding(bigEndian, false).GetString(line.GetBuffer(), 0, (int)line.Length);
                    return Encoding.UTF8.GetBytes(text);
                }
                line.Write(pair, 0, 2);
            }
            return null;
        }

        private static int LineEnd(byte[] buffer, int count)
        {
            for (int i = 0; i < count; i++)
            {
                if (buffer[i] == (byte)'\n' || buffer[i] == (byte)'\r')
                {
                    return i;
                }
            }
            return -1;
        }
    }
}
