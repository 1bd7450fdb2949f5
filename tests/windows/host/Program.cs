using System.Management.Automation.Runspaces;

namespace HybridMailFlow.TestHost
{
    /// <summary>pwsh.exe for the Windows tests under wine: PowerShell's own console shell, so that
    /// `pwsh -NoProfile -File ...` and the child processes the tests start behave as the real pwsh.</summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            return Microsoft.PowerShell.ConsoleShell.Start(InitialSessionState.CreateDefault2(), string.Empty, string.Empty, args);
        }
    }
}
