function Get-HybridTransportRole {
    # Mailbox or Edge. The Exchange Management Shell of an Edge Transport server has Get-TransportService but not
    # Get-FrontendTransportService; without the cmdlets, the role shows in the log folders its services created.
    # The Exchange cmdlets are cmdlets in a local shell and functions in a remote one (Pester mocks are aliases).
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [string] $ExchangeInstallPath
    )
    if (Get-Command -Name 'Get-TransportService' -CommandType Cmdlet, Function, Alias -ErrorAction Ignore) {
        if (Get-Command -Name 'Get-FrontendTransportService' -CommandType Cmdlet, Function, Alias -ErrorAction Ignore) {
            return 'Mailbox'
        }
        return 'Edge'
    }
    if ($ExchangeInstallPath) {
        if (Test-Path -LiteralPath (Join-HybridLogPath -Root $ExchangeInstallPath -ChildPath 'TransportRoles', 'Logs', 'Edge') -PathType Container) {
            return 'Edge'
        }
        foreach ($service in 'FrontEnd', 'Hub', 'Mailbox') {
            if (Test-Path -LiteralPath (Join-HybridLogPath -Root $ExchangeInstallPath -ChildPath 'TransportRoles', 'Logs', $service) -PathType Container) {
                return 'Mailbox'
            }
        }
    }
    'Unknown'
}
