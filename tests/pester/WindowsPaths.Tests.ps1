# The paths and files an Exchange server gives: folders with spaces and in other languages, the \\?\ and long paths
# of deep log shares, and the log Exchange holds open and writes while we read. They run on every platform; on the
# Windows host of the tests (under wine) they are the Windows file system's rules, share modes included.

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force
    $script:samples = (Resolve-Path (Join-Path $PSScriptRoot '../../samples')).Path
    $script:tracking = (Resolve-Path (Join-Path $PSScriptRoot '../data/timeline/CMHYBD01/MessageTracking')).Path
    $script:onWindows = [System.Runtime.InteropServices.RuntimeInformation]::IsOSPlatform([System.Runtime.InteropServices.OSPlatform]::Windows)

    # What a read gives, in a form two reads can be compared by: session, outcome, message count.
    function Get-SessionDigest {
        param([string] $LiteralPath)
        Get-HybridSmtpSession -LiteralPath $LiteralPath -ErrorAction Stop |
            ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.SessionId, $_.Outcome, @($_.Messages).Count, @($_.Lines).Count }
    }

    $script:expectedSessions = @(Get-SessionDigest -LiteralPath $script:samples)
    $script:expectedEvents = @(Get-HybridMessageTrackingLog -LiteralPath $script:tracking -ErrorAction Stop).Count
}

Describe 'Log folders named as on an Exchange server' {
    It 'reads logs under <Name>' -ForEach @(
        @{ Name = 'the Exchange installation path, with spaces'; Folder = 'Program Files/Microsoft/Exchange Server/V15/TransportRoles/Logs' }
        @{ Name = 'a folder named in German'; Folder = 'Protokolldateien/Übermittlung für Müller' }
        @{ Name = 'a folder named in Russian and Japanese'; Folder = 'Журналы/ログ ファイル' }
        @{ Name = 'a folder with an apostrophe, brackets and a dollar sign'; Folder = "c`$/O'Brien [case 1234]" }
    ) {
        $root = Join-Path $TestDrive $Folder
        $null = New-Item -ItemType Directory -Path $root -Force
        Copy-Item -Path (Join-Path $script:samples '*') -Destination $root -Recurse
        Copy-Item -LiteralPath $script:tracking -Destination $root -Recurse

        $sessions = @(Get-SessionDigest -LiteralPath $root)
        $sessions.Count | Should -Be $script:expectedSessions.Count
        Compare-Object $script:expectedSessions $sessions | Should -BeNullOrEmpty
        $session = Get-HybridSmtpSession -LiteralPath $root | Select-Object -First 1
        foreach ($file in @($session.Files)) { $file.StartsWith((Resolve-Path -LiteralPath $root).ProviderPath) | Should -BeTrue -Because $file }
        @(Get-HybridMessageTrackingLog -LiteralPath (Join-Path $root 'MessageTracking')).Count | Should -Be $script:expectedEvents
    }
}

Describe 'Long paths' {
    It 'reads logs whose full path is longer than 260 characters, and their lines again' {
        $deep = $TestDrive
        while ($deep.Length -lt 300) { $deep = Join-Path $deep 'TransportRoles Logs FrontEnd ProtocolLog SmtpReceive' }
        $null = New-Item -ItemType Directory -Path $deep -Force
        Copy-Item -Path (Join-Path $script:samples 'CMHYBD01/FrontEnd/ProtocolLog/SmtpReceive/*') -Destination $deep
        Copy-Item -LiteralPath $script:tracking -Destination $deep -Recurse

        $expected = @(Get-SessionDigest -LiteralPath (Join-Path $script:samples 'CMHYBD01/FrontEnd/ProtocolLog/SmtpReceive'))
        $sessions = @(Get-SessionDigest -LiteralPath $deep)
        (Get-ChildItem -LiteralPath $deep -Filter '*.LOG' | Select-Object -First 1).FullName.Length | Should -BeGreaterThan 260
        Compare-Object $expected $sessions | Should -BeNullOrEmpty
        @(Get-HybridMessageTrackingLog -LiteralPath (Join-Path $deep 'MessageTracking')).Count | Should -Be $script:expectedEvents
    }

    It 'reads a folder given as a \\?\ path' -Skip:(-not [System.Runtime.InteropServices.RuntimeInformation]::IsOSPlatform([System.Runtime.InteropServices.OSPlatform]::Windows)) {
        $copy = Join-Path $TestDrive 'verbatim'
        Copy-Item -LiteralPath $script:samples -Destination $copy -Recurse
        $sessions = @(Get-SessionDigest -LiteralPath ('\\?\' + $copy))
        Compare-Object $script:expectedSessions $sessions | Should -BeNullOrEmpty
    }
}

Describe 'The log Exchange is writing' {
    It 'reads a log that another process holds open for writing, and the lines it appends' {
        $folder = Join-Path $TestDrive 'open'
        $null = New-Item -ItemType Directory -Path $folder
        $source = Get-ChildItem -LiteralPath (Join-Path $script:samples 'CMHYBD01/FrontEnd/ProtocolLog/SmtpReceive') -Filter '*.LOG' | Select-Object -First 1
        $lines = [System.IO.File]::ReadAllLines($source.FullName)
        $header = @($lines | Where-Object { $_.StartsWith('#') })
        $body = @($lines | Where-Object { -not $_.StartsWith('#') })
        $half = [int]($body.Count / 2)
        $path = Join-Path $folder $source.Name
        # As Exchange's log writer: write access, others may read (and delete, for the log's retention) but not write.
        $writer = [System.IO.FileStream]::new($path, [System.IO.FileMode]::CreateNew, [System.IO.FileAccess]::Write,
            ([System.IO.FileShare]::Read -bor [System.IO.FileShare]::Delete))
        try {
            $text = [System.IO.StreamWriter]::new($writer, [System.Text.UTF8Encoding]::new($false))
            $text.NewLine = "`r`n"
            foreach ($line in $header + $body[0..($half - 1)]) { $text.WriteLine($line) }
            $text.Flush()

            $first = @(Get-HybridSmtpSession -LiteralPath $folder -ErrorAction Stop)
            $first.Count | Should -BeGreaterThan 0
            @($first[0].Lines).Count | Should -BeGreaterThan 0

            foreach ($line in $body[$half..($body.Count - 1)]) { $text.WriteLine($line) }
            $text.Flush()
            $all = @(Get-HybridSmtpSession -LiteralPath $folder -ErrorAction Stop)
            $expected = @(Get-HybridSmtpSession -LiteralPath $source.FullName)
            $all.Count | Should -Be $expected.Count
            ($all | ForEach-Object Outcome) -join ',' | Should -Be (($expected | ForEach-Object Outcome) -join ',')
        } finally {
            $writer.Dispose()
        }
    }
}
