namespace HybridMailFlow
{
    // CheckResult (Pass, Warn, Fail, Skipped) is shared with the other configuration checks: ConfigurationCheck.cs.

    /// <summary>
    /// One check of a send connector's hybrid settings (PSTypeName HybridMailFlow.SendConnectorCheck): the result,
    /// the evidence, what is expected and the fix command with the connector's own values.
    /// </summary>
    public sealed class SendConnectorCheck
    {
        public string Connector { get; internal set; }

        /// <summary>The setting checked: Enabled, TlsAuthLevel, TlsDomain, RequireTLS, CloudServicesMailEnabled, Routing, TlsCertificateName, Fqdn, ProtocolLoggingLevel, AddressSpaces, HybridConnector.</summary>
        public string Check { get; internal set; }
        public CheckResult Result { get; internal set; }

        /// <summary>The values seen, e.g. "TlsDomain = 'cloudmonkeys.xyz'".</summary>
        public string Evidence { get; internal set; }
        public string Expected { get; internal set; }

        /// <summary>Why it matters, or why the check was skipped.</summary>
        public string Reason { get; internal set; }

        /// <summary>The command that fixes it; empty when the check passed.</summary>
        public string Fix { get; internal set; }

        public override string ToString()
        {
            return string.Format("{0} {1}: {2}", Connector, Check, Result);
        }
    }
}
