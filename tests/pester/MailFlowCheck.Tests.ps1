# Invoke-HybridMailFlowCheck: the lab guide's three checklists, run against the Exchange cmdlets (mocked here, as
# the Exchange Management Shell and Windows would answer on the lab's CMHYBD01 and CMEDGE01), and its DNS and SMTP
# probes (mocked, and on Linux against the lab's knotd and postfix).

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force
    . (Join-Path $PSScriptRoot 'Lab/LabServers.ps1')
    $script:savedInstallPath = $env:ExchangeInstallPath
    $env:ExchangeInstallPath = $null

    $script:exchangeCommands = @(
        'Get-Service', 'Get-MailboxDatabase', 'Get-Queue', 'Get-SendConnector', 'Get-AcceptedDomain', 'Get-TransportService',
        'Get-FrontendTransportService', 'Get-OutboundConnector', 'Get-ReceiveConnector', 'Get-ExchangeCertificate',
        'Get-EdgeSubscription', 'Test-NetConnection', 'Test-EdgeSynchronization', 'Get-ExchangeServer'
    )
    # Stand-ins for the Exchange and Windows cmdlets, so that Mock has commands to replace; removed after the tests.
    function Add-ExchangeStandIns {
        foreach ($name in $script:exchangeCommands) {
            # The parameters the checklists pass, so that the mocks see them by name.
            Set-Item -Path "Function:\global:$name" -Value {
                param($Name, $ComputerName, $Port, $Server, $Identity, [switch] $Status, [switch] $FullCompareMode)
            }
        }
    }
    function Remove-ExchangeStandIns {
        foreach ($name in $script:exchangeCommands) {
            Remove-Item -Path "Function:\$name" -ErrorAction SilentlyContinue
        }
    }

    function Get-Step {
        param($Checks, [int] $Step)
        @($Checks | Where-Object { $_.Step -eq $Step })
    }

    # A check as Test-HybridDnsRecord returns it.
    function New-DnsAnswer {
        param([string] $Check, [string] $Name, [string] $Result, [string] $Evidence, [string] $Message = "$Name checked.", [string] $Fix, [string] $Record, [string] $Command)
        [pscustomobject]@{ DomainName = $Name; Check = $Check; Name = $Name; Result = $Result; Message = $Message; Evidence = $Evidence; Fix = $Fix; Record = $Record; Command = $Command }
    }

    # DNS as the lab's answers it: the MX at Exchange Online, every host name at an internal address.
    function Set-HealthyDns {
        Mock -ModuleName HybridMailFlow Test-HybridDnsRecord {
            if ($Check -contains 'MX') { return New-DnsAnswer MX "$DomainName" Pass '0 cloudmonkeys-xyz.mail.protection.outlook.com' }
            foreach ($name in $HostName) { New-DnsAnswer HostAddress $name Warn '172.16.10.5 (Private)' }
        }
    }

    # The lab in good health: what each cmdlet returns.
    function Set-HealthyLab {
        Mock -ModuleName HybridMailFlow Get-Service {
            if ($Name -eq 'ADAM_MSExchange') { return }
            foreach ($service in 'MSExchangeADTopology', 'MSExchangeFrontEndTransport', 'MSExchangeIS', 'MSExchangeSubmission', 'MSExchangeDelivery', 'MSExchangeTransport') {
                [pscustomobject]@{ Name = $service; Status = 'Running'; StartType = 'Automatic' }
            }
            [pscustomobject]@{ Name = 'MSExchangeImap4'; Status = 'Stopped'; StartType = 'Manual' }
        }
        Mock -ModuleName HybridMailFlow Get-MailboxDatabase { [pscustomobject]@{ Name = 'Mailbox Database 0412'; Server = 'CMHYBD01'; Mounted = $true } }
        Mock -ModuleName HybridMailFlow Get-Queue {
            [pscustomobject]@{ PSTypeName = 'Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo'; Identity = 'CMHYBD01\Submission'; DeliveryType = 'Undefined'; NextHopDomain = 'Submission'; Status = 'Ready'; MessageCount = 0; LastError = '' }
            [pscustomobject]@{ PSTypeName = 'Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo'; Identity = 'CMHYBD01\4'; DeliveryType = 'SmtpDeliveryToExchangeOnline'; NextHopDomain = 'cloudfield.mail.onmicrosoft.com'; Status = 'Ready'; MessageCount = 0; LastError = '' }
        }
        Mock -ModuleName HybridMailFlow Get-AcceptedDomain {
            [pscustomobject]@{ DomainName = 'cloudmonkeys.xyz'; DomainType = 'Authoritative' }
            [pscustomobject]@{ DomainName = 'cloudfield.mail.onmicrosoft.com'; DomainType = 'InternalRelay' }
        }
        Mock -ModuleName HybridMailFlow Get-SendConnector {
            [pscustomobject]@{
                Identity = 'Outbound to Office 365 - 6a0f3b1e-2c4d-4e8f-9a1b-3c5d7e9f1a2b'; Name = 'Outbound to Office 365 - 6a0f3b1e-2c4d-4e8f-9a1b-3c5d7e9f1a2b'
                AddressSpaces = @('smtp:cloudfield.mail.onmicrosoft.com;1'); Enabled = $true; IsScopedConnector = $false; DNSRoutingEnabled = $true
                TlsAuthLevel = 'DomainValidation'; TlsDomain = 'mail.protection.outlook.com'; RequireTLS = $true; CloudServicesMailEnabled = $true
                Fqdn = 'mail.cloudmonkeys.xyz'; ProtocolLoggingLevel = 'Verbose'; TlsCertificateName = "<I>CN=R11, O=Let's Encrypt, C=US<S>CN=mail.cloudmonkeys.xyz"
            }
        }
        Mock -ModuleName HybridMailFlow Get-TransportService {
            [pscustomobject]@{ PSTypeName = 'Microsoft.Exchange.Data.Directory.SystemConfiguration.TransportServer'; Name = 'CMHYBD01'; InternalDNSServers = @('192.168.1.11'); InternalDNSAdapterEnabled = $false; ExternalDNSServers = @('8.8.8.8', '8.8.4.4'); ExternalDNSAdapterEnabled = $false }
        }
        Mock -ModuleName HybridMailFlow Get-FrontendTransportService {
            [pscustomobject]@{ PSTypeName = 'Microsoft.Exchange.Data.Directory.SystemConfiguration.FrontendTransportServerPresentationObject'; Name = 'CMHYBD01'; InternalDNSServers = @('192.168.1.11'); InternalDNSAdapterEnabled = $false; ExternalDNSServers = @('8.8.8.8', '8.8.4.4'); ExternalDNSAdapterEnabled = $false }
        }
        Set-HealthyDns
        # The endpoint Exchange Online connects to answers as its connector's validation needs.
        Mock -ModuleName HybridMailFlow Test-HybridSmtpEndpoint {
            [pscustomobject]@{ ComputerName = $ComputerName[0]; Port = 25; Banner = '220 CMHYBD01.cloudmonkeys.xyz Microsoft ESMTP MAIL Service ready'; Outcome = 'NoMessage'
                Result = 'Pass'; Reason = "$($ComputerName[0]):25 answered; STARTTLS with Tls12; certificate CN=mail.cloudmonkeys.xyz with a valid chain; it covers $ExpectedName."; Diagnosis = @() }
        }
        Mock -ModuleName HybridMailFlow Get-OutboundConnector {
            [pscustomobject]@{ Name = 'Outbound to 6a0f3b1e-2c4d-4e8f-9a1b-3c5d7e9f1a2b'; ConnectorType = 'OnPremises'; Enabled = $true; TlsSettings = 'DomainValidation'; TlsDomain = 'mail.cloudmonkeys.xyz'; SmartHosts = @('mail.cloudmonkeys.xyz'); IsValidated = $true; LastValidationTimestamp = [datetime]'2026-11-20 09:30'; ValidationRecipients = @('raghu@cloudmonkeys.xyz') }
        }
        Mock -ModuleName HybridMailFlow Get-ReceiveConnector {
            [pscustomobject]@{ Identity = 'CMHYBD01\Default Frontend CMHYBD01'; Server = 'CMHYBD01'; Bindings = @('[::]:25', '0.0.0.0:25'); RemoteIPRanges = @('0.0.0.0-255.255.255.255'); Fqdn = 'mail.cloudmonkeys.xyz'; TlsCertificateName = "<I>CN=R11, O=Let's Encrypt, C=US<S>CN=mail.cloudmonkeys.xyz"; TlsDomainCapabilities = @('mail.protection.outlook.com:AcceptCloudServicesMail'); AuthMechanism = 'Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer'; PermissionGroups = 'AnonymousUsers, ExchangeServers, ExchangeLegacyServers'; ProtocolLoggingLevel = 'Verbose' }
            [pscustomobject]@{ Identity = 'CMHYBD01\Client Frontend CMHYBD01'; Server = 'CMHYBD01'; Bindings = @('0.0.0.0:587'); RemoteIPRanges = @('0.0.0.0-255.255.255.255'); Fqdn = 'CMHYBD01.cloudmonkeys.xyz'; ProtocolLoggingLevel = 'None' }
        }
        Mock -ModuleName HybridMailFlow Get-ExchangeCertificate {
            [pscustomobject]@{ Identity = 'CMHYBD01\9F3C2E7A11B4D5E6F708192A3B4C5D6E7F809A1B'; Thumbprint = '9F3C2E7A11B4D5E6F708192A3B4C5D6E7F809A1B'; Subject = 'CN=mail.cloudmonkeys.xyz'; Issuer = "CN=R11, O=Let's Encrypt, C=US"; CertificateDomains = @('mail.cloudmonkeys.xyz', 'autodiscover.cloudmonkeys.xyz'); Services = 'IMAP, POP, IIS, SMTP'; NotBefore = (Get-Date).AddDays(-10); NotAfter = (Get-Date).AddDays(80); Status = 'Valid'; IsSelfSigned = $false; HasPrivateKey = $true }
        }
        Mock -ModuleName HybridMailFlow Find-HybridLogPath { [pscustomobject]@{ PSTypeName = 'HybridMailFlow.LogPath'; Server = 'CMHYBD01'; Service = 'FrontEnd'; LogKind = 'SmtpReceive'; Path = 'D:\Logs\FrontEnd\ProtocolLog\SmtpReceive'; Exists = $true } }
        Mock -ModuleName HybridMailFlow Get-HybridSmtpSession {
            [pscustomobject]@{ SessionId = '08DEA74796A6F101'; Start = [datetime]::UtcNow.AddHours(-1); RemoteAddress = '40.107.22.54'; IsExchangeOnline = $true; Outcome = 'Delivered' }
            [pscustomobject]@{ SessionId = '08DEA74796A6D002'; Start = [datetime]::UtcNow.AddHours(-2); RemoteAddress = '192.168.1.20'; IsExchangeOnline = $false; Outcome = 'Delivered' }
        }
        Mock -ModuleName HybridMailFlow Get-ExchangeServer { [pscustomobject]@{ Name = 'CMHYBD01'; Fqdn = 'CMHYBD01.cloudmonkeys.xyz'; ServerRole = 'Mailbox' } }
        Mock -ModuleName HybridMailFlow Get-EdgeSubscription { [pscustomobject]@{ Name = 'CMEDGE01'; Site = 'cloudmonkeys.xyz/Configuration/Sites/Default-First-Site-Name'; Domain = 'cloudmonkeys.xyz' } }
        Mock -ModuleName HybridMailFlow Test-NetConnection { [pscustomobject]@{ ComputerName = $ComputerName; RemotePort = $Port; TcpTestSucceeded = $true } }
        Mock -ModuleName HybridMailFlow Test-EdgeSynchronization {
            [pscustomobject]@{ Name = 'CMEDGE01'; LeaseHolder = 'CMHYBD01'; SyncStatus = 'Normal'; FailureDetail = ''; CredentialRecords = [pscustomobject]@{ Count = 2 } | Add-Member -MemberType ScriptMethod -Name ToString -Value { 'Number of credentials 2' } -Force -PassThru }
        }
    }
}

AfterAll {
    $env:ExchangeInstallPath = $script:savedInstallPath
}

Describe 'Invoke-HybridMailFlowCheck in the Exchange Management Shell' {
    BeforeAll { Add-ExchangeStandIns }
    AfterAll { Remove-ExchangeStandIns }
    BeforeEach { Set-HealthyLab }

    It 'passes every step of the three checklists on a healthy lab, one typed object per step' {
        $checks = @(Invoke-HybridMailFlowCheck -Server CMHYBD01)
        $checks | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'HybridMailFlow.MailFlowCheck' }
        $checks.Step | Should -Be (1..18)
        ($checks | Where-Object { $_.Step -le 6 }).Checklist | Select-Object -Unique | Should -Be 'MailStuckOnPremises'
        ($checks | Where-Object { $_.Step -ge 13 }).Checklist | Select-Object -Unique | Should -Be 'EdgeSync'
        $expected = @{ 13 = 'Skipped' }
        foreach ($check in $checks) {
            $want = 'Pass'
            if ($expected.ContainsKey($check.Step)) { $want = $expected[$check.Step] }
            "$($check.Result)" | Should -Be $want -Because "step $($check.Step) $($check.Check): $($check.Reason)"
        }
        (Get-Step $checks 13).Reason | Should -Match 'ADAM_MSExchange is not on this computer'
        (Get-Step $checks 5).Reason | Should -Match 'cloudfield\.mail\.onmicrosoft\.com goes by Outbound to Office 365'
        (Get-Step $checks 8).Reason | Should -Match '^1 connection\(s\) from Exchange Online'
        (Get-Step $checks 18).Reason | Should -Be 'CMEDGE01.cloudmonkeys.xyz resolves to 172.16.10.5.'
    }

    It 'mail stuck: names the stopped services and the dismounted database, and says to restart' {
        Mock -ModuleName HybridMailFlow Get-Service {
            [pscustomobject]@{ Name = 'MSExchangeSubmission'; Status = 'Stopped'; StartType = 'Automatic' }
            [pscustomobject]@{ Name = 'MSExchangeTransport'; Status = 'Running'; StartType = 'Automatic' }
            [pscustomobject]@{ Name = 'MSExchangeImap4'; Status = 'Stopped'; StartType = 'Manual' }
        }
        Mock -ModuleName HybridMailFlow Get-MailboxDatabase { [pscustomobject]@{ Name = 'Mailbox Database 0412'; Server = 'CMHYBD01'; Mounted = $false } }
        $checks = @(Invoke-HybridMailFlowCheck -Checklist MailStuckOnPremises -Server CMHYBD01)
        (Get-Step $checks 1).Result | Should -Be 'Fail'
        (Get-Step $checks 1).Reason | Should -Be 'Not running: MSExchangeSubmission.'
        (Get-Step $checks 1).Command | Should -Be "Start-Service -Name 'MSExchangeSubmission'"
        (Get-Step $checks 2).Result | Should -Be 'Fail'
        (Get-Step $checks 2).Command | Should -Be "Mount-Database -Identity 'Mailbox Database 0412'"
        (Get-Step $checks 4).Result | Should -Be 'Warn'
        (Get-Step $checks 4).Command | Should -Be "Restart-Service -Name 'MSExchangeSubmission'; Restart-Service -Name 'MSExchangeTransport'"
    }

    It 'mail stuck: explains a stuck queue with Get-HybridQueueDiagnosis and an unrouted domain with Test-HybridSendConnector' {
        Mock -ModuleName HybridMailFlow Get-Queue {
            [pscustomobject]@{ PSTypeName = 'Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo'; Identity = 'CMHYBD01\Unreachable'; DeliveryType = 'Unreachable'; NextHopDomain = 'Unreachable Domain'; Status = 'Ready'; MessageCount = 2; LastError = 'A matching connector cannot be found to route the external recipient' }
        }
        $checks = @(Invoke-HybridMailFlowCheck -Checklist MailStuckOnPremises -Server CMHYBD01 -RecipientDomain cloudfield.onmicrosoft.com)
        $queue = Get-Step $checks 3
        $queue.Result | Should -Be 'Fail'
        $queue.Reason | Should -Match 'CMHYBD01\\Unreachable \(Unreachable, 2\)'
        $queue.Command | Should -Match ([regex]::Escape("Retry-Queue -Identity 'CMHYBD01\Unreachable' -Resubmit `$true"))
        $route = Get-Step $checks 5
        $route.Result | Should -Be 'Fail'
        $route.Reason | Should -Match 'No send connector routes cloudfield\.onmicrosoft\.com'
        $route.Command | Should -Match ([regex]::Escape("Set-SendConnector -Identity 'Outbound to Office 365 - 6a0f3b1e-2c4d-4e8f-9a1b-3c5d7e9f1a2b' -AddressSpaces @{Add='smtp:cloudfield.onmicrosoft.com;1'}"))
        (Get-Step $checks 4).Result | Should -Be 'Warn'
    }

    It 'mail stuck: fails the external DNS step with the lab guide''s command' {
        Mock -ModuleName HybridMailFlow Get-TransportService {
            [pscustomobject]@{ PSTypeName = 'Microsoft.Exchange.Data.Directory.SystemConfiguration.TransportServer'; Name = 'CMHYBD01'; InternalDNSServers = @('192.168.1.11'); InternalDNSAdapterEnabled = $false; ExternalDNSServers = @(); ExternalDNSAdapterEnabled = $false }
        }
        $dns = Get-Step @(Invoke-HybridMailFlowCheck -Checklist MailStuckOnPremises -Server CMHYBD01) 6
        $dns.Result | Should -Be 'Fail'
        $dns.Command | Should -Be "Set-TransportService 'CMHYBD01' -ExternalDNSServers '8.8.8.8','8.8.4.4' -ExternalDNSAdapterEnabled `$false"
    }

    It 'Exchange Online to on-premises: the lab''s SubjectMismatch, PRX2 and an MX that bypasses Exchange Online' {
        Mock -ModuleName HybridMailFlow Get-ReceiveConnector {
            [pscustomobject]@{ Identity = 'CMHYBD01\Default Frontend CMHYBD01'; Server = 'CMHYBD01'; Bindings = @('0.0.0.0:25'); RemoteIPRanges = @('0.0.0.0-255.255.255.255'); Fqdn = 'cmedge01.cloudmonkeys.xyz'; TlsCertificateName = "<I>CN=R11, O=Let's Encrypt, C=US<S>CN=mail.cloudmonkeys.xyz"; TlsDomainCapabilities = @('mail.protection.outlook.com:AcceptCloudServicesMail'); ProtocolLoggingLevel = 'None' }
        }
        Mock -ModuleName HybridMailFlow Get-FrontendTransportService {
            [pscustomobject]@{ PSTypeName = 'Microsoft.Exchange.Data.Directory.SystemConfiguration.FrontendTransportServerPresentationObject'; Name = 'CMHYBD01'; InternalDNSServers = @('202.88.152.10', '202.88.152.8', '192.168.1.11'); InternalDNSAdapterEnabled = $true; ExternalDNSServers = @(); ExternalDNSAdapterEnabled = $true }
        }
        Mock -ModuleName HybridMailFlow Test-HybridDnsRecord {
            New-DnsAnswer MX "$DomainName" Fail '10 mail.cloudmonkeys.xyz' -Message 'The MX of cloudmonkeys.xyz points to mail.cloudmonkeys.xyz (preference 10), not to Exchange Online.' `
                -Fix 'Point the MX at Exchange Online.' -Record 'cloudmonkeys.xyz. 3600 IN MX 0 cloudmonkeys-xyz.mail.protection.outlook.com.'
        } -ParameterFilter { $Check -contains 'MX' }
        $checks = @(Invoke-HybridMailFlowCheck -Checklist ExchangeOnlineToOnPremises -Server CMHYBD01)
        $checks.Step | Should -Be (7..12)
        (Get-Step $checks 7).Result | Should -Be 'Fail'
        (Get-Step $checks 7).Evidence | Should -Be 'cloudmonkeys.xyz: MX 10 mail.cloudmonkeys.xyz'
        (Get-Step $checks 7).Reason | Should -Be 'The MX of cloudmonkeys.xyz points to mail.cloudmonkeys.xyz (preference 10), not to Exchange Online.'
        (Get-Step $checks 7).Fix | Should -Be 'Point the MX at Exchange Online. Publish: cloudmonkeys.xyz. 3600 IN MX 0 cloudmonkeys-xyz.mail.protection.outlook.com.'
        $tls = Get-Step $checks 10
        $tls.Result | Should -Be 'Fail'
        $tls.Reason | Should -Match 'SubjectMismatch: the Fqdn cmedge01\.cloudmonkeys\.xyz'
        $tls.Command | Should -Be "Set-ReceiveConnector 'CMHYBD01\Default Frontend CMHYBD01' -Fqdn 'mail.cloudmonkeys.xyz'"
        (Get-Step $checks 11).Result | Should -Be 'Warn'
        (Get-Step $checks 11).Command | Should -Be "Set-ReceiveConnector 'CMHYBD01\Default Frontend CMHYBD01' -ProtocolLoggingLevel Verbose"
        $dns = Get-Step $checks 12
        $dns.Result | Should -Be 'Fail'
        $dns.Command | Should -Be "Set-FrontendTransportService 'CMHYBD01' -InternalDNSServers '192.168.1.11' -InternalDNSAdapterEnabled `$false"
    }

    It 'Exchange Online to on-premises: fails step 12 when this server cannot resolve an Exchange server''s name' {
        Mock -ModuleName HybridMailFlow Test-HybridDnsRecord {
            New-DnsAnswer HostAddress "$HostName" Fail "$HostName does not exist (NXDOMAIN)"
        } -ParameterFilter { $Check -contains 'HostAddress' }
        $dns = Get-Step @(Invoke-HybridMailFlowCheck -Checklist ExchangeOnlineToOnPremises -Server CMHYBD01) 12
        $dns.Result | Should -Be 'Fail'
        $dns.Reason | Should -Match '^This server cannot resolve CMHYBD01\.cloudmonkeys\.xyz'
    }

    It 'Exchange Online to on-premises: warns when no connection from Exchange Online is in the logs, and about an unvalidated connector' {
        Mock -ModuleName HybridMailFlow Get-HybridSmtpSession { [pscustomobject]@{ SessionId = '08DEA74796A6D002'; Start = [datetime]::UtcNow; RemoteAddress = '192.168.1.20'; IsExchangeOnline = $false; Outcome = 'Delivered' } }
        Mock -ModuleName HybridMailFlow Get-OutboundConnector {
            [pscustomobject]@{ Name = 'Outbound to 6a0f3b1e-2c4d-4e8f-9a1b-3c5d7e9f1a2b'; ConnectorType = 'OnPremises'; Enabled = $true; TlsSettings = 'DomainValidation'; TlsDomain = 'mail.cloudmonkeys.xyz'; SmartHosts = @('mail.cloudmonkeys.xyz'); IsValidated = $false; ValidationRecipients = @() }
        }
        $checks = @(Invoke-HybridMailFlowCheck -Checklist ExchangeOnlineToOnPremises -Server CMHYBD01 -ValidationRecipient raghu@cloudmonkeys.xyz -Hours 6)
        (Get-Step $checks 8).Result | Should -Be 'Warn'
        (Get-Step $checks 8).Reason | Should -Be ('No connection from Exchange Online in the SmtpReceive logs of the last 6 hours. mail.cloudmonkeys.xyz:25 answers from this computer ' +
            '(220 CMHYBD01.cloudmonkeys.xyz Microsoft ESMTP MAIL Service ready): the SMTP service listens, so look at the router''s forwarding of TCP 25 from the internet and the firewalls.')
        (Get-Step $checks 9).Result | Should -Be 'Warn'
        (Get-Step $checks 9).Command | Should -Be "Validate-OutboundConnector -Identity 'Outbound to 6a0f3b1e-2c4d-4e8f-9a1b-3c5d7e9f1a2b' -Recipients 'raghu@cloudmonkeys.xyz'"
    }

    It 'Exchange Online to on-premises: probes the outbound connector''s smart host as its validation does, and fails step 9 with the probe''s diagnosis' {
        Mock -ModuleName HybridMailFlow Test-HybridSmtpEndpoint {
            [pscustomobject]@{ ComputerName = $ComputerName[0]; Port = 25; Banner = '220 cmedge01.cloudmonkeys.xyz Microsoft ESMTP MAIL Service ready'; Outcome = 'TlsFailed'; Result = 'Fail'
                Reason = 'The certificate does not cover mail.cloudmonkeys.xyz (subject CN=cmedge01.cloudmonkeys.xyz; names cmedge01.cloudmonkeys.xyz): the connector that expects that name refuses it with SubjectMismatch.'
                Diagnosis = @([pscustomobject]@{ RuleId = 'EXO-4.4.317-SubjectMismatch'; Title = 'Exchange Online rejects the on-premises certificate: subject mismatch (4.4.317)'; Fix = @('Keep one certificate for the public name enabled for SMTP.') }) }
        }
        $checks = @(Invoke-HybridMailFlowCheck -Checklist ExchangeOnlineToOnPremises -Server CMHYBD01)
        Should -Invoke -ModuleName HybridMailFlow Test-HybridSmtpEndpoint -Times 1 -Exactly -ParameterFilter {
            $ComputerName -eq 'mail.cloudmonkeys.xyz' -and $ExpectedName -eq 'mail.cloudmonkeys.xyz' -and $To -eq 'raghu@cloudmonkeys.xyz'
        }
        $step = Get-Step $checks 9
        $step.Result | Should -Be 'Fail'
        $step.Reason | Should -Match '^mail\.cloudmonkeys\.xyz:25 fails what the connector''s validation needs \(TlsFailed\): The certificate does not cover mail\.cloudmonkeys\.xyz'
        $step.Reason | Should -Match 'is enabled and validated'
        $step.Fix | Should -Be 'Exchange Online rejects the on-premises certificate: subject mismatch (4.4.317): Keep one certificate for the public name enabled for SMTP.'
        $step.Command | Should -Be "Test-HybridSmtpEndpoint -ComputerName 'mail.cloudmonkeys.xyz' -ExpectedName 'mail.cloudmonkeys.xyz' -To 'raghu@cloudmonkeys.xyz'"
        # The logs showed Exchange Online's connections: step 8 passes on them.
        (Get-Step $checks 8).Result | Should -Be 'Pass'
    }

    It 'Exchange Online to on-premises: an endpoint that cannot be reached from here is not judged; steps 8 and 9 say the probe was skipped and why' {
        $script:closedPort = Get-ClosedPort
        Mock -ModuleName HybridMailFlow Get-OutboundConnector {
            [pscustomobject]@{ Name = 'Outbound to 6a0f3b1e-2c4d-4e8f-9a1b-3c5d7e9f1a2b'; ConnectorType = 'OnPremises'; Enabled = $true; TlsSettings = 'DomainValidation'; TlsDomain = 'mail.cloudmonkeys.xyz'; SmartHosts = @('127.0.0.1'); IsValidated = $true; LastValidationTimestamp = [datetime]'2026-11-20 09:30'; ValidationRecipients = @() }
        }
        Mock -ModuleName HybridMailFlow Test-HybridSmtpEndpoint { HybridMailFlow\Test-HybridSmtpEndpoint @PesterBoundParameters -Port $script:closedPort -TimeoutSeconds 5 }
        Mock -ModuleName HybridMailFlow Get-HybridSmtpSession { }
        $checks = @(Invoke-HybridMailFlowCheck -Checklist ExchangeOnlineToOnPremises -Server CMHYBD01)
        $skipped = "The probe of 127.0.0.1:25 was skipped: it cannot be reached from this computer (The connection to 127.0.0.1:$($script:closedPort) was refused"
        $step9 = Get-Step $checks 9
        $step9.Result | Should -Be 'Pass'
        $step9.Reason | Should -BeLike "The connector Outbound to 6a0f3b1e-2c4d-4e8f-9a1b-3c5d7e9f1a2b is enabled and validated (*). $skipped*"
        $step8 = Get-Step $checks 8
        $step8.Result | Should -Be 'Warn'
        $step8.Reason | Should -BeLike "No connection from Exchange Online in the SmtpReceive logs of the last 24 hours. $skipped*run Test-HybridSmtpEndpoint -ComputerName '127.0.0.1' -ExpectedName 'mail.cloudmonkeys.xyz' from outside."
    }

    It 'Exchange Online to on-premises: without Exchange Online PowerShell, the -HybridName endpoint is probed instead' {
        Mock -ModuleName HybridMailFlow Get-OutboundConnector { throw 'Connect-ExchangeOnline first' }
        $checks = @(Invoke-HybridMailFlowCheck -Checklist ExchangeOnlineToOnPremises -Server CMHYBD01 -HybridName mail.cloudmonkeys.xyz)
        Should -Invoke -ModuleName HybridMailFlow Test-HybridSmtpEndpoint -Times 1 -Exactly -ParameterFilter { $ComputerName -eq 'mail.cloudmonkeys.xyz' -and $ExpectedName -eq 'mail.cloudmonkeys.xyz' }
        $step = Get-Step $checks 9
        $step.Result | Should -Be 'Pass'
        $step.Reason | Should -Match '^mail\.cloudmonkeys\.xyz:25 answers as Exchange Online''s connector needs: .*Get-OutboundConnector failed: Connect-ExchangeOnline first The connector itself was not read\.\)$'
        $step.Command | Should -Be "Test-HybridSmtpEndpoint -ComputerName 'mail.cloudmonkeys.xyz' -ExpectedName 'mail.cloudmonkeys.xyz'"
    }

    It 'EdgeSync: LDAP unavailable with CredentialRecords 0 gives the re-subscription, closed ports the firewall rule' {
        Mock -ModuleName HybridMailFlow Test-NetConnection { [pscustomobject]@{ ComputerName = $ComputerName; RemotePort = $Port; TcpTestSucceeded = ($Port -eq 50636) } }
        Mock -ModuleName HybridMailFlow Test-EdgeSynchronization {
            [pscustomobject]@{
                Name = 'CMEDGE01'; LeaseHolder = ''; SyncStatus = 'Failed'
                FailureDetail = "EdgeSync service cannot connect to this subscription because of error 'The LDAP server is unavailable.'"
                CredentialRecords = 'Number of credentials 0'
            }
        }
        $checks = @(Invoke-HybridMailFlowCheck -Checklist EdgeSync -Server CMHYBD01)
        $checks.Step | Should -Be (13..18)
        (Get-Step $checks 14).Result | Should -Be 'Fail'
        (Get-Step $checks 14).Evidence | Should -Be 'CMEDGE01.cloudmonkeys.xyz:50389 TcpTestSucceeded=False; CMEDGE01.cloudmonkeys.xyz:50636 TcpTestSucceeded=True'
        (Get-Step $checks 17).Command | Should -Be "New-NetFirewallRule -DisplayName 'EdgeSync LDAP' -Direction Inbound -Protocol TCP -LocalPort 50389,50636 -Action Allow"
        (Get-Step $checks 15).Result | Should -Be 'Fail'
        (Get-Step $checks 15).Reason | Should -Match 'The LDAP server is unavailable'
        $credentials = Get-Step $checks 16
        $credentials.Result | Should -Be 'Fail'
        $credentials.Command | Should -Be ("Remove-EdgeSubscription -Identity 'CMEDGE01' -Confirm:`$false; " +
            "New-EdgeSubscription -FileData ([byte[]]`$(Get-Content -Path 'C:\EdgeSub.xml' -Encoding Byte -ReadCount 0)) -Site 'Default-First-Site-Name'; Start-EdgeSynchronization -Server 'CMHYBD01'")
    }

    It 'EdgeSync: a stopped ADAM service on the Edge, and an Edge name that does not resolve' {
        Mock -ModuleName HybridMailFlow Get-Service { [pscustomobject]@{ Name = 'ADAM_MSExchange'; Status = 'Stopped'; StartType = 'Automatic' } }
        Mock -ModuleName HybridMailFlow Test-HybridDnsRecord { New-DnsAnswer HostAddress "$HostName" Fail "$HostName does not exist (NXDOMAIN)" }
        $checks = @(Invoke-HybridMailFlowCheck -Checklist EdgeSync -Server CMHYBD01 -EdgeServer CMEDGE01.cloudmonkeys.xyz)
        (Get-Step $checks 13).Result | Should -Be 'Fail'
        (Get-Step $checks 13).Command | Should -Be "Start-Service -Name 'ADAM_MSExchange'"
        (Get-Step $checks 18).Result | Should -Be 'Fail'
        (Get-Step $checks 18).Reason | Should -Match 'CMEDGE01\.cloudmonkeys\.xyz does not exist \(NXDOMAIN\)'
    }

    It 'exports flat to CSV' {
        $csv = @(Invoke-HybridMailFlowCheck -Checklist EdgeSync -Server CMHYBD01 | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv)
        $csv.Count | Should -Be 6
        $csv[0].PSObject.Properties.Name | Should -Be @('Checklist', 'Step', 'Check', 'Result', 'Reason', 'Evidence', 'Fix', 'Command', 'Server')
    }
}

Describe 'Invoke-HybridMailFlowCheck outside the Exchange Management Shell' {
    It 'skips each step whose cmdlet is absent, saying which, and still returns every step' {
        Mock -ModuleName HybridMailFlow Find-HybridLogPath { }
        $checks = @(Invoke-HybridMailFlowCheck -Server CMHYBD01 -WarningAction SilentlyContinue)
        $checks.Step | Should -Be (1..18)
        (Get-Step $checks 2).Result | Should -Be 'Skipped'
        (Get-Step $checks 2).Reason | Should -Be 'The cmdlet Get-MailboxDatabase is absent: run this in the Exchange Management Shell on the server.'
        (Get-Step $checks 3).Reason | Should -Match 'Get-Queue is absent'
        (Get-Step $checks 5).Reason | Should -Match 'Get-SendConnector is absent'
        (Get-Step $checks 9).Reason | Should -Match 'Get-OutboundConnector is absent: connect to Exchange Online PowerShell first'
        (Get-Step $checks 15).Reason | Should -Match 'Test-EdgeSynchronization is absent'
        (Get-Step $checks 14).Reason | Should -Match 'give -EdgeServer'
        $checks | ForEach-Object { "$($_.Result)" | Should -BeIn 'Skipped', 'Pass', 'Warn', 'Fail' }
    }
}

Describe 'Invoke-HybridMailFlowCheck probing the lab''s DNS and SMTP servers' {
    BeforeAll {
        $script:noLab = Get-LabUnavailableReason
        if (-not $script:noLab) {
            Assert-LabTools
            $root = Join-Path $TestDrive 'lab'
            $certificates = New-LabCertificates -Path (Join-Path $root 'certificates')
            $script:smtp = Start-LabSmtpServer -Path (Join-Path $root 'postfix') -Certificates $certificates
            $script:dnsGood = Start-LabDnsServer -Path (Join-Path $root 'knot-good') -Zones (Get-LabZones)
            $script:dnsMx = Start-LabDnsServer -Path (Join-Path $root 'knot-mx') -Zones (Get-LabZones -Break MxElsewhere)
        }
        Add-ExchangeStandIns
    }
    AfterAll {
        Remove-ExchangeStandIns
        if (-not $script:noLab) {
            Stop-LabSmtpServer $script:smtp
            Stop-LabDnsServer $script:dnsGood
            Stop-LabDnsServer $script:dnsMx
        }
    }
    BeforeEach {
        Set-HealthyLab
        # The real DNS probe, asking the lab's knotd.
        Mock -ModuleName HybridMailFlow Test-HybridDnsRecord { HybridMailFlow\Test-HybridDnsRecord @PesterBoundParameters }
    }

    It 'step 7 reads the MX from -DnsServer: Exchange Online first passes, an MX on-premises fails with the record to publish' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $good = Get-Step @(Invoke-HybridMailFlowCheck -Checklist ExchangeOnlineToOnPremises -Server CMHYBD01 -DnsServer $script:dnsGood.Server) 7
        $good.Result | Should -Be 'Pass'
        $good.Evidence | Should -Be 'cloudmonkeys.xyz: MX 0 cloudmonkeys-xyz.mail.protection.outlook.com'
        $wrong = Get-Step @(Invoke-HybridMailFlowCheck -Checklist ExchangeOnlineToOnPremises -Server CMHYBD01 -DnsServer $script:dnsMx.Server) 7
        $wrong.Result | Should -Be 'Fail'
        $wrong.Evidence | Should -Be 'cloudmonkeys.xyz: MX 10 mail.cloudmonkeys.xyz'
        $wrong.Reason | Should -Match 'points to mail\.cloudmonkeys\.xyz \(preference 10\), not to Exchange Online'
        $wrong.Fix | Should -Match ([regex]::Escape('Publish: cloudmonkeys.xyz. 3600 IN MX 0 cloudmonkeys-xyz.mail.protection.outlook.com.'))
        $wrong.Command | Should -Match ([regex]::Escape("Add-DnsServerResourceRecordMX -ZoneName 'cloudmonkeys.xyz' -Name '.' -MailExchange 'cloudmonkeys-xyz.mail.protection.outlook.com' -Preference 0"))
    }

    It 'step 18 resolves the Edge server''s name through -DnsServer' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $edge = Get-Step @(Invoke-HybridMailFlowCheck -Checklist EdgeSync -Server CMHYBD01 -EdgeServer cmedge01.cloudmonkeys.xyz -DnsServer $script:dnsGood.Server) 18
        $edge.Result | Should -Be 'Pass'
        $edge.Reason | Should -Be 'cmedge01.cloudmonkeys.xyz resolves to 192.168.1.25.'
        $missing = Get-Step @(Invoke-HybridMailFlowCheck -Checklist EdgeSync -Server CMHYBD01 -EdgeServer cmedge02.cloudmonkeys.xyz -DnsServer $script:dnsGood.Server) 18
        $missing.Result | Should -Be 'Fail'
        $missing.Reason | Should -Match '^cmedge02\.cloudmonkeys\.xyz does not resolve: cmedge02\.cloudmonkeys\.xyz does not exist \(NXDOMAIN\)'
    }

    It 'step 9 probes the smart host against postfix and finds the lab''s SubjectMismatch' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        Mock -ModuleName HybridMailFlow Get-OutboundConnector {
            [pscustomobject]@{ Name = 'Outbound to 6a0f3b1e-2c4d-4e8f-9a1b-3c5d7e9f1a2b'; ConnectorType = 'OnPremises'; Enabled = $true; TlsSettings = 'DomainValidation'; TlsDomain = 'mail.cloudmonkeys.xyz'; SmartHosts = @('127.0.0.1'); IsValidated = $true; LastValidationTimestamp = [datetime]'2026-11-20 09:30'; ValidationRecipients = @('raghu@cloudmonkeys.xyz') }
        }
        # Exchange Online connects on port 25; the lab's postfix presents CMEDGE01's certificate on a port of its own.
        Mock -ModuleName HybridMailFlow Test-HybridSmtpEndpoint { HybridMailFlow\Test-HybridSmtpEndpoint @PesterBoundParameters -Port $script:smtp.Ports.Mismatch }
        $step = Get-Step @(Invoke-HybridMailFlowCheck -Checklist ExchangeOnlineToOnPremises -Server CMHYBD01 -DnsServer $script:dnsGood.Server) 9
        $step.Result | Should -Be 'Fail'
        $step.Reason | Should -Match '^127\.0\.0\.1:25 fails what the connector''s validation needs \(TlsFailed\)'
        $step.Reason | Should -Match 'The certificate does not cover mail\.cloudmonkeys\.xyz \(subject CN=cmedge01\.cloudmonkeys\.xyz; names cmedge01\.cloudmonkeys\.xyz\)'
        $step.Evidence | Should -Match 'probe: TlsFailed'
        $step.Command | Should -Be "Test-HybridSmtpEndpoint -ComputerName '127.0.0.1' -ExpectedName 'mail.cloudmonkeys.xyz' -To 'raghu@cloudmonkeys.xyz'"
    }
}
