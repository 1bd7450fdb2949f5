# Resolve-HybridSmtpError and the Diagnosis of failed sessions and lines, as an admin uses them.

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force
    $script:samples = Join-Path $PSScriptRoot '../../samples'
    $script:corpusPath = Join-Path $PSScriptRoot '../data/diagnosis/corpus.tsv'
}

Describe 'Resolve-HybridSmtpError' {
    It 'explains an error text: meaning, cause, fix, commands, references' {
        $d = Resolve-HybridSmtpError '451 4.7.0 Temporary server error. Please try again later. PRX2'
        $d.PSObject.TypeNames[0] | Should -Be 'HybridMailFlow.SmtpErrorDiagnosis'
        $d.RuleId | Should -Be 'HMF-PRX2'
        $d.Code | Should -Be 451
        $d.EnhancedCode | Should -Be '4.7.0'
        $d.Meaning | Should -Not -BeNullOrEmpty
        $d.Cause | Should -Be $d.Causes[0]
        $d.Fix.Count | Should -BeGreaterThan 0
        $d.Commands | Should -Contain "Set-TransportService '<server>' -InternalDNSServers '<domain controller IP>' -InternalDNSAdapterEnabled `$false"
        $d.References | ForEach-Object { $_ | Should -BeLike 'https://learn.microsoft.com/*' }
        $d.Severity | Should -BeIn 'Info', 'Warning', 'Error', 'Critical'
        $d.Confidence | Should -BeGreaterThan 0.5
        $d.Input | Should -Be '451 4.7.0 Temporary server error. Please try again later. PRX2'
    }

    It 'takes strings from the pipeline, one finding each' {
        $r = '550 5.7.64 TenantAttribution; Relay Access Denied', '503 5.5.2 Send hello first' | Resolve-HybridSmtpError
        $r.Count | Should -Be 2
        $r[1].RuleId | Should -Be 'HMF-SMTP-503-5.5.2'
    }

    It 'reads LastError from Get-Queue-shaped objects, live or re-imported' {
        $queues = @(
            [pscustomobject]@{ PSTypeName = 'Deserialized.Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo'; Identity = 'CMHYBD01\Unreachable'; Status = 'Ready'; LastError = 'A matching connector cannot be found to route the external recipient' }
            [pscustomobject]@{ Identity = 'CMHYBD01\3'; Status = 'Retry'; LastError = '[{LED=451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain};{MSG=};{FQDN=cloudfield.onmicrosoft.com};{IP=};{LRT=5/1/2026 6:00:00 AM}]' }
            [pscustomobject]@{ Identity = 'CMHYBD01\Submission'; Status = 'Ready'; LastError = '' }
        )
        $r = $queues | Resolve-HybridSmtpError -ErrorVariable errs
        $errs.Count | Should -Be 0
        $r.Count | Should -Be 2
        $r[0].RuleId | Should -Be 'HMF-Q-NOCONNECTOR'
        $r[0].Source | Should -Be 'LastError'
        $r[1].EnhancedCode | Should -Be '4.4.0'
        $r[1].RuleId | Should -BeLike '*NonExistentDomain*'
    }

    It 'reads every RecipientStatus of a tracking event' {
        $event = [pscustomobject]@{ EventId = 'FAIL'; RecipientStatus = @('[{LED=550 5.7.1 Service unavailable, Client host [27.7.57.241] blocked using Spamhaus};{MSG=};{FQDN=};{IP=};{LRT=}]', '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found') }
        $r = $event | Resolve-HybridSmtpError
        $r.Count | Should -Be 2
        $r[0].RuleId | Should -Be 'HMF-BLOCKLIST-SPAMHAUS'
        $r[1].EnhancedCode | Should -Be '5.1.1'
    }

    It 'never returns nothing: unknown text gets Unrecognized with the meaning of its status class' {
        $d = Resolve-HybridSmtpError '599 5.7.99 something no rule knows'
        $d.RuleId | Should -Be 'Unrecognized'
        $d.Meaning | Should -Match 'security or policy'
        (Resolve-HybridSmtpError '').RuleId | Should -Be 'Unrecognized'
    }

    It 'returns every matching rule with -All, best first' {
        $all = Resolve-HybridSmtpError -All '450 4.7.0 Proxy session setup failed on Frontend with ''451 4.4.0 Primary target IP address responded with: "451 5.7.3 STARTTLS is required to send mail." Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts. The last endpoint attempted was 192.168.1.13:2525'''
        $all.Count | Should -BeGreaterThan 1
        $all[0].MatchedText | Should -BeLike '451 5.7.3 STARTTLS is required*'
        $all[0].Context.Count | Should -BeGreaterThan 0
    }

    It 'adds the rules of -RulePath, which win over the built-in ones' {
        $rules = Join-Path $TestDrive 'site-rules.toml'
        Set-Content -Path $rules -Encoding utf8 -Value @'
[[rule]]
id = "SITE-SCANNER"
title = "The copier on the 2nd floor"
severity = "Warning"
meaning = "The copier still tries to relay without authenticating."
causes = ["The copier's SMTP settings were reset."]
fix = ["Point the copier at the relay connector."]
references = ["https://learn.microsoft.com/exchange/mail-flow/connectors/allow-anonymous-relay"]
[rule.match]
enhanced = ["5.5.2"]
text = ["scanner"]
'@
        (Resolve-HybridSmtpError '503 5.5.2 Send hello first (scanner)' -RulePath $rules).RuleId | Should -Be 'SITE-SCANNER'
        (Resolve-HybridSmtpError '503 5.5.2 Send hello first' -RulePath $rules).RuleId | Should -Be 'HMF-SMTP-503-5.5.2'
    }

    It 'explains every text of the corpus of real errors as the engine does, from where it was seen' {
        $corpus = Get-Content -LiteralPath $script:corpusPath -Encoding UTF8 | Where-Object { $_ -and -not $_.StartsWith('#') } | ForEach-Object {
            $rule, $kind, $sources, $text = $_ -split "`t", 4
            [pscustomobject]@{ Rule = $rule; Kind = $kind; Text = $text }
        }
        $corpus.Count | Should -BeGreaterOrEqual 150
        $wrong = foreach ($entry in $corpus) {
            $found = Resolve-HybridSmtpError -Message $entry.Text -Source $entry.Kind
            if ($found.RuleId -ne $entry.Rule) { '{0}: {1} instead of {2}' -f $entry.Text, $found.RuleId, $entry.Rule }
        }
        $wrong | Should -BeNullOrEmpty
    }

    It 'proposes only Set-SendConnector commands that Test-HybridSendConnector passes on the hybrid connector' {
        # Each command runs against stand-ins that record what it sets: Get-ExchangeCertificate gives the lab's
        # certificate, the placeholders an admin fills get the lab's values, and the settings go onto the
        # connector the Hybrid Configuration Wizard writes, configured right. Every check they touch must pass.
        function Get-ExchangeCertificate { [pscustomobject]@{ Issuer = 'CN=R3, O=Let''s Encrypt, C=US'; Subject = 'CN=mail.cloudmonkeys.xyz' } }
        function Set-SendConnector {
            [CmdletBinding()]
            param([Parameter(Position = 0)] $Identity, $AddressSpaces, $SmartHosts, $DNSRoutingEnabled, $RequireTLS, $TlsAuthLevel, $TlsDomain,
                $TlsCertificateName, $Fqdn, $CloudServicesMailEnabled, $ProtocolLoggingLevel, $Enabled, $FrontendProxyEnabled, $UseExternalDNSServersEnabled)
            $script:applied = @{} + $PSBoundParameters
        }
        $checkOf = @{ Enabled = 'Enabled'; TlsAuthLevel = 'TlsAuthLevel'; TlsDomain = 'TlsDomain'; RequireTLS = 'RequireTLS'; CloudServicesMailEnabled = 'CloudServicesMailEnabled'
            DNSRoutingEnabled = 'Routing'; SmartHosts = 'Routing'; TlsCertificateName = 'TlsCertificateName'; Fqdn = 'Fqdn'; ProtocolLoggingLevel = 'ProtocolLoggingLevel' }
        $texts = Get-Content -LiteralPath $script:corpusPath -Encoding UTF8 | Where-Object { $_ -and -not $_.StartsWith('#') } | ForEach-Object { ($_ -split "`t", 4)[3] }
        $commands = $texts | Resolve-HybridSmtpError -All | ForEach-Object { $_.Commands } | Where-Object { $_ -match '(^|; )Set-SendConnector ' } | Sort-Object -Unique
        $commands.Count | Should -BeGreaterThan 3
        $refused = foreach ($command in $commands) {
            $script:applied = $null
            $filled = $command.Replace('<connector>', 'Outbound to Office 365').Replace('<tenant>', 'cloudfield').Replace('<domain>', 'cloudfield.onmicrosoft.com')
            Invoke-Expression $filled
            $script:applied | Should -Not -BeNullOrEmpty -Because "'$filled' must reach Set-SendConnector"
            $settings = @{
                PSTypeName = 'Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig'; Name = 'Outbound to Office 365'; Identity = 'Outbound to Office 365'
                AddressSpaces = 'smtp:cloudfield.mail.onmicrosoft.com;1'; Enabled = $true; CloudServicesMailEnabled = $true; DNSRoutingEnabled = $true; SmartHosts = [string[]]@()
                RequireTLS = $true; TlsAuthLevel = 'DomainValidation'; TlsDomain = 'mail.protection.outlook.com'; Fqdn = 'mail.cloudmonkeys.xyz'; ProtocolLoggingLevel = 'Verbose'
                TlsCertificateName = '<I>CN=R3, O=Let''s Encrypt, C=US<S>CN=mail.cloudmonkeys.xyz'
            }
            $touched = foreach ($name in @($script:applied.Keys)) {
                if ($name -ne 'Identity' -and $name -ne 'AddressSpaces') { $settings[$name] = $script:applied[$name] }
                $checkOf[$name]
            }
            [pscustomobject]$settings | Test-HybridSendConnector | Where-Object { $_.Check -in $touched -and $_.Result -notin 'Pass', 'Skipped' } |
                ForEach-Object { '{0}: {1} {2} ({3})' -f $command, $_.Check, $_.Result, $_.Reason }
        }
        $refused | Should -BeNullOrEmpty
    }

    It 'names the file and the rule when a rule file is wrong' {
        $bad = Join-Path $TestDrive 'bad-rules.toml'
        Set-Content -Path $bad -Encoding utf8 -Value "[[rule]]`nid = `"BROKEN`"`ntitle = `"x`"`nseverity = `"Fatal`""
        { Resolve-HybridSmtpError 'x' -RulePath $bad -ErrorAction Stop } | Should -Throw '*bad-rules.toml*'
    }
}

Describe 'Diagnosis of failed sessions and lines' {
    It 'every failed sample session carries its diagnosis; delivered ones carry none' {
        $sessions = Get-HybridSmtpSession -Path $script:samples
        foreach ($s in $sessions) {
            if ($s.Outcome -in 'Delivered', 'NoMessage', 'Incomplete') {
                $s.Diagnosis.Count | Should -Be 0
            } else {
                $s.Diagnosis.Count | Should -BeGreaterThan 0
            }
        }
        ($sessions | Where-Object SessionId -eq '08DEA74796A6E310').Diagnosis[0].RuleId | Should -Be 'HMF-PRX2'
        ($sessions | Where-Object SessionId -eq '08DEA74796A6D101').Diagnosis[0].RuleId | Should -Be 'EXO-4.4.317-SubjectMismatch'
        ($sessions | Where-Object SessionId -eq '08DEA74796A6F104').Diagnosis[0].Source | Should -BeLike '*SEND2026050106-1.LOG:*'
    }

    It 'exports the diagnosis to CSV as text' {
        $csv = Join-Path $TestDrive 'failed.csv'
        Get-HybridSmtpSession -Path $script:samples -Outcome TempFailed | Export-Csv $csv -NoTypeInformation
        $row = Import-Csv $csv | Where-Object SessionId -eq '08DEA74796A6E310'
        $row.Diagnosis | Should -BeLike 'HMF-PRX2 (4.7.0): Front End proxy failed on DNS (PRX2 DnsQueryFailed)*'
    }

    It 'diagnoses failure lines, and only those' {
        $lines = Get-HybridSmtpLogEntry -Path $script:samples
        $diagnosed = @($lines | Where-Object { $_.Diagnosis.Count -gt 0 })
        $diagnosed.Count | Should -BeGreaterThan 5
        ($diagnosed | Where-Object Data -like '535 5.7.3*').Diagnosis[0].RuleId | Should -Be 'HMF-AUTH-535'
        @($lines | Where-Object { $_.Data -like '250 *' -and $_.Diagnosis.Count -gt 0 }).Count | Should -Be 0
    }
}
