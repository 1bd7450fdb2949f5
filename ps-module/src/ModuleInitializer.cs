using HybridMailFlow.Native;

namespace HybridMailFlow.Commands
{
    /// <summary>Called by the module at import: loads the native engine and checks its ABI.</summary>
    public static class ModuleInitializer
    {
        public static void LoadEngine()
        {
            LibraryLoader.EnsureLoaded();
        }
    }
}
