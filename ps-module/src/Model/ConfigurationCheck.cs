namespace HybridMailFlow
{
    /// <summary>How a check came out (configuration checks, send connector checks, checklist steps).</summary>
    public enum CheckResult
    {
        Pass,
        Warn,
        Fail,
        /// <summary>Not checked; the reason says why, e.g. a cmdlet is absent or an input was not given.</summary>
        Skipped,
    }

    /// <summary>
    /// One check of one Exchange object (PSTypeName HybridMailFlow.ConfigurationCheck): a receive connector, a
    /// transport service's DNS settings, a certificate. Flat, so that a whole run exports to one CSV.
    /// </summary>
    public sealed class ConfigurationCheck
    {
        /// <summary>ReceiveConnector, TransportDns or Certificate.</summary>
        public string Area { get; internal set; }

        public string Server { get; internal set; }

        /// <summary>The object checked: a connector's or service's Identity, a certificate's thumbprint, a host name.</summary>
        public string Identity { get; internal set; }

        /// <summary>Stable name of the check, e.g. TlsCertificateName, InternalDnsServers, CoversName.</summary>
        public string Check { get; internal set; }

        public CheckResult Result { get; internal set; }

        /// <summary>What was found and why it matters.</summary>
        public string Message { get; internal set; }

        /// <summary>The values the check looked at, as the Exchange cmdlets show them.</summary>
        public string Evidence { get; internal set; }

        /// <summary>What to do, when something is wrong.</summary>
        public string Fix { get; internal set; }

        /// <summary>The exact command(s) to run, separated by "; " so that the text runs as it is.</summary>
        public string Command { get; internal set; }

        /// <summary>The error this misconfiguration causes, as admins see it (Resolve-HybridSmtpError explains it).</summary>
        public string Symptom { get; internal set; }

        public override string ToString()
        {
            return string.Format("{0} {1} {2}: {3}", Result, Area, Check, Identity);
        }
    }

    /// <summary>
    /// One step of the lab guide's troubleshooting checklists (PSTypeName HybridMailFlow.MailFlowCheck), as
    /// Invoke-HybridMailFlowCheck runs it against the Exchange cmdlets.
    /// </summary>
    public sealed class MailFlowCheck
    {
        /// <summary>MailStuckOnPremises, ExchangeOnlineToOnPremises or EdgeSync.</summary>
        public string Checklist { get; set; }

        /// <summary>The step's number in the lab guide's checklist (1 to 18).</summary>
        public int Step { get; set; }

        public string Check { get; set; }

        public CheckResult Result { get; set; }

        /// <summary>Why the result: what was found, or why the step was skipped (e.g. the cmdlet is absent).</summary>
        public string Reason { get; set; }

        /// <summary>What the cmdlets returned, in short.</summary>
        public string Evidence { get; set; }

        public string Fix { get; set; }

        /// <summary>The exact command(s) to run, separated by "; ".</summary>
        public string Command { get; set; }

        /// <summary>The server the step looked at.</summary>
        public string Server { get; set; }

        public override string ToString()
        {
            return string.Format("{0} {1}. {2}: {3}", Checklist, Step, Check, Result);
        }
    }
}
