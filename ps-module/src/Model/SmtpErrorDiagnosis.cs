namespace HybridMailFlow
{
    /// <summary>
    /// What an error text means, its likely causes and the fix (PSTypeName HybridMailFlow.SmtpErrorDiagnosis).
    /// </summary>
    public sealed class SmtpErrorDiagnosis
    {
        /// <summary>Stable rule id, e.g. HMF-PRX2 or EXO-4.4.317-SubjectMismatch; Unrecognized when no rule knows the text.</summary>
        public string RuleId { get; internal set; }

        /// <summary>The basic SMTP reply code (451), when the text has one.</summary>
        public int? Code { get; internal set; }

        /// <summary>The enhanced status code (4.7.0), when the text has one.</summary>
        public string EnhancedCode { get; internal set; }

        public string Title { get; internal set; }
        public string Meaning { get; internal set; }

        /// <summary>The most likely cause.</summary>
        public string Cause { get { return Causes.Count == 0 ? null : Causes[0]; } }

        /// <summary>Likely causes, most likely first.</summary>
        public ValueList<string> Causes { get; internal set; }

        /// <summary>The steps of the fix, in order.</summary>
        public ValueList<string> Fix { get; internal set; }

        /// <summary>PowerShell commands for the fix, with the values found in the text filled in.</summary>
        public ValueList<string> Commands { get; internal set; }

        /// <summary>Microsoft Learn pages.</summary>
        public ValueList<string> References { get; internal set; }

        /// <summary>Info, Warning, Error or Critical.</summary>
        public string Severity { get; internal set; }

        /// <summary>The innermost text the rule matched.</summary>
        public string MatchedText { get; internal set; }

        /// <summary>Wrappers peeled off to reach MatchedText (proxy, failover), outermost first.</summary>
        public ValueList<string> Context { get; internal set; }

        /// <summary>0 to 1: how specific the match was.</summary>
        public double Confidence { get; internal set; }

        /// <summary>The text that was diagnosed.</summary>
        public string Input { get; internal set; }

        /// <summary>Where the text came from ("file:line", or the property of a piped object), when known.</summary>
        public string Source { get; internal set; }

        public override string ToString()
        {
            return string.IsNullOrEmpty(EnhancedCode) ? string.Format("{0}: {1}", RuleId, Title) : string.Format("{0} ({1}): {2}", RuleId, EnhancedCode, Title);
        }
    }
}
