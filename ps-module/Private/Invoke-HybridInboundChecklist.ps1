function Invoke-HybridInboundChecklist {
    # The lab guide's checklist "When EXO Mail Not Reaching On-Prem", steps 7 to 12.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)] [string] $Server,
        [string[]] $Domain,
        [string] $HybridName,
        [string] $ValidationRecipient,
        [int] $Hours = 24
    )
    $list = 'ExchangeOnlineToOnPremises'

    # 7. The MX of each accepted domain points to Exchange Online Protection.
    if (-not $Domain) {
        $accepted = Invoke-HybridExchangeCommand -Name 'Get-AcceptedDomain'
        $Domain = @($accepted.Output | Where-Object { "$($_.DomainType)" -eq 'Authoritative' } | ForEach-Object { "$($_.DomainName)" } |
                Where-Object { $_ -and $_ -notlike '*.onmicrosoft.com' })
    }
    $mxCheck = 'The MX record points to Exchange Online Protection'
    $resolver = Get-Command -Name 'Resolve-DnsName' -CommandType Cmdlet, Function, Alias -ErrorAction Ignore
    if (-not $Domain) {
        New-HybridMailFlowCheck $list 7 $mxCheck Skipped 'No domain to look up: give -Domain (Get-AcceptedDomain is absent or lists no authoritative domain).' -Server $Server
    } elseif (-not $resolver) {
        New-HybridMailFlowCheck $list 7 $mxCheck Skipped 'The cmdlet Resolve-DnsName is absent: it exists only on Windows.' -Command (($Domain | ForEach-Object { "Resolve-DnsName -Name '$_' -Type MX" }) -join '; ') -Server $Server
    } else {
        $wrong = @()
        $evidence = @()
        foreach ($name in $Domain) {
            $mx = Invoke-HybridExchangeCommand -Name 'Resolve-DnsName' -Parameters @{ Name = $name; Type = 'MX' }
            $hosts = @($mx.Output | Where-Object { $_.NameExchange } | Sort-Object Preference | ForEach-Object { "$($_.NameExchange)".TrimEnd('.') })
            if ($mx.Error) {
                $wrong += $name
                $evidence += "${name}: $($mx.Error)"
            } else {
                $evidence += "${name}: MX $($hosts -join ', ')"
                if (@($hosts | Where-Object { $_ -like '*.mail.protection.outlook.com' }).Count -eq 0) { $wrong += $name }
            }
        }
        if ($wrong.Count -gt 0) {
            New-HybridMailFlowCheck $list 7 $mxCheck Fail "The MX of $($wrong -join ', ') does not point to <domain>.mail.protection.outlook.com: mail does not enter through Exchange Online." `
                -Evidence ($evidence -join '; ') -Fix 'Point the MX record at the tenant''s endpoint (shown in the Microsoft 365 admin center, Domains), e.g. cloudmonkeys-xyz.mail.protection.outlook.com.' -Server $Server
        } else {
            New-HybridMailFlowCheck $list 7 $mxCheck Pass "The MX of $($Domain -join ', ') points to Exchange Online Protection." -Evidence ($evidence -join '; ') -Server $Server
        }
    }

    # 8 and 11 (its second half): connections from Exchange Online in this server's SmtpReceive logs show that port
    # 25 reaches it through the router.
    $portCheck = 'Port 25 from the internet reaches this server'
    $folders = @(Find-HybridLogPath -Server $Server -LogKind SmtpReceive -ExistingOnly -ErrorAction SilentlyContinue)
    $sessions = @()
    if ($folders.Count -eq 0) {
        New-HybridMailFlowCheck $list 8 $portCheck Skipped 'No SmtpReceive protocol log folder was found on this server, so the connections that reach it cannot be seen: turn protocol logging on (step 11).' -Server $Server
    } else {
        $start = (Get-Date).AddHours(-$Hours)
        $sessions = @($folders | Get-HybridSmtpSession -Start $start -ErrorAction SilentlyContinue | Where-Object { $_.IsExchangeOnline })
        $rerun = "Find-HybridLogPath -LogKind SmtpReceive -ExistingOnly | Get-HybridSmtpSession -Start (Get-Date).AddHours(-$Hours) | Where-Object IsExchangeOnline"
        if ($sessions.Count -gt 0) {
            $last = $sessions | Sort-Object Start | Select-Object -Last 1
            New-HybridMailFlowCheck $list 8 $portCheck Pass "$($sessions.Count) connection(s) from Exchange Online in the last $Hours hours; the last at $($last.Start.ToString('u')) from $($last.RemoteAddress) ($($last.Outcome))." `
                -Evidence (($sessions | Group-Object Outcome | ForEach-Object { "$($_.Name): $($_.Count)" }) -join ', ') -Command $rerun -Server $Server
        } else {
            New-HybridMailFlowCheck $list 8 $portCheck Warn "No connection from Exchange Online in the SmtpReceive logs of the last $Hours hours." `
                -Evidence ("Folders read: " + (($folders | ForEach-Object { $_.Path }) -join '; ')) `
                -Fix 'Check that the router forwards TCP 25 of the public address the MX and the outbound connector''s smart host resolve to, to this server''s internal address, and that no firewall drops it; then validate the connector (step 9).' `
                -Command $rerun -Server $Server
        }
    }

    # 9. Exchange Online's outbound connector to on-premises: enabled, TLS, validated.
    $outbound = Invoke-HybridExchangeCommand -Name 'Get-OutboundConnector'
    $connectorCheck = 'Exchange Online''s outbound connector to on-premises is valid'
    if (-not $outbound.Available -or $outbound.Error) {
        New-HybridMailFlowCheck $list 9 $connectorCheck Skipped (Get-HybridAbsentReason $outbound) -Server $Server
    } else {
        $onPremises = @($outbound.Output | Where-Object { "$($_.ConnectorType)" -eq 'OnPremises' })
        $evidence = ($onPremises | ForEach-Object { "$($_.Name): Enabled=$($_.Enabled) TlsSettings=$($_.TlsSettings) TlsDomain=$($_.TlsDomain) SmartHosts=$(@($_.SmartHosts) -join ',') IsValidated=$($_.IsValidated) LastValidationTimestamp=$($_.LastValidationTimestamp)" }) -join '; '
        if ($onPremises.Count -eq 0) {
            New-HybridMailFlowCheck $list 9 $connectorCheck Fail 'Exchange Online has no outbound connector of type OnPremises: mail to on-premises mailboxes goes by MX, not through the hybrid.' `
                -Fix 'Run the Hybrid Configuration Wizard again; it creates the connector "Outbound to <guid>".' -Server $Server
        } else {
            $connector = $onPremises[0]
            if (-not $HybridName -and $connector.TlsDomain) { $HybridName = "$($connector.TlsDomain)" }
            $recipients = @($ValidationRecipient) + @($connector.ValidationRecipients) | Where-Object { $_ } | Select-Object -First 1
            $validate = $null
            if ($recipients) { $validate = "Validate-OutboundConnector -Identity '$($connector.Name)' -Recipients '$recipients'" }
            if ("$($connector.Enabled)" -eq 'False') {
                New-HybridMailFlowCheck $list 9 $connectorCheck Fail "The connector $($connector.Name) is disabled." -Evidence $evidence -Fix 'Enable it.' -Command "Set-OutboundConnector -Identity '$($connector.Name)' -Enabled `$true" -Server $Server
            } elseif ("$($connector.IsValidated)" -ne 'True') {
                New-HybridMailFlowCheck $list 9 $connectorCheck Warn "The connector $($connector.Name) has not been validated, or its last validation failed." -Evidence $evidence `
                    -Fix 'Validate it with an on-premises mailbox as recipient (give -ValidationRecipient for the command).' -Command $validate -Server $Server
            } else {
                New-HybridMailFlowCheck $list 9 $connectorCheck Pass "The connector $($connector.Name) is enabled and validated ($($connector.LastValidationTimestamp))." -Evidence $evidence -Server $Server
            }
        }
    }

    # 10 and 11: the receive connectors Exchange Online reaches, against the server's certificates.
    $receive = Invoke-HybridExchangeCommand -Name 'Get-ReceiveConnector' -Parameters @{ Server = $Server }
    $certificates = Invoke-HybridExchangeCommand -Name 'Get-ExchangeCertificate' -Parameters @{ Server = $Server }
    $receiveChecks = @()
    $certificateChecks = @()
    if ($receive.Available -and -not $receive.Error) {
        $receiveChecks = @($receive.Output | Test-HybridReceiveConnector -Certificate $certificates.Output)
    }
    if ($certificates.Available -and -not $certificates.Error -and $certificates.Output.Count -gt 0 -and $HybridName) {
        $certificateChecks = @($certificates.Output | Test-HybridCertificate -Name $HybridName | Where-Object { $_.Check -eq 'CoversName' })
    }
    $reached = @($receiveChecks | Where-Object { $_.Check -eq 'Bindings' -and "$($_.Result)" -eq 'Pass' } | ForEach-Object { $_.Identity })
    $tls = @($receiveChecks | Where-Object { $_.Check -in 'TlsCertificateName', 'Fqdn', 'ExchangeOnlineConnector' -or ($_.Check -eq 'Bindings' -and "$($_.Result)" -eq 'Fail') }) + $certificateChecks
    $why = Get-HybridAbsentReason $receive
    if ($receive.Available -and -not $receive.Error) { $why = 'Get-ReceiveConnector returned no connector.' }
    ConvertTo-HybridMailFlowCheck -Checklist $list -Step 10 -Check 'The receive connector''s TLS certificate matches the expected FQDN' -ConfigurationCheck $tls -NoneReason $why -Server $Server
    $logging = @($receiveChecks | Where-Object { $_.Check -eq 'ProtocolLoggingLevel' -and $reached -contains $_.Identity })
    ConvertTo-HybridMailFlowCheck -Checklist $list -Step 11 -Check 'Protocol logging is on where Exchange Online connects' -ConfigurationCheck $logging -NoneReason $why -Server $Server

    # 12. Internal DNS resolves the organisation's names: the transport services' internal DNS servers, and the
    # Exchange servers' FQDNs as this server resolves them (the names the Front End proxies to).
    $dnsChecks = @(Get-HybridTransportDnsCheck -Server $Server) | Where-Object { $_.Check -eq 'InternalDnsServers' }
    $step = ConvertTo-HybridMailFlowCheck -Checklist $list -Step 12 -Check 'Internal DNS resolves host names correctly' -ConfigurationCheck $dnsChecks `
        -NoneReason 'The cmdlets Get-TransportService and Get-FrontendTransportService are absent: run this in the Exchange Management Shell on the server.' -Server $Server
    $exchangeServers = Invoke-HybridExchangeCommand -Name 'Get-ExchangeServer'
    $names = @($exchangeServers.Output | ForEach-Object { "$($_.Fqdn)" } | Where-Object { $_ })
    if ($names.Count -gt 0 -and (Get-Command -Name 'Resolve-DnsName' -CommandType Cmdlet, Function, Alias -ErrorAction Ignore)) {
        $unresolved = @()
        $resolved = @()
        foreach ($name in $names) {
            $answer = Invoke-HybridExchangeCommand -Name 'Resolve-DnsName' -Parameters @{ Name = $name; Type = 'A' }
            $addresses = @($answer.Output | Where-Object { $_.IPAddress } | ForEach-Object { "$($_.IPAddress)" })
            if ($addresses.Count -gt 0) { $resolved += "$name=$($addresses -join ',')" } else { $unresolved += $name }
        }
        $step.Evidence = (@($step.Evidence, "Resolved: $($resolved -join '; ')") | Where-Object { $_ }) -join ' | '
        if ($unresolved.Count -gt 0) {
            $step.Result = [HybridMailFlow.CheckResult]::Fail
            $step.Reason = (@("This server cannot resolve $($unresolved -join ', '): proxying and delivery to it fail (PRX2, 451 4.4.0 DNS query failed).", $step.Reason) | Where-Object { $_ }) -join ' '
            $step.Fix = (@('Register the servers'' A records in the internal DNS zone and make sure this server asks only internal DNS servers.', $step.Fix) | Where-Object { $_ }) -join ' '
        } elseif ("$($step.Result)" -eq 'Skipped') {
            $step.Result = [HybridMailFlow.CheckResult]::Pass
            $step.Reason = "The Exchange servers' names resolve: $($resolved -join '; ')."
        }
    }
    $step
}
