# Get-HybridQueueDiagnosis and Test-HybridSendConnector on objects shaped like Get-Queue, Get-Message and
# Get-SendConnector output (exchange-formats.md section 4): live, deserialized, and re-imported from CSV or Clixml.

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force

    # A Get-Queue object with the real property names and types.
    function New-Queue {
        param([string] $Identity, [string] $Status, [string] $DeliveryType, [string] $NextHopDomain, [int] $MessageCount, [string] $LastError = '')
        [pscustomobject]@{
            PSTypeName                       = 'Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo'
            DeliveryType                     = $DeliveryType
            NextHopDomain                    = $NextHopDomain
            TlsDomain                        = ''
            NextHopConnector                 = [guid]'137c0a63-cbc7-4261-b49b-b4850e63593b'
            Status                           = $Status
            MessageCount                     = $MessageCount
            LastError                        = $LastError
            RetryCount                       = 17
            LastRetryTime                    = [datetime]'2026-05-01 07:15:02'
            NextRetryTime                    = [datetime]'2026-05-01 07:25:02'
            FirstRetryTime                   = [datetime]'2026-05-01 06:02:00'
            DeferredMessageCount             = 0
            LockedMessageCount               = 0
            MessageCountsPerPriority         = [int[]](0, $MessageCount, 0, 0)
            DeferredMessageCountsPerPriority = [int[]](0, 0, 0, 0)
            RiskLevel                        = 'Normal'
            OutboundIPPool                   = 0
            NextHopCategory                  = 'External'
            IncomingRate                     = 0
            OutgoingRate                     = 0
            Velocity                         = 0
            QueueIdentity                    = $Identity
            PriorityDescriptions             = [string[]]('High', 'Normal', 'Low', 'None')
            Identity                         = $Identity
            IsValid                          = $true
        }
    }

    # A Get-Message object.
    function New-Message {
        param([string] $Identity, [string] $Queue, [datetime] $DateReceived, [string[]] $Recipients, [string] $LastError = '')
        [pscustomobject]@{
            PSTypeName        = 'Microsoft.Exchange.Data.QueueViewer.ExtensibleMessageInfo'
            Identity          = $Identity
            FromAddress       = 'raghu@cloudmonkeys.xyz'
            Status            = 'Ready'
            Size              = '12.5 KB (12,800 bytes)'
            MessageSourceName = 'SMTP:Default CMHYBD01'
            SourceIP          = '192.168.1.20'
            SCL               = -1
            DateReceived      = $DateReceived
            ExpirationTime    = $DateReceived.AddDays(2)
            LastError         = $LastError
            RetryCount        = 0
            Recipients        = $Recipients
            Queue             = $Queue
            Subject           = 'Quarterly report'
        }
    }

    # What a remote EMS session hands back: Deserialized type names, enums as strings, arrays as ArrayList.
    function ConvertTo-Deserialized {
        param([Parameter(ValueFromPipeline)] $InputObject, [string] $TypeName)
        process {
            $o = New-Object PSObject
            $o.PSObject.TypeNames.Clear()
            $o.PSObject.TypeNames.Add("Deserialized.$TypeName")
            $o.PSObject.TypeNames.Add('Deserialized.System.Object')
            foreach ($p in $InputObject.PSObject.Properties) {
                $value = $p.Value
                if ($value -is [array]) { $value = [System.Collections.ArrayList]@($value | ForEach-Object { if ($_ -is [string] -or $_ -is [int]) { $_ } else { "$_" } }) }
                elseif ($value -is [enum] -or $value -is [guid]) { $value = "$value" }
                $o | Add-Member -NotePropertyName $p.Name -NotePropertyValue $value
            }
            $o
        }
    }

    function New-SendConnector {
        param([string] $Name, $AddressSpaces, [bool] $Enabled = $true, [bool] $Scoped = $false, [hashtable] $Settings = @{})
        $c = [ordered]@{
            PSTypeName               = 'Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig'
            Name                     = $Name
            Identity                 = $Name
            AddressSpaces            = $AddressSpaces
            Enabled                  = $Enabled
            IsScopedConnector        = $Scoped
            CloudServicesMailEnabled = $false
            DNSRoutingEnabled        = $true
            SmartHosts               = [string[]]@()
            RequireTLS               = $false
            TlsAuthLevel             = $null
            TlsDomain                = $null
            TlsCertificateName       = $null
            Fqdn                     = $null
            ProtocolLoggingLevel     = 'None'
            SourceTransportServers   = [string[]]('CMHYBD01')
        }
        foreach ($k in $Settings.Keys) { $c[$k] = $Settings[$k] }
        [pscustomobject]$c
    }

    # An AddressSpace as a live object shows it: AddressSpace, Type, Cost and Domain.
    function New-AddressSpace([string] $Domain, [int] $Cost = 1) {
        [pscustomobject]@{ PSTypeName = 'Microsoft.Exchange.Data.AddressSpace'; AddressSpace = $Domain; Type = 'SMTP'; Cost = $Cost; Domain = $Domain; IsLocal = $false }
    }

    # The connector the Hybrid Configuration Wizard writes, configured right.
    function New-HybridConnector([hashtable] $Settings = @{}) {
        $good = @{
            CloudServicesMailEnabled = $true
            RequireTLS               = $true
            TlsAuthLevel             = 'DomainValidation'
            TlsDomain                = 'mail.protection.outlook.com'
            TlsCertificateName       = '<I>CN=R3, O=Let''s Encrypt, C=US<S>CN=mail.cloudmonkeys.xyz'
            Fqdn                     = 'mail.cloudmonkeys.xyz'
            ProtocolLoggingLevel     = 'Verbose'
        }
        foreach ($k in $Settings.Keys) { $good[$k] = $Settings[$k] }
        New-SendConnector -Name 'Outbound to Office 365 - 6a0f3b1e-2c4d-4e8f-9a1b-3c5d7e9f1a2b' -AddressSpaces @(New-AddressSpace 'cloudfield.mail.onmicrosoft.com') -Settings $good
    }

    function New-Certificate([string] $Subject, [string[]] $Domains, [string] $Services = 'IMAP, POP, IIS, SMTP') {
        [pscustomobject]@{
            PSTypeName         = 'Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate'
            Thumbprint         = '5E2B0C1F9A7D3E4B6C8A0F1E2D3C4B5A6978F0E1'
            Subject            = $Subject
            Issuer             = 'CN=R3, O=Let''s Encrypt, C=US'
            CertificateDomains = $Domains
            Services           = $Services
            NotAfter           = (Get-Date).AddDays(60)
            Status             = 'Valid'
        }
    }

    $script:failoverError = '[{LED=451 4.4.0 Primary target IP address responded with: "454 4.7.5 Certificate validation failure, Reason: SubjectMismatch." Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts. The last endpoint attempted was 40.93.1.10:25};{MSG=};{FQDN=cloudfield.mail.protection.outlook.com};{IP=40.93.1.10};{LRT=5/1/2026 7:15:02 AM}]'
    $script:unreachableText = 'A matching connector cannot be found to route the external recipient'
}

Describe 'Get-HybridQueueDiagnosis' {
    It 'explains each status of the lab guide''s queue table with its action and commands' {
        $queues = @(
            New-Queue 'CMHYBD01\3' 'Active' 'SmtpRelayToMailboxDeliveryGroup' 'Site:Default-First-Site-Name;Version:15.2' 4
            New-Queue 'CMHYBD01\4' 'Ready' 'DnsConnectorDelivery' 'cloudfield.mail.onmicrosoft.com' 0
            New-Queue 'CMHYBD01\6' 'Retry' 'SmartHostConnectorDelivery' 'cloudfield.mail.protection.outlook.com' 3 $failoverError
            New-Queue 'CMHYBD01\7' 'Suspended' 'DnsConnectorDelivery' 'fabrikam.example' 2
            New-Queue 'CMHYBD01\Unreachable' 'Ready' 'Unreachable' 'Unreachable Domain' 2 $unreachableText
        )
        $r = $queues | Get-HybridQueueDiagnosis
        $r.Count | Should -Be 5
        $r[0].PSObject.TypeNames[0] | Should -Be 'HybridMailFlow.QueueDiagnosis'
        $r.State | Should -Be @('Active', 'Ready', 'Retry', 'Suspended', 'Unreachable')
        $r[0].Meaning | Should -Be 'Messages being delivered.'
        $r[0].Severity | Should -Be 'Info'
        $r[2].Meaning | Should -BeLike 'Temporary failure, will retry*'
        $r[2].Commands | Should -Contain "Retry-Queue -Identity 'CMHYBD01\6'"
        $r[2].Commands | Should -Contain "Retry-Queue -Identity 'CMHYBD01\6' -Resubmit `$true"
        $r[3].Action | Should -BeLike 'Resume with Resume-Queue*'
        $r[3].Commands | Should -Contain "Resume-Queue -Identity 'CMHYBD01\7'"
        $r[4].Severity | Should -Be 'Error'
        $r[4].Action | Should -BeLike 'Check the send connector address spaces*'
        $r[4].Commands | Should -Contain "Retry-Queue -Identity 'CMHYBD01\Unreachable' -Resubmit `$true"
        $r[4].DiagnosisRuleId | Should -Be 'HMF-Q-NOCONNECTOR'
    }

    It 'takes LastError apart in either order, and diagnoses the cause inside the failover wrapper' {
        $queues = @(
            New-Queue 'CMHYBD01\6' 'Retry' 'SmartHostConnectorDelivery' 'cloudfield.mail.protection.outlook.com' 3 $failoverError
            New-Queue 'CMHYBD01\8' 'Retry' 'DnsConnectorDelivery' 'fabrikam.example' 1 '[{LRT=01-05-26 07:50:05};{LED=451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain};{FQDN=fabrikam.example};{IP=}]'
            New-Queue 'CMHYBD01\9' 'Retry' 'DnsConnectorDelivery' 'contoso.example' 1 '441 4.4.1 Error encountered while communicating with primary target IP address: "Failed to connect. Winsock error code: 10061, Win32 error code: 10061." Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts. The last endpoint attempted was 203.0.113.25:25'
        )
        $r = $queues | Get-HybridQueueDiagnosis
        $r[0].LastErrorFQDN | Should -Be 'cloudfield.mail.protection.outlook.com'
        $r[0].LastErrorIP | Should -Be '40.93.1.10'
        $r[0].LastErrorLRT | Should -Be '5/1/2026 7:15:02 AM'
        $r[0].LastErrorLED | Should -BeLike '451 4.4.0 Primary target IP address responded with*'
        $r[0].ErrorCode | Should -Be 454
        $r[0].EnhancedCode | Should -Be '4.7.5'
        $r[0].DiagnosisRuleId | Should -BeLike '*SubjectMismatch*'
        $r[1].LastErrorLRT | Should -Be '01-05-26 07:50:05'
        $r[1].LastErrorLED | Should -BeLike '451 4.4.0 DNS query failed*'
        $r[1].LastErrorFQDN | Should -Be 'fabrikam.example'
        $r[1].DiagnosisTitle | Should -Not -BeNullOrEmpty
        $r[2].LastErrorLED | Should -BeLike '441 4.4.1 Error encountered*'
        $r[2].LastErrorFQDN | Should -BeNullOrEmpty
        $r[2].Diagnosis.MatchedText | Should -BeLike '*10061*'
    }

    It 'adds the oldest message''s age and the recipients'' domains from Get-Message objects, and the exact Set-SendConnector with -SendConnector' {
        $received = (Get-Date).AddHours(-5)
        $objects = @(
            New-Queue 'CMHYBD01\Unreachable' 'Ready' 'Unreachable' 'Unreachable Domain' 2
            New-Message 'CMHYBD01\Unreachable\12' 'CMHYBD01\Unreachable' $received @("ramki@cloudfield.onmicrosoft.com;2;2;$unreachableText;16;<No Matching Connector>;0") $unreachableText
            New-Message 'CMHYBD01\Unreachable\13' 'CMHYBD01\Unreachable' $received.AddHours(2) @('ramki@cloudfield.onmicrosoft.com')
        )
        $hybrid = New-HybridConnector
        $r = $objects | Get-HybridQueueDiagnosis -SendConnector $hybrid
        $r.Count | Should -Be 1
        $r.MessagesSeen | Should -Be 2
        $r.OldestMessageReceivedUtc.Kind | Should -Be 'Utc'
        $r.OldestMessageReceivedUtc | Should -Be $received.ToUniversalTime()
        $r.OldestMessageReceived.Kind | Should -Be 'Local'
        $r.OldestMessageReceived | Should -Be $received.ToUniversalTime().ToLocalTime()
        $r.OldestMessageAge.TotalHours | Should -BeGreaterOrEqual 5
        $r.OldestMessageAge.TotalHours | Should -BeLessThan 5.1
        $r.RecipientDomains | Should -Be @('cloudfield.onmicrosoft.com')
        $r.Commands | Should -Contain "Set-SendConnector -Identity 'Outbound to Office 365 - 6a0f3b1e-2c4d-4e8f-9a1b-3c5d7e9f1a2b' -AddressSpaces 'smtp:cloudfield.mail.onmicrosoft.com;1','smtp:cloudfield.onmicrosoft.com;1'"
        $r.Commands | Should -Contain "Retry-Queue -Identity 'CMHYBD01\Unreachable' -Resubmit `$true"
        $r.CommandsText | Should -Not -BeLike '*<domain>*'
    }

    It 'reads live recipients by their Address' {
        $recipient = [pscustomobject]@{ PSTypeName = 'Microsoft.Exchange.Data.QueueViewer.RecipientInfo'; Address = 'sita@cloudfield.onmicrosoft.com'; Status = 'Ready'; LastError = $unreachableText }
        $m = New-Message 'CMHYBD01\Unreachable\14' 'CMHYBD01\Unreachable' (Get-Date).AddMinutes(-10) @()
        $m.Recipients = @($recipient)
        ($m | Get-HybridQueueDiagnosis).RecipientDomains | Should -Be @('cloudfield.onmicrosoft.com')
    }

    It 'warns once when an export lost the messages'' recipients' {
        $csv = Join-Path $TestDrive 'messages.csv'
        1..2 | ForEach-Object { New-Message "CMHYBD01\Unreachable\$_" 'CMHYBD01\Unreachable' (Get-Date).AddHours(-$_) @('ramki@cloudfield.onmicrosoft.com') } | Export-Csv $csv -NoTypeInformation
        $r = Get-HybridQueueDiagnosis -LiteralPath $csv -WarningVariable warnings -WarningAction SilentlyContinue
        $r.MessagesSeen | Should -Be 2
        $r.OldestMessageAge.TotalHours | Should -BeGreaterOrEqual 2
        $r.RecipientDomains.Count | Should -Be 0
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -BeLike "*messages.csv, line 2: Recipients reads 'System.String``[``]'*lost at export*"
    }

    It 'names the queue''s send connector from its NextHopConnector and fills it into the commands' {
        $hybrid = New-HybridConnector
        $hybrid | Add-Member -NotePropertyName Guid -NotePropertyValue ([guid]'137c0a63-cbc7-4261-b49b-b4850e63593b')
        $other = New-SendConnector 'Internet' @('*')
        $other | Add-Member -NotePropertyName Guid -NotePropertyValue ([guid]'0b7a3c4d-1111-4222-8333-944455556666')
        $r = New-Queue 'CMHYBD01\6' 'Retry' 'SmartHostConnectorDelivery' 'cloudfield.mail.protection.outlook.com' 3 $failoverError |
            Get-HybridQueueDiagnosis -SendConnector $other, $hybrid
        $r.NextHopConnector | Should -Be $hybrid.Name
        $r.CommandsText | Should -Not -BeLike '*<connector>*'
        $r.Commands | Should -Contain "Set-SendConnector '$($hybrid.Name)' -TlsAuthLevel DomainValidation -TlsDomain 'mail.protection.outlook.com' -Fqdn '<public name on your certificate>'"
        (New-Queue 'CMHYBD01\6' 'Retry' 'SmartHostConnectorDelivery' 'x' 3 $failoverError | Get-HybridQueueDiagnosis).CommandsText | Should -BeLike '*<connector>*'
    }

    It 'says which queue messages are in when their queue was not given' {
        $r = New-Message 'CMHYBD01\6\40' 'CMHYBD01\6' (Get-Date).AddMinutes(-30) @('ramki@cloudfield.mail.onmicrosoft.com') | Get-HybridQueueDiagnosis
        $r.Identity | Should -Be 'CMHYBD01\6'
        $r.MessageCount | Should -Be 1
        $r.MessagesSeen | Should -Be 1
    }

    It 'flags queues over -MessageCountThreshold' {
        $queues = @(
            New-Queue 'CMHYBD01\6' 'Active' 'SmartHostConnectorDelivery' 'cloudfield.mail.protection.outlook.com' 51
            New-Queue 'CMHYBD01\4' 'Active' 'DnsConnectorDelivery' 'cloudfield.mail.onmicrosoft.com' 50
        )
        $r = $queues | Get-HybridQueueDiagnosis -MessageCountThreshold 50
        $r[0].OverThreshold | Should -BeTrue
        $r[0].Severity | Should -Be 'Warning'
        $r[0].Commands[0] | Should -BeLike "Get-Message -Queue 'CMHYBD01\6' | Sort-Object DateReceived*"
        $r[1].OverThreshold | Should -BeFalse
        $r[1].Severity | Should -Be 'Info'
        (New-Queue 'CMHYBD01\6' 'Active' 'SmartHostConnectorDelivery' 'x' 101 | Get-HybridQueueDiagnosis).OverThreshold | Should -BeTrue
    }

    It 'reads deserialized objects from a remote session: Deserialized type names, enums as strings, ArrayList' {
        $q = New-Queue 'CMHYBD01\6' 'Retry' 'SmartHostConnectorDelivery' 'cloudfield.mail.protection.outlook.com' 3 $failoverError |
            ConvertTo-Deserialized -TypeName 'Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo'
        $m = New-Message 'CMHYBD01\6\40' 'CMHYBD01\6' (Get-Date).AddHours(-1) @('ramki@cloudfield.onmicrosoft.com', 'sita@cloudfield.onmicrosoft.com') |
            ConvertTo-Deserialized -TypeName 'Microsoft.Exchange.Data.QueueViewer.ExtensibleMessageInfo'
        $q.PSObject.TypeNames[0] | Should -BeLike 'Deserialized.*'
        $m.Recipients.GetType().Name | Should -Be 'ArrayList'
        $r = $q, $m | Get-HybridQueueDiagnosis
        $r.State | Should -Be 'Retry'
        $r.MessageCount | Should -Be 3
        $r.MessagesSeen | Should -Be 1
        $r.LastErrorIP | Should -Be '40.93.1.10'
        $r.RecipientDomains | Should -Be @('cloudfield.onmicrosoft.com')

        $clixml = Join-Path $TestDrive 'queues.xml'
        New-Queue 'CMHYBD01\7' 'Suspended' 'DnsConnectorDelivery' 'fabrikam.example' 2 | Export-Clixml $clixml
        $back = Import-Clixml $clixml | Get-HybridQueueDiagnosis
        $back.State | Should -Be 'Suspended'
        $back.MessageCount | Should -Be 2
    }

    It 'reads what a remote session really sends: an Exchange identity object and enums, known only by their text' {
        # Serialization keeps a QueueIdentity as a property bag and an enum as its number; the text they had on the
        # server travels with them.
        Add-Type -TypeDefinition @'
namespace HmfLab
{
    public enum QueueStatus { None = 0, Active = 1, Ready = 2, Retry = 3, Suspended = 4, Connecting = 5 }
    public enum DeliveryType { Undefined = 0, DnsConnectorDelivery = 1, SmartHostConnectorDelivery = 2, Unreachable = 3 }
    public class QueueIdentity
    {
        public string Server;
        public string Name;
        public override string ToString() { return Server + "\\" + Name; }
    }
}
'@
        $id = New-Object HmfLab.QueueIdentity
        $id.Server = 'CMHYBD01'
        $id.Name = '6'
        $live = New-Queue 'x' 'Retry' 'DnsConnectorDelivery' 'cloudfield.mail.onmicrosoft.com' 3 $failoverError
        $live.Identity = $id
        $live.Status = [HmfLab.QueueStatus]::Retry
        $live.DeliveryType = [HmfLab.DeliveryType]::SmartHostConnectorDelivery
        $clixml = Join-Path $TestDrive 'remote-queue.xml'
        $live | Export-Clixml $clixml
        $remote = Import-Clixml $clixml
        $remote.Status.PSObject.BaseObject | Should -Be 3
        $r = $remote | Get-HybridQueueDiagnosis
        $r.Identity | Should -Be 'CMHYBD01\6'
        $r.Server | Should -Be 'CMHYBD01'
        $r.Status | Should -Be 'Retry'
        $r.State | Should -Be 'Retry'
        $r.DeliveryType | Should -Be 'SmartHostConnectorDelivery'
    }

    It 'reads Import-Csv rows and -Path files: a #TYPE line, System.Int32[] cells, a ; delimiter, file and line in errors' {
        $csv = Join-Path $TestDrive 'queues.csv'
        @(
            New-Queue 'CMHYBD01\6' 'Retry' 'SmartHostConnectorDelivery' 'cloudfield.mail.protection.outlook.com' 3 $failoverError
            New-Queue 'CMHYBD01\Unreachable' 'Ready' 'Unreachable' 'Unreachable Domain' 2
        ) | Export-Csv $csv -NoTypeInformation
        (Get-Content $csv -Raw) | Should -BeLike '*System.Int32`[`]*'

        $rows = Import-Csv $csv
        $r = $rows | Get-HybridQueueDiagnosis
        $r.State | Should -Be @('Retry', 'Unreachable')
        $r[0].MessageCount | Should -Be 3
        $r[0].LastErrorFQDN | Should -Be 'cloudfield.mail.protection.outlook.com'

        # Windows PowerShell 5.1's Export-Csv writes a #TYPE line; -UseCulture in many locales a ';'.
        $typed = Join-Path $TestDrive 'queues-typed.csv'
        $lines = @('#TYPE Deserialized.Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo'
            '"Identity";"DeliveryType";"Status";"MessageCount";"NextHopDomain";"LastError";"MessageCountsPerPriority"'
            '"CMHYBD01\7";"DnsConnectorDelivery";"Suspended";"2";"fabrikam.example";"";"1, 100, 10, 0"'
            '"CMHYBD01\8";"DnsConnectorDelivery";"Retry";"many";"contoso.example";"451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain";"0, 1, 0, 0"')
        Set-Content -Path $typed -Value $lines -Encoding UTF8
        $r = Get-HybridQueueDiagnosis -Path $typed -ErrorVariable errs -ErrorAction SilentlyContinue
        $r.Count | Should -Be 2
        $r[0].State | Should -Be 'Suspended'
        $r[0].Source | Should -Be "$typed, line 3"
        $r[1].MessageCount | Should -BeNullOrEmpty
        $r[1].LastErrorLED | Should -BeLike '451 4.4.0 DNS query failed*'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'HybridMailFlow.BadValue*'
        $errs[0].Exception.Message | Should -BeLike "*queues-typed.csv, line 4*MessageCount 'many'*"

        $fromFiles = Get-ChildItem $TestDrive -Filter 'queues*.csv' | Get-HybridQueueDiagnosis -ErrorAction SilentlyContinue
        $fromFiles.Count | Should -Be 4
    }

    It 'gives the checklist for mail stuck in Drafts when the Submission queue is empty, in the lab guide''s order' {
        $queues = @(
            New-Queue 'CMHYBD01\Submission' 'Ready' 'Undefined' 'Submission' 0
            New-Queue 'CMHYBD01\4' 'Ready' 'DnsConnectorDelivery' 'cloudfield.mail.onmicrosoft.com' 0
        )
        $r = $queues | Get-HybridQueueDiagnosis -StuckInDrafts
        $check = $r | Where-Object State -eq 'NotSubmitted'
        $check.Identity | Should -Be 'CMHYBD01\Submission'
        $check.Severity | Should -Be 'Error'
        $check.Steps[0] | Should -BeLike '1. All MSExchange* services*Running*'
        $check.Steps[1] | Should -BeLike '2.*Mounted*'
        $check.Steps[2] | Should -BeLike '3.*Submission queue*'
        $check.Steps | Should -HaveCount 8
        $check.Commands | Should -Contain "Get-MailboxDatabase -Server 'CMHYBD01' -Status | Select-Object Name, Mounted, Server"
        $check.Commands | Should -Contain "Get-Queue -Identity 'CMHYBD01\Submission'"
        $check.StepsText | Should -BeLike '1. *; 2. *'

        # Mail that reaches Submission is not "stuck in Drafts".
        $busy = New-Queue 'CMHYBD01\Submission' 'Ready' 'Undefined' 'Submission' 12 | Get-HybridQueueDiagnosis -StuckInDrafts
        $busy.State | Should -Be 'Ready'
        $busy.Severity | Should -Be 'Warning'
        ($busy | Where-Object State -eq 'NotSubmitted') | Should -BeNullOrEmpty
    }

    It 'reports an object that is neither a queue nor a message, and goes on' {
        $r = @([pscustomobject]@{ Name = 'Default CMHYBD01' }, (New-Queue 'CMHYBD01\4' 'Ready' 'DnsConnectorDelivery' 'x.example' 0)) |
            Get-HybridQueueDiagnosis -ErrorVariable errs -ErrorAction SilentlyContinue
        $r.Identity | Should -Be 'CMHYBD01\4'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'HybridMailFlow.NotAQueue*'
    }

    It 'shows each command on its own line in Format-List' {
        $text = New-Queue 'CMHYBD01\7' 'Suspended' 'DnsConnectorDelivery' 'fabrikam.example' 2 | Get-HybridQueueDiagnosis | Format-List | Out-String -Width 200
        $text | Should -Match "(?m)^Commands\s+: Resume-Queue -Identity 'CMHYBD01\\7'\s*$"
        $text | Should -Match '(?m)^Meaning\s+: Queue manually suspended'
    }

    It 'exports to CSV as flat values, never System.String[]' {
        $csv = Join-Path $TestDrive 'diagnosis.csv'
        New-Queue 'CMHYBD01\6' 'Retry' 'SmartHostConnectorDelivery' 'cloudfield.mail.protection.outlook.com' 3 $failoverError |
            Get-HybridQueueDiagnosis | Export-Csv $csv -NoTypeInformation
        $row = Import-Csv $csv
        $row.Commands | Should -BeLike "*Retry-Queue -Identity 'CMHYBD01\6'*"
        $row.CommandsText | Should -Be $row.Commands
        (Get-Content $csv -Raw) | Should -Not -BeLike '*System.String`[`]*'
        $row.DiagnosisRuleId | Should -BeLike '*SubjectMismatch*'
    }
}

Describe 'Test-HybridSendConnector' {
    It 'routes each domain through the most specific address space, then the lowest cost' {
        $connectors = @(
            New-SendConnector 'Internet' @('SMTP:*;10')
            New-SendConnector 'Partner wildcard' @('smtp:*.fabrikam.example;5')
            New-SendConnector 'Partner exact' @('smtp:fabrikam.example;50')
            New-SendConnector 'Cheap partner' @('SMTP:eu.fabrikam.example;1')
            New-SendConnector 'Dear partner' @('SMTP:eu.fabrikam.example;20')
        )
        $r = $connectors | Test-HybridSendConnector -RecipientDomain 'tailspintoys.example', 'fabrikam.example', 'sales@us.fabrikam.example', 'eu.fabrikam.example'
        $routes = $r | Where-Object { $_.PSObject.TypeNames[0] -eq 'HybridMailFlow.SendConnectorRoute' }
        $routes.Connector | Should -Be @('Internet', 'Partner exact', 'Partner wildcard', 'Cheap partner')
        $routes[2].Recipient | Should -Be 'sales@us.fabrikam.example'
        $routes[2].RecipientDomain | Should -Be 'us.fabrikam.example'
        $routes[2].AddressSpace | Should -Be 'smtp:*.fabrikam.example;5'
        $routes[3].Cost | Should -Be 1
        $routes[3].Alternatives | Should -Be 3
        $routes | ForEach-Object { $_.Status | Should -Be 'Routed' }
    }

    It 'ignores disabled connectors and notes scoped ones' {
        $connectors = @(
            New-SendConnector 'Old internet' @('*') -Enabled $false
            New-SendConnector 'Site relay' @('smtp:contoso.example;1') -Scoped $true
        )
        $r = $connectors | Test-HybridSendConnector -RecipientDomain 'fabrikam.example', 'contoso.example' -WarningAction SilentlyContinue
        $routes = @($r | Where-Object RecipientDomain)
        $routes[0].Status | Should -Be 'Unreachable'
        $routes[1].Status | Should -Be 'RoutedByScopedConnector'
        $routes[1].IsScopedConnector | Should -BeTrue
        $routes[1].Explanation | Should -BeLike '*Active Directory site*'
    }

    It 'gives the Unreachable diagnosis and the Set-SendConnector that keeps the existing spaces (lab guide, error 8)' {
        $hybrid = New-HybridConnector
        $route = $hybrid | Test-HybridSendConnector -RecipientDomain 'ramki@cloudfield.onmicrosoft.com' | Where-Object RecipientDomain
        $route.Routed | Should -BeFalse
        $route.Status | Should -Be 'Unreachable'
        $route.Explanation | Should -BeLike '*A matching connector cannot be found to route the external recipient*'
        $route.DiagnosisRuleId | Should -Be 'HMF-Q-NOCONNECTOR'
        $route.FixConnector | Should -Be $hybrid.Name
        $route.FixCommands[0] | Should -Be "Set-SendConnector -Identity '$($hybrid.Name)' -AddressSpaces @{Add='smtp:cloudfield.onmicrosoft.com;1'}"
        $route.FixCommands[1] | Should -Be "Set-SendConnector -Identity '$($hybrid.Name)' -AddressSpaces 'smtp:cloudfield.mail.onmicrosoft.com;1','smtp:cloudfield.onmicrosoft.com;1'"
        $route.FixCommands[2] | Should -BeLike '*Retry-Queue -Resubmit $true'
    }

    It 'reads AddressSpaces as objects, strings, deserialized ArrayLists and CSV text, and warns when the export lost them' {
        $deserialized = New-SendConnector 'Remote' @('SMTP:contoso.example;1', 'SMTP:*.contoso.example;2') |
            ConvertTo-Deserialized -TypeName 'Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig'
        $deserialized.AddressSpaces.GetType().Name | Should -Be 'ArrayList'
        $csvJoined = [pscustomobject]@{ Name = 'From CSV'; AddressSpaces = 'SMTP:fabrikam.example;1,SMTP:tailspintoys.example;3'; Enabled = 'True'; IsScopedConnector = 'False' }
        $csvLost = [pscustomobject]@{ Name = 'Lost'; AddressSpaces = 'System.Object[]'; Enabled = 'True'; IsScopedConnector = 'False' }
        $objects = New-SendConnector 'Objects' @((New-AddressSpace 'northwind.example' 4))

        $r = $deserialized, $csvJoined, $csvLost, $objects |
            Test-HybridSendConnector -RecipientDomain 'a.contoso.example', 'tailspintoys.example', 'northwind.example', 'lost.example' -WarningVariable warnings -WarningAction SilentlyContinue
        $routes = @($r | Where-Object RecipientDomain)
        $routes.Connector[0..2] | Should -Be @('Remote', 'From CSV', 'Objects')
        $routes[1].Cost | Should -Be 3
        $routes[2].AddressSpace | Should -Be 'smtp:northwind.example;4'
        $routes[3].Explanation | Should -BeLike '*lost at export*'
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -BeLike "*'Lost'*System.Object``[``]*lost at export*"
    }

    It 'reads a connector exported with Export-Clixml: AddressSpace objects and enums known by their text' {
        Add-Type -TypeDefinition @'
namespace HmfLab
{
    public enum TlsAuthLevel { EncryptionOnly = 1, CertificateValidation = 2, DomainValidation = 3 }
    public enum ProtocolLoggingLevel { None = 0, Verbose = 1 }
    public class AddressSpace
    {
        public string Address;
        public string Type;
        public int Cost;
        public override string ToString() { return Type + ":" + Address + ";" + Cost; }
    }
}
'@
        $space = New-Object HmfLab.AddressSpace
        $space.Address = 'cloudfield.mail.onmicrosoft.com'
        $space.Type = 'SMTP'
        $space.Cost = 1
        $live = New-HybridConnector @{ TlsAuthLevel = [HmfLab.TlsAuthLevel]::DomainValidation; ProtocolLoggingLevel = [HmfLab.ProtocolLoggingLevel]::Verbose }
        $live.AddressSpaces = @($space)
        $clixml = Join-Path $TestDrive 'connector.xml'
        $live | Export-Clixml $clixml
        $remote = Import-Clixml $clixml
        $r = $remote | Test-HybridSendConnector -RecipientDomain 'cloudfield.mail.onmicrosoft.com'
        ($r | Where-Object Check -eq 'TlsAuthLevel').Result | Should -Be 'Pass'
        ($r | Where-Object Check -eq 'ProtocolLoggingLevel').Result | Should -Be 'Pass'
        $route = $r | Where-Object RecipientDomain
        $route.Connector | Should -Be $live.Name
        $route.AddressSpace | Should -Be 'smtp:cloudfield.mail.onmicrosoft.com;1'
    }

    It 'reports an address space that is not one, naming the connector, and routes with the others' {
        $c = New-SendConnector 'Typo' @('SMTP:contoso..example;1', 'SMTP:fabrikam.example;1')
        $r = $c | Test-HybridSendConnector -RecipientDomain fabrikam.example -ErrorVariable errs -ErrorAction SilentlyContinue
        ($r | Where-Object RecipientDomain).Connector | Should -Be 'Typo'
        $errs.Count | Should -Be 1
        $errs[0].Exception.Message | Should -BeLike "Typo: address space 'SMTP:contoso..example;1'*"
    }

    It 'passes a hybrid connector set as the wizard sets it, certificate included' {
        $cert = New-Certificate 'CN=mail.cloudmonkeys.xyz' @('mail.cloudmonkeys.xyz', 'autodiscover.cloudmonkeys.xyz')
        $checks = New-HybridConnector | Test-HybridSendConnector -Certificate $cert
        $checks[0].PSObject.TypeNames[0] | Should -Be 'HybridMailFlow.SendConnectorCheck'
        $checks.Check | Should -Be @('Enabled', 'TlsAuthLevel', 'TlsDomain', 'RequireTLS', 'CloudServicesMailEnabled', 'Routing', 'TlsCertificateName', 'Fqdn', 'ProtocolLoggingLevel')
        $checks | ForEach-Object { $_.Result | Should -Be 'Pass' -Because "$($_.Check): $($_.Evidence)"; $_.Fix | Should -BeNullOrEmpty }
    }

    It 'fails the wrong TlsDomain of the lab guide''s error 10, with the fix in the connector''s own name' {
        $c = New-HybridConnector @{ TlsDomain = 'cloudmonkeys.xyz'; RequireTLS = $false; CloudServicesMailEnabled = $false; ProtocolLoggingLevel = 'None' }
        $checks = $c | Test-HybridSendConnector
        $tls = $checks | Where-Object Check -eq 'TlsDomain'
        $tls.Result | Should -Be 'Fail'
        $tls.Evidence | Should -Be "TlsDomain = 'cloudmonkeys.xyz'"
        $tls.Fix | Should -Be "Set-SendConnector -Identity '$($c.Name)' -TlsAuthLevel DomainValidation -TlsDomain 'mail.protection.outlook.com'"
        ($checks | Where-Object Check -eq 'RequireTLS').Result | Should -Be 'Fail'
        ($checks | Where-Object Check -eq 'CloudServicesMailEnabled').Fix | Should -BeLike '*-CloudServicesMailEnabled $true'
        $log = $checks | Where-Object Check -eq 'ProtocolLoggingLevel'
        $log.Result | Should -Be 'Warn'
        $log.Fix | Should -BeLike '*-ProtocolLoggingLevel Verbose'
        ($checks | Where-Object Check -eq 'Fqdn').Result | Should -Be 'Skipped'
    }

    It 'checks the routing: DNS, the tenant''s smart host, or a wrong smart host' {
        $dns = New-HybridConnector
        $smartHost = New-HybridConnector @{ DNSRoutingEnabled = $false; SmartHosts = [string[]]('cloudmonkeys-xyz.mail.protection.outlook.com') }
        $office365 = New-HybridConnector @{ DNSRoutingEnabled = $false; SmartHosts = [string[]]('smtp.office365.com') }
        $nowhere = New-HybridConnector @{ DNSRoutingEnabled = $false; SmartHosts = [string[]]@() }
        $results = foreach ($c in $dns, $smartHost, $office365, $nowhere) { ($c | Test-HybridSendConnector | Where-Object Check -eq 'Routing') }
        $results.Result | Should -Be @('Pass', 'Pass', 'Warn', 'Fail')
        $results[2].Reason | Should -BeLike 'smtp.office365.com is not*'
        $results[3].Fix | Should -BeLike '*-DNSRoutingEnabled $true -SmartHosts $null'
    }

    It 'checks the Fqdn against the certificate TlsCertificateName names, wildcards included' {
        $wildcard = New-Certificate 'CN=*.cloudmonkeys.xyz' @('*.cloudmonkeys.xyz')
        $other = New-Certificate 'CN=owa.cloudmonkeys.xyz' @('owa.cloudmonkeys.xyz')
        $c = New-HybridConnector @{ TlsCertificateName = '<I>CN=R3, O=Let''s Encrypt, C=US<S>CN=*.cloudmonkeys.xyz' }
        $pass = $c | Test-HybridSendConnector -Certificate $other, $wildcard | Where-Object Check -eq 'Fqdn'
        $pass.Result | Should -Be 'Pass'
        $pass.Evidence | Should -BeLike "Fqdn = 'mail.cloudmonkeys.xyz'; covered by '`*.cloudmonkeys.xyz' (SubjectAlternativeName, Wildcard match)*"

        $deep = New-HybridConnector @{ TlsCertificateName = '<I>CN=R3, O=Let''s Encrypt, C=US<S>CN=*.cloudmonkeys.xyz'; Fqdn = 'smtp.eu.cloudmonkeys.xyz' }
        $fail = $deep | Test-HybridSendConnector -Certificate $wildcard | Where-Object Check -eq 'Fqdn'
        $fail.Result | Should -Be 'Fail'
        $fail.Evidence | Should -BeLike "Fqdn = 'smtp.eu.cloudmonkeys.xyz'*"

        $mismatch = New-HybridConnector @{ TlsCertificateName = $null }
        $check = $mismatch | Test-HybridSendConnector -Certificate $other | Where-Object Check -eq 'Fqdn'
        $check.Result | Should -Be 'Fail'
        $check.Fix | Should -Be "Set-SendConnector -Identity '$($mismatch.Name)' -Fqdn 'owa.cloudmonkeys.xyz'"

        $renewed = New-HybridConnector @{ TlsCertificateName = '<I>CN=R3, O=Let''s Encrypt, C=US<S>CN=old.cloudmonkeys.xyz' }
        ($renewed | Test-HybridSendConnector -Certificate $other | Where-Object Check -eq 'Fqdn').Result | Should -Be 'Fail'
    }

    It 'warns when no connector is the hybrid one' {
        $r = New-SendConnector 'Internet' @('*') | Test-HybridSendConnector
        $r.Check | Should -Be 'HybridConnector'
        $r.Result | Should -Be 'Warn'
        $r.Fix | Should -BeLike "*-TlsDomain 'mail.protection.outlook.com'*"
    }

    It 'reports an object that is not a send connector, and goes on' {
        $r = [pscustomobject]@{ Identity = 'CMHYBD01\6' }, (New-HybridConnector) | Test-HybridSendConnector -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'HybridMailFlow.NotASendConnector*'
        $r.Count | Should -Be 9
    }
}
