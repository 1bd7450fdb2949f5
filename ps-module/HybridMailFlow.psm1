# Loads the compiled cmdlets built for this PowerShell (net8.0 on PowerShell 7, netstandard2.0 on Windows
# PowerShell 5.1) and the native engine, then the script functions: one public function per file under Public,
# their helpers under Private.

if ($PSVersionTable.PSEdition -eq 'Core') {
    # The net8.0 build runs on .NET 8 or later: PowerShell 7.4 and later.
    if ([Environment]::Version.Major -lt 8) {
        throw "HybridMailFlow needs PowerShell 7.4 or later, or Windows PowerShell 5.1; this is PowerShell $($PSVersionTable.PSVersion) on .NET $([Environment]::Version)."
    }
    $framework = 'net8.0'
} else {
    $framework = 'netstandard2.0'
}
$binaryModule = Import-Module (Join-Path $PSScriptRoot "bin/$framework/HybridMailFlow.dll") -PassThru -ErrorAction Stop

# Load the native engine now, so that a missing or mismatched library fails the import with a clear message
# rather than the first command.
[HybridMailFlow.Commands.ModuleInitializer]::LoadEngine()

foreach ($folder in 'Private', 'Public') {
    foreach ($file in Get-ChildItem -Path (Join-Path $PSScriptRoot $folder) -Filter '*.ps1' -ErrorAction SilentlyContinue) {
        . $file.FullName
    }
}

# The manifest lists every export by name; a file under Public is named after its function.
$publicFunctions = @(Get-ChildItem -Path (Join-Path $PSScriptRoot 'Public') -Filter '*.ps1' -ErrorAction SilentlyContinue | ForEach-Object { $_.BaseName })
Export-ModuleMember -Function $publicFunctions -Cmdlet @($binaryModule.ExportedCmdlets.Keys)
