namespace HybridMailFlow
{
    /// <summary>
    /// The lines of one log file a trace uses (PSTypeName HybridMailFlow.TraceEvidence): what each server sends
    /// Trace-HybridMessage -ComputerName or -Session, which traces the lines of all servers together. Lists are
    /// joined with a line feed, so that the object crosses remoting as plain text.
    /// </summary>
    public sealed class TraceEvidence
    {
        /// <summary>The computer whose logs these are.</summary>
        public string Server { get; internal set; }

        /// <summary>Tracking or Protocol.</summary>
        public string Kind { get; internal set; }

        /// <summary>The file on the server.</summary>
        public string Path { get; internal set; }

        /// <summary>The file's # lines, which name its fields.</summary>
        public string Header { get; internal set; }

        public string Lines { get; internal set; }

        /// <summary>Each line's number in the file.</summary>
        public string LineNumbers { get; internal set; }
    }

    /// <summary>Where the lines of an evidence file written for a joined trace came from.</summary>
    internal sealed class EvidenceOrigin
    {
        public EvidenceOrigin(string path, int headerLines, long[] lineNumbers)
        {
            Path = path;
            HeaderLines = headerLines;
            LineNumbers = lineNumbers;
        }

        public string Path { get; private set; }

        public int HeaderLines { get; private set; }

        public long[] LineNumbers { get; private set; }
    }
}
