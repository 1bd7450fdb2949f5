function Invoke-HybridStuckOnPremisesChecklist {
    # The lab guide's checklist "When Mail is Stuck in Drafts (On-Prem)", steps 1 to 6.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)] [string] $Server,
        [string[]] $RecipientDomain,
        [int] $MessageCountThreshold = 100
    )
    $list = 'MailStuckOnPremises'
    # The services that move a message from the mailbox to the queues; the lab guide restarts the last two.
    $transportServices = @('MSExchangeTransport', 'MSExchangeFrontEndTransport', 'MSExchangeSubmission', 'MSExchangeDelivery', 'MSExchangeIS')

    # 1. Every MSExchange* service running.
    $services = Invoke-HybridExchangeCommand -Name 'Get-Service' -Parameters @{ Name = 'MSExchange*' }
    $stopped = @()
    if (-not $services.Available -or $services.Error) {
        New-HybridMailFlowCheck $list 1 'All MSExchange* services are running' Skipped (Get-HybridAbsentReason $services) -Server $Server
    } elseif ($services.Output.Count -eq 0) {
        New-HybridMailFlowCheck $list 1 'All MSExchange* services are running' Skipped 'No MSExchange* service on this computer: run the checklist on the Exchange server.' -Server $Server
        $services.Available = $false
    } else {
        # A service set to start automatically, or one transport needs, must run; disabled and manual ones may rest.
        $stopped = @($services.Output | Where-Object {
                "$($_.Status)" -ne 'Running' -and ("$($_.StartType)" -eq 'Automatic' -or $transportServices -contains $_.Name)
            })
        $evidence = ($services.Output | ForEach-Object { "$($_.Name)=$($_.Status)" }) -join ', '
        if ($stopped.Count -gt 0) {
            $names = ($stopped | ForEach-Object { "'$($_.Name)'" }) -join ','
            New-HybridMailFlowCheck $list 1 'All MSExchange* services are running' Fail "Not running: $(($stopped | ForEach-Object { $_.Name }) -join ', ')." `
                -Evidence $evidence -Fix 'Start the stopped services; if one stops again, look in the Application event log for why.' -Command "Start-Service -Name $names" -Server $Server
        } else {
            New-HybridMailFlowCheck $list 1 'All MSExchange* services are running' Pass "$($services.Output.Count) MSExchange* services, all that must run are running." -Evidence $evidence -Server $Server
        }
    }

    # 2. Mailbox databases mounted.
    $databases = Invoke-HybridExchangeCommand -Name 'Get-MailboxDatabase' -Parameters @{ Status = $true }
    if (-not $databases.Available -or $databases.Error) {
        New-HybridMailFlowCheck $list 2 'Mailbox databases are mounted' Skipped (Get-HybridAbsentReason $databases) -Server $Server
    } else {
        $dismounted = @($databases.Output | Where-Object { "$($_.Mounted)" -ne 'True' })
        $evidence = ($databases.Output | ForEach-Object { "$($_.Name) on $($_.Server): Mounted=$($_.Mounted)" }) -join '; '
        if ($databases.Output.Count -eq 0) {
            New-HybridMailFlowCheck $list 2 'Mailbox databases are mounted' Fail 'Get-MailboxDatabase -Status returned no database.' -Server $Server
        } elseif ($dismounted.Count -gt 0) {
            New-HybridMailFlowCheck $list 2 'Mailbox databases are mounted' Fail "Not mounted: $(($dismounted | ForEach-Object { $_.Name }) -join ', '): their mailboxes cannot submit mail." `
                -Evidence $evidence -Fix 'Mount the databases; if mounting fails, check the disk and the event log.' `
                -Command (($dismounted | ForEach-Object { "Mount-Database -Identity '$($_.Name)'" }) -join '; ') -Server $Server
        } else {
            New-HybridMailFlowCheck $list 2 'Mailbox databases are mounted' Pass "$($databases.Output.Count) database(s), all mounted." -Evidence $evidence -Server $Server
        }
    }

    # 3. The queues, the Submission queue first: explained by Get-HybridQueueDiagnosis.
    $queues = Invoke-HybridExchangeCommand -Name 'Get-Queue' -Parameters @{ Server = $Server }
    $stuckQueues = @()
    if (-not $queues.Available -or $queues.Error) {
        New-HybridMailFlowCheck $list 3 'The Submission queue and the other queues' Skipped (Get-HybridAbsentReason $queues) -Server $Server
    } else {
        $diagnosis = @($queues.Output | Get-HybridQueueDiagnosis -MessageCountThreshold $MessageCountThreshold)
        $stuckQueues = @($diagnosis | Where-Object { "$($_.Severity)" -notin 'Info', '' })
        $evidence = ($diagnosis | ForEach-Object { "$($_.Identity) $($_.State) $($_.MessageCount)" }) -join '; '
        if ($stuckQueues.Count -eq 0) {
            New-HybridMailFlowCheck $list 3 'The Submission queue and the other queues' Pass "$($diagnosis.Count) queue(s), none stuck: if mail stays in Drafts, it never reaches transport (steps 1, 2 and 4)." -Evidence $evidence -Server $Server
        } else {
            $result = 'Warn'
            if (@($stuckQueues | Where-Object { "$($_.Severity)" -in 'Error', 'Critical' }).Count -gt 0) { $result = 'Fail' }
            New-HybridMailFlowCheck $list 3 'The Submission queue and the other queues' $result `
                (($stuckQueues | ForEach-Object { "$($_.Identity) ($($_.State), $($_.MessageCount)): $(@($_.DiagnosisTitle, $_.Meaning | Where-Object { $_ })[0])" }) -join ' ') `
                -Evidence $evidence -Fix (($stuckQueues | ForEach-Object { $_.Action } | Where-Object { $_ } | Select-Object -Unique) -join ' ') `
                -Command (($stuckQueues | ForEach-Object { $_.Commands } | Where-Object { $_ } | Select-Object -Unique) -join '; ') -Server $Server
        }
    }

    # 4. Restart MSExchangeSubmission and MSExchangeTransport: wanted when steps 1 or 3 found something.
    $restart = "Restart-Service -Name 'MSExchangeSubmission'; Restart-Service -Name 'MSExchangeTransport'"
    if (-not $services.Available -and -not $queues.Available) {
        New-HybridMailFlowCheck $list 4 'Restart MSExchangeSubmission and MSExchangeTransport' Skipped 'Steps 1 and 3 could not run, so whether a restart helps is not known.' -Command $restart -Server $Server
    } elseif ($stopped.Count -gt 0 -or $stuckQueues.Count -gt 0) {
        New-HybridMailFlowCheck $list 4 'Restart MSExchangeSubmission and MSExchangeTransport' Warn 'Stopped services or stuck queues were found: once their cause is fixed, restart the submission and transport services, as the lab guide did.' `
            -Fix 'Restart the services, then run the checklist again.' -Command $restart -Server $Server
    } else {
        New-HybridMailFlowCheck $list 4 'Restart MSExchangeSubmission and MSExchangeTransport' Pass 'The services run and no queue is stuck: a restart is not needed.' -Server $Server
    }

    # 5. A send connector's address spaces cover each recipient domain: Test-HybridSendConnector.
    $connectors = Invoke-HybridExchangeCommand -Name 'Get-SendConnector'
    if (-not $connectors.Available -or $connectors.Error) {
        New-HybridMailFlowCheck $list 5 'Send connector address spaces cover the recipient domain' Skipped (Get-HybridAbsentReason $connectors) -Server $Server
    } else {
        if (-not $RecipientDomain) {
            # The hybrid's coexistence domain, which mail to cloud mailboxes is routed to.
            $accepted = Invoke-HybridExchangeCommand -Name 'Get-AcceptedDomain'
            $RecipientDomain = @($accepted.Output | ForEach-Object { "$($_.DomainName)" } | Where-Object { $_ -like '*.mail.onmicrosoft.com' })
        }
        if (-not $RecipientDomain) {
            New-HybridMailFlowCheck $list 5 'Send connector address spaces cover the recipient domain' Skipped 'No recipient domain to check: give -RecipientDomain (no accepted domain is a *.mail.onmicrosoft.com coexistence domain).' -Server $Server
        } else {
            $routes = @($connectors.Output | Test-HybridSendConnector -RecipientDomain $RecipientDomain | Where-Object { $_ -is [HybridMailFlow.SendConnectorRoute] })
            $unreachable = @($routes | Where-Object { "$($_.Status)" -eq 'Unreachable' })
            $evidence = ($routes | ForEach-Object { "$($_.RecipientDomain): $($_.Status) $($_.Connector) $($_.AddressSpace)" }) -join '; '
            if ($unreachable.Count -gt 0) {
                New-HybridMailFlowCheck $list 5 'Send connector address spaces cover the recipient domain' Fail `
                    "No send connector routes $(($unreachable | ForEach-Object { $_.RecipientDomain }) -join ', '): their mail waits in the Unreachable queue." `
                    -Evidence $evidence -Fix 'Add the domain to the address spaces of the connector that should carry it.' `
                    -Command (($unreachable | ForEach-Object { $_.FixCommands } | Where-Object { $_ } | Select-Object -Unique) -join '; ') -Server $Server
            } else {
                New-HybridMailFlowCheck $list 5 'Send connector address spaces cover the recipient domain' Pass `
                    (($routes | ForEach-Object { "$($_.RecipientDomain) goes by $($_.Connector) ($($_.AddressSpace))." }) -join ' ') -Evidence $evidence -Server $Server
            }
        }
    }

    # 6. External DNS servers of the transport services: Test-HybridTransportDns.
    $dnsChecks = @(Get-HybridTransportDnsCheck -Server $Server) | Where-Object { $_.Check -eq 'ExternalDnsServers' }
    ConvertTo-HybridMailFlowCheck -Checklist $list -Step 6 -Check 'External DNS servers are set on the transport services' -ConfigurationCheck $dnsChecks `
        -NoneReason 'The cmdlets Get-TransportService and Get-FrontendTransportService are absent: run this in the Exchange Management Shell on the server.' -Server $Server
}
