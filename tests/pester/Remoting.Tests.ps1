# Many servers read where their logs are, through real PowerShell remoting: the test starts its own OpenSSH servers
# on 127.0.0.2 to 127.0.0.6 (tests/pester/Lab/SshServers.ps1), each under the name of the Exchange server it stands
# for, with pwsh as its PowerShell subsystem and its own Exchange folder, and reads them with -Session. What comes
# back must be what one computer reading the same folders finds.

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force
    . (Join-Path $PSScriptRoot 'Lab/SshServers.ps1')
    $samples = (Resolve-Path (Join-Path $PSScriptRoot '../../samples')).Path

    $script:unsupported = Test-HybridSshLabSupported
    if ($script:unsupported) { return }

    $script:root = Join-Path ([System.IO.Path]::GetTempPath()) ('hmf-remoting-' + [guid]::NewGuid().ToString('N'))
    $servers = Join-Path $root 'servers'

    # A server's Exchange folder: its logs where Exchange writes them (TransportRoles\Logs\...).
    function New-ServerFolder {
        param([string] $Name, [string] $From, [scriptblock] $Transform)
        $logs = Join-Path $servers "$Name/TransportRoles/Logs"
        foreach ($file in Get-ChildItem -LiteralPath $From -Recurse -File -Filter '*.LOG') {
            $relative = $file.FullName.Substring($From.Length).TrimStart('/')
            $target = Join-Path $logs $relative
            $null = New-Item -ItemType Directory -Path (Split-Path $target) -Force
            $text = [System.IO.File]::ReadAllText($file.FullName)
            if ($Transform) { $text = & $Transform $text }
            [System.IO.File]::WriteAllText($target, $text, (New-Object System.Text.UTF8Encoding($true)))
        }
        Join-Path $servers $Name
    }
    $script:folders = [ordered]@{
        CMHYBD01 = New-ServerFolder -Name CMHYBD01 -From (Join-Path $samples 'CMHYBD01')
        # A second mailbox server: CMHYBD01's traffic under its own name, session ids and a few seconds later.
        CMHYBD02 = New-ServerFolder -Name CMHYBD02 -From (Join-Path $samples 'CMHYBD01') -Transform {
            param($text)
            $text = $text.Replace('CMHYBD01', 'CMHYBD02').Replace('08DEA747', '18DEA747')
            [regex]::Replace($text, '\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z', {
                    param($m)
                    [DateTime]::Parse($m.Value, [Globalization.CultureInfo]::InvariantCulture, 'AdjustToUniversal').AddMilliseconds(3217).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", [Globalization.CultureInfo]::InvariantCulture)
                })
        }
        CMEDGE01 = New-ServerFolder -Name CMEDGE01 -From (Join-Path $samples 'CMEDGE01')
    }
    # One server without the module, one with another version of it (a manifest is all Get-Module -ListAvailable reads).
    $script:folders.CMHYBD03 = New-ServerFolder -Name CMHYBD03 -From (Join-Path $samples 'CMEDGE01')
    $script:folders.CMHYBD04 = New-ServerFolder -Name CMHYBD04 -From (Join-Path $samples 'CMEDGE01')
    $noModule = Join-Path $root 'modules-none'
    $oldModule = Join-Path $root 'modules-old/HybridMailFlow/0.0.9'
    $null = New-Item -ItemType Directory -Path $noModule, $oldModule -Force
    Set-Content -LiteralPath (Join-Path $oldModule 'HybridMailFlow.psd1') -Value "@{ ModuleVersion = '0.0.9'; GUID = 'a3c7f5d2-3b1e-4f7a-9c2d-6e8b1f0a4d3c' }"
    $moduleRoot = New-HybridModuleRoot -ModuleFolder (Split-Path (Resolve-Path $modulePath).Path) -Folder (Join-Path $root 'modules')

    $script:lab = Start-HybridSshLab -Folder (Join-Path $root 'ssh') -Server @(
        @{ Name = 'CMHYBD01'; Address = '127.0.0.2'; ExchangeInstallPath = $folders.CMHYBD01; ModulePath = $moduleRoot }
        @{ Name = 'CMHYBD02'; Address = '127.0.0.3'; ExchangeInstallPath = $folders.CMHYBD02; ModulePath = $moduleRoot }
        @{ Name = 'CMEDGE01'; Address = '127.0.0.4'; ExchangeInstallPath = $folders.CMEDGE01; ModulePath = $moduleRoot }
        @{ Name = 'CMHYBD03'; Address = '127.0.0.5'; ExchangeInstallPath = $folders.CMHYBD03; ModulePath = $noModule }
        @{ Name = 'CMHYBD04'; Address = '127.0.0.6'; ExchangeInstallPath = $folders.CMHYBD04; ModulePath = (Split-Path (Split-Path $oldModule)) }
    )
    $script:names = 'CMHYBD01', 'CMHYBD02', 'CMEDGE01'
    $script:sessions = @($names | ForEach-Object { New-HybridSshLabSession -Lab $lab -Name $_ })
    $script:localFolders = @($names | ForEach-Object { $folders[$_] })

    function Get-Identity {
        # What must match between a read on the servers and a local one: which object, what it says, in which order.
        param([Parameter(ValueFromPipeline = $true)] $InputObject, [string[]] $Property)
        process { ($Property | ForEach-Object { "$($InputObject.$_)" }) -join ' | ' }
    }
}

AfterAll {
    if ($script:lab) {
        Get-PSSession | Remove-PSSession
        Stop-HybridSshLab -Lab $script:lab
        Remove-Item -LiteralPath $script:root -Recurse -Force -ErrorAction SilentlyContinue
    }
}

Describe 'Sessions as remoting sends them' {
    It 'travel with every property a local session shows, without the raw lines' {
        $session = Get-HybridSmtpSession -Path (Join-Path $PSScriptRoot '../../samples/CMHYBD01') -Outcome TlsFailed | Select-Object -First 1
        $sent = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($session))
        $sent.PSObject.TypeNames[0] | Should -Be 'Deserialized.HybridMailFlow.SmtpSession'
        @($sent.PSObject.Properties.Name) | Should -Be @($session.PSObject.Properties.Name)
        $sent.PSObject.Properties['Lines'] | Should -BeNullOrEmpty
        $sent.Failure | Should -Be $session.Failure
    }
}

Describe '-ComputerName' {
    It 'binds the Fqdn of Get-ExchangeServer objects, and says when this computer has no WinRM' -Skip:($IsWindows -or $PSVersionTable.PSEdition -eq 'Desktop') {
        $server = [pscustomobject]@{ Name = 'CMHYBD01'; Fqdn = 'cmhybd01.cloudmonkeys.xyz'; ServerRole = 'Mailbox' }
        { $server | Get-HybridSmtpSession -Outcome TlsFailed -ErrorAction Stop } | Should -Throw -ExpectedMessage 'cmhybd01.cloudmonkeys.xyz could not be reached: *WSMan*New-PSSession -HostName (SSH)*-Session.'
    }

    It 'binds the Name of transport service objects, which have no Fqdn, on every command that runs on servers' -Skip:($IsWindows -or $PSVersionTable.PSEdition -eq 'Desktop') {
        # As Get-TransportService and Get-FrontendTransportService give them: a live shell's paths are LocalLongFullPath objects.
        $services = @(
            [pscustomobject]@{ Name = 'CMHYBD01'; Identity = 'CMHYBD01'; ReceiveProtocolLogPath = 'C:\Logs\Hub\ProtocolLog\SmtpReceive'; MessageTrackingLogPath = 'C:\Logs\MessageTracking' }
            [pscustomobject]@{ Name = 'CMEDGE01'; Identity = 'CMEDGE01'; ReceiveProtocolLogPath = [pscustomobject]@{ PathName = 'C:\Logs\FrontEnd\ProtocolLog\SmtpReceive' } }
        )
        $commands = @(
            { $services | Get-HybridSmtpSession -Outcome TlsFailed -ErrorAction Stop }
            { $services | Get-HybridSmtpLogEntry -ErrorAction Stop }
            { $services | Get-HybridMessageTrackingLog -EventId FAIL -ErrorAction Stop }
            { $services | Get-HybridMailFlowSummary -ErrorAction Stop }
            { $services | Trace-HybridMessage -MessageId '<a@cloudmonkeys.xyz>' -ErrorAction Stop }
        )
        foreach ($command in $commands) {
            $command | Should -Throw -ExpectedMessage 'CMHYBD01, CMEDGE01 could not be reached: *WSMan*'
        }
    }

    It 'reads files from the pipeline here: their Name is not a server' {
        $file = Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot '../../samples/CMHYBD01') -Filter 'RECV*.LOG' -Recurse | Select-Object -First 1
        $sessions = @($file | Get-HybridSmtpSession -ErrorVariable failures)
        $failures | Should -BeNullOrEmpty
        $sessions.Count | Should -BeGreaterThan 0
        $sessions[0].PSObject.Properties['PSComputerName'] | Should -BeNullOrEmpty
    }
}

Describe 'Get-HybridSmtpSession -Session' {
    BeforeEach {
        if ($script:unsupported) { Set-ItResult -Skipped -Because $script:unsupported }
    }

    It 'gives what a local read of the servers'' folders gives: the same sessions, outcomes and order' {
        $remote = @(Get-HybridSmtpSession -Session $sessions -ErrorVariable failures)
        $local = @(Get-HybridSmtpSession -Path $localFolders)
        $failures | Should -BeNullOrEmpty
        $remote.Count | Should -BeGreaterThan 30
        $property = 'Server', 'SessionId', 'Direction', 'StartUtc', 'Outcome', 'Failure', 'MessageCount'
        ($remote | Get-Identity -Property $property) | Should -Be ($local | Get-Identity -Property $property)
        @($remote.Server | Sort-Object -Unique) | Should -Be @('CMEDGE01', 'CMHYBD01', 'CMHYBD02')
    }

    It 'reads each server''s own folders, and each object carries the server it came from' {
        $remote = Get-HybridSmtpSession -Session $sessions
        $pairs = @($remote | ForEach-Object { "$($_.Server)=$($_.PSComputerName)" } | Sort-Object -Unique)
        $pairs | Should -Be @('CMEDGE01=127.0.0.4', 'CMHYBD01=127.0.0.2', 'CMHYBD02=127.0.0.3')
        # Without -Path each server found its folders as Find-HybridLogPath finds them there.
        ($remote | Where-Object PSComputerName -eq '127.0.0.3').OutcomePath | Should -Not -BeLike "*CMHYBD01*"
    }

    It 'applies the filters on the servers: only the matching sessions come back' {
        $remote = @(Get-HybridSmtpSession -Session $sessions -Outcome TlsFailed -Start ([DateTime]'2026-05-01T05:00:00Z').ToUniversalTime())
        $local = @(Get-HybridSmtpSession -Path $localFolders -Outcome TlsFailed -Start ([DateTime]'2026-05-01T05:00:00Z').ToUniversalTime())
        $remote.Count | Should -BeGreaterThan 0
        @($remote.Outcome | Sort-Object -Unique) | Should -Be 'TlsFailed'
        ($remote | Get-Identity -Property Server, SessionId) | Should -Be ($local | Get-Identity -Property Server, SessionId)
    }

    It 'keeps the newest of all servers with -Tail' {
        $remote = @(Get-HybridSmtpSession -Session $sessions -Tail 4)
        $all = @(Get-HybridSmtpSession -Path $localFolders)
        ($remote | Get-Identity -Property Server, SessionId) | Should -Be ($all | Select-Object -Last 4 | Get-Identity -Property Server, SessionId)
    }

    It 'passes a hostile value to the servers as a value, never as code' {
        $marker = Join-Path $root 'injected'
        $hostile = "x`$(New-Item -ItemType File -Path '$marker')'; New-Item -ItemType File -Path '$marker'; '"
        $result = @(Get-HybridSmtpSession -Session $sessions -Sender $hostile -ErrorVariable failures)
        $result.Count | Should -Be 0
        $failures | Should -BeNullOrEmpty
        Test-Path -LiteralPath $marker | Should -BeFalse
    }

    It 'shows sessions from servers in the default view, as local ones' {
        $remote = Get-HybridSmtpSession -Session $sessions -Outcome TlsFailed
        $remote[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.HybridMailFlow.SmtpSession'
        $shown = @(($remote | Out-String -Width 200) -split '\r?\n' | Where-Object { $_.Trim() })
        $local = @((Get-HybridSmtpSession -Path $localFolders -Outcome TlsFailed | Out-String -Width 200) -split '\r?\n' | Where-Object { $_.Trim() })
        $shown.Count | Should -Be $local.Count
        $shown[0] | Should -BeLike 'Start (local)*Server*Outcome*Failure*'
        # The same columns, and then the one remoting adds: the computer each came from.
        for ($i = 0; $i -lt $local.Count; $i++) {
            $shown[$i].StartsWith($local[$i].TrimEnd()) | Should -BeTrue -Because "line $i of the view: '$($shown[$i])' and '$($local[$i])'"
        }
        $shown[0] | Should -BeLike '*PSComputerName'
    }
}

Describe 'Get-HybridSmtpLogEntry and Get-HybridMessageTrackingLog -Session' {
    BeforeEach {
        if ($script:unsupported) { Set-ItResult -Skipped -Because $script:unsupported }
    }

    It 'gives the protocol-log lines of all servers in time order, as a local read' {
        $remote = @(Get-HybridSmtpLogEntry -Session $sessions -RemoteAddress 40.92.0.0/15, 40.107.0.0/16)
        $local = @(Get-HybridSmtpLogEntry -Path $localFolders -RemoteAddress 40.92.0.0/15, 40.107.0.0/16)
        $remote.Count | Should -BeGreaterThan 100
        ($remote | Get-Identity -Property Server, SessionId, SequenceNumber, DateTimeUtc) | Should -Be ($local | Get-Identity -Property Server, SessionId, SequenceNumber, DateTimeUtc)
    }

    It 'gives the tracking events of all servers in time order, and -ResultSize the oldest of them all' {
        $remote = @(Get-HybridMessageTrackingLog -Session $sessions)
        $local = @(Get-HybridMessageTrackingLog -Path $localFolders)
        $property = 'Server', 'TimestampUtc', 'EventId', 'MessageId', 'RecipientsText'
        ($remote | Get-Identity -Property $property) | Should -Be ($local | Get-Identity -Property $property)
        $first = @(Get-HybridMessageTrackingLog -Session $sessions -ResultSize 5)
        ($first | Get-Identity -Property $property) | Should -Be ($local | Select-Object -First 5 | Get-Identity -Property $property)
    }
}

Describe 'Get-HybridMailFlowSummary -Session' {
    BeforeEach {
        if ($script:unsupported) { Set-ItResult -Skipped -Because $script:unsupported }
    }

    It 'adds up the counts each server made of its own logs into the summary of one read of them all' {
        $remote = Get-HybridMailFlowSummary -Session $sessions -Top 50
        $local = Get-HybridMailFlowSummary -Path $localFolders -Top 50
        $property = 'Category', 'Name', 'Count', 'Percent', 'Seconds', 'Detail'
        ($remote | Get-Identity -Property $property) | Should -Be ($local | Get-Identity -Property $property)
        # A message seen by two servers is one message, as in one read.
        ($remote | Where-Object { $_.Category -eq 'Total' -and $_.Name -eq 'Messages' }).Count | Should -BeLessThan (
            ($remote | Where-Object { $_.Category -eq 'EventId' -and $_.Name -eq 'RECEIVE' }).Count)
    }
}

Describe 'Trace-HybridMessage -Session' {
    BeforeEach {
        if ($script:unsupported) { Set-ItResult -Skipped -Because $script:unsupported }
    }

    It 'traces each message once across the servers, as a trace of all their folders read here gives it: <Name>' -TestCases @(
        # Received from Exchange Online by the Edge server, relayed to the mailbox servers.
        @{ Name = 'by Message-ID'; Query = @{ MessageId = '<JH0PR01MB5544C6D7E8F9A0B1@JH0PR01MB5544.apcprd01.prod.outlook.com>' } }
        # Exchange Online's trace, read here, names the messages the servers look for.
        @{ Name = 'by sender, with Exchange Online''s trace'; Query = @{ Sender = 'raghu@cloudmonkeys.xyz' }; Trace = $true }
    ) {
        param($Query, $Trace)
        if ($Trace) { $Query.MessageTrace = Join-Path $PSScriptRoot '../../samples/exo/MessageTraceV2.csv' }
        $remote = @(Trace-HybridMessage @Query -Session $sessions -ErrorVariable failures)
        $local = @(Trace-HybridMessage @Query -TrackingLogPath $localFolders -ProtocolLogPath $localFolders)
        $failures | Should -BeNullOrEmpty
        $local.Count | Should -BeGreaterThan 0
        $property = 'MessageId', 'Recipient', 'FirstSeenUtc', 'LastSeenUtc', 'Location', 'LocationServer', 'HopCount', 'Summary', 'Flags'
        ($remote | Get-Identity -Property $property) | Should -Be ($local | Get-Identity -Property $property)
        # Each hop names the server's own file and line, as the local trace does.
        $hop = 'TimeUtc', 'Server', 'Component', 'Event', 'Status', 'SessionId', 'JoinedBy', 'Path', 'LineNumber'
        ($remote.Hops | Get-Identity -Property $hop) | Should -Be ($local.Hops | Get-Identity -Property $hop)
        @($remote.Hops.Server | Where-Object { $_ -like 'CM*' } | Sort-Object -Unique).Count | Should -BeGreaterThan 1
    }

    It 'says what it looked for and on which servers when nothing is found' {
        $none = @(Trace-HybridMessage -MessageId '<none@cloudmonkeys.xyz>' -Session $sessions -WarningVariable warned -WarningAction SilentlyContinue)
        $none.Count | Should -Be 0
        "$warned" | Should -BeLike '*<none@cloudmonkeys.xyz>*logs of 127.0.0.2, 127.0.0.3, 127.0.0.4*'
    }
}

Describe 'Objects from servers as input' {
    BeforeAll {
        if ($script:unsupported) { return }
        $script:remoteSessions = @(Get-HybridSmtpSession -Session $sessions)
        $script:localSessions = @(Get-HybridSmtpSession -Path $localFolders)
    }
    BeforeEach {
        if ($script:unsupported) { Set-ItResult -Skipped -Because $script:unsupported }
    }

    It 'Resolve-HybridSmtpError diagnoses them as it does local ones' {
        $remote = $remoteSessions | Where-Object Outcome -ne 'Delivered' | Resolve-HybridSmtpError
        $local = $localSessions | Where-Object Outcome -ne 'Delivered' | Resolve-HybridSmtpError
        @($remote).Count | Should -BeGreaterThan 0
        ($remote | Get-Identity -Property RuleId, Source) | Should -Be ($local | Get-Identity -Property RuleId, Source)
    }

    It 'Get-HybridMailFlowSummary counts them as it does local ones' {
        $remote = $remoteSessions | Get-HybridMailFlowSummary
        $local = $localSessions | Get-HybridMailFlowSummary
        ($remote | Get-Identity -Property Category, Name, Count, Detail) | Should -Be ($local | Get-Identity -Property Category, Name, Count, Detail)
    }

    It 'Trace-HybridMessage traces the messages of tracking events from servers' {
        $events = Get-HybridMessageTrackingLog -Session $sessions -EventId FAIL
        $timelines = @($events | Trace-HybridMessage -TrackingLogPath $localFolders -ProtocolLogPath $localFolders)
        $timelines.Count | Should -BeGreaterThan 0
        @($timelines.MessageId | Sort-Object -Unique) | Should -Be @($events.MessageId | Sort-Object -Unique)
    }

    It 'Export-HybridCsv writes the columns of local objects, and the server' {
        $remoteCsv = Join-Path $root 'remote.csv'
        $localCsv = Join-Path $root 'local.csv'
        $remoteSessions | Export-HybridCsv -Path $remoteCsv
        $localSessions | Export-HybridCsv -Path $localCsv
        $remoteRows = Import-Csv -LiteralPath $remoteCsv
        $localRows = Import-Csv -LiteralPath $localCsv
        $remoteColumns = $remoteRows[0].PSObject.Properties.Name
        $remoteColumns | Should -Not -Contain 'RunspaceId'
        @($remoteColumns | Where-Object { $_ -ne 'PSComputerName' }) | Should -Be @($localRows[0].PSObject.Properties.Name)
        ($remoteRows | Get-Identity -Property SessionId, Outcome, RecipientsText, Failure) | Should -Be ($localRows | Get-Identity -Property SessionId, Outcome, RecipientsText, Failure)
    }

    It 'Export-HybridMailFlowReport reports them' {
        $report = $remoteSessions | Export-HybridMailFlowReport -Path (Join-Path $root 'report.html')
        $local = $localSessions | Export-HybridMailFlowReport -Path (Join-Path $root 'report-local.html')
        $report.Sessions | Should -Be $remoteSessions.Count
        $report.Failures | Should -BeGreaterThan 0
        $report.Failures | Should -Be $local.Failures
        $report.Diagnoses | Should -Be $local.Diagnoses
        @($report.Servers | Sort-Object) | Should -Be @('CMEDGE01', 'CMHYBD01', 'CMHYBD02')
    }
}

Describe 'Servers that fail' {
    BeforeEach {
        if ($script:unsupported) { Set-ItResult -Skipped -Because $script:unsupported }
    }

    It 'says which server lacks the module and how to install it, and the others'' results arrive' {
        $without = New-HybridSshLabSession -Lab $lab -Name CMHYBD03
        $result = @(Get-HybridSmtpSession -Session ($sessions[0], $without) -ErrorVariable failures -ErrorAction SilentlyContinue)
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'HybridMailFlow.RemoteModuleMissing*'
        $failures[0].TargetObject | Should -Be '127.0.0.5'
        $failures[0].Exception.Message | Should -BeLike '127.0.0.5: HybridMailFlow is not installed on this server. Install HybridMailFlow 0.1.0 on the server: copy the module*PSModulePath*'
        ($result | Get-Identity -Property Server, SessionId) | Should -Be (Get-HybridSmtpSession -Path $folders.CMHYBD01 | Get-Identity -Property Server, SessionId)
    }

    It 'says that a server has another version of the module' {
        $old = New-HybridSshLabSession -Lab $lab -Name CMHYBD04
        $null = Get-HybridMessageTrackingLog -Session $old -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'HybridMailFlow.RemoteModuleVersion*'
        $failures[0].Exception.Message | Should -BeLike '127.0.0.6: HybridMailFlow 0.0.9 is installed on this server, not 0.1.0 as on the computer that asked*'
    }

    It 'says which server has no logs where it was asked to read, and the others'' results arrive' {
        $empty = Join-Path $root 'no-logs'
        $null = New-Item -ItemType Directory -Path $empty -Force
        # The same -Path on each server: here, one of them points it at a folder without logs.
        $result = @(Get-HybridMessageTrackingLog -Session $sessions[0] -Path $empty -ErrorVariable failures -ErrorAction SilentlyContinue)
        $result.Count | Should -Be 0
        $failures.Count | Should -Be 1
        $failures[0].Exception.Message | Should -BeLike "127.0.0.2: *$empty*message tracking log*"
        $failures[0].TargetObject | Should -Be '127.0.0.2'
    }

    It 'gives the error of a server stopped while the others answer, naming it and the fix' {
        $fresh = @($names | ForEach-Object { New-HybridSshLabSession -Lab $lab -Name $_ })
        Stop-HybridSshLabServer -Lab $lab -Name CMHYBD02
        $result = @(Get-HybridSmtpSession -Session $fresh -ErrorVariable failures -ErrorAction SilentlyContinue)
        $failures.Count | Should -BeGreaterThan 0
        $failures[0].TargetObject | Should -Be '127.0.0.3'
        $failures[0].Exception.Message | Should -BeLike '127.0.0.3: *'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'HybridMailFlow.ServerUnreachable*'
        $failures[0].Exception.Message | Should -BeLike '*PowerShell remoting is enabled there*'
        $others = Get-HybridSmtpSession -Path $folders.CMHYBD01, $folders.CMEDGE01
        ($result | Get-Identity -Property Server, SessionId, Outcome) | Should -Be ($others | Get-Identity -Property Server, SessionId, Outcome)
    }
}
