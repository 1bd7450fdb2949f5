using System;
using System.Runtime.CompilerServices;

namespace HybridMailFlow.Native
{
    /// <summary>
    /// Copies the parts of an engine session that <see cref="SessionDetails"/> decodes later into one byte array:
    /// a few memory copies per session instead of some forty strings and a dozen objects. One packer per read; its
    /// buffer grows to the largest session met and is reused.
    /// </summary>
    internal sealed unsafe class SessionPacker
    {
        private byte[] buffer = new byte[4096];
        private int length;

        /// <summary>The session's details, in the order SessionDetails.Unpack reads them.</summary>
        [MethodImpl(Jit.Eager)]
        public byte[] Pack(HmfSession* s)
        {
            length = 0;
            String(s->Helo);
            String(s->RemoteHost);
            String(s->Banner);
            List(s->Extensions);
            String(s->TlsProtocol);
            String(s->TlsCipher);
            String(s->TlsMac);
            String(s->TlsKeyExchange);
            String(s->TlsFailure);
            String(s->ChainValidationStatus);
            String(s->TlsDomainCapabilities);
            String(s->TlsDomainCapabilitiesStatus);
            String(s->TlsDomainCapabilitiesDomain);
            String(s->AuthMechanism);
            String(s->AuthUser);
            String(s->AuthFailure);
            String(s->Permissions);
            String(s->ProxiedSessionId);
            String(s->ProxyTarget);
            String(s->ProxyStatus);
            List(s->Responses);
            String(s->ErrorCommand);
            String(s->DisconnectReason);
            String(s->OutcomePath);
            String(s->OutcomeText);

            int certificateCount = (int)s->CertificateCount;
            Int(certificateCount);
            for (int i = 0; i < certificateCount; i++)
            {
                var c = ((HmfCertificate*)s->Certificates)[i];
                String(c.Kind);
                String(c.Subject);
                String(c.Issuer);
                String(c.SerialNumber);
                String(c.Thumbprint);
                Long(c.NotBeforeMs);
                Long(c.NotAfterMs);
                List(c.SubjectAlternativeNames);
            }

            int messageCount = (int)s->MessageCount;
            Int(messageCount);
            for (int i = 0; i < messageCount; i++)
            {
                var m = ((HmfMessage*)s->Messages)[i];
                String(m.MailFrom);
                String(m.InternetMessageId);
                String(m.InternalId);
                String(m.Hostname);
                String(m.Response);
                Long(m.Size);
                Int(m.Accepted != 0 ? 1 : 0);
                List(m.Recipients);
            }

            var packed = new byte[length];
            Buffer.BlockCopy(buffer, 0, packed, 0, length);
            return packed;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Room(int bytes)
        {
            if (length + bytes > buffer.Length)
            {
                var larger = new byte[Math.Max(buffer.Length * 2, length + bytes)];
                Buffer.BlockCopy(buffer, 0, larger, 0, length);
                buffer = larger;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Int(int value)
        {
            Room(4);
            fixed (byte* p = buffer)
            {
                *(int*)(p + length) = value;
            }
            length += 4;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Long(long value)
        {
            Room(8);
            fixed (byte* p = buffer)
            {
                *(long*)(p + length) = value;
            }
            length += 8;
        }

        [MethodImpl(Jit.Eager)]
        private void String(HmfStr s)
        {
            int bytes = checked((int)s.Len);
            if (bytes != 0 && s.Ptr == IntPtr.Zero)
            {
                // As Utf8.Read: the ABI allows NULL only with length 0.
                throw new InvalidOperationException(string.Format("The HybridMailFlow engine returned a NULL string of {0} bytes.", bytes));
            }
            Room(4 + bytes);
            fixed (byte* p = buffer)
            {
                *(int*)(p + length) = bytes;
                if (bytes != 0)
                {
                    Buffer.MemoryCopy((void*)s.Ptr, p + length + 4, bytes, bytes);
                }
            }
            length += 4 + bytes;
        }

        [MethodImpl(Jit.Eager)]
        private void List(HmfStrList list)
        {
            int count = (int)list.Len;
            Int(count);
            var items = (HmfStr*)list.Items;
            for (int i = 0; i < count; i++)
            {
                String(items[i]);
            }
        }
    }
}
