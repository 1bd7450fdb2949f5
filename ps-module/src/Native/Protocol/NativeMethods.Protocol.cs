using System;
using System.Runtime.InteropServices;

namespace HybridMailFlow.Native
{
    internal static partial class NativeMethods
    {
        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_protocol_parse_lines(byte[] text, UIntPtr len, LogDirection direction, out BatchHandle batch);
    }
}
