using System;
using System.Runtime.CompilerServices;
using System.Text;

namespace HybridMailFlow.Native
{
    /// <summary>UTF-8 between .NET strings and the engine's pointer + length strings.</summary>
    internal static class Utf8
    {
        public static byte[] Bytes(string s)
        {
            return Encoding.UTF8.GetBytes(s ?? string.Empty);
        }

        public static UIntPtr Length(string s)
        {
            return (UIntPtr)Encoding.UTF8.GetByteCount(s ?? string.Empty);
        }

        /// <summary>
        /// The string's text, control characters shown as \xHH (<see cref="Untrusted.Printable"/>): what every
        /// property gets. Empty for length 0, whatever the pointer (NULL included).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static string Read(HmfStr s)
        {
            return Untrusted.Printable(ReadRaw(s));
        }

        /// <summary>The string's text as the engine has it: for text taken apart before it is shown.</summary>
        public static unsafe string ReadRaw(HmfStr s)
        {
            if (s.Len == UIntPtr.Zero)
            {
                return string.Empty;
            }
            if (s.Ptr == IntPtr.Zero)
            {
                // The ABI allows NULL only with length 0: reading it would crash the PowerShell process.
                throw new InvalidOperationException(string.Format("The HybridMailFlow engine returned a NULL string of {0} bytes.", s.Len));
            }
            return Encoding.UTF8.GetString((byte*)s.Ptr, checked((int)s.Len));
        }

        /// <summary>An empty engine string as null, so that absent values read as absent in PowerShell.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static string ReadOrNull(HmfStr s)
        {
            return s.Len == UIntPtr.Zero ? null : Read(s);
        }
    }

    /// <summary>Calls whose failure is an exception: configuration and batch retrieval.</summary>
    internal static class NativeCall
    {
        public static void Check(HmfStatus status)
        {
            if (status != HmfStatus.Ok)
            {
                throw NativeException.FromLastError(status);
            }
        }

        public static BatchHandle ParseLines(byte[] text, LogDirection direction)
        {
            BatchHandle batch;
            Check(NativeMethods.hmf_protocol_parse_lines(text, (UIntPtr)text.Length, direction, out batch));
            return batch;
        }

        public static HmfBatchView View(BatchHandle batch)
        {
            HmfBatchView view;
            Check(NativeMethods.hmf_batch_view_get(batch, out view));
            return view;
        }
    }
}
