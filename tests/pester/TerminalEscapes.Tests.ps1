# Text from logs holding terminal escape sequences (a window title, a cleared screen, hidden text) never reaches the
# terminal: every string property shows control characters as \xHH, and the raw text stays in Lines.RawText.

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force

    $esc = [char]27
    $bel = [char]7
    $script:title = "$esc]0;pwned$bel"
    $script:clear = "$esc[2J"
    $script:hide = "$esc[8m"
    # What reaches a terminal: no ESC, no BEL, nor any other control character but TAB and line ends.
    $script:controls = '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]'
    function Get-Shown {
        param([Parameter(ValueFromPipeline = $true)] $InputObject)
        begin { $all = [System.Collections.Generic.List[object]]::new() }
        process { $all.Add($InputObject) }
        end {
            ($all | Format-List * | Out-String -Width 400) + ($all | Format-Table | Out-String -Width 400) + ($all | Out-String -Width 400)
        }
    }

    $dir = Join-Path $TestDrive 'CMHYBD01/FrontEnd/ProtocolLog/SmtpReceive'
    $null = New-Item -ItemType Directory -Force -Path $dir
    $fe = 'CMHYBD01\Default Frontend CMHYBD01'
    $at = '192.168.1.13:25,40.93.131.26:31611'
    $id = '08DEA74796A6E901'
    $lines = @(
        '#Software: Microsoft Exchange Server', '#Version: 15.0.0.0', '#Log-type: SMTP Receive Protocol Log', '#Date: 2026-05-01T06:00:00.000Z',
        '#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context'
        "2026-05-01T06:00:00.100Z,$fe,$id,0,$at,+,,"
        "2026-05-01T06:00:00.101Z,$fe,$id,1,$at,>,220 CMHYBD01.cloudmonkeys.xyz Microsoft ESMTP MAIL Service ready,"
        "2026-05-01T06:00:00.200Z,$fe,$id,2,$at,<,EHLO evil$($script:title).example,"
        "2026-05-01T06:00:00.201Z,$fe,$id,3,$at,>,250  CMHYBD01.cloudmonkeys.xyz Hello [40.93.131.26] SIZE 37748736 STARTTLS,"
        "2026-05-01T06:00:00.300Z,$fe,$id,4,$at,*, CN=evil$($script:hide)hidden CN=issuer 12DE 12DEAB 2020-01-17T15:15:33.000Z 2030-01-17T15:15:33.000Z evil.example,Remote certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names"
        "2026-05-01T06:00:00.400Z,$fe,$id,5,$at,<,MAIL FROM:<sender@fabrikam.example>,"
        "2026-05-01T06:00:00.401Z,$fe,$id,6,$at,>,550 5.7.1 $($script:clear)Unable to relay $($script:title),"
        "2026-05-01T06:00:00.500Z,$fe,$id,7,$at,-,,Remote"
    )
    [System.IO.File]::WriteAllText((Join-Path $dir 'RECV2026050106-1.LOG'), (($lines -join "`r`n") + "`r`n"))
    $script:protocolLogs = Join-Path $TestDrive 'CMHYBD01'

    # A lab tracking log whose subject and failure hold escapes.
    $tracking = Join-Path $TestDrive 'tracking/CMHYBD01/MessageTracking'
    $null = New-Item -ItemType Directory -Force -Path $tracking
    $lab = Join-Path $PSScriptRoot '../data/tracking/CMHYBD01/MessageTracking/MSGTRK2026050106-1.LOG'
    $text = [System.IO.File]::ReadAllText($lab).Replace('Hybrid mail flow test', "Hybrid $($script:title) test").Replace('550 5.7.1 Service unavailable', "550 5.7.1 Service $($script:clear)unavailable$($script:title)")
    [System.IO.File]::WriteAllText((Join-Path $tracking 'MSGTRK2026050106-1.LOG'), $text)
    $script:trackingLogs = Join-Path $TestDrive 'tracking'
}

Describe 'Terminal escapes in log text' {
    It 'shows no control character of a session in Format-List, Format-Table or Out-String' {
        $session = Get-HybridSmtpSession -Path $script:protocolLogs
        $session | Should -Not -BeNullOrEmpty
        $session | Get-Shown | Should -Not -Match $script:controls
        $session.Diagnosis | Get-Shown | Should -Not -Match $script:controls
        $session.Certificates | Get-Shown | Should -Not -Match $script:controls
        $session.Lines | Get-Shown | Should -Not -Match $script:controls
    }

    It 'gives the escaped form of the EHLO name, the reply and the certificate subject' {
        $session = Get-HybridSmtpSession -Path $script:protocolLogs
        ($session | Select-Object -ExpandProperty Helo) | Should -BeExactly 'evil\x1b]0;pwned\x07.example'
        $session.LastError | Should -BeExactly '550 5.7.1 \x1b[2JUnable to relay \x1b]0;pwned\x07'
        $session.CertificateSubject | Should -BeExactly 'CN=evil\x1b[8mhidden'
    }

    It 'keeps the raw text of the lines in Lines.RawText' {
        $session = Get-HybridSmtpSession -Path $script:protocolLogs
        $session.Lines.RawText | Should -Match ([regex]::Escape("EHLO evil$($script:title).example"))
        $session.Lines.RawText | Should -Match ([regex]::Escape($script:clear))
    }

    It 'shows no control character of a log entry' {
        $entries = Get-HybridSmtpLogEntry -Path $script:protocolLogs
        $entries | Get-Shown | Should -Not -Match $script:controls
        ($entries | Where-Object Event -eq '<')[0].Data | Should -BeExactly 'EHLO evil\x1b]0;pwned\x07.example'
    }

    It 'shows no control character of a tracking event, its diagnosis or the summary' {
        $events = Get-HybridMessageTrackingLog -Path $script:trackingLogs
        $events | Get-Shown | Should -Not -Match $script:controls
        $failed = $events | Where-Object EventId -eq 'FAIL'
        $failed.Diagnosis | Get-Shown | Should -Not -Match $script:controls
        (@($failed.RecipientStatus) -join "`n") | Should -Match ([regex]::Escape('Service \x1b[2Junavailable\x1b]0;pwned\x07'))
        ($events | Where-Object MessageSubject -like 'Hybrid*test')[0].MessageSubject | Should -BeExactly 'Hybrid \x1b]0;pwned\x07 test'
        Get-HybridMailFlowSummary -Path $script:trackingLogs | Get-Shown | Should -Not -Match $script:controls
    }

    It 'shows no control character of a diagnosis of pasted text' {
        Resolve-HybridSmtpError -Message "550 5.7.1 $($script:clear)Service unavailable $($script:title)" | Get-Shown | Should -Not -Match $script:controls
    }
}
