using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using HybridMailFlow.Native;

namespace HybridMailFlow.Network
{
    /// <summary>What one probe sends and expects.</summary>
    internal sealed class SmtpProbeOptions
    {
        public int Port { get; set; }

        /// <summary>The name the certificate must cover, or null.</summary>
        public string ExpectedName { get; set; }

        /// <summary>The name to send with EHLO.</summary>
        public string Helo { get; set; }

        /// <summary>MAIL FROM address; "" is the null sender. Null: no MAIL FROM unless there are recipients.</summary>
        public string MailFrom { get; set; }

        public IList<string> Recipients { get; set; }

        public TimeSpan Timeout { get; set; }

        /// <summary>A certificate that expires within this many days is a warning.</summary>
        public int ExpiringDays { get; set; }
    }

    /// <summary>
    /// One SMTP conversation without a message: banner, EHLO, STARTTLS, the TLS handshake, EHLO again, MAIL FROM and
    /// RCPT TO when asked, RSET, QUIT. Each step is recorded with its time; the first failure decides the outcome, as in
    /// a session, and every failure is diagnosed by the knowledge base from the text Exchange would log for it.
    /// </summary>
    internal sealed class SmtpProbe
    {
        private readonly SmtpProbeOptions options;
        private readonly Action<string> verbose;
        private readonly List<SmtpProbeStep> steps = new List<SmtpProbeStep>();
        private readonly List<SmtpErrorDiagnosis> findings = new List<SmtpErrorDiagnosis>();
        private readonly List<string> warnings = new List<string>();
        private readonly Stopwatch clock = new Stopwatch();
        private SmtpProbeStep current;
        private volatile SmtpConnection connection;
        private SmtpEndpointTest result;
        private string firstOutcome;
        private string firstFailure;

        public SmtpProbe(SmtpProbeOptions options, Action<string> verbose)
        {
            this.options = options;
            this.verbose = verbose;
        }

        /// <summary>Closes the connection of a running probe (Ctrl+C): its read fails at once.</summary>
        public void Abort()
        {
            var open = connection;
            if (open != null)
            {
                open.Dispose();
            }
        }

        /// <summary>A probe that never connected: the name did not resolve.</summary>
        public SmtpEndpointTest Unresolved(string computerName, string domain, int? preference, string why, string exchangeText)
        {
            Begin(computerName, domain, preference, new IPAddress[0]);
            var step = Record("Connect", null);
            Fail(step, "ConnectFailed", why, exchangeText, null);
            return Finish();
        }

        public SmtpEndpointTest Run(string computerName, string domain, int? preference, IList<IPAddress> addresses)
        {
            Begin(computerName, domain, preference, addresses);
            var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses[0];
            result.Address = address.ToString();
            var endpoint = Endpoints.Format(result.Address, options.Port);
            var connect = Record("Connect", null);
            try
            {
                connection = SmtpConnection.Connect(address, options.Port, options.Timeout);
                Succeed(connect, "Connected to " + endpoint);
            }
            catch (SmtpConnectionException e) when (e.Error == SocketError.ConnectionReset)
            {
                // A refused connection is ConnectionRefused; a reset means the server accepted, then dropped it
                // (seen when the reset is processed before the connect completes).
                Fail(connect, "Dropped", e.Message, "421 4.4.2 Connection dropped due to " + DropReason(e.Error), null);
                return Finish();
            }
            catch (SmtpConnectionException e)
            {
                Fail(connect, "ConnectFailed", e.Message, WinsockText(e.Error, e.Message, endpoint), null);
                return Finish();
            }
            using (connection)
            {
                try
                {
                    Converse(computerName, endpoint);
                }
                catch (SmtpConnectionException e)
                {
                    // The last step recorded is the one the connection failed in.
                    var step = steps[steps.Count - 1];
                    var why = e.Error == SocketError.TimedOut
                        ? string.Format(CultureInfo.InvariantCulture, "No reply within {0:0} s: the server is silent (overloaded, tarpitting, or a device in between holds the connection).", options.Timeout.TotalSeconds)
                        : e.Message;
                    Fail(step, "Dropped", why, "421 4.4.2 Connection dropped due to " + DropReason(e.Error), step.Command);
                }
            }
            connection = null;
            return Finish();
        }

        private void Converse(string computerName, string endpoint)
        {
            var banner = Exchange("Banner", null);
            result.Banner = banner.Text;
            if (banner.Code != 220)
            {
                FailReply(steps[steps.Count - 1], banner, null);
                Quit();
                return;
            }
            var ehlo = Hello();
            if (ehlo == null)
            {
                Quit();
                return;
            }
            result.StartTlsOffered = result.Extensions.Any(e => e.Split(' ')[0].Equals("STARTTLS", StringComparison.OrdinalIgnoreCase));
            if (!result.StartTlsOffered)
            {
                var step = steps[steps.Count - 1];
                NoteFailure(step, "TlsFailed", "The server does not offer STARTTLS: a connector that requires TLS (Exchange Online's to on-premises always does) does not send to it.",
                    "The connector is configured to send mail only over TLS connections and remote doesn't support TLS (" + endpoint + ")", step.Command);
            }
            else if (!StartTls(computerName, endpoint))
            {
                return;
            }
            Transaction();
            Quit();
        }

        // EHLO, and HELO when EHLO is refused as unknown. Null when the server refused both.
        private SmtpReply Hello()
        {
            var reply = Exchange("EHLO", "EHLO " + options.Helo);
            if (reply.Code == 250)
            {
                ReadEhlo(reply);
                return reply;
            }
            if (reply.Code >= 500)
            {
                var helo = Exchange("HELO", "HELO " + options.Helo);
                if (helo.Code == 250)
                {
                    result.RemoteHost = FirstWord(helo.Lines[0]);
                    return helo;
                }
                FailReply(steps[steps.Count - 1], helo, "HELO");
                return null;
            }
            FailReply(steps[steps.Count - 1], reply, "EHLO");
            return null;
        }

        private void ReadEhlo(SmtpReply reply)
        {
            result.RemoteHost = FirstWord(reply.Lines[0]);
            result.Extensions = new ValueList<string>(reply.Lines.Skip(1).ToList());
        }

        // STARTTLS, the handshake and EHLO again; false when the connection cannot go on.
        private bool StartTls(string computerName, string endpoint)
        {
            var reply = Exchange("STARTTLS", "STARTTLS");
            if (reply.Code != 220)
            {
                var step = steps[steps.Count - 1];
                step.Succeeded = false;
                NoteFailure(step, "TlsFailed", "STARTTLS was refused: " + reply.Text, reply.Text, "STARTTLS");
                return true;
            }
            var injected = connection.DiscardUnread();
            if (injected > 0)
            {
                warnings.Add(string.Format(CultureInfo.InvariantCulture,
                    "The server sent {0} bytes after its reply to STARTTLS, before TLS began; they were discarded (a server or device that does this is open to STARTTLS command injection).", injected));
            }
            var handshake = Record("TLS", null);
            var presented = new PresentedChain();
            // SNI names the host connected to, as a sending server does; an address is sent without one.
            var target = computerName;
            try
            {
                var tls = connection.StartTls(target, TlsCertificates.Recorder(presented));
                result.TlsSucceeded = true;
                result.TlsProtocol = ProtocolName(tls.SslProtocol);
#if NETCOREAPP
                result.TlsCipherSuite = tls.NegotiatedCipherSuite.ToString();
#endif
                result.TlsCipher = tls.CipherAlgorithm.ToString();
                result.TlsCipherStrength = tls.CipherStrength;
                result.TlsMac = tls.HashAlgorithm.ToString();
                result.TlsKeyExchange = tls.KeyExchangeAlgorithm.ToString();
                result.TlsKeyExchangeStrength = tls.KeyExchangeStrength;
                Succeed(handshake, string.Format("{0} {1}; certificate {2}; chain {3}", result.TlsProtocol, result.TlsCipherSuite ?? result.TlsCipher,
                    presented.Certificates.Count == 0 ? "none" : presented.Certificates[0].Subject, presented.Status));
            }
            catch (Exception e) when (e is AuthenticationException || e is IOException || e is Win32Exception)
            {
                result.TlsSucceeded = false;
                ReadChain(presented);
                Fail(handshake, "TlsFailed", "The TLS handshake failed: " + Innermost(e), "TLS negotiation failed with error " + TlsErrorName(e), "STARTTLS");
                return false;
            }
            ReadChain(presented);
            JudgeCertificate(handshake, presented, computerName, endpoint);
            var again = Exchange("EHLO", "EHLO " + options.Helo);
            if (again.Code == 250)
            {
                ReadEhlo(again);
                return true;
            }
            FailReply(steps[steps.Count - 1], again, "EHLO");
            return true;
        }

        private void ReadChain(PresentedChain presented)
        {
            result.Certificates = new ValueList<SmtpTlsCertificate>(presented.Certificates);
            if (presented.Status != null)
            {
                result.ChainValid = presented.ChainValid;
                result.ChainValidationStatus = presented.Status;
            }
        }

        // The certificate as a validating connector sees it: chain, expiry, the expected name.
        private void JudgeCertificate(SmtpProbeStep handshake, PresentedChain presented, string computerName, string endpoint)
        {
            var certificate = result.Certificate;
            if (certificate == null)
            {
                NoteFailure(handshake, "TlsFailed", "The server presented no certificate.", "TLS negotiation failed with error NoRemoteCertificate", "STARTTLS");
                return;
            }
            var towardsExchangeOnline = IsExchangeOnlineSide(computerName);
            if (!presented.ChainValid)
            {
                var why = string.Format("The certificate chain does not validate with this computer's trust store ({0}): a connector that validates certificates (TlsAuthLevel or TlsSettings CertificateValidation or DomainValidation) refuses it.", presented.Status);
                NoteFailure(handshake, "TlsFailed", why, towardsExchangeOnline
                    ? "454 4.7.5 Certificate validation failure, Reason: " + presented.Status.Replace(", ", "/")
                    : string.Format("450 4.7.320 Certificate validation failed [Message={0}] [LastAttemptedServerName={1}] [LastAttemptedIP={2}]", presented.Status, computerName, endpoint), "STARTTLS");
            }
            if (options.ExpectedName != null)
            {
                var covering = CertificateNames.FindCoveringName(certificate.Subject, certificate.SubjectAlternativeNames, options.ExpectedName);
                result.NameMatches = covering != null;
                result.MatchedName = covering == null ? null : covering.Name;
                if (covering == null)
                {
                    var why = string.Format("The certificate does not cover {0} (subject {1}; names {2}): the connector that expects that name refuses it with SubjectMismatch.",
                        options.ExpectedName, certificate.Subject, certificate.SubjectAlternativeNames.Count == 0 ? "none" : certificate.SubjectAlternativeNames.ToString());
                    var text = string.Format("SubjectMismatch. Expected: {0}, Presented: {1}", options.ExpectedName, certificate.Subject);
                    NoteFailure(handshake, "TlsFailed", why, towardsExchangeOnline
                        ? "454 4.7.5 Certificate validation failure, Reason: " + text
                        : "450 4.4.317 Cannot connect to remote server [Message=" + text + "] [LastAttemptedServerName=" + computerName + "] [LastAttemptedIP=" + endpoint + "]", "STARTTLS");
                }
            }
            if (certificate.NotAfterUtc.HasValue && certificate.NotAfterUtc.Value > DateTime.UtcNow && certificate.NotAfterUtc.Value < DateTime.UtcNow.AddDays(options.ExpiringDays))
            {
                warnings.Add(string.Format(CultureInfo.InvariantCulture, "The certificate expires in {0:0} days, on {1:yyyy-MM-dd HH:mm} UTC.", (certificate.NotAfterUtc.Value - DateTime.UtcNow).TotalDays, certificate.NotAfterUtc.Value));
            }
            if (result.TlsProtocol == "Tls" || result.TlsProtocol == "Tls11" || result.TlsProtocol == "Ssl3")
            {
                warnings.Add(result.TlsProtocol + " was negotiated: Exchange Online no longer accepts TLS 1.0 and 1.1; enable TLS 1.2 on the server.");
            }
        }

        // The side the probe stands on: a host or expected name of Exchange Online's means the probe is the on-premises
        // send connector (its TlsDomain); anything else is tested as Exchange Online's outbound connector would.
        private bool IsExchangeOnlineSide(string computerName)
        {
            return DnsRecordChecks.IsExchangeOnlineHost(computerName) ||
                (options.ExpectedName != null && options.ExpectedName.TrimEnd('.').EndsWith("outlook.com", StringComparison.OrdinalIgnoreCase));
        }

        private void Transaction()
        {
            var recipients = options.Recipients ?? new string[0];
            if (options.MailFrom == null && recipients.Count == 0)
            {
                return;
            }
            var from = options.MailFrom ?? string.Empty;
            result.MailFrom = from;
            var mailCommand = "MAIL FROM:<" + from + ">";
            var mail = Exchange("MAIL FROM", mailCommand);
            if (mail.Code != 250)
            {
                FailReply(steps[steps.Count - 1], mail, mailCommand);
            }
            else
            {
                foreach (var recipient in recipients)
                {
                    var rcptCommand = "RCPT TO:<" + recipient + ">";
                    var rcpt = Exchange("RCPT TO", rcptCommand);
                    if (rcpt.Code != 250 && rcpt.Code != 251)
                    {
                        FailReply(steps[steps.Count - 1], rcpt, rcptCommand);
                    }
                }
            }
            Exchange("RSET", "RSET");
        }

        // QUIT ends the session; a server that closes without its 221 is no failure here.
        private void Quit()
        {
            try
            {
                Exchange("QUIT", "QUIT");
            }
            catch (SmtpConnectionException e)
            {
                var step = steps[steps.Count - 1];
                Stop(step);
                step.Error = e.Message;
            }
        }

        // Sends a command (none for the banner) and reads the reply into a step, successful when positive.
        private SmtpReply Exchange(string name, string command)
        {
            var step = Record(name, command);
            if (command != null)
            {
                verbose("C: " + command);
                connection.Send(command);
            }
            var reply = connection.ReadReply();
            verbose("S: " + reply.Text.Replace("\n", "\nS: "));
            step.ReplyCode = reply.Code;
            step.Reply = reply.Text;
            step.Succeeded = reply.IsPositive;
            Stop(step);
            return reply;
        }

        private void FailReply(SmtpProbeStep step, SmtpReply reply, string preceding)
        {
            step.Succeeded = false;
            var outcome = reply.Code >= 500 ? "Rejected" : (reply.Code >= 400 ? "TempFailed" : "Dropped");
            NoteFailure(step, outcome, string.Format("{0} was answered {1}", step.Command ?? "The connection", reply.Text.Replace('\n', ' ')), reply.Text.Replace('\n', ' '), preceding);
        }

        // Steps run one after the other: one clock times the step in progress.
        private SmtpProbeStep Record(string name, string command)
        {
            var step = new SmtpProbeStep { Step = name, Command = command, TimeUtc = DateTime.UtcNow, Diagnosis = ValueList<SmtpErrorDiagnosis>.None };
            current = step;
            clock.Restart();
            steps.Add(step);
            return step;
        }

        private void Stop(SmtpProbeStep step)
        {
            if (ReferenceEquals(step, current))
            {
                step.Duration = clock.Elapsed;
                current = null;
            }
        }

        private void Succeed(SmtpProbeStep step, string seen)
        {
            step.Succeeded = true;
            step.Reply = seen;
            Stop(step);
            verbose(step.Step + ": " + seen);
        }

        private void Fail(SmtpProbeStep step, string outcome, string why, string exchangeText, string preceding)
        {
            step.Succeeded = false;
            Stop(step);
            NoteFailure(step, outcome, why, exchangeText, preceding);
        }

        // A failure: its error and diagnosis on the step; the first one decides the outcome.
        private void NoteFailure(SmtpProbeStep step, string outcome, string why, string exchangeText, string preceding)
        {
            verbose(step.Step + " failed: " + why);
            step.Error = step.Error == null ? why : step.Error + " " + why;
            var diagnosis = Diagnosis.Diagnose(null, exchangeText, 0, LogKind.Unknown, preceding, false);
            step.Diagnosis = new ValueList<SmtpErrorDiagnosis>(step.Diagnosis.Concat(diagnosis).ToList());
            findings.AddRange(diagnosis);
            if (firstOutcome == null)
            {
                firstOutcome = outcome;
                firstFailure = why;
            }
        }

        private void Begin(string computerName, string domain, int? preference, IList<IPAddress> addresses)
        {
            steps.Clear();
            findings.Clear();
            warnings.Clear();
            firstOutcome = null;
            firstFailure = null;
            result = new SmtpEndpointTest
            {
                ComputerName = computerName,
                DomainName = domain,
                Preference = preference,
                AddressesText = string.Join("; ", addresses),
                Port = options.Port,
                StartUtc = DateTime.UtcNow,
                Helo = options.Helo,
                ExpectedName = options.ExpectedName,
                Extensions = ValueList<string>.None,
                Certificates = ValueList<SmtpTlsCertificate>.None,
                Recipients = new ValueList<string>((options.Recipients ?? new string[0]).ToList()),
            };
        }

        private SmtpEndpointTest Finish()
        {
            result.Duration = DateTime.UtcNow - result.StartUtc;
            result.Steps = new ValueList<SmtpProbeStep>(steps.ToList());
            result.Diagnosis = new ValueList<SmtpErrorDiagnosis>(findings.ToList());
            result.Outcome = firstOutcome ?? "NoMessage";
            result.OutcomeText = firstFailure;
            var failures = steps.Where(s => s.Error != null).Select(s => s.Error).Distinct().ToList();
            if (firstOutcome != null)
            {
                result.Result = CheckResult.Fail;
                result.Reason = string.Join(" ", failures.Concat(warnings));
            }
            else
            {
                result.Result = warnings.Count > 0 ? CheckResult.Warn : CheckResult.Pass;
                result.Reason = string.Join(" ", new[] { Summary() }.Concat(warnings));
            }
            return result;
        }

        private string Summary()
        {
            var parts = new List<string> { string.Format("{0} answered ({1})", Endpoints.Format(result.Address, result.Port), result.RemoteHost) };
            if (result.TlsSucceeded == true)
            {
                parts.Add(string.Format("STARTTLS with {0} {1}", result.TlsProtocol, result.TlsCipherSuite ?? result.TlsCipher));
                parts.Add("certificate " + result.CertificateSubject + " with a valid chain");
            }
            if (result.NameMatches == true)
            {
                parts.Add(string.Format("it covers {0} ({1})", result.ExpectedName, result.MatchedName));
            }
            if (result.Recipients.Count > 0)
            {
                parts.Add("the recipients were accepted");
            }
            return string.Join("; ", parts) + ".";
        }

        private static string FirstWord(string text)
        {
            var trimmed = text.Trim();
            var space = trimmed.IndexOf(' ');
            return space < 0 ? trimmed : trimmed.Substring(0, space);
        }

        // How Exchange logs a failed connection, so that the knowledge base's Winsock rules explain it.
        private static string WinsockText(SocketError error, string message, string endpoint)
        {
            var code = (int)error;
            return string.Format(CultureInfo.InvariantCulture, "Failed to connect. Winsock error code: {0}, Win32 error code: {0}, Error Message: {1} The last endpoint attempted was {2}", code, message, endpoint);
        }

        private static string DropReason(SocketError error)
        {
            switch (error)
            {
                case SocketError.TimedOut:
                    return "TimedOut";
                case SocketError.ConnectionReset:
                    return "ConnectionReset";
                default:
                    return "SocketError";
            }
        }

        private static string ProtocolName(SslProtocols protocol)
        {
            // netstandard2.0 has no name for TLS 1.3 (12288).
            return (int)protocol == 12288 ? "Tls13" : protocol.ToString();
        }

        private static string Innermost(Exception e)
        {
            var messages = new List<string>();
            for (var inner = e; inner != null; inner = inner.InnerException)
            {
                if (!messages.Contains(inner.Message))
                {
                    messages.Add(inner.Message);
                }
            }
            return string.Join(" ", messages);
        }

        // The SChannel status Exchange would log ("TLS negotiation failed with error IllegalMessage").
        private static string TlsErrorName(Exception e)
        {
            if (e is IOException)
            {
                return "SocketError";
            }
            for (var inner = e; inner != null; inner = inner.InnerException)
            {
                var win32 = inner as Win32Exception;
                if (win32 == null)
                {
                    continue;
                }
                switch ((uint)win32.NativeErrorCode)
                {
                    case 0x80090326:
                        return "IllegalMessage";
                    case 0x80090331:
                        return "AlgorithmMismatch";
                    case 0x8009030D:
                        return "UnknownCredentials";
                    case 0x8009030E:
                        return "NoCredentials";
                    case 0x80090327:
                        return "CertUnknown";
                    case 0x80090328:
                        return "CertExpired";
                    case 0x80090302:
                        return "UnsupportedFunction";
                }
            }
            return "HandshakeFailure";
        }
    }
}
