using System;
using System.Collections;
using System.Management.Automation;
using HybridMailFlow.Native;

namespace HybridMailFlow.Commands
{
    /// <summary>Reports the module, engine and PowerShell versions in use, and where the engine was loaded from.</summary>
    [Cmdlet(VerbsCommon.Get, "HybridMailFlowVersion")]
    [OutputType(typeof(VersionInfo))]
    public sealed class GetHybridMailFlowVersionCommand : PSCmdlet
    {
#if NETCOREAPP
        private const string Runtime = "net8.0";
#else
        private const string Runtime = "netstandard2.0";
#endif

        protected override void EndProcessing()
        {
            LibraryLoader.EnsureLoaded();
            var assemblyVersion = typeof(GetHybridMailFlowVersionCommand).Assembly.GetName().Version;
            var psVersionTable = (Hashtable)SessionState.PSVariable.GetValue("PSVersionTable");
            WriteObject(new VersionInfo
            {
                // The assembly carries the manifest's ModuleVersion (see HybridMailFlow.csproj), as major.minor.build.
                ModuleVersion = new Version(assemblyVersion.Major, assemblyVersion.Minor, assemblyVersion.Build).ToString(),
                EngineVersion = Utf8.Read(NativeMethods.hmf_library_version()),
                AbiVersion = NativeMethods.hmf_abi_version(),
                Runtime = Runtime,
                RuntimeIdentifier = LibraryLoader.RuntimeIdentifier,
                PSEdition = psVersionTable["PSEdition"] as string,
                PSVersion = Convert.ToString(psVersionTable["PSVersion"], System.Globalization.CultureInfo.InvariantCulture),
                NativeLibraryPath = LibraryLoader.LoadedPath,
            });
        }
    }
}
