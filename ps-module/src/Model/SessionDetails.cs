using System;
using System.Collections.Generic;
using System.Text;

namespace HybridMailFlow
{
    /// <summary>
    /// The parts of a session most pipelines never read (EHLO, TLS, certificates, AUTH, messages, replies, texts),
    /// decoded on the first read of any of them from the bytes the engine gave (<see cref="Native.SessionPacker"/>).
    /// Turning every one of them into .NET strings and objects for every session was most of what reading sessions
    /// cost in PowerShell, while `Get-HybridSmtpSession | Where-Object Outcome -ne Delivered` reads only a few.
    /// </summary>
    internal sealed class SessionDetails
    {
        public string Helo;
        public string RemoteHost;
        public string Banner;
        public ValueList<string> Extensions;
        public string TlsProtocol;
        public string TlsCipher;
        public string TlsMac;
        public string TlsKeyExchange;
        public string TlsFailure;
        public string ChainValidationStatus;
        public string TlsDomainCapabilities;
        public string TlsDomainCapabilitiesStatus;
        public string TlsDomainCapabilitiesDomain;
        public string AuthMechanism;
        public string AuthUser;
        public string AuthFailure;
        public string Permissions;
        public string ProxiedSessionId;
        public string ProxyTarget;
        public string ProxyStatus;
        public ValueList<string> Responses;
        public string ErrorCommand;
        public string DisconnectReason;
        public string OutcomePath;
        public string OutcomeText;
        public ValueList<SmtpTlsCertificate> Certificates;
        public ValueList<SmtpSessionMessage> Messages;
        public ValueList<string> Recipients;
        public ValueList<string> MessageIds;
        public ValueList<string> InternalIds;

        /// <summary>Reads what <see cref="Native.SessionPacker.Pack"/> wrote, in the same order.</summary>
        internal static SessionDetails Unpack(byte[] packed)
        {
            var r = new PackedReader(packed);
            var d = new SessionDetails();
            d.Helo = r.String();
            d.RemoteHost = r.String();
            d.Banner = r.String();
            d.Extensions = r.List();
            d.TlsProtocol = r.String();
            d.TlsCipher = r.String();
            d.TlsMac = r.String();
            d.TlsKeyExchange = r.String();
            d.TlsFailure = r.String();
            d.ChainValidationStatus = r.String();
            d.TlsDomainCapabilities = r.String();
            d.TlsDomainCapabilitiesStatus = r.String();
            d.TlsDomainCapabilitiesDomain = r.String();
            d.AuthMechanism = r.String();
            d.AuthUser = r.String();
            d.AuthFailure = r.String();
            d.Permissions = r.String();
            d.ProxiedSessionId = r.String();
            d.ProxyTarget = r.String();
            d.ProxyStatus = r.String();
            d.Responses = r.List();
            d.ErrorCommand = r.String();
            d.DisconnectReason = r.String();
            d.OutcomePath = r.String();
            d.OutcomeText = r.String();

            var certificates = new SmtpTlsCertificate[r.Int()];
            for (int i = 0; i < certificates.Length; i++)
            {
                certificates[i] = new SmtpTlsCertificate
                {
                    Kind = r.String(),
                    Subject = r.String(),
                    Issuer = r.String(),
                    SerialNumber = r.String(),
                    Thumbprint = r.String(),
                    NotBeforeUtc = r.Time(),
                    NotAfterUtc = r.Time(),
                    SubjectAlternativeNames = r.List(),
                };
            }
            d.Certificates = certificates.Length == 0 ? ValueList<SmtpTlsCertificate>.None : new ValueList<SmtpTlsCertificate>(certificates);

            var messages = new SmtpSessionMessage[r.Int()];
            var recipients = new List<string>();
            var messageIds = new List<string>(messages.Length);
            var internalIds = new List<string>(messages.Length);
            for (int i = 0; i < messages.Length; i++)
            {
                var message = new SmtpSessionMessage
                {
                    MailFrom = r.String(),
                    InternetMessageId = r.String(),
                    InternalId = r.String(),
                    Hostname = r.String(),
                    Response = r.String(),
                    Size = r.OptionalLong(),
                    Accepted = r.Int() != 0,
                    Recipients = r.List(),
                };
                messages[i] = message;
                recipients.AddRange(message.Recipients);
                if (message.InternetMessageId != null)
                {
                    messageIds.Add(message.InternetMessageId);
                }
                if (message.InternalId != null)
                {
                    internalIds.Add(message.InternalId);
                }
            }
            d.Messages = messages.Length == 0 ? ValueList<SmtpSessionMessage>.None : new ValueList<SmtpSessionMessage>(messages);
            d.Recipients = ListOf(recipients);
            d.MessageIds = ListOf(messageIds);
            d.InternalIds = ListOf(internalIds);
            return d;
        }

        private static ValueList<string> ListOf(List<string> items)
        {
            return items.Count == 0 ? ValueList<string>.None : new ValueList<string>(items.ToArray());
        }

        /// <summary>Reads values in the layout SessionPacker writes: int32 lengths and counts in the machine's byte order.</summary>
        private struct PackedReader
        {
            private readonly byte[] bytes;
            private int at;

            public PackedReader(byte[] bytes)
            {
                this.bytes = bytes;
                at = 0;
            }

            public int Int()
            {
                int value = BitConverter.ToInt32(bytes, at);
                at += 4;
                return value;
            }

            public long Long()
            {
                long value = BitConverter.ToInt64(bytes, at);
                at += 8;
                return value;
            }

            public long? OptionalLong()
            {
                return Native.Absent.OrNull(Long());
            }

            public DateTime? Time()
            {
                return Times.FromUnixMsOrNull(Long());
            }

            /// <summary>The string, null when empty.</summary>
            public string String()
            {
                int length = Int();
                if (length == 0)
                {
                    return null;
                }
                string value = Untrusted.Printable(Encoding.UTF8.GetString(bytes, at, length));
                at += length;
                return value;
            }

            /// <summary>A list of strings; empty members as empty strings.</summary>
            public ValueList<string> List()
            {
                int count = Int();
                if (count == 0)
                {
                    return ValueList<string>.None;
                }
                var items = new string[count];
                for (int i = 0; i < count; i++)
                {
                    items[i] = String() ?? string.Empty;
                }
                return new ValueList<string>(items);
            }
        }
    }
}
