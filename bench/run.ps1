<#
.SYNOPSIS
    Benchmarks HybridMailFlow against the methods admins use today, side by side in one run.
.DESCRIPTION
    Generates realistic logs once (kept under out/bench), then measures, each in a fresh PowerShell process so
    that peak memory is that command's alone:
      - the Rust engine alone (MB/s on one core);
      - Get-HybridSmtpSession over the full set and over a 100 MB subset;
      - the method in most guides, Get-Content | ConvertFrom-Csv -Header ... | Group-Object SessionId, on the
        100 MB subset only (it is too slow and too hungry for the full set);
    and prints the ratios. Called by `build.ps1 Bench`.
.PARAMETER SizeMB
    Size of the full protocol-log set (default 1024 MB).
.PARAMETER SubsetMB
    Size of the subset the slow method runs on (default 100 MB).
#>
[CmdletBinding()]
param(
    [int] $SizeMB = 1024,
    [int] $SubsetMB = 100,
    [Parameter(Mandatory = $true)] [string] $ModulePath,
    [Parameter(Mandatory = $true)] [string] $RepoRoot
)

$ErrorActionPreference = 'Stop'
$benchRoot = Join-Path $RepoRoot 'out/bench'
$pwshExe = @('pwsh.exe', 'pwsh', 'powershell.exe') | ForEach-Object { Join-Path $PSHOME $_ } | Where-Object { Test-Path $_ -PathType Leaf } | Select-Object -First 1

function Invoke-Cargo {
    param([string[]] $Arguments)
    & cargo @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "cargo $($Arguments -join ' ') failed" }
}

function Get-LogSet {
    param([string] $Name, [int] $Megabytes)
    $dir = Join-Path $benchRoot $Name
    $marker = Join-Path $dir '.complete'
    if (-not (Test-Path $marker)) {
        if (Test-Path $dir) { Remove-Item $dir -Recurse -Force }
        Write-Host "Generating $Megabytes MB of protocol logs in $dir ..."
        Invoke-Cargo @('run', '--quiet', '--release', '--manifest-path', (Join-Path $RepoRoot 'Cargo.toml'), '--example', 'gen_protocol', '--', $dir, "$Megabytes")
        Set-Content -Path $marker -Value $Megabytes
    }
    $dir
}

# Runs a script's text in a fresh pwsh and returns what it measured: seconds, item count, peak memory. $Setup
# (importing the module) runs before the clock starts: the time is the command's alone.
function Measure-InChild {
    param([string] $Label, [string] $Script, [string] $Setup = '')
    $wrapper = @"
`$ErrorActionPreference = 'Stop'
$Setup
`$sw = [System.Diagnostics.Stopwatch]::StartNew()
`$count = & { $Script }
`$sw.Stop()
`$peak = [System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64
'RESULT {0} {1} {2}' -f `$sw.Elapsed.TotalSeconds.ToString([cultureinfo]::InvariantCulture), `$count, `$peak
"@
    $output = & $pwshExe -NoProfile -NonInteractive -Command $wrapper
    $line = $output | Where-Object { $_ -like 'RESULT *' } | Select-Object -Last 1
    if (-not $line) { throw "$Label produced no result: $output" }
    $parts = $line.Split(' ')
    [pscustomobject]@{
        Measurement = $Label
        Seconds     = [math]::Round([double]::Parse($parts[1], [cultureinfo]::InvariantCulture), 2)
        Items       = [long]$parts[2]
        PeakMemoryMB = [math]::Round([double]$parts[3] / 1MB, 0)
    }
}

function Get-FolderMB {
    param([string] $Path)
    [math]::Round(((Get-ChildItem -Path $Path -Recurse -File -Filter '*.LOG' | Measure-Object -Property Length -Sum).Sum) / 1MB, 0)
}

$full = Get-LogSet -Name "protocol-$SizeMB" -Megabytes $SizeMB
$subset = Get-LogSet -Name "protocol-$SubsetMB" -Megabytes $SubsetMB
$fullMB = Get-FolderMB $full
$subsetMB = Get-FolderMB $subset

Invoke-Cargo @('build', '--quiet', '--release', '--manifest-path', (Join-Path $RepoRoot 'Cargo.toml'), '--example', 'bench_protocol')
$engineExe = Join-Path $RepoRoot 'target/release/examples/bench_protocol'
$engineLine = & $engineExe $full sessions
Write-Host $engineLine
$engineMBps = [double](($engineLine -split ' ' | Where-Object { $_ -like 'mb_per_s=*' }) -replace 'mb_per_s=', '')

$import = "Import-Module '$ModulePath'"
$results = @(
    Measure-InChild "Get-HybridSmtpSession, $fullMB MB" "(Get-HybridSmtpSession -Path '$full' | Measure-Object).Count" -Setup $import
    Measure-InChild "Get-HybridSmtpSession, $subsetMB MB" "(Get-HybridSmtpSession -Path '$subset' | Measure-Object).Count" -Setup $import
    Measure-InChild "Get-Content | ConvertFrom-Csv | Group-Object, $subsetMB MB" @"
`$header = 'DateTime','ConnectorId','SessionId','SequenceNumber','LocalEndpoint','RemoteEndpoint','Event','Data','Context'
(Get-ChildItem -Path '$subset' -Recurse -Filter '*.LOG' | ForEach-Object { Get-Content -Path `$_.FullName } |
    Where-Object { `$_ -notmatch '^#' } | ConvertFrom-Csv -Header `$header | Group-Object SessionId | Measure-Object).Count
"@
)
$results | Format-Table -AutoSize | Out-String | Write-Host

$ours = $results[1]
$theirs = $results[2]
$summary = [ordered]@{
    'Engine alone (MB/s, one core)'                         = [math]::Round($engineMBps, 1)
    "Get-HybridSmtpSession (MB/s over $fullMB MB)"          = [math]::Round($fullMB / [math]::Max($results[0].Seconds, 0.001), 1)
    "Speed ratio vs Get-Content|ConvertFrom-Csv ($subsetMB MB)" = [math]::Round($theirs.Seconds / [math]::Max($ours.Seconds, 0.001), 1)
    "Memory ratio vs Get-Content|ConvertFrom-Csv ($subsetMB MB)" = [math]::Round($theirs.PeakMemoryMB / [math]::Max($ours.PeakMemoryMB, 1), 1)
    "Get-HybridSmtpSession peak MB: $subsetMB MB vs $fullMB MB" = '{0} vs {1}' -f $ours.PeakMemoryMB, $results[0].PeakMemoryMB
}
[pscustomobject]$summary | Format-List | Out-String | Write-Host

# The knowledge base runs on every failure line of large logs: messages a second on one core, over one text per
# rule plus ordinary replies and unknown lines. best_match is the matching a log line pays; diagnose_best also
# builds the finding's text.
Invoke-Cargo @('build', '--quiet', '--release', '--manifest-path', (Join-Path $RepoRoot 'Cargo.toml'), '--example', 'bench_diagnosis')
$diagnosisExe = Join-Path $RepoRoot 'target/release/examples/bench_diagnosis'
& $diagnosisExe | Write-Host
