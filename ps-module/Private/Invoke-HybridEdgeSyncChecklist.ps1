function Invoke-HybridEdgeSyncChecklist {
    # The lab guide's checklist "When EdgeSync Fails", steps 13 to 18.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)] [string] $Server,
        [string] $EdgeServer,
        [string] $DnsServer
    )
    $list = 'EdgeSync'
    $subscription = $null
    $subscriptions = Invoke-HybridExchangeCommand -Name 'Get-EdgeSubscription'
    if ($subscriptions.Output.Count -gt 0) {
        $subscription = $subscriptions.Output[0]
        if (-not $EdgeServer) {
            $EdgeServer = "$($subscription.Name)"
            if ($subscription.Domain -and $EdgeServer -notlike '*.*') { $EdgeServer = "$EdgeServer.$($subscription.Domain)" }
        }
    }
    $edgeName = $EdgeServer
    if ($subscription) { $edgeName = "$($subscription.Name)" }
    $site = 'Default-First-Site-Name'
    if ($subscription -and $subscription.Site) { $site = "$($subscription.Site)" -replace '^.*/', '' }
    # The lab guide's re-subscription; the first command runs on the Edge server and its file is copied here.
    $resubscribe = "Remove-EdgeSubscription -Identity '$edgeName' -Confirm:`$false; New-EdgeSubscription -FileData ([byte[]]`$(Get-Content -Path 'C:\EdgeSub.xml' -Encoding Byte -ReadCount 0)) -Site '$site'; Start-EdgeSynchronization -Server '$Server'"
    $resubscribeFix = "Re-subscribe the Edge server: on $edgeName run New-EdgeSubscription -FileName 'C:\EdgeSub.xml' -Force, copy the file to $Server, then run the commands (the subscription file is valid for 1440 minutes)."

    # 13. AD LDS (ADAM_MSExchange) runs on the Edge server.
    $adamCheck = 'The ADAM_MSExchange service runs on the Edge server'
    $adam = Invoke-HybridExchangeCommand -Name 'Get-Service' -Parameters @{ Name = 'ADAM_MSExchange' }
    if (-not $adam.Available) {
        New-HybridMailFlowCheck $list 13 $adamCheck Skipped (Get-HybridAbsentReason $adam) -Server $edgeName
    } elseif ($adam.Error -or $adam.Output.Count -eq 0) {
        New-HybridMailFlowCheck $list 13 $adamCheck Skipped "ADAM_MSExchange is not on this computer: it runs on the Edge server; run Invoke-HybridMailFlowCheck -Checklist EdgeSync there for this step." -Command "Get-Service ADAM_MSExchange | Select-Object Name, Status" -Server $edgeName
    } elseif ("$($adam.Output[0].Status)" -ne 'Running') {
        New-HybridMailFlowCheck $list 13 $adamCheck Fail "ADAM_MSExchange is $($adam.Output[0].Status): EdgeSync cannot write to the Edge's AD LDS." -Evidence "ADAM_MSExchange=$($adam.Output[0].Status)" `
            -Fix 'Start it; if it fails with event 7023 (0xC000000F, the database files are missing), reinstall the AD LDS instance from Exchange''s answer file, as the lab guide did.' -Command "Start-Service -Name 'ADAM_MSExchange'" -Server $edgeName
    } else {
        New-HybridMailFlowCheck $list 13 $adamCheck Pass 'ADAM_MSExchange is running.' -Evidence 'ADAM_MSExchange=Running' -Server $edgeName
    }

    # 14 and 17. The LDAP ports of the Edge's AD LDS answer from this server; if they do, no firewall blocks them.
    # Step 17 is written after 16, so that the steps come out in the lab guide's order.
    $portsCheck = 'LDAP ports 50389 and 50636 of the Edge server answer'
    $firewallCheck = 'Firewall rules allow ports 50389 and 50636'
    $probe = Get-Command -Name 'Test-NetConnection' -CommandType Cmdlet, Function, Alias -ErrorAction Ignore
    if (-not $EdgeServer) {
        $reason = 'No Edge server: Get-EdgeSubscription lists none (or is absent); give -EdgeServer.'
        New-HybridMailFlowCheck $list 14 $portsCheck Skipped $reason -Server $Server
        $firewall = New-HybridMailFlowCheck $list 17 $firewallCheck Skipped $reason -Server $Server
    } elseif (-not $probe) {
        $reason = 'The cmdlet Test-NetConnection is absent: it exists only on Windows.'
        $command = "Test-NetConnection -ComputerName '$EdgeServer' -Port 50389; Test-NetConnection -ComputerName '$EdgeServer' -Port 50636"
        New-HybridMailFlowCheck $list 14 $portsCheck Skipped $reason -Command $command -Server $Server
        $firewall = New-HybridMailFlowCheck $list 17 $firewallCheck Skipped $reason -Server $Server
    } else {
        $closed = @()
        $evidence = @()
        foreach ($port in 50389, 50636) {
            $test = Invoke-HybridExchangeCommand -Name 'Test-NetConnection' -Parameters @{ ComputerName = $EdgeServer; Port = $port }
            $open = $false
            if ($test.Output.Count -gt 0) { $open = "$($test.Output[0].TcpTestSucceeded)" -eq 'True' }
            $evidence += "${EdgeServer}:$port TcpTestSucceeded=$open"
            if (-not $open) { $closed += $port }
        }
        if ($closed.Count -gt 0) {
            New-HybridMailFlowCheck $list 14 $portsCheck Fail "No answer on port(s) $($closed -join ', ') of ${EdgeServer}: EdgeSync reports 'The LDAP server is unavailable'." -Evidence ($evidence -join '; ') `
                -Fix 'Check that ADAM_MSExchange runs on the Edge server (step 13) and that the firewalls between the servers let the ports through (step 17).' -Server $Server
            $firewall = New-HybridMailFlowCheck $list 17 $firewallCheck Fail "Port(s) $($closed -join ', ') do not answer: with ADAM_MSExchange running, a firewall blocks them." -Evidence ($evidence -join '; ') `
                -Fix "On $edgeName, allow the ports in Windows Firewall, and in any firewall between $Server and the perimeter network." `
                -Command "New-NetFirewallRule -DisplayName 'EdgeSync LDAP' -Direction Inbound -Protocol TCP -LocalPort 50389,50636 -Action Allow" -Server $edgeName
        } else {
            New-HybridMailFlowCheck $list 14 $portsCheck Pass "Ports 50389 and 50636 of $EdgeServer answer." -Evidence ($evidence -join '; ') -Server $Server
            $firewall = New-HybridMailFlowCheck $list 17 $firewallCheck Pass 'Both ports answer from this server, so no firewall blocks them.' -Evidence ($evidence -join '; ') -Server $Server
        }
    }

    # 15 and 16. Test-EdgeSynchronization -FullCompareMode, and its CredentialRecords.
    $syncCheck = 'Test-EdgeSynchronization -FullCompareMode reports Normal'
    $credentialCheck = 'CredentialRecords are not 0'
    $sync = Invoke-HybridExchangeCommand -Name 'Test-EdgeSynchronization' -Parameters @{ FullCompareMode = $true }
    if (-not $sync.Available -or $sync.Error -or $sync.Output.Count -eq 0) {
        $reason = Get-HybridAbsentReason $sync
        if ($sync.Available -and -not $sync.Error) { $reason = 'Test-EdgeSynchronization returned nothing: no Edge subscription.' }
        New-HybridMailFlowCheck $list 15 $syncCheck Skipped $reason -Server $Server
        New-HybridMailFlowCheck $list 16 $credentialCheck Skipped $reason -Server $Server
    } else {
        foreach ($status in $sync.Output) {
            $evidence = "Name=$($status.Name) SyncStatus=$($status.SyncStatus) LeaseHolder=$($status.LeaseHolder) FailureDetail=$($status.FailureDetail) CredentialRecords=$($status.CredentialRecords)"
            if ("$($status.SyncStatus)" -eq 'Normal') {
                New-HybridMailFlowCheck $list 15 $syncCheck Pass "$($status.Name): SyncStatus Normal." -Evidence $evidence -Server $Server
            } else {
                $explained = ''
                if ($status.FailureDetail) {
                    $finding = @(Resolve-HybridSmtpError -Message "$($status.FailureDetail)")[0]
                    if ($finding -and $finding.RuleId -ne 'Unrecognized') { $explained = " $($finding.Title): $($finding.Cause)" }
                }
                New-HybridMailFlowCheck $list 15 $syncCheck Fail "$($status.Name): SyncStatus $($status.SyncStatus). $($status.FailureDetail)$explained" -Evidence $evidence `
                    -Fix 'Fix what steps 13, 14 and 18 find; if synchronization still fails, re-subscribe the Edge server.' -Command "Start-EdgeSynchronization -Server '$Server'" -Server $Server
            }
            # CredentialRecords prints as "Number of credentials N".
            $count = $null
            if ("$($status.CredentialRecords)" -match '(\d+)\s*$') { $count = [int]$Matches[1] }
            if ($null -eq $count) {
                New-HybridMailFlowCheck $list 16 $credentialCheck Skipped "$($status.Name): CredentialRecords is not shown ('$($status.CredentialRecords)')." -Evidence $evidence -Server $Server
            } elseif ($count -eq 0) {
                New-HybridMailFlowCheck $list 16 $credentialCheck Fail "$($status.Name): Number of credentials 0: the bootstrap credential exchange of the subscription never completed, so EdgeSync cannot bind to the Edge's AD LDS." `
                    -Evidence $evidence -Fix $resubscribeFix -Command $resubscribe -Server $Server
            } else {
                New-HybridMailFlowCheck $list 16 $credentialCheck Pass "$($status.Name): $count credential(s)." -Evidence $evidence -Server $Server
            }
        }
    }

    $firewall

    # 18. This server resolves the Edge server's name.
    $dnsCheck = 'The Edge server''s FQDN resolves from this server'
    if (-not $EdgeServer) {
        New-HybridMailFlowCheck $list 18 $dnsCheck Skipped 'No Edge server: Get-EdgeSubscription lists none (or is absent); give -EdgeServer.' -Server $Server
    } else {
        $answer = Resolve-HybridHostName -Name $EdgeServer -DnsServer $DnsServer
        if ($answer.Resolved) {
            New-HybridMailFlowCheck $list 18 $dnsCheck Pass "$EdgeServer resolves to $($answer.Addresses -join ', ')." -Evidence ($answer.Addresses -join ', ') -Server $Server
        } elseif ($null -eq $answer.Resolved) {
            New-HybridMailFlowCheck $list 18 $dnsCheck Skipped "The name $EdgeServer could not be looked up: $($answer.Reason)" -Server $Server
        } else {
            New-HybridMailFlowCheck $list 18 $dnsCheck Fail "$EdgeServer does not resolve: $($answer.Reason) EdgeSync and mail to the Edge need its name." -Evidence $answer.Reason `
                -Fix "Add an A record for $EdgeServer in the internal DNS zone (the Edge is not domain-joined, so it does not register itself), or a hosts file entry on $Server." -Server $Server
        }
    }
}
