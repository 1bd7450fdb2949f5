using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace HybridMailFlow.Network
{
    /// <summary>An SMTP reply: its code and its lines without the code.</summary>
    internal sealed class SmtpReply
    {
        public SmtpReply(int code, List<string> lines)
        {
            Code = code;
            Lines = lines;
        }

        public int Code { get; private set; }

        /// <summary>Each line's text after "250-" or "250 ".</summary>
        public List<string> Lines { get; private set; }

        /// <summary>The reply as the server sent it, a line break between lines.</summary>
        public string Text
        {
            get
            {
                var code = Code.ToString(CultureInfo.InvariantCulture);
                var text = new StringBuilder();
                for (int i = 0; i < Lines.Count; i++)
                {
                    text.Append(i == 0 ? string.Empty : "\n").Append(code).Append(i == Lines.Count - 1 ? ' ' : '-').Append(Lines[i]);
                }
                return text.ToString();
            }
        }

        public bool IsPositive { get { return Code >= 200 && Code < 400; } }
    }

    /// <summary>How a connection or a read failed, in the words of a Winsock code.</summary>
    internal sealed class SmtpConnectionException : Exception
    {
        public SmtpConnectionException(SocketError error, string message, Exception inner) : base(message, inner)
        {
            Error = error;
        }

        /// <summary>TimedOut, ConnectionRefused, ConnectionReset, Disconnecting (closed by the server), ...</summary>
        public SocketError Error { get; private set; }
    }

    /// <summary>
    /// One SMTP connection: replies read line by line with bounded lengths (the server is not trusted), a timeout on
    /// every read, STARTTLS through SslStream (SChannel on Windows).
    /// </summary>
    internal sealed class SmtpConnection : IDisposable
    {
        private const int MaxLineBytes = 2048;
        private const int MaxReplyLines = 100;

        private readonly TcpClient client;
        private readonly byte[] buffer = new byte[8192];
        private Stream stream;
        private int start;
        private int end;

        private SmtpConnection(TcpClient client)
        {
            this.client = client;
            stream = client.GetStream();
        }

        public static SmtpConnection Connect(IPAddress address, int port, TimeSpan timeout)
        {
            var client = new TcpClient(address.AddressFamily);
            try
            {
                var connecting = client.ConnectAsync(address, port);
                if (!connecting.Wait(timeout))
                {
                    throw new SmtpConnectionException(SocketError.TimedOut, string.Format(CultureInfo.InvariantCulture,
                        "The connection to {0} timed out after {1:0} s: nothing answered (a firewall drops the packets, or the host is down).", Endpoints.Format(address.ToString(), port), timeout.TotalSeconds), null);
                }
                client.ReceiveTimeout = (int)timeout.TotalMilliseconds;
                client.SendTimeout = (int)timeout.TotalMilliseconds;
                return new SmtpConnection(client);
            }
            catch (AggregateException e)
            {
                client.Dispose();
                var socket = e.InnerException as SocketException;
                if (socket == null)
                {
                    throw;
                }
                throw new SmtpConnectionException(socket.SocketErrorCode, Describe(socket.SocketErrorCode, Endpoints.Format(address.ToString(), port), socket.Message), socket);
            }
            catch (SocketException socket)
            {
                // A reset that arrives between the handshake and the first read fails the socket's set-up here.
                client.Dispose();
                throw new SmtpConnectionException(socket.SocketErrorCode, Describe(socket.SocketErrorCode, Endpoints.Format(address.ToString(), port), socket.Message), socket);
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        /// <summary>Bytes the server sent that no reply has consumed yet.</summary>
        public int Unread { get { return end - start; } }

        public void Send(string line)
        {
            var bytes = Encoding.ASCII.GetBytes(line + "\r\n");
            Guard(() =>
            {
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush();
                return 0;
            });
        }

        public SmtpReply ReadReply()
        {
            var lines = new List<string>();
            int code = 0;
            while (true)
            {
                var line = ReadLine();
                int lineCode;
                if (line.Length < 3 || !int.TryParse(line.Substring(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out lineCode) || lineCode < 100 ||
                    (line.Length > 3 && line[3] != ' ' && line[3] != '-'))
                {
                    throw new SmtpConnectionException(SocketError.ProtocolNotSupported, "The server sent a line that is not an SMTP reply: " + Shorten(line), null);
                }
                code = lines.Count == 0 ? lineCode : code;
                lines.Add(line.Length > 4 ? line.Substring(4) : string.Empty);
                if (line.Length == 3 || line[3] == ' ')
                {
                    return new SmtpReply(code, lines);
                }
                if (lines.Count >= MaxReplyLines)
                {
                    throw new SmtpConnectionException(SocketError.MessageSize, string.Format(CultureInfo.InvariantCulture, "The server's reply runs over {0} lines: stopped reading.", MaxReplyLines), null);
                }
            }
        }

        /// <summary>Drops what the server sent ahead of TLS: it must not be read as if it came over TLS.</summary>
        public int DiscardUnread()
        {
            var count = Unread;
            start = end = 0;
            return count;
        }

        public SslStream StartTls(string targetHost, RemoteCertificateValidationCallback validate)
        {
            var tls = new SslStream(stream, false, validate);
            stream = tls;
#if NETCOREAPP
            // A full handshake every time: a session resumed from an earlier probe of another port or host that shares
            // its ticket keys would show that server's certificate, not this one's.
            tls.AuthenticateAsClient(new SslClientAuthenticationOptions
            {
                TargetHost = targetHost,
                EnabledSslProtocols = SslProtocols.None,
                CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                AllowTlsResume = false,
            });
#else
            // SslProtocols.None: the protocols the operating system allows, as Exchange's own connections use them.
            tls.AuthenticateAsClient(targetHost, null, SslProtocols.None, false);
#endif
            return tls;
        }

        public void Dispose()
        {
            stream.Dispose();
            client.Dispose();
        }

        /// <summary>One line of at most MaxLineBytes (the rest of a longer line is dropped), without CR LF, control characters replaced.</summary>
        private string ReadLine()
        {
            var line = new List<byte>();
            var truncated = false;
            while (true)
            {
                if (start == end)
                {
                    start = 0;
                    end = Guard(() => stream.Read(buffer, 0, buffer.Length));
                    if (end == 0)
                    {
                        throw new SmtpConnectionException(SocketError.Disconnecting, "The server closed the connection.", null);
                    }
                }
                var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
                var stop = newline < 0 ? end : newline;
                for (int i = start; i < stop; i++)
                {
                    if (line.Count < MaxLineBytes)
                    {
                        line.Add(buffer[i]);
                    }
                    else
                    {
                        truncated = true;
                    }
                }
                start = newline < 0 ? end : newline + 1;
                if (newline >= 0)
                {
                    break;
                }
            }
            var text = Encoding.UTF8.GetString(line.ToArray()).TrimEnd('\r');
            return Untrusted.Printable(text) + (truncated ? " [...]" : string.Empty);
        }

        private static string Shorten(string text)
        {
            return text.Length > 80 ? text.Substring(0, 80) + "..." : text;
        }

        private T Guard<T>(Func<T> io)
        {
            try
            {
                return io();
            }
            catch (IOException e)
            {
                var socket = e.InnerException as SocketException;
                if (socket == null)
                {
                    throw new SmtpConnectionException(SocketError.ConnectionReset, "The connection failed: " + e.Message, e);
                }
                throw new SmtpConnectionException(socket.SocketErrorCode, Describe(socket.SocketErrorCode, null, socket.Message), e);
            }
            catch (ObjectDisposedException e)
            {
                throw new SmtpConnectionException(SocketError.OperationAborted, "The probe was stopped.", e);
            }
        }

        private static string Describe(SocketError error, string endpoint, string message)
        {
            var to = endpoint == null ? string.Empty : " to " + endpoint;
            switch (error)
            {
                case SocketError.ConnectionRefused:
                    return string.Format("The connection{0} was refused: nothing listens on that port, or a firewall rejects it.", to);
                case SocketError.TimedOut:
                    return endpoint == null ? "The server did not answer in time." : string.Format("The connection{0} timed out: nothing answered.", to);
                case SocketError.ConnectionReset:
                    return string.Format("The connection{0} was reset by the server or a device in between.", to);
                case SocketError.HostUnreachable:
                case SocketError.NetworkUnreachable:
                    return string.Format("There is no route{0}: {1}", to, message);
                default:
                    return string.Format("The connection{0} failed ({1}): {2}", to, error, message);
            }
        }
    }
}
