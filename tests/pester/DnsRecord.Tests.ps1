# Test-HybridDnsRecord against knotd on 127.0.0.1, serving the lab's zone for cloudmonkeys.xyz as the hybrid needs
# it and one server per broken variant (SPF over 10 lookups, two SPF records, MX elsewhere, a missing DKIM CNAME, a
# PTR that does not match the HELO name), started and stopped by this file on Linux.

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force
    . (Join-Path $PSScriptRoot 'Lab/LabServers.ps1')

    # The lab's hybrid, as an admin describes it to the command.
    $script:lab = @{
        DomainName        = 'cloudmonkeys.xyz'
        TenantDomain      = 'cloudfield.onmicrosoft.com'
        HostName          = 'mail.cloudmonkeys.xyz'
        OnPremisesAddress = '27.7.57.241'
        HeloName          = 'mail.cloudmonkeys.xyz'
    }
    function Get-Check {
        param($Checks, [string] $Check, [string] $Name)
        @($Checks | Where-Object { $_.Check -eq $Check -and (-not $Name -or $_.Name -eq $Name) })
    }

    $script:noLab = Get-LabUnavailableReason
    $script:servers = [ordered]@{}
    if (-not $script:noLab) {
        Assert-LabTools
        foreach ($variant in 'None', 'SpfOverTenLookups', 'TwoSpfRecords', 'MxElsewhere', 'MissingDkim', 'PtrMismatch') {
            $script:servers[$variant] = Start-LabDnsServer -Path (Join-Path $TestDrive "knot-$variant") -Zones (Get-LabZones -Break $variant)
        }
    }
    function Invoke-Lab {
        param([string] $Variant = 'None', [hashtable] $Extra = @{})
        $parameters = $script:lab.Clone()
        foreach ($key in $Extra.Keys) { $parameters[$key] = $Extra[$key] }
        @(Test-HybridDnsRecord @parameters -Server $script:servers[$Variant].Server)
    }
}

AfterAll {
    if (Get-Command Stop-LabDnsServer -ErrorAction SilentlyContinue) {
        foreach ($server in $script:servers.Values) { Stop-LabDnsServer $server }
    }
}

Describe 'Test-HybridDnsRecord on the lab''s correct zone' {
    It 'passes every record a hybrid needs, each with its evidence' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $checks = Invoke-Lab
        $checks | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'HybridMailFlow.DnsRecordCheck' }
        $checks.Check | Should -Be @('MX', 'SPF', 'SPFExchangeOnline', 'SPFOnPremises', 'SPFLookups', 'SPFAll', 'DMARC', 'DKIM', 'DKIM', 'Autodiscover', 'HostAddress', 'PTR')
        foreach ($check in $checks) {
            "$($check.Result)" | Should -Be 'Pass' -Because "$($check.Check) $($check.Name): $($check.Message)"
            $check.Server | Should -Be $script:servers['None'].Server
        }
        (Get-Check $checks MX).Evidence | Should -Be '0 cloudmonkeys-xyz.mail.protection.outlook.com'
        (Get-Check $checks SPF).Evidence | Should -Be 'v=spf1 ip4:27.7.57.241 include:spf.protection.outlook.com -all'
        (Get-Check $checks SPFOnPremises).Message | Should -Match '27\.7\.57\.241: Pass \(cloudmonkeys\.xyz: ip4:27\.7\.57\.241\)'
        (Get-Check $checks SPFLookups).Message | Should -Be 'The record takes 1 DNS lookups of the 10 allowed, through every include and redirect.'
        (Get-Check $checks DKIM 'selector1._domainkey.cloudmonkeys.xyz').Evidence | Should -Be 'selector1._domainkey.cloudmonkeys.xyz CNAME selector1-cloudmonkeys-xyz._domainkey.cloudfield.onmicrosoft.com'
        (Get-Check $checks HostAddress).Evidence | Should -Be '27.7.57.241 (Public)'
        (Get-Check $checks PTR).Name | Should -Be '241.57.7.27.in-addr.arpa'
        (Get-Check $checks PTR).Message | Should -Be '27.7.57.241 points to mail.cloudmonkeys.xyz, which resolves back to it and is the HELO name.'
        $checks.Fix | Where-Object { $_ } | Should -BeNullOrEmpty
    }

    It 'the on-premises first design fails an MX that points to Exchange Online' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $mx = Invoke-Lab -Extra @{ MailFlowDesign = 'OnPremisesFirst'; Check = 'MX' }
        "$($mx.Result)" | Should -Be 'Fail'
        $mx.Message | Should -Match 'points to Exchange Online \(cloudmonkeys-xyz\.mail\.protection\.outlook\.com\), but the on-premises first design'
        $mx.Record | Should -Be 'cloudmonkeys.xyz. 3600 IN MX 0 mail.cloudmonkeys.xyz.'
    }

    It 'warns about a name that resolves to a private address in the zone asked' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $edge = Invoke-Lab -Extra @{ HostName = 'cmedge01.cloudmonkeys.xyz'; Check = 'HostAddress' }
        "$($edge.Result)" | Should -Be 'Warn'
        $edge.Evidence | Should -Be '192.168.1.25 (Private)'
        $missing = Invoke-Lab -Extra @{ HostName = 'smtp.cloudmonkeys.xyz'; Check = 'HostAddress' }
        "$($missing.Result)" | Should -Be 'Fail'
        $missing.Message | Should -Match 'smtp\.cloudmonkeys\.xyz does not exist \(NXDOMAIN\)'
    }

    It 'takes Get-AcceptedDomain objects from the pipeline and runs only the checks asked for' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $accepted = [pscustomobject]@{ DomainName = 'cloudmonkeys.xyz'; DomainType = 'Authoritative' }
        $checks = @($accepted | Test-HybridDnsRecord -Server $script:servers['None'].Server -Check DMARC, DKIM)
        $checks.Check | Should -Be @('DMARC', 'DKIM', 'DKIM')
        (Get-Check $checks DKIM 'selector2._domainkey.cloudmonkeys.xyz').Message | Should -Match 'give -TenantDomain'
    }

    It 'skips what it was not given the values for, saying which parameter to give' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $checks = @(Test-HybridDnsRecord -DomainName cloudmonkeys.xyz -Server $script:servers['None'].Server -Check SPF, HostAddress, PTR)
        "$((Get-Check $checks SPFOnPremises).Result)" | Should -Be 'Skipped'
        (Get-Check $checks SPFOnPremises).Message | Should -Match '-OnPremisesAddress'
        (Get-Check $checks HostAddress).Message | Should -Match '-HostName'
        (Get-Check $checks PTR).Message | Should -Match '-OnPremisesAddress'
    }

    It 'exports flat to CSV, and the default view fits 120 columns' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $checks = Invoke-Lab
        $csv = @($checks | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv)
        $csv.Count | Should -Be $checks.Count
        $csv[0].PSObject.Properties.Name | Should -Be @('DomainName', 'Check', 'Name', 'RecordType', 'Result', 'Message', 'Evidence', 'Expected', 'Fix', 'Record', 'Command', 'Server')
        # A table wider than the console drops the columns that do not fit: at 120 columns every one is there.
        $table = $checks | Format-Table | Out-String -Width 120
        $table | Should -Match 'DomainName: cloudmonkeys\.xyz'
        $table | Should -Match 'Result\s+Check\s+Name\s+Message'
        $table | Should -Match 'Pass\s+SPFLookups\s+cloudmonkeys\.xyz\s+The record takes 1 DNS lookups'
    }
}

Describe 'Test-HybridDnsRecord on the broken variants' {
    It 'SPF over 10 lookups: fails with the count and names the costliest includes' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $checks = Invoke-Lab -Variant SpfOverTenLookups -Extra @{ Check = 'SPF' }
        $lookups = Get-Check $checks SPFLookups
        "$($lookups.Result)" | Should -Be 'Fail'
        $lookups.Message | Should -Be 'The SPF record fails at receivers with permerror: it takes 14 DNS lookups through its includes and redirects, over the limit of 10. SPF then fails for all mail from the domain.'
        $lookups.Evidence | Should -Match 'include:_spf-crm\.cloudmonkeys\.xyz \(4\), include:_spf-marketing\.cloudmonkeys\.xyz \(6\), include:_spf-helpdesk\.cloudmonkeys\.xyz \(3\), include:spf\.protection\.outlook\.com \(1\)'
        $lookups.Fix | Should -Match 'include:_spf-marketing\.cloudmonkeys\.xyz costs 6, include:_spf-crm\.cloudmonkeys\.xyz costs 4, include:_spf-helpdesk\.cloudmonkeys\.xyz costs 3'
        # The rest of the record is fine.
        "$((Get-Check $checks SPFExchangeOnline).Result)" | Should -Be 'Pass'
        "$((Get-Check $checks SPFOnPremises).Result)" | Should -Be 'Pass'
    }

    It 'two SPF records: fails, and gives one merged record whose command nothing in the records can break out of' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $checks = Invoke-Lab -Variant TwoSpfRecords -Extra @{ Check = 'SPF' }
        $spf = Get-Check $checks SPF
        "$($spf.Result)" | Should -Be 'Fail'
        $spf.Message | Should -Match 'has 2 SPF records: receivers return permerror'
        $spf.Record | Should -Be "cloudmonkeys.xyz. 3600 IN TXT `"v=spf1 ip4:27.7.57.241 include:spf.protection.outlook.com include:_spf.evil';Start-Process.cloudmonkeys.xyz mx -all`""
        Get-CommandNameInText $spf.Command | Should -Be @('Get-DnsServerResourceRecord', 'Where-Object', 'Remove-DnsServerResourceRecord', 'Add-DnsServerResourceRecord')
        $spf.Command | Should -Match ([regex]::Escape("include:_spf.evil'';Start-Process.cloudmonkeys.xyz"))
        @(Get-Check $checks SPFExchangeOnline)[0].Result | Should -Be 'Skipped'
    }

    It 'MX to the wrong place: the Exchange Online first design fails it, with the record and the command' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $mx = Invoke-Lab -Variant MxElsewhere -Extra @{ Check = 'MX' }
        "$($mx.Result)" | Should -Be 'Fail'
        $mx.Evidence | Should -Be '10 mail.cloudmonkeys.xyz'
        $mx.Message | Should -Be 'The MX of cloudmonkeys.xyz points to mail.cloudmonkeys.xyz (preference 10), not to Exchange Online: internet mail goes on-premises first and bypasses Exchange Online Protection, which the Exchange Online first design does not want.'
        $mx.Record | Should -Be 'cloudmonkeys.xyz. 3600 IN MX 0 cloudmonkeys-xyz.mail.protection.outlook.com.'
        $mx.Command | Should -Be ("Get-DnsServerResourceRecord -ZoneName 'cloudmonkeys.xyz' -Name '@' -RRType Mx | Remove-DnsServerResourceRecord -ZoneName 'cloudmonkeys.xyz' -Force; " +
            "Add-DnsServerResourceRecordMX -ZoneName 'cloudmonkeys.xyz' -Name '.' -MailExchange 'cloudmonkeys-xyz.mail.protection.outlook.com' -Preference 0")
        $onPremises = Invoke-Lab -Variant MxElsewhere -Extra @{ Check = 'MX'; MailFlowDesign = 'OnPremisesFirst' }
        "$($onPremises.Result)" | Should -Be 'Pass'
    }

    It 'missing DKIM CNAME: selector2 fails with the CNAME to publish and the command that reads the value' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $dkim = Invoke-Lab -Variant MissingDkim -Extra @{ Check = 'DKIM' }
        "$((Get-Check $dkim DKIM 'selector1._domainkey.cloudmonkeys.xyz').Result)" | Should -Be 'Pass'
        $selector2 = Get-Check $dkim DKIM 'selector2._domainkey.cloudmonkeys.xyz'
        "$($selector2.Result)" | Should -Be 'Fail'
        $selector2.Message | Should -Match 'the CNAME is missing \(NXDOMAIN\)'
        $selector2.Record | Should -Be 'selector2._domainkey.cloudmonkeys.xyz. 3600 IN CNAME selector2-cloudmonkeys-xyz._domainkey.cloudfield.onmicrosoft.com.'
        $selector2.Command | Should -Be "Get-DkimSigningConfig -Identity 'cloudmonkeys.xyz' | Format-List Selector1CNAME, Selector2CNAME"
    }

    It 'PTR mismatch: the address points to another name than the HELO name' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $ptr = Invoke-Lab -Variant PtrMismatch -Extra @{ Check = 'PTR' }
        "$($ptr.Result)" | Should -Be 'Fail'
        $ptr.Message | Should -Be 'PTR mismatch: 27.7.57.241 points to cmedge01.cloudmonkeys.xyz, but the servers say HELO mail.cloudmonkeys.xyz. Receivers that compare them score or refuse the mail.'
        $ptr.Evidence | Should -Be 'PTR cmedge01.cloudmonkeys.xyz (does not resolve back)'
        $ptr.Record | Should -Be '241.57.7.27.in-addr.arpa. 3600 IN PTR mail.cloudmonkeys.xyz.'
        $ptr.Fix | Should -Match 'Ask the provider of 27\.7\.57\.241 to set its PTR to mail\.cloudmonkeys\.xyz'
    }
}

Describe 'Test-HybridDnsRecord when the DNS server does not answer' {
    It 'skips the checks with the reason and writes one error' {
        $port = Get-ClosedPort
        $checks = @(Test-HybridDnsRecord -DomainName cloudmonkeys.xyz -Server "127.0.0.1:$port" -TimeoutSeconds 1 -Check MX, SPF -ErrorVariable dnsErrors -ErrorAction SilentlyContinue)
        $checks.Check | Should -Be @('MX', 'SPF')
        $checks | ForEach-Object { "$($_.Result)" | Should -Be 'Skipped' }
        $checks[0].Message | Should -Match "^The DNS server 127\.0\.0\.1:$port did not answer cloudmonkeys\.xyz MX"
        @($dnsErrors).Count | Should -Be 1
        $dnsErrors[0].FullyQualifiedErrorId | Should -Be 'HybridMailFlow.DnsServerNotAnswering,HybridMailFlow.Commands.TestHybridDnsRecordCommand'
    }

    It 'refuses a server that is not an address, and names that are not names, before asking anything' {
        { Test-HybridDnsRecord -DomainName cloudmonkeys.xyz -Server 'dns.example:53' } | Should -Throw -ErrorId 'HybridMailFlow.BadDnsServer,HybridMailFlow.Commands.TestHybridDnsRecordCommand'
        { Test-HybridDnsRecord -DomainName cloudmonkeys.xyz -HostName "mail`n.cloudmonkeys.xyz" -Server '127.0.0.1:1' } | Should -Throw -ErrorId 'HybridMailFlow.BadHostName,HybridMailFlow.Commands.TestHybridDnsRecordCommand'
        $checks = @(Test-HybridDnsRecord -DomainName 'cloud monkeys.xyz' -Server '127.0.0.1:1' -ErrorVariable bad -ErrorAction SilentlyContinue)
        $checks | Should -BeNullOrEmpty
        $bad[0].FullyQualifiedErrorId | Should -Be 'HybridMailFlow.BadDomainName,HybridMailFlow.Commands.TestHybridDnsRecordCommand'
    }
}
