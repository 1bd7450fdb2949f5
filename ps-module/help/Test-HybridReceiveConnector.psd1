@{
    Synopsis    = 'Checks receive connectors for mail from Exchange Online: port 25 bindings, TlsCertificateName and Fqdn against the certificates (SubjectMismatch), TlsDomainCapabilities, AuthMechanism, PermissionGroups, protocol logging.'
    Description = @(
        'Test-HybridReceiveConnector reads Get-ReceiveConnector objects from the pipeline (live, deserialized, or re-imported with Import-Csv or Import-Clixml) and returns one HybridMailFlow.ConfigurationCheck per check, each Pass, Warn, Fail or Skipped with the evidence, the fix and the exact Set-ReceiveConnector command.'
        'Bindings: whether Exchange Online can connect (a port 25 binding and RemoteIPRanges that include Exchange Online''s addresses). The hybrid checks run on those connectors: TlsCertificateName (well formed as <I>issuer<S>subject, and naming an installed, valid certificate of -Certificate), Fqdn (covered by the subject or SANs of the certificate presented; otherwise 450 4.4.317 SubjectMismatch), TlsDomainCapabilities (mail.protection.outlook.com:AcceptCloudServicesMail), AuthMechanism (Tls) and PermissionGroups (AnonymousUsers). ProtocolLoggingLevel is checked on every connector.'
        'When none of the connectors takes Exchange Online''s connections, a final ExchangeOnlineConnector check fails.'
    )
    Parameters  = @{
        InputObject = 'Get-ReceiveConnector objects, usually from the pipeline.'
        Certificate = 'Get-ExchangeCertificate objects of the connectors'' server: TlsCertificateName must name one of them, and the certificate presented must cover the Fqdn. Without it those checks are skipped.'
    }
    Outputs     = @{
        'HybridMailFlow.ConfigurationCheck' = 'One check: Area (ReceiveConnector), Server, Identity (the connector), Check, Result, Message, Evidence, Fix, Command, Symptom.'
    }
    Examples    = @(
        @{
            Title   = 'Why Exchange Online''s mail gets 450 4.4.317 SubjectMismatch'
            Code    = "Get-ReceiveConnector -Server CMHYBD01 | Test-HybridReceiveConnector -Certificate (Get-ExchangeCertificate -Server CMHYBD01)"
            Remarks = 'Which connector Exchange Online reaches, whether the certificate it presents covers its Fqdn, and the Set-ReceiveConnector command that fixes what is wrong.'
        }
        @{
            Title   = 'Only the problems, with their commands'
            Code    = "Get-ReceiveConnector | Test-HybridReceiveConnector -Certificate (Get-ExchangeCertificate) | Where-Object Result -in 'Fail', 'Warn' | Format-List Identity, Check, Message, Command"
            Remarks = 'Each failed check carries the command to run.'
        }
    )
    Links       = @('Test-HybridCertificate', 'Get-HybridSmtpSession', 'about_HybridMailFlow')
}
