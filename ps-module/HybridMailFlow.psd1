@{
    RootModule           = 'HybridMailFlow.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = 'a3c7f5d2-3b1e-4f7a-9c2d-6e8b1f0a4d3c'
    Author               = 'HybridMailFlow contributors'
    CompanyName          = 'HybridMailFlow'
    Copyright            = '(c) HybridMailFlow contributors. MIT License.'
    Description          = 'Finds why mail does not flow in an Exchange Server 2016/2019 hybrid with Exchange Online: SMTP protocol logs rebuilt into sessions, with outcomes and the line that decided them; message tracking logs read like Get-MessageTrackingLog on any computer, with a mail-flow summary; live SMTP and DNS probes of the endpoints and records of the hybrid.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    # Windows PowerShell loads the netstandard2.0 build, which needs .NET Framework 4.7.2 or later.
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('HybridMailFlow.format.ps1xml')
    TypesToProcess       = @('HybridMailFlow.types.ps1xml')
    CmdletsToExport      = @(
        'Export-HybridMailFlowReport'
        'Get-HybridMailFlowSummary'
        'Get-HybridMailFlowVersion'
        'Get-HybridMessageTrackingLog'
        'Get-HybridQueueDiagnosis'
        'Get-HybridSmtpLogEntry'
        'Get-HybridSmtpSession'
        'Import-HybridMessageTrace'
        'Resolve-HybridSmtpError'
        'Test-HybridCertificate'
        'Test-HybridDnsRecord'
        'Test-HybridReceiveConnector'
        'Test-HybridSendConnector'
        'Test-HybridSmtpEndpoint'
        'Test-HybridTransportDns'
        'Trace-HybridMessage'
    )
    FunctionsToExport    = @(
        'Export-HybridCsv'
        'Find-HybridLogPath'
        'Invoke-HybridMailFlowCheck'
    )
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Exchange', 'ExchangeOnline', 'Hybrid', 'SMTP', 'MailFlow', 'ProtocolLog', 'MessageTracking', 'Troubleshooting')
            ProjectUri = 'https://github.com/hybridmailflow/hybridmailflow'
        }
    }
}
