<#
.SYNOPSIS
    Benchmarks HybridMailFlow against the methods admins use today, side by side in one run.
.DESCRIPTION
    Generates realistic logs once (kept under out/bench), then measures, each in a fresh PowerShell process so
    that peak memory is that command's alone.

    SMTP protocol logs:
      - the Rust engine alone (MB/s on one core);
      - the engine alone over six named mixes (gen_protocol --mix all, each a folder of SubsetMB): per mix MB/s per
        core beside a memchr line scan of the same files, the folder split across the cores against one thread,
        and peak memory of one file against the whole mix (bench_protocol mixes);
      - Get-HybridSmtpSession over the full set and over a 100 MB subset;
      - the method in most guides, Get-Content | ConvertFrom-Csv -Header ... | Group-Object SessionId, on the
        100 MB subset only (it is too slow and too hungry for the full set);
      each after warm-up runs over a 5 MB set for -WarmUpSeconds, and the 100 MB pair once more in the same
      process; and Get-HybridSmtpSession's first use in a new process (one warm-up run over the 21 sessions of
      the samples only);
      - Export-HybridMailFlowReport -SmtpLogPath over the 100 MB subset: its time and the report's size;
      - Get-HybridSmtpSession | Export-Csv of the subset, time and CSV size, against the same with the raw lines
        put in (Select-Object *, Lines), as every export wrote them before Lines was hidden;
    Message tracking logs:
      - the Rust engine alone (MB/s on one core, all events and a sender search);
      - Get-HybridMessageTrackingLog over the full set and the subset, without a filter and with -Sender;
      - the CSV way, Get-Content | Where-Object { $_ -notlike '#*' } | ConvertFrom-Csv -Header <the 30 fields>
        (what Import-Csv does, with the # header lines skipped), without a filter and with
        Where-Object sender-address -eq ..., on the subset only (it is too slow for the full set);
      - PowerShell alone passing as many objects to Measure-Object: what any command pays per object;
    Tracing messages (Trace-HybridMessage):
      - one call over both full sets (tracking and protocol logs) for two Message-IDs, one taken from each set
        (the generated sets share no ids), against the target of 10 seconds;
      - the alternative an admin has: Get-HybridMessageTrackingLog -MessageId, then Get-HybridSmtpSession |
        Where-Object MessageIds -contains, over the same sets;
    The allocator (last, or alone with -AllocatorOnly):
      - the engine alone built with mimalloc (the default build) and with the system allocator (cargo
        --no-default-features, in target/system-alloc), run in turns over the same files: sessions on one thread
        and on one thread per core, tracking events as owned values;
      - Get-HybridSmtpSession over the subset with each engine in the module;
    and prints the ratios; then what must hold whatever the input (bench/robustness.ps1: damaged files, hostile
    texts, reads stopped early); then many servers read where their logs are (bench/remoting.ps1, or alone with
    -RemotingOnly): three loopback servers over SSH remoting, the bytes on the channel against the logs' and the
    time against reading the three folders here. Called by `build.ps1 Bench`.
.PARAMETER SizeMB
    Size of each full set (default 1024 MB).
.PARAMETER SubsetMB
    Size of the subsets the slow methods run on (default 100 MB).
.PARAMETER ProtocolOnly
    Only the SMTP protocol-log measurements (a quicker loop while working on them).
.PARAMETER AllocatorOnly
    Only the side-by-side of the allocators.
.PARAMETER RemotingOnly
    Only the remoting measurements (bench/remoting.ps1).
.PARAMETER RemotingMB
    Size of each loopback server's protocol logs in the remoting measurements (default 300 MB).
.PARAMETER WarmUpSeconds
    How long each method runs over its warm-up set before the clock starts (default 10 s, at least three runs).
#>
[CmdletBinding()]
param(
    [int] $SizeMB = 1024,
    [int] $SubsetMB = 100,
    [switch] $ProtocolOnly,
    [switch] $AllocatorOnly,
    [switch] $RemotingOnly,
    [int] $RemotingMB = 300,
    [double] $WarmUpSeconds = 10,
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
    param([string] $Name, [int] $Megabytes, [string] $Generator = 'gen_protocol')
    $dir = Join-Path $benchRoot $Name
    $marker = Join-Path $dir '.complete'
    if (-not (Test-Path $marker)) {
        if (Test-Path $dir) { Remove-Item $dir -Recurse -Force }
        Write-Host "Generating $Megabytes MB of logs in $dir ($Generator) ..."
        Invoke-Cargo @('run', '--quiet', '--release', '--manifest-path', (Join-Path $RepoRoot 'Cargo.toml'), '--example', $Generator, '--', $dir, "$Megabytes")
        Set-Content -Path $marker -Value $Megabytes
    }
    $dir
}

# Runs a script's text in a fresh pwsh and returns what it measured: seconds, item count, peak memory. The script
# reads the folder in $target. $Setup (importing the module) and warm-up runs of the same script over the folder
# $WarmPath run before the clock starts, for every method alike, so that the time is the command's and not .NET's
# compiling it: .NET first runs a method unoptimized, then instrumented, and compiles it fully only after it ran for a
# while, on a thread of its own that takes a core from the command. PowerShell's own pipeline code needs seconds of
# use for that (20,000 objects to Measure-Object: 0.10-0.18 s for the first five times, 0.02-0.05 s after), and three runs over
# 5 MB were not enough: after 3 s of warm-up .NET's compiling thread still took 120-150 ms of CPU per 100 MB run,
# after 10 s 42-60 ms. So the warm-up runs for $WarmUpSeconds (at least three runs; -WarmOnce: one run, for first
# use). Without $WarmPath (scripts that name their own folders) the run is cold. With -Again the script runs a second
# time in the same process, timed apart (SecondsAgain). Peak memory is over all the runs; CpuSeconds is the process's
# CPU during the timed run.
function Measure-InChild {
    param([string] $Label, [string] $Script, [string] $Path, [string] $WarmPath, [string] $Setup = '', [switch] $Again, [switch] $WarmOnce)
    $runs = if ($Again) { 2 } else { 1 }
    $warmRuns = if ($WarmOnce) { 1 } else { 3 }
    $warmSeconds = if ($WarmOnce) { 0 } else { $WarmUpSeconds }
    $wrapper = @"
`$ErrorActionPreference = 'Stop'
$Setup
`$target = '$WarmPath'
`$warmUps = 0
if (`$target) {
    `$warmClock = [System.Diagnostics.Stopwatch]::StartNew()
    do { `$null = & { $Script }; `$warmUps++ } while (`$warmUps -lt $warmRuns -or `$warmClock.Elapsed.TotalSeconds -lt $($warmSeconds.ToString([cultureinfo]::InvariantCulture)))
}
`$target = '$Path'
`$cpu = @()
`$times = foreach (`$run in 1..$runs) {
    `$cpuBefore = [System.Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime
    `$sw = [System.Diagnostics.Stopwatch]::StartNew()
    `$count = & { $Script }
    `$sw.Stop()
    `$cpu += ([System.Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime - `$cpuBefore).TotalSeconds.ToString([cultureinfo]::InvariantCulture)
    `$sw.Elapsed.TotalSeconds.ToString([cultureinfo]::InvariantCulture)
}
`$peak = [System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64
'RESULT {0} {1} {2} {3} {4}' -f (`$times -join ','), `$count, `$peak, `$warmUps, (`$cpu -join ',')
"@
    $output = & $pwshExe -NoProfile -NonInteractive -Command $wrapper
    $line = $output | Where-Object { $_ -like 'RESULT *' } | Select-Object -Last 1
    if (-not $line) { throw "$Label produced no result: $output" }
    $parts = $line.Split(' ')
    $times = @($parts[1].Split(',') | ForEach-Object { [math]::Round([double]::Parse($_, [cultureinfo]::InvariantCulture), 2) })
    $result = [ordered]@{
        Measurement  = $Label
        Seconds      = $times[0]
    }
    $result.SecondsAgain = if ($Again) { $times[1] } else { $null }
    $result.Items = [long]$parts[2]
    $result.PeakMemoryMB = [math]::Round([double]$parts[3] / 1MB, 0)
    $result.WarmUpRuns = [int]$parts[4]
    # CPU of the whole process during the timed run (every thread: ours, .NET's compiler and collector): on a machine
    # shared with other work, less disturbed by the neighbours than the time.
    $cpu = @($parts[5].Split(',') | ForEach-Object { [math]::Round([double]::Parse($_, [cultureinfo]::InvariantCulture), 2) })
    $result.CpuSeconds = $cpu[0]
    $result.CpuSecondsAgain = if ($Again) { $cpu[1] } else { $null }
    [pscustomobject]$result
}

function Get-FolderMB {
    param([string] $Path)
    [math]::Round(((Get-ChildItem -Path $Path -Recurse -File -Filter '*.LOG' | Measure-Object -Property Length -Sum).Sum) / 1MB, 0)
}

# The engine with each allocator over the same files: the default build (mimalloc) against one with the system
# allocator, built into a target folder of its own so that neither replaces the other. The runs take turns, so that
# both meet the same neighbours on a shared machine, and the best of five of each is counted, in MB per second of
# time and per second of CPU (all threads; Linux): CPU is what a neighbour's build disturbs least. Then
# Get-HybridSmtpSession with each engine, the module copied with the other engine in it, three rounds in turns.
function Measure-Allocator {
    param([string] $ProtocolPath, [string] $ProtocolSubset, [string] $TrackingPath, [string] $WarmPath)
    $manifest = Join-Path $RepoRoot 'Cargo.toml'
    $systemTarget = Join-Path $RepoRoot 'target/system-alloc'
    $what = @('build', '--quiet', '--release', '--manifest-path', $manifest, '--lib', '--example', 'bench_protocol', '--example', 'bench_tracking')
    Invoke-Cargo $what
    Invoke-Cargo ($what + @('--no-default-features', '--target-dir', $systemTarget))
    $builds = [ordered]@{ mimalloc = Join-Path $RepoRoot 'target/release'; system = Join-Path $systemTarget 'release' }
    $cores = [Environment]::ProcessorCount
    $cases = @(
        @{ Name = 'Engine alone: sessions, one thread'; Exe = 'bench_protocol'; Arguments = @($ProtocolPath, 'sessions'); Figures = 'mb_per_s', 'mb_per_cpu_s' }
        @{ Name = "Engine alone: sessions, $cores threads"; Exe = 'bench_protocol'; Arguments = @($ProtocolPath, 'sessions', '--threads', "$cores"); Figures = 'mb_per_s', 'mb_per_cpu_s' }
        @{ Name = 'Engine alone: tracking events, owned'; Exe = 'bench_tracking'; Arguments = @($TrackingPath); Figures = 'owned_mb_per_s', 'owned_mb_per_cpu_s' }
    )
    $rows = foreach ($case in $cases) {
        $best = @{}
        foreach ($run in 1..5) {
            foreach ($allocator in $builds.Keys) {
                $exe = Join-Path $builds[$allocator] "examples/$($case.Exe)"
                $output = & $exe @($case.Arguments)
                if ($LASTEXITCODE -ne 0) { throw "$exe $($case.Arguments -join ' ') failed" }
                if (-not ($output -match "allocator[ =]$allocator\b")) { throw "$exe was not built with $allocator`: $output" }
                foreach ($pair in (($output | Select-Object -Last 1) -split ' ' | Where-Object { $_ -like '*=*' })) {
                    $name, $value = $pair -split '=', 2
                    if ($case.Figures -notcontains $name) { continue }
                    $key = "$allocator $name"
                    $best[$key] = [math]::Max([double]$best[$key], [double]::Parse($value, [cultureinfo]::InvariantCulture))
                }
            }
        }
        $time, $cpu = $case.Figures
        [pscustomobject][ordered]@{
            Measurement                 = $case.Name
            'MB/s mimalloc'             = [math]::Round($best["mimalloc $time"], 1)
            'MB/s system'               = [math]::Round($best["system $time"], 1)
            'Ratio'                     = [math]::Round($best["mimalloc $time"] / [math]::Max($best["system $time"], 0.001), 2)
            'MB/CPU s mimalloc'         = [math]::Round($best["mimalloc $cpu"], 1)
            'MB/CPU s system'           = [math]::Round($best["system $cpu"], 1)
            'CPU ratio'                 = [math]::Round($best["mimalloc $cpu"] / [math]::Max($best["system $cpu"], 0.001), 2)
        }
    }
    Write-Host 'The engine alone with each allocator (best of 5 in turns; ratio: mimalloc / system, above 1 when mimalloc is faster)'
    $rows | Format-Table -AutoSize | Out-String -Width 200 | Write-Host

    $systemModule = Join-Path $benchRoot 'module-system-alloc/HybridMailFlow'
    if (Test-Path $systemModule) { Remove-Item $systemModule -Recurse -Force }
    $null = New-Item -ItemType Directory -Path (Split-Path $systemModule) -Force
    Copy-Item (Split-Path $ModulePath) $systemModule -Recurse
    foreach ($engine in Get-ChildItem (Join-Path $systemModule 'runtimes') -Recurse -File -Filter '*hybridmailflow_engine*') {
        Copy-Item (Join-Path $builds.system $engine.Name) $engine.FullName -Force
    }
    $count = '(Get-HybridSmtpSession -Path $target | Measure-Object).Count'
    $subsetSize = Get-FolderMB $ProtocolSubset
    $modules = [ordered]@{ mimalloc = $ModulePath; system = Join-Path $systemModule 'HybridMailFlow.psd1' }
    $cmdlet = foreach ($round in 1..3) {
        foreach ($allocator in $modules.Keys) {
            $run = Measure-InChild "Get-HybridSmtpSession, $subsetSize MB, $allocator, round $round" $count -Path $ProtocolSubset -WarmPath $WarmPath -Setup "Import-Module '$($modules[$allocator])'" -Again
            $run | Add-Member -NotePropertyName Allocator -NotePropertyValue $allocator -PassThru
        }
    }
    $cmdlet | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    $least = { param($allocator, $property) (@($cmdlet | Where-Object Allocator -eq $allocator) | Measure-Object $property -Minimum).Minimum }
    $ratio = { param($property) [math]::Round((& $least system $property) / [math]::Max((& $least mimalloc $property), 0.001), 2) }
    $peak = { param($allocator) $runs = @($cmdlet | Where-Object Allocator -eq $allocator); '{0}-{1}' -f ($runs | Measure-Object PeakMemoryMB -Minimum).Minimum, ($runs | Measure-Object PeakMemoryMB -Maximum).Maximum }
    [pscustomobject][ordered]@{
        "Get-HybridSmtpSession over $subsetSize MB, best of 3 (s), mimalloc vs system" = '{0} vs {1}' -f (& $least mimalloc Seconds), (& $least system Seconds)
        'Speed ratio mimalloc / system: first run, run again in the same process'     = '{0}, {1}' -f (& $ratio Seconds), (& $ratio SecondsAgain)
        'CPU ratio mimalloc / system: first run, run again in the same process'       = '{0}, {1}' -f (& $ratio CpuSeconds), (& $ratio CpuSecondsAgain)
        'Peak MB (range of 3), mimalloc vs system'                                     = '{0} vs {1}' -f (& $peak mimalloc), (& $peak system)
    } | Format-List | Out-String | Write-Host
}

if ($RemotingOnly) {
    & (Join-Path $PSScriptRoot 'remoting.ps1') -SizeMB $RemotingMB -ModulePath $ModulePath -RepoRoot $RepoRoot
    return
}

$full = Get-LogSet -Name "protocol-$SizeMB" -Megabytes $SizeMB
$subset = Get-LogSet -Name "protocol-$SubsetMB" -Megabytes $SubsetMB
$fullMB = Get-FolderMB $full
$subsetMB = Get-FolderMB $subset
$protocolWarm = Get-LogSet -Name 'protocol-5' -Megabytes 5
if ($AllocatorOnly) {
    $trackingFull = Get-LogSet -Name "tracking-$SizeMB" -Megabytes $SizeMB -Generator 'gen_tracking'
    Measure-Allocator -ProtocolPath $full -ProtocolSubset $subset -TrackingPath $trackingFull -WarmPath $protocolWarm
    return
}

Invoke-Cargo @('build', '--quiet', '--release', '--manifest-path', (Join-Path $RepoRoot 'Cargo.toml'), '--example', 'bench_protocol')
$engineExe = Join-Path $RepoRoot 'target/release/examples/bench_protocol'
# Five runs, the best counted: on a shared machine the other runs measure the neighbours as much as the engine, and
# the first run may read the files from disk after the other sets pushed them out of the page cache.
$engineMBps = 0.0
foreach ($run in 1..5) {
    $engineLine = & $engineExe $full sessions
    Write-Host $engineLine
    $engineMBps = [math]::Max($engineMBps, [double]::Parse((($engineLine -split ' ' | Where-Object { $_ -like 'mb_per_s=*' }) -replace 'mb_per_s=', ''), [cultureinfo]::InvariantCulture))
}

# The engine over the named mixes of examples/common/protocol_mixes.rs (what real servers vary: sessions
# interleaved, probes against long sessions, quoted fields, line lengths, IPv6), each one server's folder of
# $SubsetMB MB: per mix MB per second of the reading thread's CPU beside a memchr line scan of the same files, the
# folder split across the cores against one thread, and the peak memory of one file against the whole mix.
$mixes = Join-Path $benchRoot "mixes-$SubsetMB"
if (-not (Test-Path (Join-Path $mixes '.complete'))) {
    if (Test-Path $mixes) { Remove-Item $mixes -Recurse -Force }
    Write-Host "Generating the protocol-log mixes, $SubsetMB MB each, in $mixes ..."
    Invoke-Cargo @('run', '--quiet', '--release', '--manifest-path', (Join-Path $RepoRoot 'Cargo.toml'), '--example', 'gen_protocol', '--', $mixes, "$SubsetMB", '--mix', 'all')
    Set-Content -Path (Join-Path $mixes '.complete') -Value $SubsetMB
}
Write-Host 'The engine alone over each mix (best of 3; engine and memchr per core: MB per CPU second of the reading thread)'
& $engineExe mixes $mixes --runs 3 | Write-Host
if ($LASTEXITCODE -ne 0) { throw "$engineExe mixes $mixes failed" }

$import = "Import-Module '$ModulePath'"
# The warm-up set: 5 MB of the same generator (about a thousand sessions), so that the warm-up runs the code that
# runs per object, ours and PowerShell's pipeline alike, many times over. First use is measured apart: one warm-up run
# over the samples (21 sessions), which only loads the code.
$protocolSamples = Join-Path $RepoRoot 'samples'
$sessions = '(Get-HybridSmtpSession -Path $target | Measure-Object).Count'
$reference = @"
`$header = 'DateTime','ConnectorId','SessionId','SequenceNumber','LocalEndpoint','RemoteEndpoint','Event','Data','Context'
(Get-ChildItem -Path `$target -Recurse -Filter '*.LOG' | ForEach-Object { Get-Content -Path `$_.FullName } |
    Where-Object { `$_ -notmatch '^#' } | ConvertFrom-Csv -Header `$header | Group-Object SessionId | Measure-Object).Count
"@
$results = @(
    Measure-InChild "Get-HybridSmtpSession, $fullMB MB" $sessions -Path $full -WarmPath $protocolWarm -Setup $import
    Measure-InChild "Get-HybridSmtpSession, $subsetMB MB" $sessions -Path $subset -WarmPath $protocolWarm -Setup $import -Again
    Measure-InChild "Get-Content | ConvertFrom-Csv | Group-Object, $subsetMB MB" $reference -Path $subset -WarmPath $protocolWarm -Again
    Measure-InChild "Get-HybridSmtpSession, $subsetMB MB, first use (one warm-up run over the samples)" $sessions -Path $subset -WarmPath $protocolSamples -Setup $import -WarmOnce
)
$results | Format-Table -AutoSize | Out-String -Width 200 | Write-Host

# The HTML report of the same 100 MB, read by the command itself: its time, and its size (as Items, in bytes).
$reportRun = Measure-InChild "Export-HybridMailFlowReport -SmtpLogPath, $subsetMB MB" "(Export-HybridMailFlowReport -Path (Join-Path ([System.IO.Path]::GetTempPath()) 'hmf-bench-report.html') -SmtpLogPath `$target).Length" -Path $subset -WarmPath $protocolWarm -Setup $import

$ours = $results[1]
$theirs = $results[2]
$summary = [ordered]@{
    'Engine alone (MB/s, one core, best of 5)'              = [math]::Round($engineMBps, 1)
    "Get-HybridSmtpSession (MB/s over $fullMB MB)"          = [math]::Round($fullMB / [math]::Max($results[0].Seconds, 0.001), 1)
    "Speed ratio vs Get-Content|ConvertFrom-Csv ($subsetMB MB)" = [math]::Round($theirs.Seconds / [math]::Max($ours.Seconds, 0.001), 1)
    "Speed ratio, each run again in the same process"       = [math]::Round($theirs.SecondsAgain / [math]::Max($ours.SecondsAgain, 0.001), 1)
    "Speed ratio, ours on first use in a new process"       = [math]::Round($theirs.Seconds / [math]::Max($results[3].Seconds, 0.001), 1)
    "Memory ratio vs Get-Content|ConvertFrom-Csv ($subsetMB MB)" = [math]::Round($theirs.PeakMemoryMB / [math]::Max($ours.PeakMemoryMB, 1), 1)
    "Get-HybridSmtpSession peak MB: $subsetMB MB vs $fullMB MB" = '{0} vs {1}' -f $ours.PeakMemoryMB, $results[0].PeakMemoryMB
    "Export-HybridMailFlowReport over $subsetMB MB: time, report size" = '{0} s, {1:N0} KB (peak {2} MB)' -f $reportRun.Seconds, ($reportRun.Items / 1KB), $reportRun.PeakMemoryMB
}
[pscustomobject]$summary | Format-List | Out-String | Write-Host

# Export-Csv of the sessions: a plain export leaves the raw lines out (Lines is hidden); the lines put in with
# Select-Object *, Lines are what every export wrote before (the same files read again, one cell per session).
# The item count is the CSV's size in bytes.
$exportPlain = '$csv = Join-Path ([System.IO.Path]::GetTempPath()) "hmf-bench-$PID.csv"; Get-HybridSmtpSession -Path $target | Export-Csv $csv -NoTypeInformation; (Get-Item $csv).Length; Remove-Item $csv'
$exportLines = '$csv = Join-Path ([System.IO.Path]::GetTempPath()) "hmf-bench-$PID.csv"; Get-HybridSmtpSession -Path $target | Select-Object *, Lines | Export-Csv $csv -NoTypeInformation; (Get-Item $csv).Length; Remove-Item $csv'
$exports = @(
    Measure-InChild "Get-HybridSmtpSession | Export-Csv, $subsetMB MB" $exportPlain -Path $subset -WarmPath $protocolWarm -Setup $import
    Measure-InChild "Get-HybridSmtpSession | Select-Object *, Lines | Export-Csv, $subsetMB MB" $exportLines -Path $subset -WarmPath $protocolWarm -Setup $import
)
$exports | Select-Object Measurement, Seconds, @{ n = 'CsvMB'; e = { [math]::Round($_.Items / 1MB, 1) } }, PeakMemoryMB, CpuSeconds |
    Format-Table -AutoSize | Out-String -Width 200 | Write-Host
[pscustomobject][ordered]@{
    "Export-Csv of the sessions ($subsetMB MB): time, with the lines / without" = [math]::Round($exports[1].Seconds / [math]::Max($exports[0].Seconds, 0.001), 1)
    "Export-Csv of the sessions ($subsetMB MB): size, with the lines / without" = [math]::Round($exports[1].Items / [math]::Max($exports[0].Items, 1), 1)
} | Format-List | Out-String | Write-Host
if ($ProtocolOnly) { return }

# Message tracking logs.
$trackingFull = Get-LogSet -Name "tracking-$SizeMB" -Megabytes $SizeMB -Generator 'gen_tracking'
$trackingSubset = Get-LogSet -Name "tracking-$SubsetMB" -Megabytes $SubsetMB -Generator 'gen_tracking'
$trackingFullMB = Get-FolderMB $trackingFull
$trackingSubsetMB = Get-FolderMB $trackingSubset
$sender = 'raghu@cloudmonkeys.xyz'

Invoke-Cargo @('build', '--quiet', '--release', '--manifest-path', (Join-Path $RepoRoot 'Cargo.toml'), '--example', 'bench_tracking')
$trackingEngineOutput = & (Join-Path $RepoRoot 'target/release/examples/bench_tracking') $trackingFull --sender $sender
$trackingEngineOutput | Write-Host
$engineFigures = @{}
foreach ($pair in (($trackingEngineOutput | Select-Object -Last 1) -split ' ')) {
    $name, $value = $pair -split '=', 2
    $engineFigures[$name] = [double]::Parse($value, [cultureinfo]::InvariantCulture)
}

$fields = 'date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,transport-traffic-type,log-id,schema-version'
$trackingWarm = Join-Path $RepoRoot 'tests/data/tracking/CMHYBD01/MessageTracking'
$readCsv = "Get-ChildItem -Path `$target -Filter '*.LOG' | ForEach-Object { Get-Content -LiteralPath `$_.FullName } | Where-Object { `$_ -notlike '#*' } | ConvertFrom-Csv -Header ('$fields'.Split(','))"
$allEvents = '(Get-HybridMessageTrackingLog -Path $target | Measure-Object).Count'
$senderEvents = "(Get-HybridMessageTrackingLog -Path `$target -Sender '$sender' | Measure-Object).Count"
$tracking = @(
    Measure-InChild "Get-HybridMessageTrackingLog, $trackingFullMB MB" $allEvents -Path $trackingFull -WarmPath $trackingWarm -Setup $import
    Measure-InChild "Get-HybridMessageTrackingLog -Sender, $trackingFullMB MB" $senderEvents -Path $trackingFull -WarmPath $trackingWarm -Setup $import
    Measure-InChild "Get-HybridMessageTrackingLog, $trackingSubsetMB MB" $allEvents -Path $trackingSubset -WarmPath $trackingWarm -Setup $import
    Measure-InChild "Get-HybridMessageTrackingLog -Sender, $trackingSubsetMB MB" $senderEvents -Path $trackingSubset -WarmPath $trackingWarm -Setup $import
    Measure-InChild "Get-Content | ConvertFrom-Csv, $trackingSubsetMB MB" "($readCsv | Measure-Object).Count" -Path $trackingSubset -WarmPath $trackingWarm
    Measure-InChild "Get-Content | ConvertFrom-Csv | Where-Object sender, $trackingSubsetMB MB" "($readCsv | Where-Object { `$_.'sender-address' -eq '$sender' } | Measure-Object).Count" -Path $trackingSubset -WarmPath $trackingWarm
)
# What any command pays to hand that many objects to the next one: the floor under an unfiltered read.
$objectCount = $tracking[0].Items
$tracking += Measure-InChild "PowerShell alone: $objectCount objects | Measure-Object" '(Write-Output $objects | Measure-Object).Count' `
    -Setup "`$objects = [object[]]::new($objectCount); [array]::Fill(`$objects, [version]'1.0')"
$tracking | Format-Table -AutoSize | Out-String -Width 200 | Write-Host

$ratio = { param($slow, $fast) [math]::Round($slow / [math]::Max($fast, 0.001), 1) }
[pscustomobject][ordered]@{
    'Tracking engine alone, all events (MB/s, one core)'          = $engineFigures['mb_per_s']
    'Tracking engine alone, sender search (MB/s, one core)'       = $engineFigures['sender_mb_per_s']
    "Get-HybridMessageTrackingLog (MB/s over $trackingFullMB MB)" = [math]::Round($trackingFullMB / [math]::Max($tracking[0].Seconds, 0.001), 1)
    "Get-HybridMessageTrackingLog -Sender over $trackingFullMB MB (s)" = $tracking[1].Seconds
    "PowerShell's own pipeline cost for the $objectCount events (s)" = $tracking[6].Seconds
    "Speed ratio vs the CSV way, all events ($trackingSubsetMB MB)" = & $ratio $tracking[4].Seconds $tracking[2].Seconds
    "Speed ratio vs the CSV way, sender search ($trackingSubsetMB MB)" = & $ratio $tracking[5].Seconds $tracking[3].Seconds
    "Memory ratio vs the CSV way, all events ($trackingSubsetMB MB)" = & $ratio $tracking[4].PeakMemoryMB $tracking[2].PeakMemoryMB
    "Get-HybridMessageTrackingLog peak MB: $trackingSubsetMB MB vs $trackingFullMB MB" = '{0} vs {1}' -f $tracking[2].PeakMemoryMB, $tracking[0].PeakMemoryMB
} | Format-List | Out-String | Write-Host

# The knowledge base runs on every failure line of large logs: messages a second on one core, over one text per
# rule plus ordinary replies and unknown lines. best_match is the matching a log line pays; diagnose_best also
# builds the finding's text.
Invoke-Cargo @('build', '--quiet', '--release', '--manifest-path', (Join-Path $RepoRoot 'Cargo.toml'), '--example', 'bench_diagnosis')
$diagnosisExe = Join-Path $RepoRoot 'target/release/examples/bench_diagnosis'
& $diagnosisExe | Write-Host

# Tracing messages: one Trace-HybridMessage call over both full sets, with the ids pushed down to the engine (a
# byte search of every file, then only the files and sessions that hold an id parsed), against what an admin
# does without it.
$midFile = Get-ChildItem -Path $trackingFull -Recurse -Filter 'MSGTRK2*.LOG' | Sort-Object FullName | Select-Object -Index 3
$trackingId = (Get-Content -LiteralPath $midFile.FullName -TotalCount 400 | Where-Object { $_ -like '*,SEND,*' } | Select-Object -First 1 |
    ConvertFrom-Csv -Header ($fields.Split(','))).'message-id'
$sendFile = Get-ChildItem -Path $full -Recurse -Filter 'SEND*.LOG' | Sort-Object FullName | Select-Object -Index 3
$protocolId = [regex]::Match((Get-Content -LiteralPath $sendFile.FullName -TotalCount 400 | Where-Object { $_ -like '*InternetMessageId <*' } | Select-Object -First 1), 'InternetMessageId (<[^>]+>)').Groups[1].Value
if (-not $trackingId -or -not $protocolId) { throw 'No Message-ID found in the generated logs to trace.' }
$bothMB = $trackingFullMB + $fullMB
$traceTarget = 10
$tracing = @(
    Measure-InChild "Trace-HybridMessage, 2 ids, $bothMB MB" "(Trace-HybridMessage -MessageId '$trackingId', '$protocolId' -TrackingLogPath '$trackingFull' -ProtocolLogPath '$full' | ForEach-Object Hops | Measure-Object).Count" -Setup $import
    Measure-InChild "Get-HybridMessageTrackingLog -MessageId + Get-HybridSmtpSession | Where-Object, $bothMB MB" @"
@(Get-HybridMessageTrackingLog -Path '$trackingFull' -MessageId '$trackingId'
  Get-HybridSmtpSession -Path '$full' | Where-Object { `$_.MessageIds -contains '$protocolId' }).Count
"@ -Setup $import
)
$tracing | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
[pscustomobject][ordered]@{
    "Trace-HybridMessage over $bothMB MB (s)"          = $tracing[0].Seconds
    'Target (s)'                                       = $traceTarget
    'Within target'                                    = $tracing[0].Seconds -lt $traceTarget
    'Speed ratio vs tracking log + sessions | Where-Object' = & $ratio $tracing[1].Seconds $tracing[0].Seconds
    'Hops found (Trace-HybridMessage vs the alternative''s objects)' = '{0} vs {1}' -f $tracing[0].Items, $tracing[1].Items
} | Format-List | Out-String | Write-Host

Measure-Allocator -ProtocolPath $full -ProtocolSubset $subset -TrackingPath $trackingFull -WarmPath $protocolWarm

# What must hold whatever the input: damaged files, hostile texts, reads stopped early (bench/robustness.ps1).
& (Join-Path $PSScriptRoot 'robustness.ps1') -ModulePath $ModulePath -RepoRoot $RepoRoot

# Many servers read where their logs are, against shipping the logs and reading them here (bench/remoting.ps1).
& (Join-Path $PSScriptRoot 'remoting.ps1') -SizeMB $RemotingMB -ModulePath $ModulePath -RepoRoot $RepoRoot
