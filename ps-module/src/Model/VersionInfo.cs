using System;

namespace HybridMailFlow
{
    /// <summary>
    /// What runs: the module, the native engine and the PowerShell hosting them (PSTypeName HybridMailFlow.VersionInfo).
    /// The first thing to ask for in a support case.
    /// </summary>
    public sealed class VersionInfo
    {
        /// <summary>
        /// The module's version (ModuleVersion of HybridMailFlow.psd1) as text, e.g. 0.1.0: a string so that
        /// ConvertTo-Json and Export-Csv write it as it reads, not as Major, Minor, Build and Revision.
        /// </summary>
        public string ModuleVersion { get; internal set; }

        /// <summary>The native engine's version (hmf_library_version).</summary>
        public string EngineVersion { get; internal set; }

        /// <summary>The engine's ABI version (hmf_abi_version), which the module checked at import.</summary>
        public uint AbiVersion { get; internal set; }

        /// <summary>The build of the compiled cmdlets in use: net8.0 (PowerShell 7) or netstandard2.0 (Windows PowerShell 5.1).</summary>
        public string Runtime { get; internal set; }

        /// <summary>The platform the engine was loaded for, e.g. win-x64 or linux-arm64.</summary>
        public string RuntimeIdentifier { get; internal set; }

        /// <summary>Core (PowerShell 7) or Desktop (Windows PowerShell 5.1).</summary>
        public string PSEdition { get; internal set; }

        /// <summary>The PowerShell version, e.g. 7.4.6 or 5.1.20348.2849.</summary>
        public string PSVersion { get; internal set; }

        /// <summary>The full path the engine was loaded from.</summary>
        public string NativeLibraryPath { get; internal set; }
    }
}
