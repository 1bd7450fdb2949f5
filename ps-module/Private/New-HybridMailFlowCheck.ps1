function New-HybridMailFlowCheck {
    # One step of a checklist as a typed HybridMailFlow.MailFlowCheck.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)] [string] $Checklist,
        [Parameter(Mandatory = $true)] [int] $Step,
        [Parameter(Mandatory = $true)] [string] $Check,
        [Parameter(Mandatory = $true)] [ValidateSet('Pass', 'Warn', 'Fail', 'Skipped')] [string] $Result,
        [Parameter(Mandatory = $true)] [string] $Reason,
        [string] $Evidence,
        [string] $Fix,
        [string] $Command,
        [string] $Server
    )
    $item = New-Object HybridMailFlow.MailFlowCheck
    $item.Checklist = $Checklist
    $item.Step = $Step
    $item.Check = $Check
    $item.Result = [HybridMailFlow.CheckResult]$Result
    $item.Reason = $Reason
    $item.Evidence = $Evidence
    $item.Fix = $Fix
    $item.Command = $Command
    $item.Server = $Server
    $item
}
