@{
    Synopsis    = 'Talks SMTP to a server as Exchange Online or a send connector would, without sending a message: banner, EHLO, STARTTLS, the TLS protocol, cipher and certificate chain, the name the connector expects, MAIL FROM and RCPT TO, each step timed and every failure diagnosed.'
    Description = @(
        'Test-HybridSmtpEndpoint connects to -ComputerName (or to every MX host of -DomainName, in preference order) on -Port (25), reads the banner, sends EHLO (HELO when EHLO is refused) and reads the extensions offered, starts TLS with STARTTLS through .NET''s SslStream (SChannel on Windows), sends EHLO again, tries MAIL FROM and RCPT TO when -From or -To is given, then RSET and QUIT. No message is ever sent.'
        'Each step is a HybridMailFlow.SmtpProbeStep with the command sent, the reply, when it started and how long it took, and for a failure its error and the knowledge base''s diagnosis (as Resolve-HybridSmtpError gives it, from the text Exchange would log for that failure: "Failed to connect. Winsock error code: 10061", "TLS negotiation failed with error ...", "450 4.4.317 ... SubjectMismatch", the server''s own reply).'
        'The TLS step reports the protocol (Tls12, Tls13), the cipher suite (PowerShell 7; Windows PowerShell 5.1''s .NET Framework gives the cipher, hash and key exchange algorithms only), and the certificate chain as this computer builds it: subject, issuer, SANs, thumbprint and validity of each certificate, and whether the chain validates with this computer''s trust store (revocation is not checked). -ExpectedName is the name the connector expects (Exchange Online''s outbound connector to on-premises: its TlsDomain; a send connector to Exchange Online: mail.protection.outlook.com); whether the certificate covers it is decided by the engine''s certificate name rules, as Test-HybridCertificate does.'
        'Outcome takes the names of a session''s: NoMessage when every step passed; ConnectFailed (refused, timed out, no route, the name does not resolve); TlsFailed (no STARTTLS offered, STARTTLS refused, the handshake failed, or a certificate a validating connector refuses: a chain that does not validate, or one that does not cover -ExpectedName); Rejected (a 5xx reply); TempFailed (a 4xx reply); Dropped (the server closed or reset the connection, stayed silent past -TimeoutSeconds, or spoke something else than SMTP). The first failure decides it; the probe goes on where it can, so later steps still show what the server does. Result is Fail unless the outcome is NoMessage, Warn for a certificate that expires within -ExpiringDays or TLS 1.0/1.1.'
        'A failure of the certificate is diagnosed from Exchange Online''s side (450 4.4.317, 4.7.320) unless the host or -ExpectedName is Exchange Online''s (*.mail.protection.outlook.com, *.outlook.com), when it is the on-premises send connector''s (454 4.7.5). Replies, banners and certificate names come from the remote server and are not trusted: control characters are replaced, lines are cut at 2048 bytes and replies at 100 lines, and nothing from them enters a suggested command unquoted.'
    )
    Parameters  = @{
        ComputerName   = 'The host to test: a name or an address. Several names are tested one after the other; names come from the pipeline too.'
        DomainName     = 'A domain whose MX hosts are tested, lowest preference first (with no MX record, the domain''s own address, as senders do). The MX records come from -DnsServer, else this computer''s resolvers.'
        Port           = 'The TCP port. The default is 25.'
        ExpectedName   = 'The name the certificate must cover: what the connector expects, e.g. mail.cloudmonkeys.xyz (the TlsDomain of Exchange Online''s outbound connector to on-premises, or a receive connector''s Fqdn) or mail.protection.outlook.com.'
        From           = 'The MAIL FROM address to try. An empty string tries the null sender (<>); with -To and without -From, the null sender is used.'
        To             = 'RCPT TO addresses to try. The probe resets the transaction and quits: nothing is sent.'
        HeloName       = 'The name sent with EHLO. The default is this computer''s FQDN; give the send connector''s Fqdn to probe as the connector would.'
        DnsServer      = 'The DNS server for host names and MX records, address or address:port (e.g. 10.0.0.2 or 127.0.0.1:5353). The default is this computer''s resolvers.'
        TimeoutSeconds = 'Seconds each step may take: the connection, each reply, the TLS handshake. The default is 15.'
        ExpiringDays   = 'A certificate that expires within this many days is a warning. The default is 30.'
    }
    Outputs     = @{
        'HybridMailFlow.SmtpEndpointTest' = 'One per host: ComputerName, DomainName, Preference, Address, AddressesText, Port, Start, Duration, Banner, Helo, RemoteHost, Extensions, StartTlsOffered, TlsSucceeded, TlsProtocol, TlsCipherSuite, TlsCipher, TlsCipherStrength, TlsMac, TlsKeyExchange, TlsKeyExchangeStrength, Certificates and the first one''s CertificateSubject, CertificateIssuer, CertificateThumbprint, CertificateNotBefore, CertificateNotAfter, CertificateSubjectAlternativeNames; ChainValid, ChainValidationStatus, ExpectedName, NameMatches, MatchedName, MailFrom, Recipients, Steps (HybridMailFlow.SmtpProbeStep: Step, Command, ReplyCode, Reply, Time, Duration, Succeeded, Error, Diagnosis) and StepsText, Outcome, OutcomeText, Result, Reason and Diagnosis.'
    }
    Examples    = @(
        @{
            Title   = 'What Exchange Online sees when it connects to the hybrid endpoint'
            Code    = 'Test-HybridSmtpEndpoint -ComputerName mail.cloudmonkeys.xyz -ExpectedName mail.cloudmonkeys.xyz | Format-List'
            Remarks = 'Run it from outside the network (or a computer that reaches the public address). The lab''s SubjectMismatch shows as NameMatches False, CertificateSubject CN=cmedge01.cloudmonkeys.xyz, Outcome TlsFailed and the 450 4.4.317 diagnosis with its commands.'
        }
        @{
            Title   = 'Every MX host of a domain, with a recipient, step by step'
            Code    = '(Test-HybridSmtpEndpoint -DomainName cloudmonkeys.xyz -From postmaster@fabrikam.example -To raghu@cloudmonkeys.xyz).Steps | Format-Table'
            Remarks = 'Banner, EHLO, STARTTLS, TLS, EHLO, MAIL FROM, RCPT TO, RSET and QUIT of each MX host, with the replies and how long each took.'
        }
        @{
            Title   = 'Exchange Online''s endpoint as the on-premises send connector sees it'
            Code    = "Test-HybridSmtpEndpoint -ComputerName cloudmonkeys-xyz.mail.protection.outlook.com -ExpectedName mail.protection.outlook.com -HeloName mail.cloudmonkeys.xyz"
            Remarks = 'From the Mailbox or Edge server: port 25 outbound, STARTTLS and Microsoft''s certificate against the connector''s TlsDomain.'
        }
        @{
            Title   = 'Several servers into a CSV for the ticket'
            Code    = "'cmhybd01.cloudmonkeys.xyz', 'cmedge01.cloudmonkeys.xyz' | Test-HybridSmtpEndpoint -ExpectedName mail.cloudmonkeys.xyz | Export-Csv smtp-endpoints.csv -NoTypeInformation"
            Remarks = 'Every list (Extensions, Certificates, Steps, Diagnosis) exports as its values joined; StepsText has one line per step.'
        }
    )
    Links       = @('Test-HybridDnsRecord', 'Test-HybridCertificate', 'Resolve-HybridSmtpError', 'about_HybridMailFlow')
}
