using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text;

namespace HybridMailFlow
{
    /// <summary>A TLS certificate a session logged (PSTypeName HybridMailFlow.SmtpTlsCertificate).</summary>
    public sealed class SmtpTlsCertificate
    {
        /// <summary>Sending certificate (ours), Received or Remote certificate (theirs).</summary>
        public string Kind { get; internal set; }
        public string Subject { get; internal set; }
        public string Issuer { get; internal set; }
        public string SerialNumber { get; internal set; }
        public string Thumbprint { get; internal set; }
        /// <summary>The validity, local (the module's one rule for time: see Times), as Get-ExchangeCertificate shows it.</summary>
        public DateTime? NotBefore { get { return Times.Local(NotBeforeUtc); } }
        public DateTime? NotAfter { get { return Times.Local(NotAfterUtc); } }
        public DateTime? NotBeforeUtc { get; internal set; }
        public DateTime? NotAfterUtc { get; internal set; }
        public ValueList<string> SubjectAlternativeNames { get; internal set; }

        public override string ToString()
        {
            return Subject;
        }
    }

    /// <summary>One MAIL FROM transaction of a session (PSTypeName HybridMailFlow.SmtpSessionMessage).</summary>
    public sealed class SmtpSessionMessage
    {
        public string MailFrom { get; internal set; }
        public ValueList<string> Recipients { get; internal set; }
        public string InternetMessageId { get; internal set; }

        /// <summary>The InternalId of "250 2.6.0 &lt;id&gt; [InternalId=..., Hostname=...]", or the RecordId a send log names.</summary>
        public string InternalId { get; internal set; }
        public string Hostname { get; internal set; }
        public long? Size { get; internal set; }
        public bool Accepted { get; internal set; }

        /// <summary>The reply that ended the transaction.</summary>
        public string Response { get; internal set; }

        public override string ToString()
        {
            return string.Format("{0} -> {1}", MailFrom, Recipients);
        }
    }

    /// <summary>An SMTP session rebuilt from protocol-log lines (PSTypeName HybridMailFlow.SmtpSession).</summary>
    public sealed class SmtpSession
    {
        private SessionLineOrigins lineOrigins;
        private SmtpSessionLines lines;

        // The details as the engine's bytes until first read, then decoded (SessionDetails). Volatile, and the
        // bytes dropped only after the details are published: two threads reading one session both get them.
        private volatile byte[] packedDetails;
        private volatile SessionDetails details;

        public string Server { get; internal set; }
        public string ConnectorId { get; internal set; }

        /// <summary>Receive (SmtpReceive log) or Send (SmtpSend log).</summary>
        public string Direction { get; internal set; }

        /// <summary>FrontEnd, Hub, Edge, MailboxDelivery, MailboxSubmission or Unknown.</summary>
        public string Role { get; internal set; }

        public string SessionId { get; internal set; }

        /// <summary>First line's time, local (the module's one rule for time: see Times).</summary>
        public DateTime Start { get { return StartUtc.ToLocalTime(); } }

        /// <summary>Last line's time, local.</summary>
        public DateTime End { get { return EndUtc.ToLocalTime(); } }

        /// <summary>First line's time, UTC, as the log writes it.</summary>
        public DateTime StartUtc { get; internal set; }

        public DateTime EndUtc { get; internal set; }

        /// <summary>Start and End under the names earlier versions gave the local times, for scripts that use them.</summary>
        public DateTime StartLocal { get { return Start; } }
        public DateTime EndLocal { get { return End; } }
        public TimeSpan Duration { get { return EndUtc - StartUtc; } }

        public string LocalAddress { get; internal set; }
        public int? LocalPort { get; internal set; }
        public string RemoteAddress { get; internal set; }
        public int? RemotePort { get; internal set; }

        /// <summary>Loopback, Private, ExchangeOnline, Public or Invalid.</summary>
        public string RemoteAddressClass { get; internal set; }

        /// <summary>The remote is Exchange Online (EOP address ranges or *.protection.outlook.com names).</summary>
        public bool IsExchangeOnline { get; internal set; }

        /// <summary>The EHLO/HELO name the client gave (the remote on receive, this server on send).</summary>
        public string Helo { get { return Details.Helo; } }

        /// <summary>The remote's own name: its EHLO on receive, its banner on send.</summary>
        public string RemoteHost { get { return Details.RemoteHost; } }

        public string Banner { get { return Details.Banner; } }
        public ValueList<string> Extensions { get { return Details.Extensions; } }
        public string ExtensionsText { get { return Extensions.ToString(); } }

        /// <summary>None, STARTTLS or X-ANONYMOUSTLS.</summary>
        public string TlsMode { get; internal set; }

        /// <summary>True when TLS was negotiated, false when it failed, null when the log shows no TLS result.</summary>
        public bool? TlsSucceeded { get; internal set; }
        public string TlsProtocol { get { return Details.TlsProtocol; } }
        public string TlsCipher { get { return Details.TlsCipher; } }
        public int? TlsCipherStrength { get; internal set; }
        public string TlsMac { get { return Details.TlsMac; } }
        public string TlsKeyExchange { get { return Details.TlsKeyExchange; } }
        public int? TlsKeyExchangeStrength { get; internal set; }
        public string TlsFailure { get { return Details.TlsFailure; } }
        public ValueList<SmtpTlsCertificate> Certificates { get { return Details.Certificates; } }

        /// <summary>The first certificate's subject (the one the remote saw on receive, the remote's on send).</summary>
        public string CertificateSubject { get { return FirstCertificate == null ? null : FirstCertificate.Subject; } }
        public string CertificateIssuer { get { return FirstCertificate == null ? null : FirstCertificate.Issuer; } }
        public string CertificateThumbprint { get { return FirstCertificate == null ? null : FirstCertificate.Thumbprint; } }
        public DateTime? CertificateNotAfter { get { return FirstCertificate == null ? null : FirstCertificate.NotAfter; } }
        public string CertificateSubjectAlternativeNames { get { return FirstCertificate == null ? null : FirstCertificate.SubjectAlternativeNames.ToString(); } }

        public string ChainValidationStatus { get { return Details.ChainValidationStatus; } }
        public string TlsDomainCapabilities { get { return Details.TlsDomainCapabilities; } }
        public string TlsDomainCapabilitiesStatus { get { return Details.TlsDomainCapabilitiesStatus; } }
        public string TlsDomainCapabilitiesDomain { get { return Details.TlsDomainCapabilitiesDomain; } }

        public string AuthMechanism { get { return Details.AuthMechanism; } }
        public string AuthUser { get { return Details.AuthUser; } }

        /// <summary>None, Succeeded or Failed.</summary>
        public string AuthResult { get; internal set; }
        public string AuthFailure { get { return Details.AuthFailure; } }

        /// <summary>The permissions of "Set Session Permissions".</summary>
        public string Permissions { get { return Details.Permissions; } }

        public ValueList<SmtpSessionMessage> Messages { get { return Details.Messages; } }
        public string MailFrom { get { return string.Join("; ", Messages.Select(m => m.MailFrom).Where(a => !string.IsNullOrEmpty(a)).Distinct()); } }
        public ValueList<string> Recipients { get { return Details.Recipients; } }
        public string RecipientsText { get { return Recipients.ToString(); } }
        public ValueList<string> MessageIds { get { return Details.MessageIds; } }
        public string MessageIdsText { get { return MessageIds.ToString(); } }
        public ValueList<string> InternalIds { get { return Details.InternalIds; } }
        public string InternalIdsText { get { return InternalIds.ToString(); } }
        public int MessageCount { get { return Messages.Count; } }
        public int AcceptedCount { get { return Messages.Count(m => m.Accepted); } }

        /// <summary>Message bytes, from SIZE= or BDAT, where logged.</summary>
        public long? Bytes { get; internal set; }

        /// <summary>KB a second from DATA/BDAT to the reply, where both are logged.</summary>
        public double? ThroughputKBps { get; internal set; }

        /// <summary>Time the server held the session back (Tarpit for '...').</summary>
        public TimeSpan Tarpit { get; internal set; }

        public string ProxiedSessionId { get { return Details.ProxiedSessionId; } }
        public string ProxyTarget { get { return Details.ProxyTarget; } }
        public string ProxyStatus { get { return Details.ProxyStatus; } }

        /// <summary>Every reply code in order, with its enhanced code where given (250, 250 2.6.0, 451 4.7.0).</summary>
        public ValueList<string> Responses { get { return Details.Responses; } }
        public string ResponsesText { get { return Responses.ToString(); } }

        /// <summary>The last 4xx/5xx reply.</summary>
        public string LastError { get; internal set; }

        /// <summary>The command LastError answered (MAIL FROM, RCPT TO, STARTTLS, AUTH...), when known.</summary>
        public string ErrorCommand { get { return Details.ErrorCommand; } }
        public string DisconnectReason { get { return Details.DisconnectReason; } }

        /// <summary>Delivered, Rejected, TempFailed, ConnectFailed, TlsFailed, AuthFailed, Dropped, NoMessage or Incomplete.</summary>
        public string Outcome { get; internal set; }

        /// <summary>
        /// True when the session's end (its disconnect line) is in the logs read. A session can have an outcome without
        /// it (a failed connection logs none); false with Outcome Incomplete means still open or ended in a log not read.
        /// </summary>
        public bool Ended { get; internal set; }

        /// <summary>The file and line that decided the outcome, and its text.</summary>
        public string OutcomePath { get { return Details.OutcomePath; } }
        public long? OutcomeLine { get; internal set; }
        public string OutcomeText { get { return Details.OutcomeText; } }

        /// <summary>For a failed session: what its deciding line means and how to fix it, best first.</summary>
        public ValueList<SmtpErrorDiagnosis> Diagnosis { get; internal set; }

        /// <summary>
        /// What went wrong, in words: LastError, else the text that decided a failed outcome, else the diagnosis's
        /// title or how the connection ended; never a bare Remote or Local, nor a raw log line. Null when nothing
        /// failed (Delivered, NoMessage and Incomplete sessions without a LastError).
        /// </summary>
        public string Failure
        {
            get
            {
                return DescribeFailure(Outcome, LastError, OutcomeText, DisconnectReason, Diagnosis.Count > 0 ? Diagnosis[0].Title : null);
            }
        }

        /// <summary>Failure, from a session's flat properties (a deserialized or re-imported session has only those).</summary>
        internal static string DescribeFailure(string outcome, string lastError, string outcomeText, string disconnectReason, string diagnosisTitle)
        {
            if (!string.IsNullOrEmpty(lastError))
            {
                return lastError;
            }
            if (Commands.SmtpOutcomes.IsSuccess(outcome))
            {
                return null;
            }
            // A dropped session's deciding text is its disconnect reason: who closed the connection, not why.
            if (outcome != "Dropped" && !string.IsNullOrEmpty(outcomeText) && !IsBareDisconnectReason(outcomeText))
            {
                return outcomeText;
            }
            if (!string.IsNullOrEmpty(diagnosisTitle))
            {
                return diagnosisTitle;
            }
            switch (disconnectReason)
            {
                case "Remote":
                    return "The remote host closed the connection without QUIT";
                case "Local":
                    return "This server closed the connection without QUIT";
                case null:
                case "":
                    return "The connection ended without QUIT";
                default:
                    return "The connection ended: " + disconnectReason;
            }
        }

        private static bool IsBareDisconnectReason(string text)
        {
            return text.Equals("Remote", StringComparison.OrdinalIgnoreCase) || text.Equals("Local", StringComparison.OrdinalIgnoreCase);
        }

        public int LineCount { get; internal set; }

        /// <summary>The files the session's lines are in (more than one when it crossed the hourly roll).</summary>
        public ValueList<string> Files { get; internal set; }

        /// <summary>
        /// The session's lines: enumerate or index them for objects (read on first use); as text (ToString,
        /// RawText) they are the lines as written in the log. Hidden, so that Export-Csv, Select-Object * and
        /// Get-Member leave them out: reading every session's lines again made an export of 300 MB of logs larger
        /// than the logs. `$session.Lines` works as ever; `Select-Object *, Lines` puts them in a CSV.
        /// </summary>
        [Hidden]
        public SmtpSessionLines Lines
        {
            get
            {
                if (lines == null)
                {
                    lines = new SmtpSessionLines(this, lineOrigins);
                }
                return lines;
            }
        }

        private SmtpTlsCertificate FirstCertificate
        {
            get { return Certificates.Count == 0 ? null : Certificates[0]; }
        }

        private SessionDetails Details
        {
            get
            {
                var decoded = details;
                if (decoded != null)
                {
                    return decoded;
                }
                var packed = packedDetails;
                if (packed == null)
                {
                    return details;
                }
                decoded = SessionDetails.Unpack(packed);
                details = decoded;
                packedDetails = null;
                return decoded;
            }
        }

        internal void SetDetails(byte[] packed)
        {
            packedDetails = packed;
        }

        internal void SetLines(SessionLineOrigins origins)
        {
            lineOrigins = origins;
            Files = origins.Files;
        }

        public override string ToString()
        {
            return string.Format("{0} {1} {2} {3}", SessionId, Direction, RemoteAddress, Outcome);
        }
    }
}

namespace HybridMailFlow
{
    /// <summary>The lines of a session (PSTypeName HybridMailFlow.SmtpSessionLines).</summary>
    public sealed class SmtpSessionLines : IReadOnlyList<SmtpLogEntry>
    {
        private readonly SmtpSession session;
        private readonly SessionLineOrigins origins;
        private byte[] raw;
        private SmtpLogEntry[] entries;

        internal SmtpSessionLines(SmtpSession session, SessionLineOrigins origins)
        {
            this.session = session;
            this.origins = origins;
        }

        public int Count
        {
            get { return origins.Numbers.Length; }
        }

        public SmtpLogEntry this[int index]
        {
            get { return Entries[index]; }
        }

        /// <summary>
        /// The lines as written in the log, one per line, read again from the log files (the session keeps where
        /// they are, not a copy). When a file is gone or changed since, the text says so, naming the file and line:
        /// PowerShell would show a failing property as empty.
        /// </summary>
        public string RawText
        {
            get
            {
                try
                {
                    return Encoding.UTF8.GetString(Raw).Replace("\n", Environment.NewLine);
                }
                catch (System.IO.IOException e)
                {
                    return e.Message;
                }
                catch (UnauthorizedAccessException e)
                {
                    return e.Message;
                }
            }
        }

        private byte[] Raw
        {
            get
            {
                if (raw == null)
                {
                    raw = origins.ReadLines(session.SessionId);
                }
                return raw;
            }
        }

        private SmtpLogEntry[] Entries
        {
            get
            {
                if (entries == null)
                {
                    entries = Native.ProtocolLogReader.ParseSessionLines(session, Raw, origins);
                }
                return entries;
            }
        }

        public IEnumerator<SmtpLogEntry> GetEnumerator()
        {
            return ((IEnumerable<SmtpLogEntry>)Entries).GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator()
        {
            return GetEnumerator();
        }

        public override string ToString()
        {
            return RawText;
        }
    }
}
