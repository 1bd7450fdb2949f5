using System;
using System.Runtime.InteropServices;

namespace HybridMailFlow.Native
{
    /// <summary>
    /// Every entry point of the native engine (include/hybridmailflow.h). The library is loaded by full path
    /// before the first call (LibraryLoader); DllImport then finds it by this name, without an extension.
    /// </summary>
    internal static partial class NativeMethods
    {
        internal const string LibraryName = "hybridmailflow_engine";

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern UIntPtr hmf_struct_size(uint id);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint hmf_abi_version();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStr hmf_library_version();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern HmfStatus hmf_last_error(out HmfError error);
    }
}
