using System;

namespace HybridMailFlow
{
    /// <summary>One step of a live SMTP probe (PSTypeName HybridMailFlow.SmtpProbeStep): what was sent, what came back.</summary>
    public sealed class SmtpProbeStep
    {
        /// <summary>Connect, Banner, EHLO, HELO, STARTTLS, TLS, MAIL FROM, RCPT TO, RSET or QUIT.</summary>
        public string Step { get; internal set; }

        /// <summary>The command sent, as sent (null for Connect, Banner and the TLS handshake).</summary>
        public string Command { get; internal set; }

        /// <summary>The reply code, when the step got an SMTP reply.</summary>
        public int? ReplyCode { get; internal set; }

        /// <summary>The reply (its lines joined with a line break), or what the step saw: the address connected to, the TLS parameters.</summary>
        public string Reply { get; internal set; }

        /// <summary>When the step started, local (the module's one rule for time: see Times).</summary>
        public DateTime Time { get { return TimeUtc.ToLocalTime(); } }

        public DateTime TimeUtc { get; internal set; }

        public TimeSpan Duration { get; internal set; }

        public bool Succeeded { get; internal set; }

        /// <summary>Why the step failed: refused, timed out, reset, the TLS error, or the reply that refused it.</summary>
        public string Error { get; internal set; }

        /// <summary>The knowledge base's findings for the failure, as Resolve-HybridSmtpError gives them.</summary>
        public ValueList<SmtpErrorDiagnosis> Diagnosis { get; internal set; }

        public override string ToString()
        {
            var said = Reply ?? Error;
            return Command == null ? string.Format("{0}: {1}", Step, said) : string.Format("{0} -> {1}", Command, said);
        }
    }

    /// <summary>
    /// What an SMTP endpoint answered to a probe (PSTypeName HybridMailFlow.SmtpEndpointTest): banner, EHLO, STARTTLS, the
    /// TLS parameters and certificate chain, the expected name, MAIL FROM and RCPT TO, each step with its time.
    /// </summary>
    public sealed class SmtpEndpointTest
    {
        /// <summary>The host tested: as given to -ComputerName, or an MX host of -DomainName.</summary>
        public string ComputerName { get; internal set; }

        /// <summary>The domain whose MX host this is (-DomainName), else null.</summary>
        public string DomainName { get; internal set; }

        /// <summary>The MX preference of the host (-DomainName), else null.</summary>
        public int? Preference { get; internal set; }

        /// <summary>The address connected to.</summary>
        public string Address { get; internal set; }

        /// <summary>Every address the name resolved to, "; " between them.</summary>
        public string AddressesText { get; internal set; }

        public int Port { get; internal set; }

        /// <summary>When the probe started, local (the module's one rule for time: see Times).</summary>
        public DateTime Start { get { return StartUtc.ToLocalTime(); } }

        public DateTime StartUtc { get; internal set; }

        public TimeSpan Duration { get; internal set; }

        /// <summary>The 220 greeting.</summary>
        public string Banner { get; internal set; }

        /// <summary>The name sent with EHLO.</summary>
        public string Helo { get; internal set; }

        /// <summary>The name the server gave in its EHLO reply.</summary>
        public string RemoteHost { get; internal set; }

        /// <summary>The EHLO extensions offered (after STARTTLS when TLS was negotiated).</summary>
        public ValueList<string> Extensions { get; internal set; }

        public string ExtensionsText { get { return Extensions.ToString(); } }

        /// <summary>Whether the EHLO reply before TLS offered STARTTLS.</summary>
        public bool StartTlsOffered { get; internal set; }

        /// <summary>True when the TLS handshake completed, false when it failed, null when it was not attempted.</summary>
        public bool? TlsSucceeded { get; internal set; }

        /// <summary>The TLS protocol negotiated: Tls12, Tls13...</summary>
        public string TlsProtocol { get; internal set; }

        /// <summary>The cipher suite, e.g. TLS_AES_256_GCM_SHA384 (PowerShell 7; .NET Framework does not tell it).</summary>
        public string TlsCipherSuite { get; internal set; }

        public string TlsCipher { get; internal set; }
        public int? TlsCipherStrength { get; internal set; }
        public string TlsMac { get; internal set; }
        public string TlsKeyExchange { get; internal set; }
        public int? TlsKeyExchangeStrength { get; internal set; }

        /// <summary>The certificate presented, then the chain up to its root as this computer built it.</summary>
        public ValueList<SmtpTlsCertificate> Certificates { get; internal set; }

        public string CertificateSubject { get { return Certificate == null ? null : Certificate.Subject; } }
        public string CertificateIssuer { get { return Certificate == null ? null : Certificate.Issuer; } }
        public string CertificateThumbprint { get { return Certificate == null ? null : Certificate.Thumbprint; } }
        public DateTime? CertificateNotBefore { get { return Certificate == null ? null : Certificate.NotBefore; } }
        public DateTime? CertificateNotAfter { get { return Certificate == null ? null : Certificate.NotAfter; } }
        public string CertificateSubjectAlternativeNames { get { return Certificate == null ? null : Certificate.SubjectAlternativeNames.ToString(); } }

        /// <summary>Whether the chain validates with this computer's trust store (revocation not checked); null without a certificate.</summary>
        public bool? ChainValid { get; internal set; }

        /// <summary>Valid, or the chain's problems: UntrustedRoot, NotTimeValid, PartialChain...</summary>
        public string ChainValidationStatus { get; internal set; }

        /// <summary>The name the certificate must cover (-ExpectedName).</summary>
        public string ExpectedName { get; internal set; }

        /// <summary>Whether the certificate covers ExpectedName by the engine's name rules; null without either.</summary>
        public bool? NameMatches { get; internal set; }

        /// <summary>The SAN or CN that covers ExpectedName.</summary>
        public string MatchedName { get; internal set; }

        /// <summary>The MAIL FROM address tried ("" is the null sender).</summary>
        public string MailFrom { get; internal set; }

        /// <summary>The RCPT TO addresses tried.</summary>
        public ValueList<string> Recipients { get; internal set; }

        public string RecipientsText { get { return Recipients.ToString(); } }

        /// <summary>Every step in order.</summary>
        public ValueList<SmtpProbeStep> Steps { get; internal set; }

        /// <summary>Each step on one line: "EHLO probe -> 250 ..."; for Export-Csv.</summary>
        public string StepsText { get { return string.Join(Environment.NewLine, Steps); } }

        /// <summary>
        /// As a session's: NoMessage (every step passed, QUIT), ConnectFailed, TlsFailed (handshake failed, no STARTTLS, or
        /// a certificate a validating connector refuses), Rejected (5xx), TempFailed (4xx), Dropped (closed or silent).
        /// </summary>
        public string Outcome { get; internal set; }

        /// <summary>The reply or error that decided the outcome.</summary>
        public string OutcomeText { get; internal set; }

        /// <summary>Pass, Warn (a certificate expiring soon, an old TLS protocol) or Fail (the outcome is not NoMessage).</summary>
        public CheckResult Result { get; internal set; }

        /// <summary>What was found, in a sentence or two.</summary>
        public string Reason { get; internal set; }

        /// <summary>The knowledge base's findings for every failure, first failure first.</summary>
        public ValueList<SmtpErrorDiagnosis> Diagnosis { get; internal set; }

        internal SmtpTlsCertificate Certificate { get { return Certificates.Count == 0 ? null : Certificates[0]; } }

        public override string ToString()
        {
            return string.Format("{0}:{1} {2}", ComputerName, Port, Outcome);
        }
    }
}
