# Write-Progress of the commands that read many log files, as a console shows it: the bar only ever moves forward,
# however the files are read (side by side in two streams, skipped by time, piped in one by one).

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    $script:modulePath = (Resolve-Path $modulePath).Path
    $script:folders = @{
        samples  = (Resolve-Path (Join-Path $PSScriptRoot '../../samples')).Path
        tracking = (Resolve-Path (Join-Path $PSScriptRoot '../data/tracking')).Path
        timeline = (Resolve-Path (Join-Path $PSScriptRoot '../data/timeline')).Path
    }

    # The progress records a command writes, as a host receives them: run in a PowerShell of its own, whose
    # Streams.Progress keeps every record.
    function Get-ProgressRecord([string] $Command) {
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript("Import-Module '$modulePath'; `$ProgressPreference = 'Continue'; $Command | Out-Null")
            $null = $shell.AddParameters(@{})
            $shell.Runspace.SessionStateProxy.SetVariable('folders', $folders)
            $null = $shell.Invoke()
            $shell.Streams.Error | ForEach-Object { throw $_ }
            @($shell.Streams.Progress)
        } finally {
            $shell.Dispose()
        }
    }
}

Describe 'Write-Progress of the log readers' {
    It 'never goes back: <Command>' -ForEach @(
        @{ Command = 'Get-HybridSmtpSession -Path $folders.samples' }
        @{ Command = 'Get-HybridSmtpLogEntry -Path $folders.samples' }
        @{ Command = 'Get-HybridSmtpSession -Path $folders.samples -Start "2026-05-01 06:00" -End "2026-05-01 06:30"' }
        @{ Command = 'Get-ChildItem -Path $folders.samples -Recurse -File -Include RECV*.LOG, SEND*.LOG | Sort-Object Name -Descending | Get-HybridSmtpSession' }
        @{ Command = 'Get-HybridMessageTrackingLog -Path $folders.tracking, $folders.timeline' }
        @{ Command = 'Get-HybridMailFlowSummary -Path $folders.tracking, $folders.timeline' }
    ) {
        $records = Get-ProgressRecord $Command
        $percents = @($records | Where-Object { $_.RecordType -eq 'Processing' } | ForEach-Object PercentComplete)
        $percents.Count | Should -BeGreaterThan 3
        for ($i = 1; $i -lt $percents.Count; $i++) {
            $percents[$i] | Should -BeGreaterOrEqual $percents[$i - 1] -Because "record $i of $($percents -join ', ')"
        }
        $percents[-1] | Should -BeLessOrEqual 100
        @($records | Where-Object { $_.RecordType -eq 'Completed' }).Count | Should -Be 1
    }
}
