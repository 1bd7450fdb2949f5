function Get-HybridAbsentReason {
    # Why a step was skipped: the command it needs is not in this session, or it failed.
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)] $Invocation)
    if (-not $Invocation.Available) {
        $where = 'run this in the Exchange Management Shell on the server'
        if ($Invocation.Name -in 'Get-Service', 'Test-NetConnection') {
            $where = 'it exists only on Windows'
        } elseif ($Invocation.Name -in 'Get-OutboundConnector', 'Validate-OutboundConnector') {
            $where = 'connect to Exchange Online PowerShell first (Connect-ExchangeOnline)'
        }
        return "The cmdlet $($Invocation.Name) is absent: $where."
    }
    "$($Invocation.Name) failed: $($Invocation.Error)"
}
