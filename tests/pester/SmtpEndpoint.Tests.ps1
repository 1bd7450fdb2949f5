# Test-HybridSmtpEndpoint against real servers on 127.0.0.1: a private postfix instance with certificates made here
# (good, the lab's SubjectMismatch, expired, no STARTTLS, a refused recipient) and a knotd for MX records, started
# and stopped by this file on Linux; and a scripted server in this process for hostile replies, silence and resets,
# which runs on Windows too.

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    $script:manifest = (Resolve-Path $modulePath).Path
    Import-Module $script:manifest -Force
    . (Join-Path $PSScriptRoot 'Lab/LabServers.ps1')
    . (Join-Path $PSScriptRoot 'Lab/ScriptedSmtpServer.ps1')

    function Get-ProbeStep {
        param($Result, [string] $Step)
        @($Result.Steps | Where-Object { $_.Step -eq $Step })
    }

    $script:noLab = Get-LabUnavailableReason
    if (-not $script:noLab) {
        Assert-LabTools
        $root = Join-Path $TestDrive 'lab'
        $script:certificates = New-LabCertificates -Path (Join-Path $root 'certificates')
        $script:smtp = Start-LabSmtpServer -Path (Join-Path $root 'postfix') -Certificates $script:certificates
        $script:dns = Start-LabDnsServer -Path (Join-Path $root 'knot') -Zones (Get-LabZones)
        $ports = $script:smtp.Ports

        # The probes of a server that trusts the lab's CA, as an Exchange server trusts a public CA: a PowerShell
        # whose trust store holds it (SSL_CERT_FILE, read once per process, so a process of its own).
        $bundle = Join-Path $root 'trusted.pem'
        $system = '/etc/ssl/certs/ca-certificates.crt'
        @(if (Test-Path $system) { Get-Content -LiteralPath $system }) + @(Get-Content -LiteralPath $script:certificates.Authority) | Set-Content -LiteralPath $bundle
        $results = Join-Path $root 'trusted.clixml'
        $probe = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$($script:manifest.Replace("'", "''"))'
`$common = @{ ComputerName = '127.0.0.1'; ExpectedName = 'mail.cloudmonkeys.xyz'; TimeoutSeconds = 10 }
[ordered]@{
    Good            = Test-HybridSmtpEndpoint @common -Port $($ports.Good) -From raghu@cloudmonkeys.xyz -To ramki@cloudmonkeys.xyz
    Mismatch        = Test-HybridSmtpEndpoint @common -Port $($ports.Mismatch)
    Expired         = Test-HybridSmtpEndpoint @common -Port $($ports.Expired)
    NoStartTls      = Test-HybridSmtpEndpoint @common -Port $($ports.NoStartTls) -To ramki@cloudmonkeys.xyz
    RefuseRecipient = Test-HybridSmtpEndpoint @common -Port $($ports.RefuseRecipient) -From raghu@cloudmonkeys.xyz -To ramki@cloudmonkeys.xyz, ghost@cloudmonkeys.xyz
    ExchangeOnline  = Test-HybridSmtpEndpoint -ComputerName 127.0.0.1 -Port $($ports.Mismatch) -ExpectedName mail.protection.outlook.com
} | Export-Clixml -Depth 8 -Path '$($results.Replace("'", "''"))'
"@
        $shell = @('pwsh.exe', 'pwsh', 'powershell.exe') | ForEach-Object { Join-Path $PSHOME $_ } | Where-Object { Test-Path $_ -PathType Leaf } | Select-Object -First 1
        $saved = $env:SSL_CERT_FILE
        $env:SSL_CERT_FILE = $bundle
        try {
            $output = & $shell -NoProfile -NonInteractive -Command $probe 2>&1
        } finally {
            if ($null -eq $saved) { Remove-Item Env:SSL_CERT_FILE } else { $env:SSL_CERT_FILE = $saved }
        }
        if ($LASTEXITCODE -ne 0) { throw "The probes with the lab CA trusted failed: $($output | Out-String)" }
        $script:trusted = Import-Clixml -LiteralPath $results
    }
}

AfterAll {
    if (Get-Command Stop-LabSmtpServer -ErrorAction SilentlyContinue) {
        Stop-LabSmtpServer $script:smtp
        Stop-LabDnsServer $script:dns
    }
}

Describe 'Test-HybridSmtpEndpoint against postfix' {
    It 'walks banner, EHLO, STARTTLS, TLS, EHLO, MAIL FROM, RCPT TO, RSET and QUIT, each step timed, and passes a good endpoint' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $good = $script:trusted.Good
        $good.Outcome | Should -Be 'NoMessage'
        [HybridMailFlow.CheckResult] $good.Result | Should -Be 'Pass'
        @($good.Steps | ForEach-Object { $_.Step }) | Should -Be @('Connect', 'Banner', 'EHLO', 'STARTTLS', 'TLS', 'EHLO', 'MAIL FROM', 'RCPT TO', 'RSET', 'QUIT')
        foreach ($step in $good.Steps) {
            $step.Succeeded | Should -BeTrue -Because "$($step.Step): $($step.Error)"
            $step.Time | Should -BeOfType [datetime]
            $step.Duration | Should -BeOfType [timespan]
        }
        (Get-ProbeStep $good 'RCPT TO').Command | Should -Be 'RCPT TO:<ramki@cloudmonkeys.xyz>'
        (Get-ProbeStep $good 'RCPT TO').ReplyCode | Should -Be 250
        (Get-ProbeStep $good 'QUIT').Reply | Should -Match '^221 '
        $good.Banner | Should -Be '220 mail.cloudmonkeys.xyz ESMTP Postfix (HybridMailFlow lab)'
        $good.RemoteHost | Should -Be 'mail.cloudmonkeys.xyz'
        $good.StartTlsOffered | Should -BeTrue
        # The extensions after STARTTLS: postfix offers STARTTLS only before it.
        @($good.Extensions) | Should -Contain 'PIPELINING'
        @($good.Extensions) | Should -Not -Contain 'STARTTLS'
        $good.Diagnosis | Should -BeNullOrEmpty
        $good.Reason | Should -Match 'STARTTLS with Tls1[23] .*certificate CN=mail\.cloudmonkeys\.xyz with a valid chain; it covers mail\.cloudmonkeys\.xyz'
    }

    It 'reports the TLS protocol and cipher, and the certificate chain up to the CA that validates' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $good = $script:trusted.Good
        $good.TlsSucceeded | Should -BeTrue
        $good.TlsProtocol | Should -BeIn 'Tls12', 'Tls13'
        $good.TlsCipherSuite | Should -Match '^TLS_'
        $good.TlsCipher | Should -Not -BeNullOrEmpty
        $good.TlsCipherStrength | Should -BeGreaterThan 0
        $good.ChainValid | Should -BeTrue
        $good.ChainValidationStatus | Should -Be 'Valid'
        @($good.Certificates | ForEach-Object { $_.Kind }) | Should -Be @('Remote certificate', 'Root')
        $good.CertificateSubject | Should -Be 'CN=mail.cloudmonkeys.xyz'
        $good.CertificateIssuer | Should -Be 'CN=HybridMailFlow Lab CA, O=HybridMailFlow Lab'
        $good.CertificateThumbprint | Should -Match '^[0-9A-F]{40}$'
        $good.CertificateSubjectAlternativeNames | Should -Be 'mail.cloudmonkeys.xyz; autodiscover.cloudmonkeys.xyz'
        $good.CertificateNotAfter | Should -BeGreaterThan ([datetime]::UtcNow.AddDays(80))
        $good.NameMatches | Should -BeTrue
        $good.MatchedName | Should -Be 'mail.cloudmonkeys.xyz'
    }

    It 'the lab''s SubjectMismatch: cmedge01''s certificate where Exchange Online expects mail.cloudmonkeys.xyz, with the fix' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $mismatch = $script:trusted.Mismatch
        $mismatch.ChainValid | Should -BeTrue
        $mismatch.NameMatches | Should -BeFalse
        $mismatch.CertificateSubject | Should -Be 'CN=cmedge01.cloudmonkeys.xyz'
        $mismatch.Outcome | Should -Be 'TlsFailed'
        [HybridMailFlow.CheckResult] $mismatch.Result | Should -Be 'Fail'
        $mismatch.OutcomeText | Should -Match 'does not cover mail\.cloudmonkeys\.xyz \(subject CN=cmedge01\.cloudmonkeys\.xyz; names cmedge01\.cloudmonkeys\.xyz\)'
        $finding = $mismatch.Diagnosis[0]
        $finding.RuleId | Should -Be 'EXO-4.4.317-SubjectMismatch'
        @($finding.Commands) | Should -Contain "Set-ReceiveConnector '<connector>' -Fqdn 'mail.cloudmonkeys.xyz'"
        (Get-ProbeStep $mismatch 'TLS').Diagnosis[0].RuleId | Should -Be 'EXO-4.4.317-SubjectMismatch'
    }

    It 'tests Exchange Online''s side as the send connector does: SubjectMismatch against mail.protection.outlook.com is 454 4.7.5' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $exo = $script:trusted.ExchangeOnline
        $exo.NameMatches | Should -BeFalse
        $exo.Diagnosis[0].RuleId | Should -Be 'HMF-TLS-4.7.5-SubjectMismatch'
        $exo.Diagnosis[0].Input | Should -Match '^454 4\.7\.5 Certificate validation failure, Reason: SubjectMismatch'
    }

    It 'fails an expired certificate, naming NotTimeValid, with Exchange Online''s 4.7.320 and its fix' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $expired = $script:trusted.Expired
        $expired.ChainValid | Should -BeFalse
        $expired.ChainValidationStatus | Should -Match 'NotTimeValid'
        $expired.CertificateNotAfter | Should -BeLessThan ([datetime]::UtcNow)
        $expired.NameMatches | Should -BeTrue
        $expired.Outcome | Should -Be 'TlsFailed'
        $expired.Diagnosis[0].RuleId | Should -Be 'EXO-4.7.320'
        @($expired.Diagnosis[0].Commands) | Should -Contain "Enable-ExchangeCertificate -Thumbprint '<thumbprint>' -Services SMTP -Force"
    }

    It 'fails a server that offers no STARTTLS, and still tries the recipient in the clear' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $plain = $script:trusted.NoStartTls
        $plain.StartTlsOffered | Should -BeFalse
        $plain.TlsSucceeded | Should -BeNullOrEmpty
        @($plain.Extensions) | Should -Not -Contain 'STARTTLS'
        $plain.Outcome | Should -Be 'TlsFailed'
        $plain.OutcomeText | Should -Match 'does not offer STARTTLS'
        $plain.Diagnosis[0].RuleId | Should -Be 'HMF-TLS-RequiredNotOffered'
        @($plain.Steps | ForEach-Object { $_.Step }) | Should -Be @('Connect', 'Banner', 'EHLO', 'MAIL FROM', 'RCPT TO', 'RSET', 'QUIT')
        (Get-ProbeStep $plain 'MAIL FROM').Command | Should -Be 'MAIL FROM:<>'
    }

    It 'rejects a recipient with 5xx: Rejected, the reply, and the knowledge base''s fix for 5.1.1' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $refused = $script:trusted.RefuseRecipient
        $refused.ChainValid | Should -BeTrue
        $refused.Outcome | Should -Be 'Rejected'
        [HybridMailFlow.CheckResult] $refused.Result | Should -Be 'Fail'
        $steps = @(Get-ProbeStep $refused 'RCPT TO')
        $steps[0].Succeeded | Should -BeTrue
        $steps[1].Succeeded | Should -BeFalse
        $steps[1].ReplyCode | Should -Be 550
        $steps[1].Reply | Should -Be '550 5.1.1 <ghost@cloudmonkeys.xyz>: Recipient address rejected: User unknown in relay recipient table'
        $refused.OutcomeText | Should -Be 'RCPT TO:<ghost@cloudmonkeys.xyz> was answered 550 5.1.1 <ghost@cloudmonkeys.xyz>: Recipient address rejected: User unknown in relay recipient table'
        $refused.Diagnosis[0].RuleId | Should -Be 'EXO-5.1.1'
        @($refused.Diagnosis[0].Commands) | Should -Contain "Get-Recipient 'ghost@cloudmonkeys.xyz' | Format-List Name, RecipientType, EmailAddresses"
    }

    It 'fails a certificate from an authority this computer does not trust' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $untrusted = Test-HybridSmtpEndpoint -ComputerName 127.0.0.1 -Port $script:smtp.Ports.Good -ExpectedName mail.cloudmonkeys.xyz
        $untrusted.ChainValid | Should -BeFalse
        $untrusted.ChainValidationStatus | Should -Match 'UntrustedRoot|PartialChain'
        $untrusted.NameMatches | Should -BeTrue
        $untrusted.Outcome | Should -Be 'TlsFailed'
        $untrusted.Diagnosis[0].RuleId | Should -Be 'EXO-4.7.320'
    }

    It 'never lets a hostile certificate subject into a suggested command' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $hostile = Test-HybridSmtpEndpoint -ComputerName 127.0.0.1 -Port $script:smtp.Ports.Hostile -ExpectedName mail.cloudmonkeys.xyz
        $hostile.CertificateSubject | Should -Match "Start-Process calc"
        $hostile.Diagnosis.RuleId | Should -Contain 'EXO-4.4.317-SubjectMismatch'
        foreach ($command in @($hostile.Diagnosis | ForEach-Object { $_.Commands })) {
            Get-CommandNameInText $command | Should -Not -Contain 'Start-Process' -Because $command
        }
    }

    It 'tests every MX host of a domain in preference order, with -DnsServer' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $results = @(Test-HybridSmtpEndpoint -DomainName smtplab.cloudmonkeys.xyz -DnsServer $script:dns.Server -Port $script:smtp.Ports.NoStartTls -TimeoutSeconds 5)
        $results.Count | Should -Be 2
        $results.ComputerName | Should -Be @('mx1.smtplab.cloudmonkeys.xyz', 'mx2.smtplab.cloudmonkeys.xyz')
        $results.Preference | Should -Be @(10, 20)
        $results.DomainName | Select-Object -Unique | Should -Be 'smtplab.cloudmonkeys.xyz'
        $results[0].Banner | Should -Match '^220 mail\.cloudmonkeys\.xyz'
        $results[1].Address | Should -Be '127.0.0.2'
        $results[1].Outcome | Should -Be 'ConnectFailed'
        $results[1].Diagnosis[0].RuleId | Should -Be 'HMF-WINSOCK-10061'
    }

    It 'a host name that does not resolve: ConnectFailed with the DNS diagnosis' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $result = Test-HybridSmtpEndpoint -ComputerName smtp.cloudmonkeys.xyz -DnsServer $script:dns.Server -TimeoutSeconds 5
        $result.Outcome | Should -Be 'ConnectFailed'
        $result.OutcomeText | Should -Be 'smtp.cloudmonkeys.xyz does not resolve: smtp.cloudmonkeys.xyz does not exist (NXDOMAIN).'
        $result.Diagnosis[0].Input | Should -Match '^451 4\.4\.0 DNS query failed\. The error was: SMTPSEND\.DNS\.NonExistentDomain'
    }

    It 'says so when the domain has no MX host at all' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $missing = Test-HybridSmtpEndpoint -DomainName nowhere.cloudmonkeys.xyz -DnsServer $script:dns.Server -Port $script:smtp.Ports.Good
        $missing.Outcome | Should -Be 'ConnectFailed'
        $missing.OutcomeText | Should -Be 'The MX of nowhere.cloudmonkeys.xyz cannot be found: nowhere.cloudmonkeys.xyz does not exist (NXDOMAIN).'
        $missing.Diagnosis[0].RuleId | Should -Match 'NonExistentDomain|DNS'
    }

    It 'returns a typed object whose default view and CSV export show the answer' {
        if ($script:noLab) { Set-ItResult -Skipped -Because $script:noLab }
        $result = Test-HybridSmtpEndpoint -ComputerName 127.0.0.1 -Port $script:smtp.Ports.Good -ExpectedName mail.cloudmonkeys.xyz
        $result.PSObject.TypeNames[0] | Should -Be 'HybridMailFlow.SmtpEndpointTest'
        $result.Steps[0].PSObject.TypeNames[0] | Should -Be 'HybridMailFlow.SmtpProbeStep'
        # A table wider than the console drops the columns that do not fit: at 120 columns every one is there.
        $table = $result | Format-Table | Out-String -Width 120
        $table | Should -Match 'ComputerName\s+Port\s+Outcome\s+TLS\s+Certificate\s+Reason'
        $table | Should -Match '127\.0\.0\.1\s+\d+\s+TlsFailed\s+Tls1[23]\s+CN=mail\.cloudmonkeys\.xyz\s+The certificate chain'
        $steps = $result.Steps | Format-Table | Out-String -Width 120
        $steps | Should -Match 'Step\s+Command\s+ms\s+OK\s+Reply or error'
        $steps | Should -Match 'QUIT\s+QUIT\s+\d+\s+True\s+221 '
        $csv = $result | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        $csv.StepsText | Should -Match 'STARTTLS -> 220'
        $csv.Extensions | Should -Match 'PIPELINING; '
        $csv.Diagnosis | Should -Match 'EXO-4\.7\.320'
        $csv.PSObject.Properties.Value | Should -Not -Contain 'System.Object[]'
    }
}

Describe 'Test-HybridSmtpEndpoint against a scripted server' {
    It 'reads a hostile banner and replies safely: control characters replaced, long lines cut, commands quoted' {
        $banner = "220 mx.fabrikam.example ESMTP " + [char]27 + '[31mred' + ('A' * 5000)
        $result = Invoke-ScriptedProbe -Parameters @{ From = 'raghu@cloudmonkeys.xyz'; To = 'partner@fabrikam.example' } -Reply @(
            $banner
            "250-mx.fabrikam.example Hello`n250-SIZE 10240000`n250 8BITMIME"
            '250 2.1.0 Sender OK'
            "550 5.7.1 Service unavailable, Client host [127.0.0.1] blocked using Spamhaus'; Remove-Item -Recurse C:\ #"
            '250 2.0.0 Reset'
            '221 2.0.0 Bye'
        )
        $result.Banner | Should -Not -Match ([char]27)
        $result.Banner | Should -Match ([regex]::Escape('ESMTP \x1b[31mred'))
        $result.Banner | Should -Match '\[\.\.\.\]$'
        $result.Banner.Length | Should -BeLessThan 2200
        @($result.Extensions) | Should -Be @('SIZE 10240000', '8BITMIME')
        $result.StartTlsOffered | Should -BeFalse
        $result.Outcome | Should -Be 'TlsFailed'
        $rcpt = Get-ProbeStep $result 'RCPT TO'
        $rcpt.ReplyCode | Should -Be 550
        $rcpt.Diagnosis[0].RuleId | Should -Be 'HMF-BLOCKLIST-SPAMHAUS'
        foreach ($command in @($result.Diagnosis | ForEach-Object { $_.Commands })) {
            Get-CommandNameInText $command | Should -Not -Contain 'Remove-Item' -Because $command
        }
    }

    It 'a TLS handshake the server cuts off is TlsFailed, and bytes sent ahead of TLS are discarded and reported' {
        $result = Invoke-ScriptedProbe -Reply @(
            '220 mx.fabrikam.example ESMTP'
            "250-mx.fabrikam.example`n250 STARTTLS"
            "220 2.0.0 Ready to start TLS`n250 2.0.0 injected before TLS"
            '<close>'
        )
        $result.StartTlsOffered | Should -BeTrue
        $result.TlsSucceeded | Should -BeFalse
        $result.Outcome | Should -Be 'TlsFailed'
        $tls = Get-ProbeStep $result 'TLS'
        $tls.Succeeded | Should -BeFalse
        $tls.Error | Should -Match '^The TLS handshake failed: '
        if ([System.Runtime.InteropServices.RuntimeInformation]::IsOSPlatform([System.Runtime.InteropServices.OSPlatform]::Windows)) {
            # SChannel names the status itself (wine's says UnsupportedFunction).
            $tls.Diagnosis[0].Input | Should -Match '^TLS negotiation failed with error [A-Za-z]+$'
            $tls.Diagnosis[0].RuleId | Should -BeIn 'HMF-TLS-SocketError', 'HMF-TLS-NegotiationFailed'
        } else {
            $tls.Diagnosis[0].Input | Should -Be 'TLS negotiation failed with error SocketError'
            $tls.Diagnosis[0].RuleId | Should -Be 'HMF-TLS-SocketError'
        }
        $result.Reason | Should -Match 'sent 31 bytes after its reply to STARTTLS, before TLS began; they were discarded'
        @($result.Steps | ForEach-Object { $_.Step }) | Should -Be @('Connect', 'Banner', 'EHLO', 'STARTTLS', 'TLS')
    }

    It 'a 554 banner is Rejected, and the probe still says QUIT' {
        $result = Invoke-ScriptedProbe -Reply @('554 5.7.1 <unknown[127.0.0.1]>: Client host rejected: Access denied', '221 2.0.0 Bye')
        $result.Outcome | Should -Be 'Rejected'
        @($result.Steps | ForEach-Object { $_.Step }) | Should -Be @('Connect', 'Banner', 'QUIT')
        (Get-ProbeStep $result 'Banner').Error | Should -Match '554 5\.7\.1'
        $result.Diagnosis[0].Code | Should -Be 554
    }

    It 'a port that speaks something else than SMTP: Dropped, saying what came back' {
        $result = Invoke-ScriptedProbe -Reply @('HTTP/1.1 400 Bad Request')
        $result.Outcome | Should -Be 'Dropped'
        $result.OutcomeText | Should -Be 'The server sent a line that is not an SMTP reply: HTTP/1.1 400 Bad Request'
    }
}

Describe 'Test-HybridSmtpEndpoint when the connection fails' {
    It 'refused: ConnectFailed, with the Winsock 10061 diagnosis' {
        $port = Get-ClosedPort
        $result = Test-HybridSmtpEndpoint -ComputerName 127.0.0.1 -Port $port -TimeoutSeconds 5
        $result.Outcome | Should -Be 'ConnectFailed'
        "$($result.Result)" | Should -Be 'Fail'
        $result.OutcomeText | Should -Be "The connection to 127.0.0.1:$port was refused: nothing listens on that port, or a firewall rejects it."
        $result.Diagnosis[0].RuleId | Should -Be 'HMF-WINSOCK-10061'
        @($result.Diagnosis[0].Commands) | Should -Contain "Test-NetConnection -ComputerName '127.0.0.1' -Port 25"
        @($result.Steps).Count | Should -Be 1
    }

    It 'timed out: a server that accepts and never answers is Dropped after -TimeoutSeconds' {
        $silent = Start-SilentListener
        try {
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $result = Test-HybridSmtpEndpoint -ComputerName 127.0.0.1 -Port $silent.Port -TimeoutSeconds 1
            $clock.Stop()
        } finally {
            $silent.Listener.Stop()
        }
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
        $result.Outcome | Should -Be 'Dropped'
        $result.OutcomeText | Should -Match '^No reply within 1 s'
        $banner = Get-ProbeStep $result 'Banner'
        $banner.Succeeded | Should -BeFalse
        $banner.Duration.TotalSeconds | Should -BeGreaterOrEqual 0.9
        $result.Diagnosis[0].Input | Should -Be '421 4.4.2 Connection dropped due to TimedOut'
        $result.Diagnosis[0].RuleId | Should -Be 'HMF-CONN-Dropped'
    }

    It 'reset: a server that resets the connection is Dropped, with the diagnosis of a reset' {
        $result = Invoke-ScriptedProbe -Reset
        $result.Outcome | Should -Be 'Dropped'
        $result.OutcomeText | Should -Be 'The connection was reset by the server or a device in between.'
        $result.Diagnosis[0].Input | Should -Be '421 4.4.2 Connection dropped due to ConnectionReset'
        $result.Diagnosis[0].RuleId | Should -Be 'HMF-CONN-DroppedSocketError'
    }


    It 'refuses addresses and names SMTP cannot carry before connecting' {
        { Test-HybridSmtpEndpoint -ComputerName 127.0.0.1 -To "a@b.example>`r`nDATA" } | Should -Throw -ErrorId 'HybridMailFlow.BadSmtpArgument,HybridMailFlow.Commands.TestHybridSmtpEndpointCommand'
        { Test-HybridSmtpEndpoint -ComputerName 127.0.0.1 -HeloName 'bad name' } | Should -Throw -ErrorId 'HybridMailFlow.BadSmtpArgument,HybridMailFlow.Commands.TestHybridSmtpEndpointCommand'
        $results = @(Test-HybridSmtpEndpoint -ComputerName "mail.cloudmonkeys.xyz`r`nQUIT" -ErrorVariable bad -ErrorAction SilentlyContinue)
        $results | Should -BeNullOrEmpty
        $bad[0].FullyQualifiedErrorId | Should -Be 'HybridMailFlow.BadHostName,HybridMailFlow.Commands.TestHybridSmtpEndpointCommand'
    }
}
