<#
.SYNOPSIS
    Shows HybridMailFlow on the bundled sample logs of the lab (CMHYBD01, CMEDGE01): the SMTP sessions, their
    outcomes, and what went wrong where; then writes the HTML report of the samples and prints its path. Run
    through `pwsh ./build.ps1 Demo`.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/HybridMailFlow/HybridMailFlow.psd1'),
    [string] $SamplesPath = (Join-Path $PSScriptRoot '../samples'),
    [string] $ReportPath = (Join-Path $PSScriptRoot '../out/samples-report.html')
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

function Write-Section {
    param([string] $Title)
    Write-Host ''
    Write-Host $Title -ForegroundColor Cyan
    Write-Host ('-' * $Title.Length) -ForegroundColor Cyan
}

Write-Section "SMTP sessions rebuilt from the sample protocol logs ($SamplesPath)"
$sessions = @(Get-HybridSmtpSession -Path $SamplesPath)
$sessions | Format-Table -AutoSize:$false | Out-String -Width 120 | Write-Host

Write-Section 'Sessions by outcome'
$sessions | Group-Object Outcome | Sort-Object Count -Descending | Select-Object Count, Name | Format-Table -AutoSize | Out-String -Width 120 | Write-Host

Write-Section 'What failed, where (the line that decided it), and what it means'
$failed = @($sessions | Where-Object { $_.Diagnosis.Count -gt 0 })
$failed | ForEach-Object {
    $place = if ($_.OutcomePath) { '{0}:{1}' -f (Split-Path $_.OutcomePath -Leaf), $_.OutcomeLine } else { '' }
    [pscustomobject]@{
        Server    = $_.Server
        Role      = $_.Role
        Outcome   = $_.Outcome
        Line      = $place
        Diagnosis = [HybridMailFlow.TextLayout]::Wrap($_.Diagnosis[0].Title, 62)
    }
} | Format-Table -Wrap | Out-String -Width 120 | Write-Host

Write-Section 'The fix for the PRX2 failure (Resolve-HybridSmtpError explains any error text the same way)'
$failed | Where-Object { $_.Diagnosis[0].RuleId -eq 'HMF-PRX2' } | Select-Object -First 1 | ForEach-Object { $_.Diagnosis[0] } |
    Out-String -Width 120 | Write-Host

Write-Section 'Exchange Online sessions and their TLS'
$sessions | Where-Object IsExchangeOnline |
    Format-Table Server, Direction, RemoteHost,
        @{ Label = 'TLS'; Expression = { $_.TlsProtocol -replace '^SP_PROT_|_(SERVER|CLIENT)$' } },
        @{ Label = 'Certificate'; Expression = { $_.CertificateSubject -replace ',.*$' } }, Outcome -AutoSize |
    Out-String -Width 120 | Write-Host

Write-Section 'The report of the samples, to open in a browser (Export-HybridMailFlowReport)'
$report = Export-HybridMailFlowReport -Path $ReportPath -SmtpLogPath $SamplesPath -Title 'Mail flow report of the lab samples'
Write-Host ('{0:N0} sessions, {1:N0} failures under {2} diagnoses, {3:N0} KB:' -f $report.Sessions, $report.Failures, $report.Diagnoses, ($report.Length / 1KB))
Write-Host $report.Path
