<#
.SYNOPSIS
    What must hold whatever the input, measured: damaged files, hostile texts, reads stopped early.
.DESCRIPTION
    Each part runs in a fresh PowerShell process, whose exit code and last line are checked (a crash of the host is
    an exit code, a hang the time limit):
      - damaged files: copies of the bundled samples' protocol logs, tracking logs and Exchange Online trace
        exports, each damaged from a fixed seed (bytes flipped, inserted and deleted, control characters, lines
        repeated and cut, quotes and commas, a field 20,000 bytes long, the end cut), read in one process by
        Get-HybridSmtpSession, Get-HybridMessageTrackingLog and Import-HybridMessageTrace: crashes, hangs and
        terminating errors (each should be 0), and the non-terminating errors that named what was wrong;
      - hostile texts through Resolve-HybridSmtpError, from a fixed seed: the time, and the terminating errors;
      - a read of -StopMB of protocol logs stopped by Select-Object -First 5, -Repetitions times in one process:
        the median time of a stop, and the working set after the first 50 stops and after the last.
    Called by bench/run.ps1 at the end of a full run; runs alone too.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)] [string] $ModulePath,
    [Parameter(Mandatory = $true)] [string] $RepoRoot,
    [int] $DamagedFilesPerKind = 4000,
    [int] $HostileTexts = 100000,
    [int] $StopMB = 500,
    [int] $Repetitions = 400,
    [int] $Seed = 19,
    [int] $TimeLimitSeconds = 1800
)

$ErrorActionPreference = 'Stop'
$benchRoot = Join-Path $RepoRoot 'out/bench'
$pwshExe = @('pwsh.exe', 'pwsh', 'powershell.exe') | ForEach-Object { Join-Path $PSHOME $_ } | Where-Object { Test-Path $_ -PathType Leaf } | Select-Object -First 1

# Runs the script in a new PowerShell within the time limit; returns its exit code, whether it finished, and the
# fields of its line 'RESULT ...'.
function Invoke-Isolated {
    param([string] $Label, [string] $Script)
    $file = Join-Path ([System.IO.Path]::GetTempPath()) "hmf-robustness-$PID.ps1"
    Set-Content -LiteralPath $file -Value ("`$ErrorActionPreference = 'Continue'`nImport-Module '$ModulePath'`n" + $Script) -Encoding utf8
    $start = [System.Diagnostics.ProcessStartInfo]::new($pwshExe, "-NoProfile -NonInteractive -File `"$file`"")
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)
    $stderr = $process.StandardError.ReadToEndAsync()
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $finished = $process.WaitForExit($TimeLimitSeconds * 1000)
    if (-not $finished) { $process.Kill() }
    $process.WaitForExit()
    Remove-Item -LiteralPath $file
    $line = @($stdout.Result -split "`r?`n" | Where-Object { $_ -like 'RESULT *' }) | Select-Object -Last 1
    [pscustomobject]@{
        Label    = $Label
        Finished = $finished
        ExitCode = $process.ExitCode
        Fields   = if ($line) { $line.Substring(7).Split(' ') } else { @() }
        Stderr   = $stderr.Result
    }
}

# Damaged copies of one kind's sample files, written once per seed and count.
function New-DamagedFiles {
    param([string] $Kind, [string[]] $Sources, [string] $NamePattern, [int] $Count)
    $dir = Join-Path $benchRoot "robustness/$Kind-$Seed-$Count"
    if (Test-Path (Join-Path $dir '.complete')) { return $dir }
    if (Test-Path $dir) { Remove-Item $dir -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $dir
    $random = [System.Random]::new($Seed)
    $originals = @($Sources | ForEach-Object { , [System.IO.File]::ReadAllBytes($_) })
    $inserts = @(@(0), @(27, 93, 48, 59, 7), @(27, 91, 50, 74), @(0xFF, 0xFE), @(0xC3), @(0xE2, 0x80, 0x98), @(34), @(44), @(13), @(10), @(92))
    for ($i = 0; $i -lt $Count; $i++) {
        $bytes = [System.Collections.Generic.List[byte]]::new([byte[]]$originals[$random.Next($originals.Count)])
        for ($m = $random.Next(1, 6); $m -gt 0 -and $bytes.Count -gt 0; $m--) {
            $at = $random.Next($bytes.Count)
            switch ($random.Next(7)) {
                0 { $bytes[$at] = [byte]$random.Next(256) }
                1 { $bytes.InsertRange($at, [byte[]]$inserts[$random.Next($inserts.Count)]) }
                2 { $bytes.RemoveRange($at, [Math]::Min($random.Next(1, 200), $bytes.Count - $at)) }
                3 { $bytes.RemoveRange($at, $bytes.Count - $at) }
                4 { $bytes.InsertRange($at, [System.Text.Encoding]::ASCII.GetBytes('A' * 20000)) }
                5 {
                    $end = $bytes.IndexOf([byte]10, $at)
                    if ($end -gt $at) { $bytes.InsertRange($at, $bytes.GetRange($at, $end - $at + 1).ToArray()) }
                }
                default { $bytes.InsertRange($at, [System.Text.Encoding]::UTF8.GetBytes(',"",,')) }
            }
        }
        [System.IO.File]::WriteAllBytes((Join-Path $dir ($NamePattern -f $i)), $bytes.ToArray())
    }
    Set-Content -Path (Join-Path $dir '.complete') -Value $Count
    $dir
}

$samples = Join-Path $RepoRoot 'samples'
$protocolSources = @(Get-ChildItem -Path $samples -Recurse -File -Include RECV*.LOG, SEND*.LOG | ForEach-Object FullName)
$trackingSources = @(Get-ChildItem -Path $samples -Recurse -File -Include MSGTRK*.LOG | ForEach-Object FullName)
$traceSources = @(Get-ChildItem -Path (Join-Path $samples 'exo'), (Join-Path $RepoRoot 'tests/data/timeline/exo') -File -Filter *.csv | ForEach-Object FullName)
Write-Host "Damaging $DamagedFilesPerKind copies of each kind's samples (seed $Seed) ..."
$protocolDir = New-DamagedFiles 'protocol' $protocolSources 'RECV2026050106-{0}.LOG' $DamagedFilesPerKind
$trackingDir = New-DamagedFiles 'tracking' $trackingSources 'MSGTRK2026050106-{0}.LOG' $DamagedFilesPerKind
$traceDir = New-DamagedFiles 'trace' $traceSources 'trace-{0}.csv' $DamagedFilesPerKind

$damaged = Invoke-Isolated 'Damaged files' @"
`$files = 0; `$objects = 0; `$errors = 0; `$terminating = 0
foreach (`$pair in @(@('$protocolDir', 'Get-HybridSmtpSession'), @('$trackingDir', 'Get-HybridMessageTrackingLog'), @('$traceDir', 'Import-HybridMessageTrace'))) {
    foreach (`$file in [System.IO.Directory]::GetFiles(`$pair[0])) {
        if (`$file.EndsWith('.complete')) { continue }
        `$files++
        try {
            `$objects += @(& `$pair[1] -LiteralPath `$file -ErrorVariable failed -ErrorAction SilentlyContinue -WarningAction SilentlyContinue).Count
            `$errors += `$failed.Count
        } catch { `$terminating++ }
    }
}
"RESULT `$files `$objects `$errors `$terminating"
"@

$hostile = Invoke-Isolated 'Hostile texts' @"
`$random = [System.Random]::new($Seed)
`$pieces = @('550 5.7.1 ', '451 4.7.0 ', '454 4.7.5 ', '4.4.317 ', '5.7.520 ', '421 4.4.2 ', "``e]0;title``a", "``e[2J", "``e[8m",
    [string][char]0, "``r``n", [string][char]0x2018, [string][char]0x2019, [string][char]0x201A, [string][char]0x201B, "'", '"', '`$(whoami)', '<thumbprint>', '{0}', '%s', '\',
    [string][char]0xD800, '[{LED=', '};{MSG=', 'PRX2', 'STOREDRV.Deliver.Exception:', ('A' * 5000), 'SubjectMismatch')
`$texts = for (`$i = 0; `$i -lt $HostileTexts; `$i++) {
    `$text = [System.Text.StringBuilder]::new()
    for (`$j = `$random.Next(0, 8); `$j -ge 0; `$j--) { `$null = `$text.Append(`$pieces[`$random.Next(`$pieces.Count)]) }
    `$text.ToString()
}
`$terminating = 0
`$clock = [System.Diagnostics.Stopwatch]::StartNew()
try { `$count = @(`$texts | Resolve-HybridSmtpError -ErrorAction SilentlyContinue).Count } catch { `$terminating++ }
`$clock.Stop()
"RESULT `$(`$texts.Count) `$count `$terminating `$(`$clock.Elapsed.TotalSeconds.ToString('0.0', [cultureinfo]::InvariantCulture))"
"@

$stopDir = Join-Path $benchRoot "robustness/stop-$StopMB"
if (-not (Test-Path (Join-Path $stopDir '.complete'))) {
    Write-Host "Generating $StopMB MB of protocol logs in $stopDir ..."
    & cargo run --quiet --release --manifest-path (Join-Path $RepoRoot 'Cargo.toml') --example gen_protocol -- $stopDir $StopMB
    if ($LASTEXITCODE -ne 0) { throw 'gen_protocol failed' }
    Set-Content -Path (Join-Path $stopDir '.complete') -Value $StopMB
}
$stopped = Invoke-Isolated 'Reads stopped early' @"
function Stop-Once { `$clock = [System.Diagnostics.Stopwatch]::StartNew(); `$null = Get-HybridSmtpSession -Path '$stopDir' | Select-Object -First 5; `$clock.Elapsed.TotalMilliseconds }
function Get-Private { [System.GC]::Collect(); [System.GC]::WaitForPendingFinalizers(); [System.GC]::Collect(); [System.Diagnostics.Process]::GetCurrentProcess().WorkingSet64 }
`$times = [System.Collections.Generic.List[double]]::new()
foreach (`$i in 1..50) { `$times.Add((Stop-Once)) }
`$after50 = Get-Private
foreach (`$i in 51..$Repetitions) { `$times.Add((Stop-Once)) }
`$afterAll = Get-Private
`$sorted = `$times.ToArray(); [Array]::Sort(`$sorted)
"RESULT `$(`$sorted[[int](`$sorted.Length / 2)].ToString('0.0', [cultureinfo]::InvariantCulture)) `$([math]::Round(`$after50 / 1MB)) `$([math]::Round(`$afterAll / 1MB))"
"@

foreach ($run in $damaged, $hostile, $stopped) {
    if (-not $run.Finished) { Write-Warning "$($run.Label): still running after $TimeLimitSeconds s (a hang), stopped" }
    elseif ($run.ExitCode -ne 0 -or $run.Fields.Count -eq 0) { Write-Warning "$($run.Label): the process ended with exit code $($run.ExitCode) (a crash): $($run.Stderr)" }
}
$figures = [ordered]@{}
if ($damaged.Fields.Count -eq 4) {
    $figures["Damaged files through three cmdlets in one process (seed $Seed)"] = '{0:N0} files, {1:N0} objects, {2:N0} errors naming file and line; crashes {3}, hangs {4}, terminating errors {5}' -f
    [int]$damaged.Fields[0], [int]$damaged.Fields[1], [int]$damaged.Fields[2], [int]($damaged.ExitCode -ne 0), [int](-not $damaged.Finished), [int]$damaged.Fields[3]
}
if ($hostile.Fields.Count -eq 4) {
    $figures['Hostile texts through Resolve-HybridSmtpError'] = '{0:N0} texts, {1:N0} diagnoses in {2} s; terminating errors {3}, crashes {4}' -f
    [int]$hostile.Fields[0], [int]$hostile.Fields[1], $hostile.Fields[3], $hostile.Fields[2], [int]($hostile.ExitCode -ne 0)
}
if ($stopped.Fields.Count -eq 3) {
    $figures["$StopMB MB read stopped by Select-Object -First 5, $Repetitions times"] = 'median {0} ms; working set {1} MB after 50 stops, {2} MB after {3}' -f
    $stopped.Fields[0], $stopped.Fields[1], $stopped.Fields[2], $Repetitions
}
[pscustomobject]$figures | Format-List | Out-String -Width 200 | Write-Host
