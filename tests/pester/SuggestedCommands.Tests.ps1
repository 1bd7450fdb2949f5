# The commands we suggest are copied into Exchange Management Shell. Their values come from logs, queues, imported
# CSVs and remote servers, so whatever those hold, each command must parse as the command we meant: the value stays
# inside its string, with no statement, subexpression or argument of its own.

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force

    # Values an attacker or a damaged export can put where we read names: every quote PowerShell knows, a statement
    # separator, a subexpression, a variable, a backtick and a new line.
    $script:payloads = @(
        "x’; Write-Host INJECTED; ‘"
        "x'; Write-Host INJECTED; '"
        "x‚; Write-Host INJECTED; ‛"
        'x$(Write-Host INJECTED)'
        'x"; Write-Host INJECTED; "'
        "x``; Write-Host INJECTED"
        "x`nWrite-Host INJECTED"
    )

    # The payload must stay text: the command parses, runs no Write-Host, and every token that holds the payload is
    # a single-quoted string (where PowerShell expands nothing), whatever else the command holds of its own.
    function Assert-SafeCommand {
        param([string] $Command, [string] $Because)
        $tokens = $null
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($Command, [ref]$tokens, [ref]$errors)
        $errors | Should -BeNullOrEmpty -Because "$Because parses: $Command"
        $injected = $ast.FindAll({ param($node)
                $node -is [System.Management.Automation.Language.CommandAst] -and $node.GetCommandName() -eq 'Write-Host' }, $true)
        @($injected).Count | Should -Be 0 -Because "$Because runs no command of the value's: $Command"
        foreach ($token in $tokens | Where-Object { $_.Text -like '*INJECTED*' }) {
            $token.Kind | Should -Be 'StringLiteral' -Because "$Because keeps the value inside a single-quoted string: $Command"
        }
    }

    function New-Queue {
        param([string] $Identity, [string] $DeliveryType, [string] $NextHopDomain, [string] $LastError, [string] $Status = 'Retry')
        [pscustomobject]@{
            PSTypeName       = 'Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo'
            Identity         = $Identity
            DeliveryType     = $DeliveryType
            NextHopDomain    = $NextHopDomain
            NextHopConnector = [guid]'137c0a63-cbc7-4261-b49b-b4850e63593b'
            Status           = $Status
            MessageCount     = 3
            LastError        = $LastError
            NextHopCategory  = 'External'
        }
    }

    function New-SendConnector {
        param([string] $Name, [string] $Domain)
        [pscustomobject]@{
            PSTypeName               = 'Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig'
            Name                     = $Name
            Identity                 = $Name
            Guid                     = [guid]'137c0a63-cbc7-4261-b49b-b4850e63593b'
            AddressSpaces            = @([pscustomobject]@{ PSTypeName = 'Microsoft.Exchange.Data.AddressSpace'; AddressSpace = $Domain; Type = 'SMTP'; Cost = 1; Domain = $Domain; IsLocal = $false })
            Enabled                  = $true
            IsScopedConnector        = $false
            CloudServicesMailEnabled = $true
            DNSRoutingEnabled        = $false
            SmartHosts               = [string[]]@("$Domain.mail.protection.outlook.com")
            RequireTLS               = $false
            TlsAuthLevel             = $null
            TlsDomain                = $null
            TlsCertificateName       = $null
            Fqdn                     = $Domain
            SourceTransportServers   = [string[]]('CMHYBD01')
        }
    }

    $script:lastErrors = @(
        '451 4.4.0 Primary target IP address responded with: "451 4.7.0 Temporary server error. Please try again later. PRX2 ." Attempted failover to alternate host, but that did not succeed.'
        '450 4.4.317 Cannot establish session — SubjectMismatch. Expected: mail.cloudmonkeys.xyz, Presented: CN=cmedge01.cloudmonkeys.xyz'
        'A matching connector cannot be found to route the external recipient'
        '451 4.4.0 DNS query failed. The error was: DNS query failed with error ErrorRetry'
        '441 4.4.1 Error encountered while communicating with primary target IP address: "Failed to connect. Winsock error code: 10060". Attempted failover to alternate host, but that did not succeed.'
    )
}

Describe 'Commands we suggest' {
    It 'Get-HybridQueueDiagnosis keeps a hostile queue identity, next hop and error inside their strings' {
        $deliveries = 'SmartHostConnectorDelivery', 'DnsConnectorDelivery', 'Unreachable', 'SmtpRelayToMailboxDeliveryGroup'
        $round = 0
        foreach ($payload in $script:payloads) {
            foreach ($lastError in $script:lastErrors) {
                # Each error with each payload, the kinds of queue in turn: every kind meets every payload.
                foreach ($delivery in $deliveries[($round++ % $deliveries.Count)]) {
                    $queue = New-Queue -Identity "CMHYBD01\$payload" -DeliveryType $delivery -NextHopDomain "cloudfield.onmicrosoft.com$payload" -LastError "$lastError $payload"
                    $diagnosis = $queue | Get-HybridQueueDiagnosis -SendConnector (New-SendConnector -Name "Outbound to Office 365$payload" -Domain 'cloudfield.mail.onmicrosoft.com')
                    @($diagnosis.Commands).Count | Should -BeGreaterThan 0
                    foreach ($command in $diagnosis.Commands) { Assert-SafeCommand $command -Because "queue $delivery, payload $payload" }
                }
            }
        }
    }

    It 'keeps the identity a hostile value had, character for character, as the string the command passes' {
        $identity = "CMHYBD01\x’; Write-Host INJECTED; ‘"
        $diagnosis = New-Queue -Identity $identity -DeliveryType 'SmartHostConnectorDelivery' -NextHopDomain 'cloudfield.onmicrosoft.com' -LastError $script:lastErrors[0] |
            Get-HybridQueueDiagnosis
        $command = @($diagnosis.Commands | Where-Object { $_ -like '*-Identity*' })[0]
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($command, [ref]$null, [ref]$null)
        $strings = $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.StringConstantExpressionAst] }, $true) | ForEach-Object Value
        $strings | Should -Contain $identity
    }

    It 'Test-HybridSendConnector keeps a hostile connector name inside its string' {
        foreach ($payload in $script:payloads) {
            $results = New-SendConnector -Name "Outbound to Office 365$payload" -Domain 'cloudfield.mail.onmicrosoft.com' |
                Test-HybridSendConnector -RecipientDomain 'cloudfield.onmicrosoft.com', "contoso$payload.example"
            foreach ($command in @($results | ForEach-Object { $_.Command; $_.Commands } | Where-Object { $_ })) {
                Assert-SafeCommand $command -Because "send connector, payload $payload"
            }
        }
    }

    It 'Resolve-HybridSmtpError keeps hostile text of an error inside the strings of its commands, for every rule of the corpus' {
        $corpus = Get-Content -LiteralPath (Join-Path $PSScriptRoot '../data/diagnosis/corpus.tsv') -Encoding UTF8 |
            Where-Object { $_ -and -not $_.StartsWith('#') } | ForEach-Object { ($_ -split "`t", 4)[3] }
        $corpus.Count | Should -BeGreaterThan 100
        $checked = 0
        foreach ($text in $corpus) {
            foreach ($payload in $script:payloads[0]) {
                # The payload where the rules take their values: an address, a host, a bracketed field.
                $hostile = $text -replace '@cloudmonkeys\.xyz', "@cloudmonkeys.xyz$payload" -replace '\[(\d+\.\d+\.\d+\.\d+)\]', "[`$1$payload]"
                foreach ($finding in ($hostile | Resolve-HybridSmtpError -All)) {
                    foreach ($command in $finding.Commands) {
                        Assert-SafeCommand $command -Because "$($finding.RuleId), payload $payload"
                        $checked++
                    }
                }
            }
        }
        $checked | Should -BeGreaterThan 100
    }
}
