# The one rule for time, as an admin in New York meets it: every view shows local time and says so, every object
# has the UTC time beside it, and the same -Start and -End select the same moments in every command. Run in a new
# PowerShell whose time zone is America/New_York (UTC-4 on 1 May 2026), set through TZ: the lab's logs are of
# 09:00 to 10:00 UTC, 05:00 to 06:00 there.

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    $script:modulePath = (Resolve-Path $modulePath).Path
    $script:lab = (Resolve-Path (Join-Path $PSScriptRoot '../data/timeline')).Path
    . (Join-Path $PSScriptRoot 'ChildProcess.ps1')

    # Runs the script in a PowerShell in New York's time zone and returns what it wrote as JSON.
    function Invoke-InNewYork([string] $Body) {
        $script = "`$ErrorActionPreference = 'Stop'`nImport-Module '$modulePath'`n`$lab = '$lab'`n" + $Body
        $run = Invoke-ChildPowerShell -Script $script -Environment @{ TZ = 'America/New_York' }
        $run.Error | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        ($run.Output -join "`n") | ConvertFrom-Json
    }
}

# TZ sets the time zone of .NET on Linux and macOS; Windows takes it from the system, which a test does not change.
Describe 'Times: local in every view, the same -Start and -End on every command' -Skip:([System.IO.Path]::DirectorySeparatorChar -eq '\') {
    BeforeAll {
        $script:ny = Invoke-InNewYork @'
$local = @{ Start = [datetime]'2026-05-01 05:09:00'; End = [datetime]'2026-05-01 05:12:00' }
$utc = @{ Start = [datetime]::SpecifyKind([datetime]'2026-05-01 09:09:00', 'Utc'); End = [datetime]::SpecifyKind([datetime]'2026-05-01 09:12:00', 'Utc') }
# The UTC clock time of the same window read as local time: four hours later in New York.
$misread = @{ Start = [datetime]'2026-05-01 09:09:00'; End = [datetime]'2026-05-01 09:12:00' }
$trace = @{ TrackingLogPath = $lab; ProtocolLogPath = $lab; MessageTrace = (Join-Path $lab 'exo/MessageTraceV2-ps7.csv'); Sender = 'raghu@cloudmonkeys.xyz' }
function Select-Window($window) {
    $sessions = @(Get-HybridSmtpSession -Path $lab @window)
    $lines = @(Get-HybridSmtpLogEntry -Path $lab @window)
    $events = @(Get-HybridMessageTrackingLog -Path $lab @window)
    # The misread window finds nothing, and says so in a warning: this output must stay JSON.
    $timelines = @(Trace-HybridMessage @trace @window -WarningAction SilentlyContinue)
    $summary = Get-HybridMailFlowSummary -Path $lab @window | Where-Object { $_.Category -eq 'Total' -and $_.Name -eq 'Events' }
    [pscustomobject]@{
        Sessions        = @($sessions | ForEach-Object { '{0} {1:yyyy-MM-dd HH:mm:ss.fff zzz}' -f $_.SessionId, $_.Start })
        SessionTimes    = @($sessions | ForEach-Object { '{0:yyyy-MM-dd HH:mm:ss.fff zzz}|{1:yyyy-MM-dd HH:mm:ss.fff zzz}|{2}' -f $_.Start, $_.End, $_.Start.Kind })
        Lines           = @($lines | ForEach-Object { '{0:yyyy-MM-dd HH:mm:ss.fff zzz}' -f $_.DateTime })
        Events          = @($events | ForEach-Object { '{0:yyyy-MM-dd HH:mm:ss.fff zzz}|{1}' -f $_.Timestamp, $_.EventId })
        MessageIds      = @($events | ForEach-Object MessageId | Sort-Object -Unique)
        TimelineIds     = @($timelines | ForEach-Object MessageId | Sort-Object -Unique)
        HopTimes        = @($timelines | ForEach-Object { $_.Hops } | ForEach-Object { '{0:yyyy-MM-dd HH:mm:ss.fff zzz}' -f $_.Time })
        SummaryEvents   = if ($summary) { $summary.Count } else { 0 }
        SessionView     = @($sessions | Out-String -Width 120)
        LineView        = @($lines | Out-String -Width 120)
        EventView       = @($events | Out-String -Width 120)
        HopView         = @($timelines | ForEach-Object { $_.Hops } | Out-String -Width 120)
    }
}
[pscustomobject]@{
    OffsetHours = [TimeZoneInfo]::Local.GetUtcOffset([datetime]'2026-05-01 05:10').TotalHours
    Local       = Select-Window $local
    Utc         = Select-Window $utc
    Misread     = Select-Window $misread
    TraceView   = @(Import-HybridMessageTrace -Path (Join-Path $lab 'exo/MessageTraceV2-ps7.csv') | Out-String -Width 120)
    TraceTimes  = @(Import-HybridMessageTrace -Path (Join-Path $lab 'exo/MessageTraceV2-ps7.csv') | ForEach-Object { '{0:yyyy-MM-dd HH:mm:ss zzz}|{1:yyyy-MM-dd HH:mm:ss K}' -f $_.Received, $_.ReceivedUtc })
    TraceAgain  = & {
        $csv = Join-Path ([System.IO.Path]::GetTempPath()) ('hmf-trace-{0}.csv' -f [guid]::NewGuid())
        Import-HybridMessageTrace -Path (Join-Path $lab 'exo/MessageTraceV2-ps7.csv') | Export-Csv -LiteralPath $csv -NoTypeInformation
        @(Import-HybridMessageTrace -Path $csv | ForEach-Object { '{0:yyyy-MM-dd HH:mm:ss zzz}|{1:yyyy-MM-dd HH:mm:ss K}' -f $_.Received, $_.ReceivedUtc })
        Remove-Item -LiteralPath $csv
    }
} | ConvertTo-Json -Depth 4
'@
        $script:window = @([datetimeoffset]'2026-05-01T05:09:00-04:00', [datetimeoffset]'2026-05-01T05:12:00-04:00')
    }

    It 'runs in New York''s time zone, four hours behind UTC in May' {
        $ny.OffsetHours | Should -Be -4
    }

    It 'finds the message of 09:10 UTC in every kind of log with the window 05:09 to 05:12 local' {
        $ny.Local.Sessions | Should -Be @('08DEA7479A7F0201 2026-05-01 05:10:03.100 -04:00')
        $ny.Local.Events | Should -Be @('2026-05-01 05:10:00.500 -04:00|SUBMIT', '2026-05-01 05:10:01.000 -04:00|RECEIVE', '2026-05-01 05:10:03.900 -04:00|SEND')
        $ny.Local.MessageIds | Should -Be @('<c1a7e2d94f3b4e0a9d2f6b8a1e3c5d70@CMHYBD01.cloudmonkeys.xyz>')
        $ny.Local.TimelineIds | Should -Be $ny.Local.MessageIds
        $ny.Local.SummaryEvents | Should -Be 3
        $ny.Local.Lines.Count | Should -BeGreaterThan 5
    }

    It 'gives every time local, inside the window, in sessions, log lines, tracking events and timeline hops' {
        foreach ($time in @($ny.Local.Lines) + @($ny.Local.Events | ForEach-Object { ($_ -split '\|')[0] })) {
            $at = [datetimeoffset]$time
            $at.Offset.TotalHours | Should -Be -4
            $at | Should -BeGreaterOrEqual $window[0]
            $at | Should -BeLessOrEqual $window[1]
        }
        foreach ($session in $ny.Local.SessionTimes) {
            $start, $end, $kind = $session -split '\|'
            $kind | Should -Be 'Local'
            [datetimeoffset]$start | Should -BeLessOrEqual $window[1]
            [datetimeoffset]$end | Should -BeGreaterOrEqual $window[0]
        }
        $ny.Local.HopTimes | ForEach-Object { ([datetimeoffset]$_).Offset.TotalHours | Should -Be -4 }
    }

    It 'selects the same records with the window given in UTC (DateTime Kind Utc)' {
        foreach ($name in 'Sessions', 'Lines', 'Events', 'TimelineIds', 'SummaryEvents') {
            ($ny.Utc.$name -join "`n") | Should -Be ($ny.Local.$name -join "`n") -Because "$name of the UTC window"
        }
    }

    It 'selects nothing, in any command, with the UTC clock time typed as local time: no command reads it as UTC' {
        foreach ($name in 'Sessions', 'Lines', 'Events', 'TimelineIds') {
            @($ny.Misread.$name | Where-Object { $_ }).Count | Should -Be 0 -Because "$name of 09:09 to 09:12 New York time"
        }
        $ny.Misread.SummaryEvents | Should -Be 0
    }

    It 'shows local time in every view, and says so' {
        $ny.Local.SessionView | Should -Match 'Start \(local\)'
        $ny.Local.SessionView | Should -Match '2026-05-01 05:10:03'
        $ny.Local.LineView | Should -Match 'Time \(local\)'
        $ny.Local.LineView | Should -Match '2026-05-01 05:10:0'
        $ny.Local.EventView | Should -Match 'Timestamp \(local\)'
        $ny.Local.EventView | Should -Match '2026-05-01 05:10:00'
        $ny.Local.HopView | Should -Match 'Time \(local\)'
        $ny.Local.HopView | Should -Match '05:10:03\.100'
        $ny.TraceView | Should -Match 'Received \(local\)'
        $ny.TraceView | Should -Match '2026-05-01 05:10:04'
        foreach ($view in 'SessionView', 'LineView', 'EventView', 'HopView') {
            $ny.Local.$view | Should -Not -Match '09:10:0' -Because "$view shows no UTC time"
        }
    }

    It 'keeps the UTC time beside the local one on Exchange Online''s events, and reads it back from their CSV' {
        $ny.TraceTimes | Should -Contain '2026-05-01 05:10:04 -04:00|2026-05-01 09:10:04 Z'
        $ny.TraceAgain | Should -Be $ny.TraceTimes
    }
}
