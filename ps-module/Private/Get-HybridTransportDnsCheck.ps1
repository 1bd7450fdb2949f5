function Get-HybridTransportDnsCheck {
    # Test-HybridTransportDns on the server's Transport and Front End Transport services, those of them this
    # session can ask for.
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)] [string] $Server)
    $services = @()
    foreach ($name in 'Get-TransportService', 'Get-FrontendTransportService') {
        $reply = Invoke-HybridExchangeCommand -Name $name -Parameters @{ Identity = $Server }
        if ($reply.Error) {
            Write-Warning "$name -Identity $Server failed: $($reply.Error)"
        }
        $services += $reply.Output
    }
    if ($services.Count -gt 0) {
        $services | Test-HybridTransportDns
    }
}
