@{
    Synopsis    = 'Tests send connectors: which connector routes each recipient domain (or the Unreachable diagnosis and the exact fix), and the hybrid connector''s TLS, routing and logging settings.'
    Description = @(
        'Test-HybridSendConnector takes the objects of Get-SendConnector (live, deserialized from a remote session, or re-imported with Import-Csv or Import-Clixml). For each -RecipientDomain it chooses the connector as Exchange does: among enabled connectors, the most specific matching address space wins (contoso.com before *.contoso.com before *), then the lowest cost, then the name; a scoped connector (IsScopedConnector) routes only for servers of its own Active Directory site, and the result says so.'
        'A domain no connector routes gets the Unreachable diagnosis ("A matching connector cannot be found to route the external recipient") and the exact Set-SendConnector -AddressSpaces for the connector to extend (the hybrid connector for the tenant''s onmicrosoft.com domains), in the @{Add=...} form and as the full list that keeps the spaces it already has, then the resubmission of the Unreachable queue.'
        'For the hybrid connector (Outbound to Office 365 - <guid>, or one with CloudServicesMailEnabled or TlsDomain mail.protection.outlook.com) it returns one check per setting, each Pass, Warn, Fail or Skipped with the evidence and the fix command: Enabled, TlsAuthLevel (DomainValidation), TlsDomain (mail.protection.outlook.com), RequireTLS, CloudServicesMailEnabled, Routing (DNSRoutingEnabled or smart hosts at mail.protection.outlook.com), TlsCertificateName, Fqdn against the certificate (with -Certificate), and ProtocolLoggingLevel (Verbose). Checks are written as each connector arrives; routes once all connectors are in.'
    )
    Parameters  = @{
        InputObject     = 'Get-SendConnector objects (live, deserialized, or re-imported with Import-Csv or Import-Clixml); usually from the pipeline. AddressSpaces are read as objects, strings or lists; a CSV cell that reads System.Object[] was lost at export and draws a warning.'
        RecipientDomain = 'Recipient domains or addresses to route through the connectors, e.g. cloudfield.onmicrosoft.com or ramki@cloudfield.onmicrosoft.com.'
        Certificate     = 'Get-ExchangeCertificate objects: the hybrid connector''s Fqdn is checked against the names of the certificate it presents (the one TlsCertificateName names, else those enabled for SMTP).'
    }
    Outputs     = @{
        'HybridMailFlow.SendConnectorCheck' = 'Connector, Check, Result (Pass, Warn, Fail, Skipped), Evidence, Expected, Reason and Fix.'
        'HybridMailFlow.SendConnectorRoute' = 'Recipient, RecipientDomain, Status (Routed, RoutedByScopedConnector, Unreachable), Routed, Connector, AddressSpace, Cost, IsScopedConnector, Alternatives, Explanation, Diagnosis, FixConnector and FixCommands.'
    }
    Examples    = @(
        @{
            Title   = 'Why mail to the tenant domain lands in the Unreachable queue'
            Code    = 'Get-SendConnector | Test-HybridSendConnector -RecipientDomain cloudfield.onmicrosoft.com, cloudfield.mail.onmicrosoft.com'
            Remarks = 'Says which connector routes each domain; for one that none routes, gives the Set-SendConnector that adds it to the hybrid connector without losing its spaces.'
        }
        @{
            Title   = 'The hybrid connector''s settings, with the certificate'
            Code    = 'Get-SendConnector | Test-HybridSendConnector -Certificate (Get-ExchangeCertificate) | Where-Object Result -ne ''Pass'' | Format-List'
            Remarks = 'Lists the settings of the hybrid connector that differ from what Exchange Online expects, with the evidence and the fix.'
        }
    )
    Links       = @('Get-HybridQueueDiagnosis', 'Resolve-HybridSmtpError', 'about_HybridMailFlow')
}
