function ConvertTo-HybridMailFlowCheck {
    # One checklist step from the configuration checks that answer it (Test-HybridReceiveConnector,
    # Test-HybridTransportDns, Test-HybridCertificate): the worst result, the messages of what is wrong (or of
    # what passed), their evidence, fixes and commands.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)] [string] $Checklist,
        [Parameter(Mandatory = $true)] [int] $Step,
        [Parameter(Mandatory = $true)] [string] $Check,
        [AllowEmptyCollection()] [object[]] $ConfigurationCheck = @(),
        [Parameter(Mandatory = $true)] [string] $NoneReason,
        [string] $Server
    )
    $checks = @($ConfigurationCheck | Where-Object { $null -ne $_ })
    if ($checks.Count -eq 0) {
        return New-HybridMailFlowCheck -Checklist $Checklist -Step $Step -Check $Check -Result Skipped -Reason $NoneReason -Server $Server
    }
    $result = 'Skipped'
    foreach ($level in 'Fail', 'Warn', 'Pass') {
        if (@($checks | Where-Object { "$($_.Result)" -eq $level }).Count -gt 0) {
            $result = $level
            break
        }
    }
    $shown = @($checks | Where-Object { "$($_.Result)" -eq $result })
    New-HybridMailFlowCheck -Checklist $Checklist -Step $Step -Check $Check -Result $result -Server $Server `
        -Reason (($shown | ForEach-Object { "$($_.Identity): $($_.Message)" }) -join ' ') `
        -Evidence (($shown | ForEach-Object { $_.Evidence } | Where-Object { $_ } | Select-Object -Unique) -join ' | ') `
        -Fix (($shown | ForEach-Object { $_.Fix } | Where-Object { $_ } | Select-Object -Unique) -join ' ') `
        -Command (($shown | ForEach-Object { $_.Command } | Where-Object { $_ } | Select-Object -Unique) -join '; ')
}
