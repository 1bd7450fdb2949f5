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
        internal const uint ExpectedAbiVersion = 9;

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
                        "The HybridMailFlow engine for {0} was not found at '{1}'. {2}",
                        RuntimeIdentifier, path, MissingEngineFix(moduleRoot)));
                }
                Load(path);
                CheckAbi(path);
                loadedPath = path;
            }
        }

        // What to do when this platform's engine is not in the module: the engines it holds, and the fix.
        private static string MissingEngineFix(string moduleRoot)
        {
            var runtimes = Path.Combine(moduleRoot, "runtimes");
            var present = Directory.Exists(runtimes)
                ? string.Join(", ", Array.ConvertAll(Directory.GetDirectories(runtimes), Path.GetFileName))
                : string.Empty;
            var holds = present.Length == 0 ? "This copy of the module holds no engine" : "This copy of the module holds the engines for " + present;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && RuntimeInformation.ProcessArchitecture != Architecture.X64)
            {
                return holds + ". Start the 64-bit Windows PowerShell or PowerShell 7 (Exchange Management Shell is 64-bit), not the (x86) one.";
            }
            return holds + ". Install the package built for every platform (HybridMailFlow-<version>.zip or .nupkg from build.ps1 Package), or build the module on this computer (build.ps1 Build).";
        }

        // .NET on Windows puts the loader's HRESULT in the message, e.g. "(0x8007007E)" for error 126.
        private static int Win32ErrorOf(string message)
        {
            var match = System.Text.RegularExpressions.Regex.Match(message ?? string.Empty, @"0x8007([0-9A-Fa-f]{4})");
            return match.Success ? Convert.ToInt32(match.Groups[1].Value, 16) : 0;
        }

        // The Win32 errors LoadLibrary gives for the engine, said as what to do.
        private static string LoadFailureFix(int win32Error)
        {
            switch (win32Error)
            {
                case 5:
                    return "Access is denied: give this account read and execute rights on the module folder.";
                case 126:
                case 127:
                    return "A system DLL or function the engine needs is missing: the engine needs Windows 10 or Windows Server 2016 or later (on Exchange 2016 on Windows Server 2012 R2, copy the logs to a newer computer and read them there).";
                case 193:
                    return "The file is not a Windows x64 DLL: it is damaged or from another platform; reinstall the module from its package.";
                case 225:
                case 1260:
                    return "Windows or an application control policy blocked the file: allow the module folder (AppLocker, WDAC, antivirus), and Unblock-File the files of a downloaded zip.";
                default:
                    return "Reinstall the module from its package; if that does not help, run Get-HybridMailFlowVersion in a new session and report the error.";
            }
        }

#if NETCOREAPP
        private static IntPtr handle;

        private static void Load(string path)
        {
            try
            {
                handle = NativeLibrary.Load(path);
            }
            catch (DllNotFoundException e)
            {
                // .NET's message names the file and the loader's reason (dlerror on Linux and macOS, the Win32 error text on Windows).
                var fix = RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
                    ? LoadFailureFix(Win32ErrorOf(e.Message))
                    : "The engine of the package needs glibc 2.34 or later (Debian 12, Ubuntu 22.04, RHEL 9); on an older system, build the module there (build.ps1 Build).";
                throw new DllNotFoundException(string.Format("Cannot load the HybridMailFlow engine for {0} from '{1}': {2} {3}",
                    RuntimeIdentifier, path, e.Message, fix), e);
            }
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
                int error = Marshal.GetLastWin32Error();
                throw new DllNotFoundException(string.Format("Cannot load the HybridMailFlow engine for {0} from '{1}' (Win32 error {2}). {3}",
                    RuntimeIdentifier, path, error, LoadFailureFix(error)));
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
