# Real servers for the probes, started by the tests on 127.0.0.1 and stopped after them: a private postfix instance
# (its own config_directory, queue_directory and ports; never the system's) with certificates made by openssl, and
# knotd instances serving the lab's zones for cloudmonkeys.xyz, the correct one and each broken variant. Linux only:
# a Windows process (the tests under wine) cannot start them. Dot-source this file.

# Why the lab cannot run here, or $null when it can.
function Get-LabUnavailableReason {
    if (-not [System.Runtime.InteropServices.RuntimeInformation]::IsOSPlatform([System.Runtime.InteropServices.OSPlatform]::Linux)) {
        return 'postfix and knotd run on the Linux host only: the Linux run of this file (pwsh ./build.ps1 Test, part "Pester (linux-x64)") starts them and covers this test; a Windows process cannot start Linux servers.'
    }
    $null
}

# Fails with what to install when the Linux host lacks a server: these tests must not pass by doing nothing.
function Assert-LabTools {
    $missing = @('postfix', 'knotd', 'openssl') | Where-Object { -not (Get-Command $_ -ErrorAction SilentlyContinue) -and -not (Test-Path "/usr/sbin/$_") }
    if ($missing) { throw "The lab servers need $($missing -join ', '): apt-get install postfix knot openssl (.ci/run installs them)." }
    if ((& id -u) -ne '0') { throw 'The lab postfix instance needs root (its master process starts as root and runs its services as the postfix user); run the tests as root, as .ci/run does.' }
}

function Get-LabTool {
    param([string] $Name)
    $command = Get-Command $Name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($command) { return $command.Source }
    "/usr/sbin/$Name"
}

# A port free for both TCP and UDP on 127.0.0.1 now (DNS listens on both); the servers bind it right after.
function Get-LabFreePort {
    for ($try = 0; $try -lt 50; $try++) {
        $tcp = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $tcp.Start()
        $port = $tcp.LocalEndpoint.Port
        try {
            $udp = [System.Net.Sockets.UdpClient]::new([System.Net.IPEndPoint]::new([System.Net.IPAddress]::Loopback, $port))
            $udp.Dispose()
            return $port
        } catch {
            continue
        } finally {
            $tcp.Stop()
        }
    }
    throw 'No free port on 127.0.0.1.'
}

# A port nothing listens on (it was free a moment ago).
function Get-ClosedPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $port = $listener.LocalEndpoint.Port
    $listener.Stop()
    $port
}

function Invoke-LabTool {
    param([string] $Name, [string[]] $Arguments)
    $output = & (Get-LabTool $Name) @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "$Name $($Arguments -join ' ') failed ($LASTEXITCODE): $($output | Out-String)" }
}

# A test CA and the server certificates the cases need, as PEM files: Good (mail.cloudmonkeys.xyz with the lab's
# names), Mismatch (the Edge's own name, the lab's SubjectMismatch), Expired (the good names, expired last year) and
# Hostile (a subject that tries to end a quoted string and run a command).
function New-LabCertificates {
    param([Parameter(Mandatory = $true)] [string] $Path)
    $null = New-Item -ItemType Directory -Path $Path -Force
    $config = Join-Path $Path 'ca.cnf'
    Set-Content -LiteralPath $config -Value @(
        '[ca]', 'default_ca = lab'
        '[lab]', "dir = $Path", "database = $Path/index.txt", "new_certs_dir = $Path", "certificate = $Path/ca.pem", "private_key = $Path/ca.key"
        "serial = $Path/serial", 'default_md = sha256', 'policy = anything', 'copy_extensions = none', 'unique_subject = no', 'email_in_dn = no'
        '[anything]', 'commonName = supplied', 'organizationName = optional'
        '[server]', 'basicConstraints = critical,CA:FALSE', 'keyUsage = critical,digitalSignature,keyEncipherment', 'extendedKeyUsage = serverAuth'
        'subjectAltName = $ENV::LAB_SAN'
    )
    Set-Content -LiteralPath (Join-Path $Path 'index.txt') -Value $null
    Set-Content -LiteralPath (Join-Path $Path 'serial') -Value '1000'
    Invoke-LabTool openssl @('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', "$Path/ca.key", '-out', "$Path/ca.pem",
        '-days', '30', '-subj', '/O=HybridMailFlow Lab/CN=HybridMailFlow Lab CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
    $now = [DateTime]::UtcNow
    $valid = @('-startdate', $now.AddDays(-1).ToString('yyyyMMddHHmmss\Z'), '-enddate', $now.AddDays(90).ToString('yyyyMMddHHmmss\Z'))
    $expired = @('-startdate', $now.AddDays(-400).ToString('yyyyMMddHHmmss\Z'), '-enddate', $now.AddDays(-35).ToString('yyyyMMddHHmmss\Z'))
    $leaves = @(
        @{ Name = 'good'; Subject = '/CN=mail.cloudmonkeys.xyz'; San = 'DNS:mail.cloudmonkeys.xyz,DNS:autodiscover.cloudmonkeys.xyz'; Dates = $valid }
        @{ Name = 'mismatch'; Subject = '/CN=cmedge01.cloudmonkeys.xyz'; San = 'DNS:cmedge01.cloudmonkeys.xyz'; Dates = $valid }
        @{ Name = 'expired'; Subject = '/CN=mail.cloudmonkeys.xyz'; San = 'DNS:mail.cloudmonkeys.xyz'; Dates = $expired }
        @{ Name = 'hostile'; Subject = "/O=Cloud Monkeys'; Start-Process calc; '/CN=evil'; Start-Process calc; '.example"; San = 'DNS:evil.example'; Dates = $valid }
    )
    foreach ($leaf in $leaves) {
        $key = Join-Path $Path "$($leaf.Name).key"
        $request = Join-Path $Path "$($leaf.Name).csr"
        Invoke-LabTool openssl @('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', $key, '-out', $request, '-subj', $leaf.Subject)
        $env:LAB_SAN = $leaf.San
        try {
            Invoke-LabTool openssl (@('ca', '-batch', '-config', $config, '-extensions', 'server', '-notext', '-in', $request, '-out', (Join-Path $Path "$($leaf.Name).pem")) + $leaf.Dates)
        } finally {
            Remove-Item Env:LAB_SAN
        }
    }
    [pscustomobject]@{ Path = $Path; Authority = Join-Path $Path 'ca.pem' }
}

# A private postfix instance: one smtpd per case on its own port of 127.0.0.1, each with its certificate or none.
# Returns the ports by case and what Stop-LabSmtpServer needs.
function Start-LabSmtpServer {
    param([Parameter(Mandatory = $true)] [string] $Path, [Parameter(Mandatory = $true)] $Certificates)
    $config = Join-Path $Path 'config'
    $queue = Join-Path $Path 'queue'
    $data = Join-Path $Path 'data'
    foreach ($folder in $config, $queue, $data) { $null = New-Item -ItemType Directory -Path $folder -Force }
    # The postfix user writes its lock files there; the queue's subfolders postfix makes itself.
    & chown postfix $data
    & chmod 755 $Path
    $certs = $Certificates.Path
    $ports = [ordered]@{}
    foreach ($case in 'Good', 'Mismatch', 'Expired', 'Hostile', 'NoStartTls', 'RefuseRecipient') { $ports[$case] = Get-LabFreePort }
    $refused = Join-Path $config 'refused-recipients'
    Set-Content -LiteralPath $refused -Value 'ghost@cloudmonkeys.xyz 550 5.1.1 User unknown in relay recipient table'
    Set-Content -LiteralPath (Join-Path $config 'main.cf') -Value @(
        'compatibility_level = 3.6', "queue_directory = $queue", "data_directory = $data"
        'myhostname = mail.cloudmonkeys.xyz', 'mydomain = cloudmonkeys.xyz', 'inet_interfaces = 127.0.0.1', 'inet_protocols = ipv4'
        'mynetworks = 127.0.0.0/8', 'mydestination =', 'relay_domains = cloudmonkeys.xyz', 'alias_maps =', 'alias_database ='
        'smtpd_relay_restrictions = permit_mynetworks reject_unauth_destination', 'smtpd_peername_lookup = no'
        'smtpd_banner = $myhostname ESMTP Postfix (HybridMailFlow lab)', 'smtpd_tls_security_level = may', 'smtpd_tls_loglevel = 0'
        # No session cache and no tickets: the services present different certificates, and a client must never
        # resume one service's session at another.
        'smtpd_tls_session_cache_timeout = 0', 'tls_ssl_options = NO_TICKET'
        "smtpd_tls_chain_files = $certs/good.key, $certs/good.pem", "maillog_file = $Path/postfix.log", "maillog_file_prefixes = $Path"
        "refused_recipients = check_recipient_access texthash:$refused"
    )
    $smtpd = { param($port, $options) "127.0.0.1:$port inet n - n - - smtpd $options" }
    $chain = { param($name) "-o { smtpd_tls_chain_files = $certs/$name.key, $certs/$name.pem }" }
    Set-Content -LiteralPath (Join-Path $config 'master.cf') -Value @(
        (& $smtpd $ports.Good '')
        (& $smtpd $ports.Mismatch ('-o myhostname=cmedge01.cloudmonkeys.xyz ' + (& $chain 'mismatch')))
        (& $smtpd $ports.Expired (& $chain 'expired'))
        (& $smtpd $ports.Hostile (& $chain 'hostile'))
        (& $smtpd $ports.NoStartTls '-o smtpd_tls_security_level=none')
        (& $smtpd $ports.RefuseRecipient '-o smtpd_recipient_restrictions=$refused_recipients,permit_mynetworks,reject_unauth_destination')
        'pickup unix n - n 60 1 pickup', 'cleanup unix n - n - 0 cleanup', 'qmgr unix n - n 300 1 qmgr', 'tlsmgr unix - - n 1000? 1 tlsmgr'
        'rewrite unix - - n - - trivial-rewrite', 'bounce unix - - n - 0 bounce', 'defer unix - - n - 0 bounce', 'trace unix - - n - 0 bounce'
        'verify unix - - n - 1 verify', 'flush unix n - n 1000? 0 flush', 'proxymap unix - - n - - proxymap', 'smtp unix - - n - - smtp'
        'relay unix - - n - - smtp', 'showq unix n - n - - showq', 'error unix - - n - - error', 'retry unix - - n - - error'
        'discard unix - - n - - discard', 'local unix - n n - - local', 'anvil unix - - n - 1 anvil', 'scache unix - - n - 1 scache'
        'postlog unix-dgram n - n - 1 postlogd'
    )
    Invoke-LabTool postfix @('-c', $config, 'start')
    $server = [pscustomobject]@{ Config = $config; Ports = [pscustomobject]$ports; Log = Join-Path $Path 'postfix.log' }
    Confirm-LabListening -Server $server -Port $ports.Values -Stop { param($started) Stop-LabSmtpServer $started }
}

function Stop-LabSmtpServer {
    param($Server)
    if ($Server) { & (Get-LabTool postfix) -c $Server.Config stop *> $null }
}

# Returns the server once each port accepts connections; else stops it and fails with its log.
function Confirm-LabListening {
    param($Server, [int[]] $Port, [scriptblock] $Stop)
    foreach ($one in $Port) {
        $deadline = [DateTime]::UtcNow.AddSeconds(15)
        $listening = $false
        while (-not $listening -and [DateTime]::UtcNow -lt $deadline) {
            $client = [System.Net.Sockets.TcpClient]::new()
            try {
                $client.Connect([System.Net.IPAddress]::Loopback, $one)
                $listening = $true
            } catch {
                Start-Sleep -Milliseconds 100
            } finally {
                $client.Dispose()
            }
        }
        if (-not $listening) {
            & $Stop $Server
            throw "Nothing listened on 127.0.0.1:$one within 15 s: $(Get-Content -LiteralPath $Server.Log -Raw -ErrorAction SilentlyContinue)"
        }
    }
    $Server
}

# A knotd serving the given zones (name => zone-file text) on its own port of 127.0.0.1. Returns the server
# ('127.0.0.1:port') and the process to stop.
function Start-LabDnsServer {
    param([Parameter(Mandatory = $true)] [string] $Path, [Parameter(Mandatory = $true)] [System.Collections.IDictionary] $Zones)
    $zonesPath = Join-Path $Path 'zones'
    foreach ($folder in $zonesPath, (Join-Path $Path 'run'), (Join-Path $Path 'db')) { $null = New-Item -ItemType Directory -Path $folder -Force }
    foreach ($zone in $Zones.Keys) {
        Set-Content -LiteralPath (Join-Path $zonesPath "$zone.zone") -Value $Zones[$zone]
    }
    $port = Get-LabFreePort
    $config = Join-Path $Path 'knot.conf'
    Set-Content -LiteralPath $config -Value (@(
            'server:', "    rundir: `"$Path/run`"", "    listen: 127.0.0.1@$port"
            'database:', "    storage: `"$Path/db`""
            'log:', '  - target: stderr', '    any: warning'
            'template:', '  - id: default', "    storage: `"$zonesPath`"", '    file: "%s.zone"', '    zonefile-sync: -1', '    journal-content: none'
            'zone:') + @($Zones.Keys | ForEach-Object { "  - domain: $_" }))
    $log = Join-Path $Path 'knotd.log'
    $process = Start-Process -FilePath (Get-LabTool knotd) -ArgumentList @('-c', $config) -RedirectStandardError $log -RedirectStandardOutput (Join-Path $Path 'knotd.out') -PassThru
    $server = [pscustomobject]@{ Server = "127.0.0.1:$port"; Process = $process; Log = $log }
    Confirm-LabListening -Server $server -Port $port -Stop { param($started) Stop-LabDnsServer $started }
}

function Stop-LabDnsServer {
    param($Server)
    if ($Server -and -not $Server.Process.HasExited) {
        $Server.Process.Kill()
        $null = $Server.Process.WaitForExit(5000)
    }
}

# The lab's zones: cloudmonkeys.xyz as the hybrid needs it, its reverse zone, and the parts of Exchange Online's and
# the tenant's zones the checks read. -Break names one thing to get wrong.
function Get-LabZones {
    param([ValidateSet('None', 'SpfOverTenLookups', 'TwoSpfRecords', 'MxElsewhere', 'MissingDkim', 'PtrMismatch')] [string] $Break = 'None')
    $soa = '@ IN SOA ns1.cloudmonkeys.xyz. hostmaster.cloudmonkeys.xyz. 1 3600 600 86400 300', '@ IN NS ns1.cloudmonkeys.xyz.'
    $spf = '@ IN TXT "v=spf1 ip4:27.7.57.241 include:spf.protection.outlook.com -all"'
    $records = @(
        '$ORIGIN cloudmonkeys.xyz.', '$TTL 300'
        $soa
        'ns1 IN A 127.0.0.1'
        '@ IN MX 0 cloudmonkeys-xyz.mail.protection.outlook.com.'
        $spf
        '_dmarc IN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@cloudmonkeys.xyz"'
        'selector1._domainkey IN CNAME selector1-cloudmonkeys-xyz._domainkey.cloudfield.onmicrosoft.com.'
        'selector2._domainkey IN CNAME selector2-cloudmonkeys-xyz._domainkey.cloudfield.onmicrosoft.com.'
        'autodiscover IN CNAME mail.cloudmonkeys.xyz.'
        'mail IN A 27.7.57.241'
        'cmedge01 IN A 192.168.1.25'
        # The SMTP lab: MX hosts on the loopback, in preference order; nothing listens on 127.0.0.2.
        'smtplab IN MX 10 mx1.smtplab.cloudmonkeys.xyz.'
        'smtplab IN MX 20 mx2.smtplab.cloudmonkeys.xyz.'
        'mx1.smtplab IN A 127.0.0.1'
        'mx2.smtplab IN A 127.0.0.2'
        # SaaS senders some tenants add; each include costs lookups of its own.
        '_spf-crm IN TXT "v=spf1 a:crm1.cloudmonkeys.xyz a:crm2.cloudmonkeys.xyz mx -all"'
        '_spf-marketing IN TXT "v=spf1 include:_spf-newsletter.cloudmonkeys.xyz a:mk1.cloudmonkeys.xyz a:mk2.cloudmonkeys.xyz -all"'
        '_spf-newsletter IN TXT "v=spf1 a:nl1.cloudmonkeys.xyz a:nl2.cloudmonkeys.xyz -all"'
        '_spf-helpdesk IN TXT "v=spf1 a:hd1.cloudmonkeys.xyz a:hd2.cloudmonkeys.xyz -all"'
        'crm1 IN A 198.51.100.11', 'crm2 IN A 198.51.100.12', 'mk1 IN A 198.51.100.21', 'mk2 IN A 198.51.100.22'
        'nl1 IN A 198.51.100.31', 'nl2 IN A 198.51.100.32', 'hd1 IN A 198.51.100.41', 'hd2 IN A 198.51.100.42'
    )
    $ptr = '241 IN PTR mail.cloudmonkeys.xyz.'
    switch ($Break) {
        'SpfOverTenLookups' {
            $records = $records -replace [regex]::Escape($spf), '@ IN TXT "v=spf1 ip4:27.7.57.241 include:_spf-crm.cloudmonkeys.xyz include:_spf-marketing.cloudmonkeys.xyz include:_spf-helpdesk.cloudmonkeys.xyz include:spf.protection.outlook.com -all"'
        }
        'TwoSpfRecords' {
            # The second record also carries a term that tries to end a quoted string in a suggested command.
            $records += "@ IN TXT `"v=spf1 include:_spf.evil';Start-Process.cloudmonkeys.xyz mx ~all`""
        }
        'MxElsewhere' { $records = $records -replace '^@ IN MX .*$', '@ IN MX 10 mail.cloudmonkeys.xyz.' }
        'MissingDkim' { $records = $records | Where-Object { $_ -notlike 'selector2._domainkey*' } }
        'PtrMismatch' { $ptr = '241 IN PTR cmedge01.cloudmonkeys.xyz.' }
    }
    [ordered]@{
        'cloudmonkeys.xyz'       = $records
        '57.7.27.in-addr.arpa'   = @('$ORIGIN 57.7.27.in-addr.arpa.', '$TTL 300') + $soa + @($ptr)
        # Exchange Online's SPF record and the tenant's MX host, as Microsoft publishes them.
        'protection.outlook.com' = @('$ORIGIN protection.outlook.com.', '$TTL 300') + $soa + @(
            'spf IN TXT "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 ip4:52.100.0.0/15 ip4:52.102.0.0/16 ip4:52.103.0.0/16 ip4:104.47.0.0/17 ip6:2a01:111:f400::/48 ip6:2a01:111:f403::/49 ip6:2a01:111:f403:8000::/51 ip6:2a01:111:f403:c000::/51 ip6:2a01:111:f403:f000::/52 -all"'
            'cloudmonkeys-xyz.mail IN A 52.101.68.10'
            'cloudmonkeys-xyz.mail IN A 52.101.73.5'
        )
    }
}

# The command names a suggested command line would run, as PowerShell's parser sees them: nothing from a server may
# add one.
function Get-CommandNameInText {
    param([string] $Text)
    $tokens = $null
    $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseInput($Text, [ref] $tokens, [ref] $errors)
    @($ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { $_.GetCommandName() })
}
