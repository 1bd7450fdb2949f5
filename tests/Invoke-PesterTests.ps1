<#
.SYNOPSIS
    Runs the Pester tests against a built module, in the PowerShell that runs this script; build.ps1 Test starts
    it in a new process so that the module is imported fresh.
.DESCRIPTION
    Ends with a plain summary line ("Pester: N passed, N failed, N skipped") and exits 1 when a test, a block or a
    test file failed, or when no test ran at all.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)] [string] $PesterPath,
    [Parameter(Mandatory = $true)] [string] $ModulePath,
    [Parameter(Mandatory = $true)] [string] $TestPath
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -MinimumVersion 5.5.0
# The test files import the module from here.
$env:HMF_MODULE_PATH = $ModulePath

$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $config

Write-Host "Pester ran in PowerShell $($PSVersionTable.PSVersion) ($($PSVersionTable.PSEdition))."
Write-Host ('Pester: {0} passed, {1} failed, {2} skipped' -f $result.PassedCount, $result.FailedCount, $result.SkippedCount)
if ($result.FailedCount -gt 0 -or $result.FailedBlocksCount -gt 0 -or $result.FailedContainersCount -gt 0 -or $result.PassedCount -eq 0) {
    exit 1
}
