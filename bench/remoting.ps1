<#
.SYNOPSIS
    Reading many servers where their logs are (-Session) against shipping their logs, and against reading the
    same folders on one computer.
.DESCRIPTION
    Three stand-in servers on this machine (tests/pester/Lab/SshServers.ps1): OpenSSH servers on 127.0.0.2 to
    127.0.0.4, each with pwsh as its PowerShell subsystem and its own Exchange folder of generated SMTP protocol
    logs (gen_protocol, -SizeMB per server). Then, for a filtered query (Get-HybridSmtpSession -Outcome TempFailed: the generator writes Delivered and TempFailed
    sessions, about 2 in 100 of them TempFailed):
      - the bytes that crossed the remoting channel (the SSH connections' TCP payload both ways, from the kernel's
        counters, ss -ti) against the bytes of the logs, which shipping them would move at least;
      - its time through the three sessions (open already, the module loaded on each: a warm-up query first)
        against Get-HybridSmtpSession -Path over the three folders on this computer, best of three each;
    and the same for every session, unfiltered. Prints the ratios. Linux, as root (the lab's needs); called by run.ps1 -RemotingOnly and at the end of a full run.
#>
[CmdletBinding()]
param(
    [int] $SizeMB = 300,
    [Parameter(Mandatory = $true)] [string] $ModulePath,
    [Parameter(Mandatory = $true)] [string] $RepoRoot
)

$ErrorActionPreference = 'Stop'
. (Join-Path $RepoRoot 'tests/pester/Lab/SshServers.ps1')
$unsupported = Test-HybridSshLabSupported
if ($unsupported) {
    Write-Host "Remoting benchmark skipped: $unsupported."
    return
}
if (-not (Get-Command -Name ss -CommandType Application -ErrorAction Ignore)) {
    Write-Host 'Remoting benchmark skipped: ss (iproute2) is not installed.'
    return
}
Import-Module $ModulePath -Force

$benchRoot = Join-Path $RepoRoot 'out/bench/remoting'
$names = 'CMHYBD01', 'CMHYBD02', 'CMEDGE01'
$addresses = '127.0.0.2', '127.0.0.3', '127.0.0.4'

# Each server's Exchange folder: the FrontEnd receive and Hub send logs of one generated set (a seed per server),
# where Exchange keeps them, so that each server finds its own without -Path.
$folders = @()
for ($i = 0; $i -lt $names.Count; $i++) {
    $set = Join-Path $benchRoot "logs-$SizeMB-$i"
    if (-not (Test-Path (Join-Path $set '.complete'))) {
        if (Test-Path $set) { Remove-Item $set -Recurse -Force }
        Write-Host "Generating $SizeMB MB of protocol logs for $($names[$i]) in $set ..."
        # The generator writes two servers' logs; this server takes the first one's, so twice the size is made.
        & cargo run --quiet --release --manifest-path (Join-Path $RepoRoot 'Cargo.toml') --example gen_protocol -- $set ($SizeMB * 2) (101 + $i) | Out-Host
        if ($LASTEXITCODE -ne 0) { throw 'gen_protocol failed' }
        Set-Content -Path (Join-Path $set '.complete') -Value $SizeMB
    }
    $install = Join-Path $benchRoot "servers/$($names[$i])"
    $logs = Join-Path $install 'TransportRoles/Logs'
    if (-not (Test-Path $logs)) {
        $null = New-Item -ItemType Directory -Path $logs -Force
        foreach ($service in 'FrontEnd', 'Hub') {
            $null = New-Item -ItemType SymbolicLink -Path (Join-Path $logs $service) -Target (Join-Path $set "CMHYBD01/$service")
        }
    }
    $folders += $install
}
$logBytes = (Get-ChildItem -Path ($folders | ForEach-Object { Join-Path $_ 'TransportRoles/Logs' }) -Recurse -File -Filter '*.LOG' -FollowSymlink | Measure-Object -Property Length -Sum).Sum

$moduleRoot = New-HybridModuleRoot -ModuleFolder (Split-Path (Resolve-Path $ModulePath).Path) -Folder (Join-Path $benchRoot 'modules')
$lab = Start-HybridSshLab -Folder (Join-Path $benchRoot 'ssh') -Server @(
    for ($i = 0; $i -lt $names.Count; $i++) {
        @{ Name = $names[$i]; Address = $addresses[$i]; ExchangeInstallPath = $folders[$i]; ModulePath = $moduleRoot }
    }
)
try {
    $sessions = @($names | ForEach-Object { New-HybridSshLabSession -Lab $lab -Name $_ })

    # TCP payload of the lab's SSH connections so far, both ways, as the kernel counts it.
    function Get-ChannelBytes {
        $total = 0L
        foreach ($server in $lab.Servers) {
            foreach ($line in & ss -tinH state established dst "$($server.Address):$($server.Port)") {
                foreach ($figure in [regex]::Matches("$line", '\bbytes_(?:acked|received):(\d+)')) {
                    $total += [long]$figure.Groups[1].Value
                }
            }
        }
        $total
    }

    function Measure-Query {
        param([scriptblock] $Query)
        $null = & $Query
        $best = [double]::MaxValue
        $bytes = 0L
        $count = 0
        foreach ($run in 1..3) {
            $before = Get-ChannelBytes
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $count = @(& $Query).Count
            $clock.Stop()
            $bytes = (Get-ChannelBytes) - $before
            $best = [math]::Min($best, $clock.Elapsed.TotalSeconds)
        }
        [pscustomobject]@{ Seconds = [math]::Round($best, 2); Items = $count; ChannelBytes = $bytes }
    }

    $local = $folders
    $remoteTls = Measure-Query { Get-HybridSmtpSession -Session $sessions -Outcome TempFailed }
    $localTls = Measure-Query { Get-HybridSmtpSession -Path $local -Outcome TempFailed }
    $remoteAll = Measure-Query { Get-HybridSmtpSession -Session $sessions }
    $localAll = Measure-Query { Get-HybridSmtpSession -Path $local }

    $rows = @(
        [pscustomobject]@{ Measurement = 'Get-HybridSmtpSession -Session (3 servers) -Outcome TempFailed'; Seconds = $remoteTls.Seconds; Items = $remoteTls.Items; 'Channel KB' = [math]::Round($remoteTls.ChannelBytes / 1KB, 1) }
        [pscustomobject]@{ Measurement = 'Get-HybridSmtpSession -Path (3 folders here) -Outcome TempFailed'; Seconds = $localTls.Seconds; Items = $localTls.Items; 'Channel KB' = $null }
        [pscustomobject]@{ Measurement = 'Get-HybridSmtpSession -Session (3 servers), every session'; Seconds = $remoteAll.Seconds; Items = $remoteAll.Items; 'Channel KB' = [math]::Round($remoteAll.ChannelBytes / 1KB, 1) }
        [pscustomobject]@{ Measurement = 'Get-HybridSmtpSession -Path (3 folders here), every session'; Seconds = $localAll.Seconds; Items = $localAll.Items; 'Channel KB' = $null }
    )
    Write-Host "Three servers on loopback, $SizeMB MB of protocol logs each ($([math]::Round($logBytes / 1MB)) MB in all); best of 3 runs after a warm-up"
    $rows | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    [pscustomobject][ordered]@{
        'Bytes ratio: the logs / the channel, -Outcome TempFailed'     = [math]::Round($logBytes / [math]::Max($remoteTls.ChannelBytes, 1), 0)
        'Bytes ratio: the logs / the channel, every session'          = [math]::Round($logBytes / [math]::Max($remoteAll.ChannelBytes, 1), 1)
        'Time ratio: 3 servers / 3 folders here, -Outcome TempFailed'  = [math]::Round($remoteTls.Seconds / [math]::Max($localTls.Seconds, 0.001), 2)
        'Time ratio: 3 servers / 3 folders here, every session'       = [math]::Round($remoteAll.Seconds / [math]::Max($localAll.Seconds, 0.001), 2)
        'Same sessions found (servers vs here, TempFailed / all)'      = '{0}/{1} vs {2}/{3}' -f $remoteTls.Items, $remoteAll.Items, $localTls.Items, $localAll.Items
        'Cores (the three servers and this computer share them)'      = [Environment]::ProcessorCount
    } | Format-List | Out-String -Width 200 | Write-Host
} finally {
    Get-PSSession | Remove-PSSession
    Stop-HybridSshLab -Lab $lab
}
