function Invoke-HybridExchangeCommand {
    # Runs a command of the Exchange Management Shell (or Windows) when this session has it. Returns Available
    # (the command exists), Output (its objects) and Error (why it failed), so that a check can say Skipped or
    # Fail instead of stopping the checklist.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)] [string] $Name,
        [hashtable] $Parameters = @{}
    )
    $result = [pscustomobject]@{ Name = $Name; Available = $false; Output = @(); Error = $null }
    if (-not (Get-Command -Name $Name -CommandType Cmdlet, Function, Alias -ErrorAction Ignore)) {
        return $result
    }
    $result.Available = $true
    try {
        $result.Output = @(& $Name @Parameters -ErrorAction Stop)
    } catch {
        $result.Error = $_.Exception.Message
    }
    $result
}
