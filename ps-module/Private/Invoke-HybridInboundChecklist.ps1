function Invoke-HybridInboundChecklist {
    # The lab guide's checklist "When EXO Mail Not Reaching On-Prem", steps 7 to 12.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)] [string] $Server,
        [string[]] $Domain,
        [string] $HybridName,
        [string] $ValidationRecipient,
        [int] $Hours = 24,
        [string] $DnsServer
    )
    $list = 'ExchangeOnlineToOnPremises'
    $dns = @{}
    if ($DnsServer) { $dns.Server = $DnsServer }

    # 7. The MX of each accepted domain points to Exchange Online Protection.
    if (-not $Domain) {
        $accepted = Invoke-HybridExchangeCommand -Name 'Get-AcceptedDomain'
        $Domain = @($accepted.Output | Where-Object { "$($_.DomainType)" -eq 'Authoritative' } | ForEach-Object { "$($_.DomainName)" } |
                Where-Object { $_ -and $_ -notlike '*.onmicrosoft.com' })
    }
    $mxCheck = 'The MX record points to Exchange Online Protection'
    if (-not $Domain) {
        New-HybridMailFlowCheck $list 7 $mxCheck Skipped 'No domain to look up: give -Domain (Get-AcceptedDomain is absent or lists no authoritative domain).' -Server $Server
    } else {
        $mx = @(foreach ($name in $Domain) { Test-HybridDnsRecord -DomainName $name -Check MX @dns -ErrorAction SilentlyContinue })
        $evidence = ($mx | ForEach-Object { "$($_.DomainName): MX $($_.Evidence)" }) -join '; '
        $answered = @($mx | Where-Object { "$($_.Result)" -ne 'Skipped' })
        $wrong = @($answered | Where-Object { "$($_.Result)" -eq 'Fail' })
        $doubtful = @($answered | Where-Object { "$($_.Result)" -eq 'Warn' })
        if ($answered.Count -eq 0) {
            New-HybridMailFlowCheck $list 7 $mxCheck Skipped "The MX records cannot be read: $(@($mx)[0].Message)" -Server $Server
        } elseif ($wrong.Count -gt 0) {
            New-HybridMailFlowCheck $list 7 $mxCheck Fail (($wrong | ForEach-Object { $_.Message }) -join ' ') -Evidence $evidence `
                -Fix (($wrong | ForEach-Object { "$($_.Fix) Publish: $($_.Record)" }) -join ' ') -Command (($wrong | Where-Object { $_.Command } | ForEach-Object { $_.Command }) -join '; ') -Server $Server
        } elseif ($doubtful.Count -gt 0) {
            New-HybridMailFlowCheck $list 7 $mxCheck Warn (($doubtful | ForEach-Object { $_.Message }) -join ' ') -Evidence $evidence -Fix (($doubtful | ForEach-Object { $_.Fix }) -join ' ') -Server $Server
        } else {
            New-HybridMailFlowCheck $list 7 $mxCheck Pass "The MX of $($Domain -join ', ') points to Exchange Online Protection." -Evidence $evidence -Server $Server
        }
    }

    # The endpoint Exchange Online connects to for its outbound connector to on-premises, probed as the connector
    # does (port 25, STARTTLS, the certificate against its TlsDomain, the validation recipient): the smart host of
    # that connector, else -HybridName. Steps 8 and 9 read the answer.
    $outbound = Invoke-HybridExchangeCommand -Name 'Get-OutboundConnector'
    $onPremises = @($outbound.Output | Where-Object { "$($_.ConnectorType)" -eq 'OnPremises' })
    $connector = $null
    if ($onPremises.Count -gt 0) { $connector = $onPremises[0] }
    if (-not $HybridName -and $connector -and $connector.TlsDomain) { $HybridName = "$($connector.TlsDomain)" }
    $recipients = @($ValidationRecipient) + @($(if ($connector) { $connector.ValidationRecipients })) | Where-Object { $_ } | Select-Object -First 1
    $endpoint = @($(if ($connector) { $connector.SmartHosts }) | Where-Object { $_ } | ForEach-Object { "$_" }) + @($HybridName) | Where-Object { $_ } | Select-Object -First 1
    $probe = $null
    $probeCommand = $null
    $probeSkipped = $null
    if ($endpoint) {
        $probeParameters = @{ ComputerName = $endpoint; ErrorAction = 'SilentlyContinue' }
        $probeCommand = "Test-HybridSmtpEndpoint -ComputerName $(ConvertTo-HybridLiteral $endpoint)"
        if ($HybridName) {
            $probeParameters.ExpectedName = $HybridName
            $probeCommand += " -ExpectedName $(ConvertTo-HybridLiteral $HybridName)"
        }
        if ($recipients) {
            $probeParameters.To = $recipients
            $probeCommand += " -To $(ConvertTo-HybridLiteral $recipients)"
        }
        if ($DnsServer) { $probeParameters.DnsServer = $DnsServer }
        $probe = Test-HybridSmtpEndpoint @probeParameters
        if ($probe -and "$($probe.Outcome)" -eq 'ConnectFailed') {
            $probeSkipped = "The probe of ${endpoint}:25 was skipped: it cannot be reached from this computer ($($probe.OutcomeText)); from inside the network that may be the router, not the server: run $probeCommand from outside."
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
            New-HybridMailFlowCheck $list 8 $portCheck Pass "$($sessions.Count) connection(s) from Exchange Online in the last $Hours hours; the last at $($last.Start.ToUniversalTime().ToString('u')) from $($last.RemoteAddress) ($($last.Outcome))." `
                -Evidence (($sessions | Group-Object Outcome | ForEach-Object { "$($_.Name): $($_.Count)" }) -join ', ') -Command $rerun -Server $Server
        } else {
            $reason = "No connection from Exchange Online in the SmtpReceive logs of the last $Hours hours."
            $evidence = "Folders read: " + (($folders | ForEach-Object { $_.Path }) -join '; ')
            if ($probeSkipped) {
                $reason += " $probeSkipped"
            } elseif ($probe) {
                $reason += " ${endpoint}:25 answers from this computer ($($probe.Banner)): the SMTP service listens, so look at the router's forwarding of TCP 25 from the internet and the firewalls."
                $evidence += "; probe: $($probe.Outcome), $($probe.Reason)"
            }
            New-HybridMailFlowCheck $list 8 $portCheck Warn $reason -Evidence $evidence `
                -Fix 'Check that the router forwards TCP 25 of the public address the MX and the outbound connector''s smart host resolve to, to this server''s internal address, and that no firewall drops it; then validate the connector (step 9).' `
                -Command ((@($rerun, $probeCommand) | Where-Object { $_ }) -join '; ') -Server $Server
        }
    }

    # 9. Exchange Online's outbound connector to on-premises: enabled, TLS, validated; and its smart host answering as
    # Validate-OutboundConnector needs, by the probe.
    $connectorCheck = 'Exchange Online''s outbound connector to on-premises is valid'
    $step = $null
    if (-not $outbound.Available -or $outbound.Error) {
        $step = New-HybridMailFlowCheck $list 9 $connectorCheck Skipped (Get-HybridAbsentReason $outbound) -Server $Server
    } else {
        $evidence = ($onPremises | ForEach-Object { "$($_.Name): Enabled=$($_.Enabled) TlsSettings=$($_.TlsSettings) TlsDomain=$($_.TlsDomain) SmartHosts=$(@($_.SmartHosts) -join ',') IsValidated=$($_.IsValidated) LastValidationTimestamp=$($_.LastValidationTimestamp)" }) -join '; '
        if (-not $connector) {
            $step = New-HybridMailFlowCheck $list 9 $connectorCheck Fail 'Exchange Online has no outbound connector of type OnPremises: mail to on-premises mailboxes goes by MX, not through the hybrid.' `
                -Fix 'Run the Hybrid Configuration Wizard again; it creates the connector "Outbound to <guid>".' -Server $Server
        } else {
            $validate = $null
            if ($recipients) { $validate = "Validate-OutboundConnector -Identity $(ConvertTo-HybridLiteral $connector.Name) -Recipients $(ConvertTo-HybridLiteral $recipients)" }
            if ("$($connector.Enabled)" -eq 'False') {
                $step = New-HybridMailFlowCheck $list 9 $connectorCheck Fail "The connector $($connector.Name) is disabled." -Evidence $evidence -Fix 'Enable it.' -Command "Set-OutboundConnector -Identity $(ConvertTo-HybridLiteral $connector.Name) -Enabled `$true" -Server $Server
            } elseif ("$($connector.IsValidated)" -ne 'True') {
                $step = New-HybridMailFlowCheck $list 9 $connectorCheck Warn "The connector $($connector.Name) has not been validated, or its last validation failed." -Evidence $evidence `
                    -Fix 'Validate it with an on-premises mailbox as recipient (give -ValidationRecipient for the command).' -Command $validate -Server $Server
            } else {
                $step = New-HybridMailFlowCheck $list 9 $connectorCheck Pass "The connector $($connector.Name) is enabled and validated ($($connector.LastValidationTimestamp))." -Evidence $evidence -Server $Server
            }
        }
    }
    if ($probe -and -not $probeSkipped) {
        $step.Evidence = (@($step.Evidence, "probe: $($probe.Outcome), $($probe.Reason)") | Where-Object { $_ }) -join ' | '
        if ("$($probe.Outcome)" -ne 'NoMessage') {
            $finding = @($probe.Diagnosis)[0]
            $step.Result = [HybridMailFlow.CheckResult]::Fail
            $step.Reason = "${endpoint}:25 fails what the connector's validation needs ($($probe.Outcome)): $($probe.Reason) $($step.Reason)"
            if ($finding) { $step.Fix = (@("$($finding.Title): $(@($finding.Fix) -join ' ')", $step.Fix) | Where-Object { $_ }) -join ' ' }
            $step.Command = (@($step.Command, $probeCommand) | Where-Object { $_ }) -join '; '
        } elseif ("$($step.Result)" -eq 'Skipped') {
            $step.Result = [HybridMailFlow.CheckResult]::Pass
            $step.Reason = "${endpoint}:25 answers as Exchange Online's connector needs: $($probe.Reason) ($($step.Reason) The connector itself was not read.)"
            $step.Command = $probeCommand
        }
    } elseif ($probeSkipped) {
        $step.Reason = "$($step.Reason) $probeSkipped"
    }
    $step

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
    if ($names.Count -gt 0) {
        $answers = @(Resolve-HybridHostName -Name $names -DnsServer $DnsServer)
        $unresolved = @($answers | Where-Object { $_.Resolved -eq $false } | ForEach-Object { $_.Name })
        $unanswered = @($answers | Where-Object { $null -eq $_.Resolved })
        $resolved = @($answers | Where-Object { $_.Resolved } | ForEach-Object { "$($_.Name)=$($_.Addresses -join ',')" })
        $step.Evidence = (@($step.Evidence, "Resolved: $($resolved -join '; ')") | Where-Object { $_ }) -join ' | '
        if ($unresolved.Count -gt 0) {
            $step.Result = [HybridMailFlow.CheckResult]::Fail
            $step.Reason = (@("This server cannot resolve $($unresolved -join ', '): proxying and delivery to it fail (PRX2, 451 4.4.0 DNS query failed).", $step.Reason) | Where-Object { $_ }) -join ' '
            $step.Fix = (@('Register the servers'' A records in the internal DNS zone and make sure this server asks only internal DNS servers.', $step.Fix) | Where-Object { $_ }) -join ' '
        } elseif ($unanswered.Count -gt 0 -and "$($step.Result)" -eq 'Skipped') {
            $step.Reason = (@($step.Reason, "The names of the Exchange servers could not be looked up: $($unanswered[0].Reason)") | Where-Object { $_ }) -join ' '
        } elseif ("$($step.Result)" -eq 'Skipped') {
            $step.Result = [HybridMailFlow.CheckResult]::Pass
            $step.Reason = "The Exchange servers' names resolve: $($resolved -join '; ')."
        }
    }
    $step
}
