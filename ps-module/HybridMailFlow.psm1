# Loads the compiled cmdlets built for this PowerShell (net8.0 on PowerShell 7, netstandard2.0 on Windows
# PowerShell 5.1), checks the native engine, then the script functions (one per file under Public).

$framework = if ($PSVersionTable.PSEdition -eq 'Core') { 'net8.0' } else { 'netstandard2.0' }
$assembly = Join-Path $PSScriptRoot "bin/$framework/HybridMailFlow.dll"
Import-Module $assembly -ErrorAction Stop

# Load the native engine now, so that a missing or mismatched library fails the import with a clear message
# rather than the first command.
[HybridMailFlow.Commands.ModuleInitializer]::LoadEngine()

foreach ($file in Get-ChildItem -Path (Join-Path $PSScriptRoot 'Public') -Filter '*.ps1' -ErrorAction SilentlyContinue) {
    . $file.FullName
}

# The manifest lists every export by name; this only passes the compiled cmdlets through the script module.
Export-ModuleMember -Cmdlet '*' -Function '*'
