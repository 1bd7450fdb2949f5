@{
    Synopsis    = 'Checks Exchange certificates for hybrid mail flow: which is enabled for SMTP, expiry, status, private key, self-signed, and whether the names connectors present and Exchange Online expects are covered.'
    Description = @(
        'Test-HybridCertificate reads Get-ExchangeCertificate objects from the pipeline (live in the Exchange Management Shell, deserialized from a remote session, or re-imported with Import-Csv or Import-Clixml) and returns one HybridMailFlow.ConfigurationCheck per check, each Pass, Warn, Fail or Skipped with the evidence, the fix and the exact command.'
        'Per certificate: Validity (expired, not yet valid, expiring within -ExpiringDays), and for certificates enabled for SMTP also Status and PrivateKey. Over all of them: SmtpCertificate (none, only self-signed ones, which Exchange Online does not trust, or several CA-issued certificates enabled for SMTP, which makes Exchange present another certificate than Exchange Online expects), and CoversName for every name of -Name and for the Fqdn of each connector of -SendConnector and each port 25 connector of -ReceiveConnector.'
        'Names are matched against the subject''s CN and the SANs (CertificateDomains) without regard to case or a trailing dot; a wildcard *.cloudmonkeys.xyz covers mail.cloudmonkeys.xyz but neither a.b.cloudmonkeys.xyz nor cloudmonkeys.xyz.'
        'A CertificateDomains or Services value that reads System.Object[] was lost when the certificate was exported to CSV: a warning says so and the checks that need it see no names.'
    )
    Parameters  = @{
        InputObject       = 'Get-ExchangeCertificate objects, usually from the pipeline.'
        Name              = 'Host names that a certificate enabled for SMTP must cover: the hybrid mail name Exchange Online connects to (the TlsDomain of its outbound connector to on-premises), the names of your MX.'
        ReceiveConnector  = 'Get-ReceiveConnector objects: the Fqdn each connector bound to port 25 presents must be covered (client and internal connectors on other ports are left out).'
        SendConnector     = 'Get-SendConnector objects: the Fqdn each connector presents must be covered.'
        ExpiringDays      = 'A certificate that expires within this many days is a warning. The default is 30.'
    }
    Outputs     = @{
        'HybridMailFlow.ConfigurationCheck' = 'One check: Area (Certificate), Server, Identity (the thumbprint, the server, or the name checked), Check, Result, Message, Evidence, Fix, Command, Symptom.'
    }
    Examples    = @(
        @{
            Title   = 'The certificates of the hybrid server, against the hybrid mail name'
            Code    = "Get-ExchangeCertificate -Server CMHYBD01 | Test-HybridCertificate -Name mail.cloudmonkeys.xyz"
            Remarks = 'Which certificate is enabled for SMTP, whether one expires soon, and which name of which certificate covers mail.cloudmonkeys.xyz.'
        }
        @{
            Title   = 'The names the connectors present'
            Code    = "Get-ExchangeCertificate | Test-HybridCertificate -ReceiveConnector (Get-ReceiveConnector -Server CMHYBD01) -SendConnector (Get-SendConnector) | Where-Object Result -ne 'Pass'"
            Remarks = 'Every Fqdn of the connectors must be covered by a certificate enabled for SMTP; only the problems are shown.'
        }
        @{
            Title   = 'Certificates exported on the server, checked on another computer'
            Code    = "Import-Clixml .\CMHYBD01-certificates.xml | Test-HybridCertificate -Name mail.cloudmonkeys.xyz -ExpiringDays 60 | Export-Csv certificate-checks.csv -NoTypeInformation"
            Remarks = 'Deserialized objects work as live ones; the checks export to one flat CSV for the ticket.'
        }
    )
    Links       = @('Test-HybridReceiveConnector', 'Resolve-HybridSmtpError', 'about_HybridMailFlow')
}
