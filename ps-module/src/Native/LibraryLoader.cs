using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace HybridMailFlow.Native
{
    /// <summary>
    /// Loads the engine from the module's runtimes/&lt;rid&gt;/native folder by full path, then checks that its ABI is
    /// the one this assembly was built for. Windows PowerShell 5.1 (.NET Framework) searches only the Win32 DLL
    /// path, so LoadLibrary of the full path comes first and DllImport by name then reuses the loaded module;
    /// PowerShell 7 (.NET) resolves DllImport through a resolver that returns the handle loaded by full path.
    /// </summary>
    internal static class LibraryLoader
    {
        /// <summary>The ABI this assembly's struct declarations match (HMF_ABI_VERSION).</summary>
        internal const uint ExpectedAbiVersion = 4;

        private static readonly object Gate = new object();
        private static string loadedPath;

        /// <summary>The full path of the loaded engine.</summary>
        public static string LoadedPath
        {
            get
            {
                EnsureLoaded();
                return loadedPath;
            }
        }

        /// <summary>The runtimes/ folder of this platform, e.g. win-x64 or linux-arm64.</summary>
        public static string RuntimeIdentifier
        {
            get
            {
                string os;
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) os = "win";
                else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) os = "osx";
                else if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) os = "linux";
                else throw new PlatformNotSupportedException("The HybridMailFlow engine runs on Windows, Linux and macOS; this is " + RuntimeInformation.OSDescription + ".");
                string arch;
                switch (RuntimeInformation.ProcessArchitecture)
                {
                    case Architecture.X64: arch = "x64"; break;
                    case Architecture.X86: arch = "x86"; break;
                    case Architecture.Arm64: arch = "arm64"; break;
                    case Architecture.Arm: arch = "arm"; break;
                    default:
                        throw new PlatformNotSupportedException(string.Format(
                            "The HybridMailFlow engine runs in x64, x86, arm64 and arm processes; this process is {0}.", RuntimeInformation.ProcessArchitecture));
                }
                return os + "-" + arch;
            }
        }

        private static string FileName
        {
            get
            {
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return "hybridmailflow_engine.dll";
                if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) return "libhybridmailflow_engine.dylib";
                return "libhybridmailflow_engine.so";
            }
        }

        /// <summary>Loads and checks the engine once; later calls return at once.</summary>
        public static void EnsureLoaded()
        {
            if (loadedPath != null)
            {
                return;
            }
            lock (Gate)
            {
                if (loadedPath != null)
                {
                    return;
                }
                var assemblyDir = Path.GetDirectoryName(typeof(LibraryLoader).Assembly.Location);
                // The assembly is in <module>/bin/<framework>/; the engine in <module>/runtimes/<rid>/native/.
                var moduleRoot = Path.GetFullPath(Path.Combine(assemblyDir, "..", ".."));
                var path = Path.Combine(moduleRoot, "runtimes", RuntimeIdentifier, "native", FileName);
                if (!File.Exists(path))
                {
                    throw new DllNotFoundException(string.Format(
                        "The HybridMailFlow engine for {0} was not found at '{1}'. This build of the module does not include this platform.",
                        RuntimeIdentifier, path));
                }
                Load(path);
                CheckAbi(path);
                loadedPath = path;
            }
        }

#if NETCOREAPP
        private static IntPtr handle;

        private static void Load(string path)
        {
            handle = NativeLibrary.Load(path);
            NativeLibrary.SetDllImportResolver(typeof(LibraryLoader).Assembly, Resolve);
        }

        private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
        {
            return name == NativeMethods.LibraryName ? handle : IntPtr.Zero;
        }
#else
        [DllImport("kernel32", SetLastError = true, CharSet = CharSet.Unicode)]
        private static extern IntPtr LoadLibraryW(string path);

        private static void Load(string path)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                throw new PlatformNotSupportedException("On Linux and macOS use PowerShell 7: the netstandard2.0 build of HybridMailFlow is for Windows PowerShell 5.1.");
            }
            if (LoadLibraryW(path) == IntPtr.Zero)
            {
                throw new DllNotFoundException(string.Format("Cannot load '{0}' (Win32 error {1}).", path, Marshal.GetLastWin32Error()));
            }
        }
#endif

        private static void CheckAbi(string path)
        {
            uint abi = NativeMethods.hmf_abi_version();
            if (abi != ExpectedAbiVersion)
            {
                throw new InvalidOperationException(string.Format(
                    "'{0}' has ABI version {1}; this HybridMailFlow assembly needs {2}. The module's files come from different builds: reinstall the module.",
                    path, abi, ExpectedAbiVersion));
            }
            AbiCheck.CheckStructSizes(path);
        }
    }
}
