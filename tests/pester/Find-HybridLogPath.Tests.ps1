# Find-HybridLogPath, as an admin on the Exchange server and a support engineer with a copy of its folders use it.

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force

    $script:savedInstallPath = $env:ExchangeInstallPath
    $env:ExchangeInstallPath = $null

    # A copy of an Exchange folder: the log folders a Mailbox or Edge server creates, with some log files.
    function New-ExchangeTree {
        param([string] $Root, [string[]] $Folders)
        foreach ($folder in $Folders) {
            $null = New-Item -ItemType Directory -Force -Path (Join-Path $Root $folder.Replace('\', [System.IO.Path]::DirectorySeparatorChar))
        }
        $Root
    }
    $script:sep = [string][System.IO.Path]::DirectorySeparatorChar
    function Join-Expected {
        param([string] $Root, [string] $Relative)
        $Root.TrimEnd('\', '/') + $script:sep + $Relative.Replace('\', $script:sep)
    }
}

AfterAll {
    $env:ExchangeInstallPath = $script:savedInstallPath
}

Describe 'Find-HybridLogPath without the Exchange cmdlets' {
    It 'lists Exchange''s default folders of both roles under an installation folder that has no logs yet' {
        $root = 'C:\Program Files\Microsoft\Exchange Server\V15\'
        $found = @(Find-HybridLogPath -ExchangeInstallPath $root -Server CMHYBD01)
        $found | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'HybridMailFlow.LogPath' }
        $found | ForEach-Object { '{0} {1} {2}' -f $_.Service, $_.LogKind, $_.Path } | Should -Be @(
            'FrontEnd SmtpReceive C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\FrontEnd\ProtocolLog\SmtpReceive'
            'FrontEnd SmtpSend C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\FrontEnd\ProtocolLog\SmtpSend'
            'Hub SmtpReceive C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\Hub\ProtocolLog\SmtpReceive'
            'Hub SmtpSend C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\Hub\ProtocolLog\SmtpSend'
            'MailboxDelivery SmtpReceive C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\Mailbox\ProtocolLog\SmtpReceive\Delivery'
            'MailboxSubmission SmtpSend C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\Mailbox\ProtocolLog\SmtpSend\Submission'
            'Hub MessageTracking C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\MessageTracking'
            'Edge SmtpReceive C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\Edge\ProtocolLog\SmtpReceive'
            'Edge SmtpSend C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\Edge\ProtocolLog\SmtpSend'
        )
        $found | ForEach-Object {
            $_.Server | Should -Be 'CMHYBD01'
            $_.Source | Should -Be 'Default'
        }
    }

    It 'reads the installation folder from $env:ExchangeInstallPath, as Exchange setup sets it' {
        $env:ExchangeInstallPath = 'C:\Program Files\Microsoft\Exchange Server\V15\'
        try {
            $found = @(Find-HybridLogPath -LogKind MessageTracking)
        } finally {
            $env:ExchangeInstallPath = $null
        }
        $found.Count | Should -Be 1
        $found[0].Path | Should -Be 'C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\MessageTracking'
        $found[0].Server | Should -Be ([Environment]::MachineName)
    }

    It 'tells a Mailbox server''s folders: which exist, how many logs they hold, the newest' {
        $root = New-ExchangeTree (Join-Path $TestDrive 'CMHYBD01') @(
            'TransportRoles\Logs\FrontEnd\ProtocolLog\SmtpReceive'
            'TransportRoles\Logs\Hub\ProtocolLog\SmtpSend'
            'TransportRoles\Logs\MessageTracking'
        )
        $receive = Join-Expected $root 'TransportRoles\Logs\FrontEnd\ProtocolLog\SmtpReceive'
        foreach ($name in 'RECV2026050105-1.LOG', 'RECV2026050106-1.LOG', 'RECV2026050107-1.log', 'notes.txt') {
            Set-Content -LiteralPath (Join-Path $receive $name) -Value '#Software: Microsoft Exchange Server'
        }
        (Get-Item -LiteralPath (Join-Path $receive 'RECV2026050105-1.LOG')).LastWriteTimeUtc = [datetime]'2026-05-01T05:59:59Z'
        (Get-Item -LiteralPath (Join-Path $receive 'RECV2026050106-1.LOG')).LastWriteTimeUtc = [datetime]'2026-05-01T07:00:00Z'
        (Get-Item -LiteralPath (Join-Path $receive 'RECV2026050107-1.log')).LastWriteTimeUtc = [datetime]'2026-05-01T06:30:00Z'

        $found = @(Find-HybridLogPath -ExchangeInstallPath $root)
        $found.Service | Should -Not -Contain 'Edge'
        $frontEnd = $found | Where-Object { $_.Service -eq 'FrontEnd' -and $_.LogKind -eq 'SmtpReceive' }
        $frontEnd.Path | Should -Be $receive
        $frontEnd.Exists | Should -BeTrue
        $frontEnd.FileCount | Should -Be 3
        $frontEnd.NewestFile.Name | Should -Be 'RECV2026050106-1.LOG'
        $missing = $found | Where-Object { $_.Service -eq 'Hub' -and $_.LogKind -eq 'SmtpReceive' }
        $missing.Exists | Should -BeFalse
        $missing.FileCount | Should -Be 0
        $missing.NewestFile | Should -BeNullOrEmpty
    }

    It 'leaves out missing folders with -ExistingOnly, and other kinds of log with -LogKind' {
        $root = New-ExchangeTree (Join-Path $TestDrive 'CMHYBD01-b') @(
            'TransportRoles\Logs\FrontEnd\ProtocolLog\SmtpReceive'
            'TransportRoles\Logs\Hub\ProtocolLog\SmtpReceive'
            'TransportRoles\Logs\Hub\ProtocolLog\SmtpSend'
            'TransportRoles\Logs\MessageTracking'
        )
        (Find-HybridLogPath -ExchangeInstallPath $root -ExistingOnly | ForEach-Object { $_.Service + ' ' + $_.LogKind }) |
            Should -Be @('FrontEnd SmtpReceive', 'Hub SmtpReceive', 'Hub SmtpSend', 'Hub MessageTracking')
        (Find-HybridLogPath -ExchangeInstallPath $root -ExistingOnly -LogKind SmtpReceive, MessageTracking | ForEach-Object { $_.Service + ' ' + $_.LogKind }) |
            Should -Be @('FrontEnd SmtpReceive', 'Hub SmtpReceive', 'Hub MessageTracking')
    }

    It 'knows an Edge server from its folders, and names its message tracking Edge' {
        $root = New-ExchangeTree (Join-Path $TestDrive 'CMEDGE01') @(
            'TransportRoles\Logs\Edge\ProtocolLog\SmtpReceive'
            'TransportRoles\Logs\MessageTracking'
        )
        (Find-HybridLogPath -ExchangeInstallPath $root -Server CMEDGE01 | ForEach-Object { '{0} {1} {2}' -f $_.Service, $_.LogKind, $_.Exists }) |
            Should -Be @('Edge SmtpReceive True', 'Edge SmtpSend False', 'Edge MessageTracking True')
    }

    It 'names the server a copied folder came from as its logs name it, not this computer' {
        $root = New-ExchangeTree (Join-Path $TestDrive 'case-4711') @('TransportRoles\Logs\Edge\ProtocolLog\SmtpReceive', 'TransportRoles\Logs\MessageTracking')
        $receive = Join-Expected $root 'TransportRoles\Logs\Edge\ProtocolLog\SmtpReceive'
        $lines = @(
            '#Software: Microsoft Exchange Server'
            '#Version: 15.0.0.0'
            '#Log-type: SMTP Receive Protocol Log'
            '#Date: 2026-05-01T05:30:00.000Z'
            '#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context'
            '2026-05-01T05:30:00.015Z,CMEDGE01\Default internal receive connector CMEDGE01,08DEA74796A6D001,0,192.168.1.25:25,40.93.131.40:23456,+,,'
        )
        [System.IO.File]::WriteAllText((Join-Path $receive 'RECV2026050105-1.LOG'), ($lines -join "`r`n") + "`r`n", (New-Object System.Text.UTF8Encoding($true)))
        $found = @(Find-HybridLogPath -ExchangeInstallPath $root)
        $found.Count | Should -BeGreaterThan 0
        $found | ForEach-Object { $_.Server | Should -Be 'CMEDGE01' }

        # Tracking logs alone: the server-hostname of a RECEIVE row (a SEND row names the next hop).
        $tracking = New-ExchangeTree (Join-Path $TestDrive 'case-4712') @('TransportRoles\Logs\MessageTracking')
        Copy-Item -Path (Join-Path $PSScriptRoot '../../samples/CMHYBD01/MessageTracking/MSGTRK2026050105-1.LOG') -Destination (Join-Expected $tracking 'TransportRoles\Logs\MessageTracking')
        @(Find-HybridLogPath -ExchangeInstallPath $tracking -LogKind MessageTracking)[0].Server | Should -Be 'CMHYBD01'
    }

    It 'pipes the existing receive folders to Get-HybridSmtpSession' {
        $root = New-ExchangeTree (Join-Path $TestDrive 'CMHYBD01-c') @('TransportRoles\Logs\FrontEnd\ProtocolLog\SmtpReceive')
        $connector = 'CMHYBD01\Default Frontend CMHYBD01'
        $lines = @(
            '#Software: Microsoft Exchange Server'
            '#Version: 15.0.0.0'
            '#Log-type: SMTP Receive Protocol Log'
            '#Date: 2026-05-01T06:00:00.000Z'
            '#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context'
            "2026-05-01T06:33:18.100Z,$connector,08DEA74796A6E320,0,192.168.1.13:25,192.168.1.50:50211,+,,"
            "2026-05-01T06:33:18.200Z,$connector,08DEA74796A6E320,1,192.168.1.13:25,192.168.1.50:50211,<,MAIL FROM:<raghu@cloudmonkeys.xyz>,"
            "2026-05-01T06:33:18.201Z,$connector,08DEA74796A6E320,2,192.168.1.13:25,192.168.1.50:50211,>,503 5.5.2 Send hello first,"
            "2026-05-01T06:33:18.300Z,$connector,08DEA74796A6E320,3,192.168.1.13:25,192.168.1.50:50211,-,,Remote"
        )
        $log = Join-Path (Join-Expected $root 'TransportRoles\Logs\FrontEnd\ProtocolLog\SmtpReceive') 'RECV2026050106-1.LOG'
        [System.IO.File]::WriteAllText($log, ($lines -join "`r`n") + "`r`n", (New-Object System.Text.UTF8Encoding($true)))

        $sessions = @(Find-HybridLogPath -ExchangeInstallPath $root -LogKind SmtpReceive -ExistingOnly | Get-HybridSmtpSession)
        $sessions.Count | Should -Be 1
        $sessions[0].SessionId | Should -Be '08DEA74796A6E320'
        $sessions[0].Outcome | Should -Be 'Rejected'

        # On the server itself Get-HybridSmtpSession needs no path: it reads the folders Find-HybridLogPath finds.
        $env:ExchangeInstallPath = $root
        try {
            $sessions = @(Get-HybridSmtpSession)
        } finally {
            $env:ExchangeInstallPath = $null
        }
        $sessions.SessionId | Should -Be @('08DEA74796A6E320')
    }

    It 'says Exchange is not installed when there is neither an installation folder nor the Exchange cmdlets' {
        $found = @(Find-HybridLogPath -ErrorVariable failures -ErrorAction SilentlyContinue)
        $found.Count | Should -Be 0
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'HybridMailFlow.ExchangeNotFound*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].Exception.Message | Should -Match '-ExchangeInstallPath'
    }

    It 'lets Get-HybridSmtpSession without -Path say once that there is no log folder here' {
        $thrown = $null
        try {
            $null = Get-HybridSmtpSession -ErrorVariable failures
        } catch {
            $thrown = $_
        }
        $thrown.FullyQualifiedErrorId | Should -BeLike 'HybridMailFlow.NoLogFolder*'
        @($failures).Count | Should -Be 1
    }
}

Describe 'Find-HybridLogPath in the Exchange Management Shell' {
    BeforeAll {
        # Stand-ins for the Exchange cmdlets, so that Mock has commands to replace; removed after these tests.
        function global:Get-TransportService { param([Parameter(Position = 0)] [string] $Identity) }
        function global:Get-FrontendTransportService { param([Parameter(Position = 0)] [string] $Identity) }
        function global:Get-MailboxTransportService { param([Parameter(Position = 0)] [string] $Identity) }
    }

    AfterAll {
        Remove-Item -Path 'Function:\Get-TransportService', 'Function:\Get-FrontendTransportService', 'Function:\Get-MailboxTransportService' -ErrorAction SilentlyContinue
    }

    BeforeEach {
        Mock -ModuleName HybridMailFlow Get-TransportService {
            [pscustomobject]@{
                Name                   = $Identity
                ReceiveProtocolLogPath = 'D:\ExchangeLogs\Hub\Receive'
                SendProtocolLogPath    = 'D:\ExchangeLogs\Hub\Send'
                MessageTrackingLogPath = 'D:\ExchangeLogs\MessageTracking'
            }
        }
        # A live Exchange shell returns LocalLongFullPath objects: the folder is their PathName.
        Mock -ModuleName HybridMailFlow Get-FrontendTransportService {
            [pscustomobject]@{
                Name                   = $Identity
                ReceiveProtocolLogPath = [pscustomobject]@{ PathName = 'D:\ExchangeLogs\FrontEnd\Receive' }
                SendProtocolLogPath    = [pscustomobject]@{ PathName = 'D:\ExchangeLogs\FrontEnd\Send' }
            }
        }
        Mock -ModuleName HybridMailFlow Get-MailboxTransportService {
            [pscustomobject]@{
                Name                   = $Identity
                ReceiveProtocolLogPath = 'D:\ExchangeLogs\Mailbox\SmtpReceive'
                SendProtocolLogPath    = 'D:\ExchangeLogs\Mailbox\SmtpSend'
            }
        }
    }

    It 'takes each service''s folders from its configuration, and says which cmdlet gave them' {
        $found = @(Find-HybridLogPath -Server CMHYBD01 -ExchangeInstallPath 'C:\Program Files\Microsoft\Exchange Server\V15\')
        $found | ForEach-Object { '{0} {1} {2} {3}' -f $_.Service, $_.LogKind, $_.Source, $_.Path } | Should -Be @(
            'FrontEnd SmtpReceive FrontendTransportService D:\ExchangeLogs\FrontEnd\Receive'
            'FrontEnd SmtpSend FrontendTransportService D:\ExchangeLogs\FrontEnd\Send'
            'Hub SmtpReceive TransportService D:\ExchangeLogs\Hub\Receive'
            'Hub SmtpSend TransportService D:\ExchangeLogs\Hub\Send'
            'MailboxDelivery SmtpReceive MailboxTransportService D:\ExchangeLogs\Mailbox\SmtpReceive\Delivery'
            'MailboxSubmission SmtpSend MailboxTransportService D:\ExchangeLogs\Mailbox\SmtpSend\Submission'
            'Hub MessageTracking TransportService D:\ExchangeLogs\MessageTracking'
        )
    }

    It 'asks the services of the server given with -Server' {
        $null = Find-HybridLogPath -Server CMHYBD02
        Should -Invoke -ModuleName HybridMailFlow Get-TransportService -Times 1 -Exactly -ParameterFilter { $Identity -eq 'CMHYBD02' }
        Should -Invoke -ModuleName HybridMailFlow Get-FrontendTransportService -Times 1 -Exactly -ParameterFilter { $Identity -eq 'CMHYBD02' }
        Should -Invoke -ModuleName HybridMailFlow Get-MailboxTransportService -Times 1 -Exactly -ParameterFilter { $Identity -eq 'CMHYBD02' }
    }

    It 'leaves out a folder the service has no path for: its logging is off' {
        Mock -ModuleName HybridMailFlow Get-FrontendTransportService {
            [pscustomobject]@{ Name = $Identity; ReceiveProtocolLogPath = 'D:\ExchangeLogs\FrontEnd\Receive'; SendProtocolLogPath = $null }
        }
        $found = @(Find-HybridLogPath -Server CMHYBD01 -LogKind SmtpSend -Verbose 4>&1)
        $paths = @($found | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        ($paths | ForEach-Object { $_.Service }) | Should -Be @('Hub', 'MailboxSubmission')
        ($found | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Match 'FrontEnd service: its logging is off'
    }

    It 'falls back to the default folders, with a warning, when a service cannot be asked' {
        Mock -ModuleName HybridMailFlow Get-TransportService { throw "The operation couldn't be performed because object 'CMHYBD01' couldn't be found." }
        $output = @(Find-HybridLogPath -Server CMHYBD01 -LogKind SmtpReceive -ExchangeInstallPath 'C:\Program Files\Microsoft\Exchange Server\V15\' 3>&1)
        $warnings = @($output | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        $hub = $output | Where-Object { $_ -isnot [System.Management.Automation.WarningRecord] -and $_.Service -eq 'Hub' }
        $hub.Source | Should -Be 'Default'
        $hub.Path | Should -Be 'C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\Hub\ProtocolLog\SmtpReceive'
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -Match "Get-TransportService -Identity CMHYBD01 failed.*couldn't be found"
    }
}

Describe 'Find-HybridLogPath in the Exchange Management Shell of an Edge Transport server' {
    BeforeAll {
        # The Edge shell has Get-TransportService, and no Get-FrontendTransportService or Get-MailboxTransportService.
        function global:Get-TransportService { param([Parameter(Position = 0)] [string] $Identity) }
    }

    AfterAll {
        Remove-Item -Path 'Function:\Get-TransportService'
    }

    It 'lists the Edge service''s folders, its message tracking among them' {
        Mock -ModuleName HybridMailFlow Get-TransportService {
            [pscustomobject]@{
                Name                   = $Identity
                ReceiveProtocolLogPath = 'C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\Edge\ProtocolLog\SmtpReceive'
                SendProtocolLogPath    = 'C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\Edge\ProtocolLog\SmtpSend'
                MessageTrackingLogPath = 'C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\MessageTracking'
            }
        }
        $found = @(Find-HybridLogPath -Server CMEDGE01)
        ($found | ForEach-Object { '{0} {1} {2}' -f $_.Service, $_.LogKind, $_.Source }) |
            Should -Be @('Edge SmtpReceive TransportService', 'Edge SmtpSend TransportService', 'Edge MessageTracking TransportService')
        $found[0].Server | Should -Be 'CMEDGE01'
    }
}
