function Resolve-HybridHostName {
    # The addresses of host names, through Test-HybridDnsRecord (so on any OS, and from -DnsServer when given): one
    # object per name with Name, Resolved ($true, $false, or $null when the DNS server did not answer), Addresses
    # and Reason (why it does not resolve, or why it was not answered).
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)] [string[]] $Name,
        [string] $DnsServer
    )
    $dns = @{}
    if ($DnsServer) { $dns.Server = $DnsServer }
    foreach ($hostName in $Name) {
        $zone = $hostName
        if ($hostName.Contains('.')) { $zone = $hostName.Substring($hostName.IndexOf('.') + 1) }
        $check = @(Test-HybridDnsRecord -DomainName $zone -Check HostAddress -HostName $hostName @dns -ErrorAction SilentlyContinue)[0]
        $resolved = $null
        if ($check -and "$($check.Result)" -in 'Pass', 'Warn') { $resolved = $true }
        if ($check -and "$($check.Result)" -eq 'Fail') { $resolved = $false }
        $reason = 'no answer'
        if ($check) { $reason = $check.Message }
        # A name that does not resolve: the evidence says how (NXDOMAIN, no A record, the server's error).
        if ($resolved -eq $false) { $reason = $check.Evidence }
        $addresses = @()
        # The evidence of a name that resolves reads '192.168.1.25 (Private); ...'.
        if ($resolved) { $addresses = @("$($check.Evidence)" -split '; ' | ForEach-Object { $_ -replace ' \(\w+\)$', '' }) }
        [pscustomobject]@{ Name = $hostName; Resolved = $resolved; Addresses = $addresses; Reason = $reason }
    }
}
