namespace HybridMailFlow
{
    /// <summary>
    /// Which send connector carries mail for a recipient domain (PSTypeName HybridMailFlow.SendConnectorRoute), or,
    /// when none does, the Unreachable diagnosis and the Set-SendConnector that fixes it.
    /// </summary>
    public sealed class SendConnectorRoute
    {
        /// <summary>The value given to -RecipientDomain (a domain or an address).</summary>
        public string Recipient { get; internal set; }
        public string RecipientDomain { get; internal set; }

        /// <summary>Routed, RoutedByScopedConnector or Unreachable.</summary>
        public string Status { get; internal set; }
        public bool Routed { get; internal set; }

        /// <summary>The connector chosen: the most specific address space, then the lowest cost, then the name.</summary>
        public string Connector { get; internal set; }
        public string AddressSpace { get; internal set; }
        public int? Cost { get; internal set; }
        public bool IsScopedConnector { get; internal set; }

        /// <summary>Other enabled connectors that match the domain too, but lose.</summary>
        public int Alternatives { get; internal set; }

        /// <summary>What the result means for mail to the domain.</summary>
        public string Explanation { get; internal set; }

        /// <summary>For an unreachable domain: the knowledge base's finding for "A matching connector cannot be found to route the external recipient".</summary>
        public SmtpErrorDiagnosis Diagnosis { get; internal set; }
        public string DiagnosisRuleId { get { return Diagnosis == null ? null : Diagnosis.RuleId; } }

        /// <summary>For an unreachable domain: the connector to extend and the commands, which keep the address spaces it already has.</summary>
        public string FixConnector { get; internal set; }
        public ValueList<string> FixCommands { get; internal set; }
        public string FixCommandsText { get { return FixCommands == null ? null : FixCommands.ToString(); } }

        public override string ToString()
        {
            return string.Format("{0}: {1}", RecipientDomain, Routed ? Connector : Status);
        }
    }
}
