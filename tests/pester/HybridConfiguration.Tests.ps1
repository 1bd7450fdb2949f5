# Test-HybridCertificate, Test-HybridReceiveConnector and Test-HybridTransportDns, as an admin runs them on the
# output of the Exchange cmdlets: live objects, deserialized ones from a remote session, and CSV exports.

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force

    # Objects shaped like Get-ExchangeCertificate's on the lab's Mailbox server CMHYBD01.
    function New-Certificate {
        param(
            [string] $Thumbprint, [string] $Subject, [string] $Issuer, [string[]] $Domains, [string] $Services = 'IMAP, POP, IIS, SMTP',
            [int] $DaysLeft = 200, [bool] $SelfSigned = $false, [string] $Status = 'Valid', [bool] $PrivateKey = $true
        )
        [pscustomobject]@{
            PSTypeName         = 'Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate'
            Identity           = "CMHYBD01\$Thumbprint"
            Thumbprint         = $Thumbprint
            Subject            = $Subject
            Issuer             = $Issuer
            # Deserialized and re-imported, Exchange's list reads as object[]: what Export-Csv writes as System.Object[].
            CertificateDomains = @($Domains | ForEach-Object { $_ })
            Services           = $Services
            NotBefore          = (Get-Date).AddDays(-30)
            NotAfter           = (Get-Date).AddDays($DaysLeft)
            Status             = $Status
            IsSelfSigned       = $SelfSigned
            HasPrivateKey      = $PrivateKey
            RootCAType         = if ($SelfSigned) { 'None' } else { 'ThirdParty' }
        }
    }
    $script:letsEncrypt = New-Certificate -Thumbprint '9F3C2E7A11B4D5E6F708192A3B4C5D6E7F809A1B' -Subject 'CN=mail.cloudmonkeys.xyz' -Issuer "CN=R11, O=Let's Encrypt, C=US" -Domains 'mail.cloudmonkeys.xyz', 'autodiscover.cloudmonkeys.xyz'
    $script:wildcard = New-Certificate -Thumbprint '4C1D2E3F405162738495A6B7C8D9E0F1A2B3C4D5' -Subject 'CN=*.cloudmonkeys.xyz, O=Cloud Monkeys, C=IN' -Issuer 'CN=Lab Issuing CA, O=Cloud Monkeys' -Domains '*.cloudmonkeys.xyz'
    $script:selfSigned = New-Certificate -Thumbprint '1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D' -Subject 'CN=CMHYBD01' -Issuer 'CN=CMHYBD01' -Domains 'CMHYBD01', 'CMHYBD01.cloudmonkeys.xyz' -SelfSigned $true

    function New-ReceiveConnector {
        param([string] $Name = 'Default Frontend CMHYBD01', [string[]] $Bindings = @('[::]:25', '0.0.0.0:25'), [string] $Fqdn = 'mail.cloudmonkeys.xyz',
            [string] $TlsCertificateName = "<I>CN=R11, O=Let's Encrypt, C=US<S>CN=mail.cloudmonkeys.xyz",
            [string[]] $TlsDomainCapabilities = @('mail.protection.outlook.com:AcceptCloudServicesMail'),
            [string[]] $RemoteIPRanges = @('::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '0.0.0.0-255.255.255.255'),
            [string] $ProtocolLoggingLevel = 'Verbose', [string] $PermissionGroups = 'AnonymousUsers, ExchangeServers, ExchangeLegacyServers')
        [pscustomobject]@{
            PSTypeName            = 'Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector'
            Identity              = "CMHYBD01\$Name"
            Name                  = $Name
            Server                = 'CMHYBD01'
            TransportRole         = 'FrontendTransport'
            Bindings              = $Bindings
            RemoteIPRanges        = $RemoteIPRanges
            Fqdn                  = $Fqdn
            TlsCertificateName    = $TlsCertificateName
            TlsDomainCapabilities = $TlsDomainCapabilities
            AuthMechanism         = 'Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer'
            PermissionGroups      = $PermissionGroups
            ProtocolLoggingLevel  = $ProtocolLoggingLevel
        }
    }

    function New-TransportService {
        param([string] $Type = 'Microsoft.Exchange.Data.Directory.SystemConfiguration.TransportServer', [string[]] $Internal = @(), [bool] $InternalAdapter = $true,
            [string[]] $External = @(), [bool] $ExternalAdapter = $true, [switch] $FrontEnd)
        $service = [ordered]@{
            PSTypeName                = $Type
            Name                      = 'CMHYBD01'
            Identity                  = 'CMHYBD01'
            InternalDNSServers        = @($Internal | ForEach-Object { $_ })
            InternalDNSAdapterEnabled = $InternalAdapter
            InternalDNSAdapterGuid    = [guid]::Empty
            ExternalDNSServers        = @($External | ForEach-Object { $_ })
            ExternalDNSAdapterEnabled = $ExternalAdapter
            ExternalDNSAdapterGuid    = [guid]::Empty
        }
        if (-not $FrontEnd) { $service.MessageTrackingLogPath = 'C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\MessageTracking' }
        [pscustomobject]$service
    }

    # What a remote session gives: the same object serialized and back, "Deserialized." type names, ArrayLists.
    function ConvertTo-Deserialized {
        param([Parameter(ValueFromPipeline = $true)] $InputObject)
        process { [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($InputObject)) }
    }

    function Get-Check {
        param($Checks, [string] $Check, [string] $Identity)
        @($Checks | Where-Object { $_.Check -eq $Check -and (-not $Identity -or $_.Identity -eq $Identity) })
    }
}

Describe 'Test-HybridCertificate' {
    It 'passes the certificate of the hybrid mail name, enabled for SMTP, and says which name covers it' {
        $checks = @($script:letsEncrypt, $script:selfSigned | Test-HybridCertificate -Name 'mail.cloudmonkeys.xyz')
        $checks | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'HybridMailFlow.ConfigurationCheck' }
        $cover = Get-Check $checks 'CoversName' 'mail.cloudmonkeys.xyz'
        $cover.Result | Should -Be 'Pass'
        $cover.Message | Should -Match 'SAN mail\.cloudmonkeys\.xyz \(exact\) of CN=mail\.cloudmonkeys\.xyz'
        (Get-Check $checks 'SmtpCertificate').Result | Should -Be 'Pass'
        (Get-Check $checks 'Validity' $script:letsEncrypt.Thumbprint).Result | Should -Be 'Pass'
    }

    It 'applies the wildcard rules: one label, not the bare domain, not two labels; case and trailing dot ignored' {
        $checks = @($script:wildcard | Test-HybridCertificate -Name 'MAIL.cloudmonkeys.xyz.', 'a.b.cloudmonkeys.xyz', 'cloudmonkeys.xyz')
        (Get-Check $checks 'CoversName' 'MAIL.cloudmonkeys.xyz').Result | Should -Be 'Pass'
        (Get-Check $checks 'CoversName' 'MAIL.cloudmonkeys.xyz').Message | Should -Match 'wildcard'
        (Get-Check $checks 'CoversName' 'a.b.cloudmonkeys.xyz').Result | Should -Be 'Fail'
        (Get-Check $checks 'CoversName' 'cloudmonkeys.xyz').Result | Should -Be 'Fail'
        (Get-Check $checks 'CoversName' 'cloudmonkeys.xyz').Symptom | Should -BeLike '450 4.4.317*SubjectMismatch*'
    }

    It 'fails an expired SMTP certificate and warns about one expiring within -ExpiringDays' {
        $expired = New-Certificate -Thumbprint 'AA00' -Subject 'CN=mail.cloudmonkeys.xyz' -Issuer "CN=R3, O=Let's Encrypt, C=US" -Domains 'mail.cloudmonkeys.xyz' -DaysLeft -3
        $soon = New-Certificate -Thumbprint 'BB00' -Subject 'CN=mail.cloudmonkeys.xyz' -Issuer "CN=R11, O=Let's Encrypt, C=US" -Domains 'mail.cloudmonkeys.xyz' -DaysLeft 20
        $checks = @($expired, $soon | Test-HybridCertificate)
        (Get-Check $checks 'Validity' 'AA00').Result | Should -Be 'Fail'
        (Get-Check $checks 'Validity' 'AA00').Message | Should -Match 'expired on'
        (Get-Check $checks 'Validity' 'BB00').Result | Should -Be 'Warn'
        (Get-Check $checks 'Validity' 'BB00').Message | Should -Match 'expires in 20 days'
        (Get-Check @($soon | Test-HybridCertificate -ExpiringDays 10) 'Validity' 'BB00').Result | Should -Be 'Pass'
    }

    It 'names the certificate to enable when the one covering the name is not enabled for SMTP' {
        $iisOnly = New-Certificate -Thumbprint 'CC00' -Subject 'CN=mail.cloudmonkeys.xyz' -Issuer "CN=R11, O=Let's Encrypt, C=US" -Domains 'mail.cloudmonkeys.xyz' -Services 'IIS'
        $checks = @($iisOnly, $script:selfSigned | Test-HybridCertificate -Name 'mail.cloudmonkeys.xyz')
        $cover = Get-Check $checks 'CoversName' 'mail.cloudmonkeys.xyz'
        $cover.Result | Should -Be 'Fail'
        $cover.Command | Should -Be "Enable-ExchangeCertificate -Thumbprint 'CC00' -Services SMTP -Server 'CMHYBD01'"
        $smtp = Get-Check $checks 'SmtpCertificate'
        $smtp.Result | Should -Be 'Warn'
        $smtp.Message | Should -Match 'Only self-signed'
        $smtp.Command | Should -Be "Enable-ExchangeCertificate -Thumbprint 'CC00' -Services SMTP -Server 'CMHYBD01'"
    }

    It 'warns when several CA-issued certificates are enabled for SMTP, the lab''s SubjectMismatch' {
        $edge = New-Certificate -Thumbprint 'DD00' -Subject 'CN=cmedge01.cloudmonkeys.xyz' -Issuer 'CN=Lab Issuing CA, O=Cloud Monkeys' -Domains 'cmedge01.cloudmonkeys.xyz'
        $smtp = Get-Check @($script:letsEncrypt, $edge | Test-HybridCertificate) 'SmtpCertificate'
        $smtp.Result | Should -Be 'Warn'
        $smtp.Evidence | Should -Match 'cmedge01'
        $smtp.Evidence | Should -Match 'mail\.cloudmonkeys\.xyz'
    }

    It 'checks the Fqdn each connector presents on port 25' {
        $receive = New-ReceiveConnector -Fqdn 'cmedge01.cloudmonkeys.xyz'
        $send = [pscustomobject]@{ Identity = 'Outbound to Office 365 - 7d9c'; Fqdn = 'mail.cloudmonkeys.xyz' }
        $client = New-ReceiveConnector -Name 'Client Frontend CMHYBD01' -Bindings '0.0.0.0:587' -Fqdn 'CMHYBD01.cloudmonkeys.xyz'
        $checks = @($script:letsEncrypt | Test-HybridCertificate -ReceiveConnector $receive, $client -SendConnector $send)
        Get-Check $checks 'CoversName' 'CMHYBD01.cloudmonkeys.xyz' | Should -BeNullOrEmpty
        (Get-Check $checks 'CoversName' 'cmedge01.cloudmonkeys.xyz').Result | Should -Be 'Fail'
        (Get-Check $checks 'CoversName' 'cmedge01.cloudmonkeys.xyz').Message | Should -Match 'receive connector CMHYBD01\\Default Frontend CMHYBD01'
        (Get-Check $checks 'CoversName' 'mail.cloudmonkeys.xyz').Result | Should -Be 'Pass'
    }

    It 'reads deserialized certificates as live ones' {
        $remote = @($script:letsEncrypt, $script:selfSigned | ConvertTo-Deserialized)
        $remote[0].PSObject.TypeNames[0] | Should -BeLike 'Deserialized.*'
        $checks = @($remote | Test-HybridCertificate -Name 'mail.cloudmonkeys.xyz')
        (Get-Check $checks 'CoversName' 'mail.cloudmonkeys.xyz').Result | Should -Be 'Pass'
        (Get-Check $checks 'SmtpCertificate').Result | Should -Be 'Pass'
    }

    It 'warns that a CSV export lost CertificateDomains, and still reads a joined export' {
        $lost = @($script:letsEncrypt | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv)
        $lost[0].CertificateDomains | Should -Be 'System.Object[]'
        $checks = @($lost | Test-HybridCertificate -Name 'autodiscover.cloudmonkeys.xyz' -WarningVariable warnings -WarningAction SilentlyContinue)
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -Match 'CertificateDomains reads ''System.Object\[\]'''
        # The SANs are unknown: the name is not reported missing, and the subject still covers its own name.
        (Get-Check $checks 'CoversName' 'autodiscover.cloudmonkeys.xyz').Result | Should -Be 'Skipped'
        (Get-Check @($lost | Test-HybridCertificate -Name 'mail.cloudmonkeys.xyz' -WarningAction SilentlyContinue) 'CoversName').Result | Should -Be 'Pass'

        $joined = @($script:letsEncrypt | Select-Object *, @{ n = 'CertificateDomains'; e = { $_.CertificateDomains -join ';' } } -ExcludeProperty CertificateDomains |
            ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv)
        $checks = @($joined | Test-HybridCertificate -Name 'autodiscover.cloudmonkeys.xyz' -WarningAction Stop)
        (Get-Check $checks 'CoversName' 'autodiscover.cloudmonkeys.xyz').Result | Should -Be 'Pass'
        (Get-Check $checks 'Validity' $script:letsEncrypt.Thumbprint).Result | Should -Be 'Pass'
    }

    It 'refuses an object that is not a certificate with a non-terminating error, and checks the rest' {
        $checks = @([pscustomobject]@{ Name = 'not a certificate' }, $script:letsEncrypt | Test-HybridCertificate -ErrorVariable problems -ErrorAction SilentlyContinue)
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'HybridMailFlow.UnexpectedInput*'
        (Get-Check $checks 'Validity' $script:letsEncrypt.Thumbprint).Result | Should -Be 'Pass'
    }

    It 'exports flat to CSV' {
        $csv = @($script:letsEncrypt | Test-HybridCertificate -Name 'mail.cloudmonkeys.xyz' | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv)
        $csv[0].PSObject.Properties.Name | Should -Be @('Area', 'Server', 'Identity', 'Check', 'Result', 'Message', 'Evidence', 'Fix', 'Command', 'Symptom')
        $csv | ForEach-Object { $_.Result | Should -BeIn 'Pass', 'Warn', 'Fail', 'Skipped' }
    }
}

Describe 'Test-HybridReceiveConnector' {
    It 'passes the connector the Hybrid Configuration Wizard set up' {
        $checks = @(New-ReceiveConnector | Test-HybridReceiveConnector -Certificate $script:letsEncrypt, $script:selfSigned)
        $checks | ForEach-Object { $_.Result | Should -Be 'Pass' -Because "$($_.Check): $($_.Message)" }
        $checks.Check | Should -Be @('Bindings', 'ProtocolLoggingLevel', 'TlsCertificateName', 'Fqdn', 'TlsDomainCapabilities', 'AuthMechanism', 'PermissionGroups')
    }

    It 'finds the lab''s SubjectMismatch: an old TlsCertificateName and the Edge''s Fqdn, with the commands that fix them' {
        $connector = New-ReceiveConnector -Fqdn 'cmedge01.cloudmonkeys.xyz' -TlsCertificateName "<I>CN=R3, O=Let's Encrypt, C=US<S>CN=mail.cloudmonkeys.xyz"
        $checks = @($connector | Test-HybridReceiveConnector -Certificate $script:letsEncrypt, $script:selfSigned)
        $name = Get-Check $checks 'TlsCertificateName'
        $name.Result | Should -Be 'Fail'
        $name.Command | Should -Be "Set-ReceiveConnector 'CMHYBD01\Default Frontend CMHYBD01' -TlsCertificateName '<I>CN=R11, O=Let''s Encrypt, C=US<S>CN=mail.cloudmonkeys.xyz'"
        $fqdn = Get-Check $checks 'Fqdn'
        $fqdn.Result | Should -Be 'Fail'
        $fqdn.Message | Should -Match 'SubjectMismatch'
        $fqdn.Command | Should -Be "Set-ReceiveConnector 'CMHYBD01\Default Frontend CMHYBD01' -Fqdn 'mail.cloudmonkeys.xyz'"
        (Resolve-HybridSmtpError $fqdn.Symptom).RuleId | Should -BeLike '*4.4.317*'
    }

    It 'compares TlsCertificateName''s issuer and subject as distinguished names, not as text' {
        $connector = New-ReceiveConnector -TlsCertificateName "<I>cn=R11,o=Let's Encrypt,c=US<S>cn=MAIL.cloudmonkeys.xyz"
        (Get-Check @($connector | Test-HybridReceiveConnector -Certificate $script:letsEncrypt) 'TlsCertificateName').Result | Should -Be 'Pass'
    }

    It 'warns when TlsCertificateName names the self-signed certificate, and names the CA-issued one instead' {
        $checks = @(New-ReceiveConnector -Fqdn 'CMHYBD01.cloudmonkeys.xyz' -TlsCertificateName '<I>CN=CMHYBD01<S>CN=CMHYBD01' |
            Test-HybridReceiveConnector -Certificate $script:selfSigned, $script:wildcard)
        $name = Get-Check $checks 'TlsCertificateName'
        $name.Result | Should -Be 'Warn'
        $name.Message | Should -Match 'self-signed'
        $name.Command | Should -Be "Set-ReceiveConnector 'CMHYBD01\Default Frontend CMHYBD01' -TlsCertificateName '<I>CN=Lab Issuing CA, O=Cloud Monkeys<S>CN=*.cloudmonkeys.xyz, O=Cloud Monkeys, C=IN'"
    }

    It 'covers the Fqdn with a wildcard certificate by the one-label rule' {
        $checks = @(New-ReceiveConnector -Fqdn 'CMHYBD01.cloudmonkeys.xyz.' -TlsCertificateName '<I>CN=Lab Issuing CA, O=Cloud Monkeys<S>CN=*.cloudmonkeys.xyz, O=Cloud Monkeys, C=IN' |
            Test-HybridReceiveConnector -Certificate $script:wildcard)
        (Get-Check $checks 'Fqdn').Result | Should -Be 'Pass'
        $deep = @(New-ReceiveConnector -Fqdn 'mail.hybrid.cloudmonkeys.xyz' -TlsCertificateName '<I>CN=Lab Issuing CA, O=Cloud Monkeys<S>CN=*.cloudmonkeys.xyz, O=Cloud Monkeys, C=IN' |
            Test-HybridReceiveConnector -Certificate $script:wildcard)
        (Get-Check $deep 'Fqdn').Result | Should -Be 'Fail'
    }

    It 'adds the cloud capability, keeps the other entries, and turns protocol logging on' {
        $connector = New-ReceiveConnector -TlsDomainCapabilities @('contoso.com:AcceptOorgProtocol') -ProtocolLoggingLevel 'None'
        $checks = @($connector | Test-HybridReceiveConnector -Certificate $script:letsEncrypt)
        (Get-Check $checks 'TlsDomainCapabilities').Result | Should -Be 'Fail'
        (Get-Check $checks 'TlsDomainCapabilities').Command | Should -Be "Set-ReceiveConnector 'CMHYBD01\Default Frontend CMHYBD01' -TlsDomainCapabilities 'contoso.com:AcceptOorgProtocol','mail.protection.outlook.com:AcceptCloudServicesMail'"
        (Get-Check $checks 'ProtocolLoggingLevel').Result | Should -Be 'Warn'
        (Get-Check $checks 'ProtocolLoggingLevel').Command | Should -Be "Set-ReceiveConnector 'CMHYBD01\Default Frontend CMHYBD01' -ProtocolLoggingLevel Verbose"
    }

    It 'adds Tls and AnonymousUsers to what the connector has, when they are missing' {
        $connector = New-ReceiveConnector -PermissionGroups 'ExchangeServers, ExchangeLegacyServers'
        $connector.AuthMechanism = 'Integrated, BasicAuth'
        $checks = @($connector | Test-HybridReceiveConnector -Certificate $script:letsEncrypt)
        (Get-Check $checks 'AuthMechanism').Result | Should -Be 'Fail'
        (Get-Check $checks 'AuthMechanism').Command | Should -Be "Set-ReceiveConnector 'CMHYBD01\Default Frontend CMHYBD01' -AuthMechanism 'Tls, Integrated, BasicAuth'"
        (Get-Check $checks 'PermissionGroups').Result | Should -Be 'Warn'
        (Get-Check $checks 'PermissionGroups').Command | Should -Be "Set-ReceiveConnector 'CMHYBD01\Default Frontend CMHYBD01' -PermissionGroups 'AnonymousUsers, ExchangeServers, ExchangeLegacyServers'"
    }

    It 'skips the hybrid checks on connectors Exchange Online does not reach, and fails when none is reached' {
        $client = New-ReceiveConnector -Name 'Client Frontend CMHYBD01' -Bindings '0.0.0.0:587' -TlsDomainCapabilities @()
        $internal = New-ReceiveConnector -Name 'Relay CMHYBD01' -RemoteIPRanges '192.168.1.0/24' -TlsDomainCapabilities @()
        $checks = @($client, $internal | Test-HybridReceiveConnector)
        (Get-Check $checks 'Bindings') | ForEach-Object { $_.Result | Should -Be 'Skipped' }
        Get-Check $checks 'TlsDomainCapabilities' | Should -BeNullOrEmpty
        $none = Get-Check $checks 'ExchangeOnlineConnector'
        $none.Result | Should -Be 'Fail'
        $none.Identity | Should -Be 'CMHYBD01\Client Frontend CMHYBD01, CMHYBD01\Relay CMHYBD01'
    }

    It 'without -Certificate, skips what needs the certificates and says how to give them' {
        $checks = @(New-ReceiveConnector -Fqdn 'cmedge01.cloudmonkeys.xyz' | Test-HybridReceiveConnector)
        (Get-Check $checks 'TlsCertificateName').Result | Should -Be 'Skipped'
        (Get-Check $checks 'TlsCertificateName').Message | Should -Match 'Get-ExchangeCertificate -Server CMHYBD01'
        (Get-Check $checks 'Fqdn').Result | Should -Be 'Skipped'
        (Get-Check @(New-ReceiveConnector | Test-HybridReceiveConnector) 'Fqdn').Result | Should -Be 'Pass'
    }

    It 'reads deserialized connectors and CSV rows with joined lists' {
        $remote = New-ReceiveConnector -Fqdn 'cmedge01.cloudmonkeys.xyz' | ConvertTo-Deserialized
        (Get-Check @($remote | Test-HybridReceiveConnector -Certificate ($script:letsEncrypt | ConvertTo-Deserialized)) 'Fqdn').Result | Should -Be 'Fail'
        $row = New-ReceiveConnector | Select-Object Identity, Server, Fqdn, TlsCertificateName, ProtocolLoggingLevel,
            @{ n = 'Bindings'; e = { $_.Bindings -join ';' } }, @{ n = 'RemoteIPRanges'; e = { $_.RemoteIPRanges -join ';' } },
            @{ n = 'TlsDomainCapabilities'; e = { $_.TlsDomainCapabilities -join ';' } } | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        $checks = @($row | Test-HybridReceiveConnector -Certificate $script:letsEncrypt)
        (Get-Check $checks 'Bindings').Result | Should -Be 'Pass'
        (Get-Check $checks 'TlsDomainCapabilities').Result | Should -Be 'Pass'
    }
}

Describe 'Test-HybridTransportDns' {
    It 'finds the lab''s PRX2 cause: the ISP''s DNS servers mixed into internal DNS, and keeps the domain controller' {
        $service = New-TransportService -Internal '202.88.152.10', '202.88.152.8', '192.168.1.11'
        $internal = Get-Check @($service | Test-HybridTransportDns) 'InternalDnsServers'
        $internal.Result | Should -Be 'Fail'
        $internal.Message | Should -Match '202\.88\.152\.10 \(public\), 202\.88\.152\.8 \(public\)'
        $internal.Evidence | Should -Match 'InternalDNSServers: \{202\.88\.152\.10, 202\.88\.152\.8, 192\.168\.1\.11\}'
        $internal.Command | Should -Be "Set-TransportService 'CMHYBD01' -InternalDNSServers '192.168.1.11' -InternalDNSAdapterEnabled `$false"
        (Resolve-HybridSmtpError $internal.Symptom).RuleId | Should -Be 'HMF-PRX2'
    }

    It 'names well-known public resolvers and gives the Front End Transport service its own command' {
        $service = New-TransportService -Type 'Microsoft.Exchange.Data.Directory.SystemConfiguration.FrontendTransportServerPresentationObject' -FrontEnd -Internal '192.168.1.11', '8.8.8.8', '1.1.1.1' -InternalAdapter $false
        $internal = Get-Check @($service | Test-HybridTransportDns) 'InternalDnsServers'
        $internal.Result | Should -Be 'Fail'
        $internal.Message | Should -Match 'Front End Transport'
        $internal.Message | Should -Match '8\.8\.8\.8 \(Google Public DNS\), 1\.1\.1\.1 \(Cloudflare DNS\)'
        $internal.Command | Should -Be "Set-FrontendTransportService 'CMHYBD01' -InternalDNSServers '192.168.1.11' -InternalDNSAdapterEnabled `$false"
    }

    It 'fails when external DNS is missing with the adapter flag off, with the lab guide''s command' {
        $external = Get-Check @(New-TransportService -External @() -ExternalAdapter $false | Test-HybridTransportDns) 'ExternalDnsServers'
        $external.Result | Should -Be 'Fail'
        $external.Command | Should -Be "Set-TransportService 'CMHYBD01' -ExternalDNSServers '8.8.8.8','8.8.4.4' -ExternalDNSAdapterEnabled `$false"
    }

    It 'passes explicit internal and external servers, and skips what the network adapter decides' {
        $fixed = @(New-TransportService -Internal '192.168.1.11' -InternalAdapter $false -External '8.8.8.8', '8.8.4.4' -ExternalAdapter $false | Test-HybridTransportDns)
        $fixed | ForEach-Object { $_.Result | Should -Be 'Pass' }
        $adapter = @(New-TransportService | Test-HybridTransportDns)
        $adapter | ForEach-Object { $_.Result | Should -Be 'Skipped' }
        (Get-Check $adapter 'InternalDnsServers').Message | Should -Match 'Get-DnsClientServerAddress'
    }

    It 'warns when servers are listed while the adapter flag makes Exchange ignore them' {
        $checks = @(New-TransportService -Internal '192.168.1.11' -InternalAdapter $true -External '8.8.8.8' -ExternalAdapter $true | Test-HybridTransportDns)
        (Get-Check $checks 'InternalDnsServers').Result | Should -Be 'Warn'
        (Get-Check $checks 'ExternalDnsServers').Result | Should -Be 'Warn'
    }

    It 'reads deserialized services and Import-Csv rows whose flags are text' {
        $remote = New-TransportService -Internal '202.88.152.10', '192.168.1.11' | ConvertTo-Deserialized
        (Get-Check @($remote | Test-HybridTransportDns) 'InternalDnsServers').Result | Should -Be 'Fail'
        $row = New-TransportService -External @() -ExternalAdapter $false | Select-Object Name, Identity, MessageTrackingLogPath, InternalDNSAdapterEnabled, ExternalDNSAdapterEnabled,
            @{ n = 'InternalDNSServers'; e = { $_.InternalDNSServers -join ';' } }, @{ n = 'ExternalDNSServers'; e = { $_.ExternalDNSServers -join ';' } } |
            ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        $row.ExternalDNSAdapterEnabled | Should -Be 'False'
        (Get-Check @($row | Test-HybridTransportDns) 'ExternalDnsServers').Result | Should -Be 'Fail'
    }

    It 'skips, with a warning, the checks whose lists an export lost, instead of reporting them empty' {
        $row = New-TransportService -Internal '192.168.1.11' -InternalAdapter $false -External @() -ExternalAdapter $false | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        $row.InternalDNSServers | Should -Be 'System.Object[]'
        $checks = @($row | Test-HybridTransportDns -WarningVariable warnings -WarningAction SilentlyContinue)
        (Get-Check $checks 'InternalDnsServers').Result | Should -Be 'Skipped'
        (Get-Check $checks 'ExternalDnsServers').Result | Should -Be 'Skipped'
        (Get-Check $checks 'InternalDnsServers').Message | Should -Match 'InternalDNSServers of CMHYBD01 was lost'
        $warnings.Count | Should -Be 2
    }

    It 'refuses an object without DNS settings with a non-terminating error naming it' {
        $null = [pscustomobject]@{ Identity = 'CMHYBD01\Default Frontend CMHYBD01' } | Test-HybridTransportDns -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 1
        "$($problems[0])" | Should -Match 'CMHYBD01\\Default Frontend CMHYBD01 is not a Get-TransportService'
    }
}
