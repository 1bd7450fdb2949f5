@{
    Synopsis    = 'Reports the module, engine and PowerShell versions in use, and where the native engine was loaded from.'
    Description = @(
        'Get-HybridMailFlowVersion tells what runs: the module version, the version of the native (Rust) engine and the ABI version the module checked when it was imported, the build of the compiled cmdlets (net8.0 in PowerShell 7, netstandard2.0 in Windows PowerShell 5.1), the platform the engine was loaded for, the PowerShell edition and version, and the full path of the engine library.'
        'Give its output with any support question: it tells apart a module copied from another build, a library of the wrong platform and a PowerShell that loads the other build.'
    )
    Parameters  = @{}
    Outputs     = @{
        'HybridMailFlow.VersionInfo' = 'ModuleVersion, EngineVersion, AbiVersion, Runtime, RuntimeIdentifier, PSEdition, PSVersion and NativeLibraryPath.'
    }
    Examples    = @(
        @{
            Title   = 'What runs'
            Code    = 'Get-HybridMailFlowVersion'
            Remarks = 'Lists the versions, the runtime and the path of the native engine.'
        }
        @{
            Title   = 'For a support case'
            Code    = 'Get-HybridMailFlowVersion | ConvertTo-Json | Set-Clipboard'
            Remarks = 'Copies the same facts as JSON, to paste into a ticket.'
        }
    )
    Links       = @('about_HybridMailFlow')
}
