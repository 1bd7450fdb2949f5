using System.Collections.Generic;
using HybridMailFlow.Native;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// The knowledge base's best finding per error text, asked once per distinct text: large logs repeat the same
    /// few errors thousands of times. Bounded: past 50,000 distinct texts it starts again.
    /// </summary>
    internal sealed class DiagnosisCache
    {
        private const int MaxTexts = 50000;
        private readonly LogKind source;
        private readonly Dictionary<string, SmtpErrorDiagnosis> findings = new Dictionary<string, SmtpErrorDiagnosis>();

        public DiagnosisCache(LogKind source)
        {
            this.source = source;
        }

        public SmtpErrorDiagnosis Diagnose(string text)
        {
            SmtpErrorDiagnosis finding;
            if (!findings.TryGetValue(text, out finding))
            {
                if (findings.Count >= MaxTexts)
                {
                    findings.Clear();
                }
                finding = Diagnosis.Diagnose(null, text, 0, source, null, false)[0];
                findings[text] = finding;
            }
            return finding;
        }
    }
}
