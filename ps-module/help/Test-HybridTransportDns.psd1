@{
    Synopsis    = 'Checks the internal and external DNS servers of the Transport and Front End Transport services: public resolvers in internal DNS (the cause of 451 4.7.0 PRX2), the adapter flags, missing external DNS.'
    Description = @(
        'Test-HybridTransportDns reads Get-TransportService and Get-FrontendTransportService objects from the pipeline (live, deserialized, or re-imported with Import-Csv or Import-Clixml) and returns two HybridMailFlow.ConfigurationCheck objects per service: InternalDnsServers and ExternalDnsServers, each Pass, Warn, Fail or Skipped with the evidence, the fix and the exact Set-TransportService or Set-FrontendTransportService command.'
        'InternalDnsServers fails when a public address is among the internal DNS servers (well-known resolvers such as 8.8.8.8, 1.1.1.1, 9.9.9.9 or OpenDNS are named, an ISP''s resolver is public too): they cannot resolve internal names, and the Front End Transport service''s proxy to the Mailbox server fails with 451 4.7.0 PRX2. The fix keeps the internal servers and sets InternalDNSAdapterEnabled to $false, as the lab guide does. It also fails when there is no internal DNS at all, and warns when servers are listed while the adapter flag makes Exchange use the network adapter''s instead.'
        'ExternalDnsServers fails when ExternalDNSAdapterEnabled is $false and no external DNS server is listed. When a service takes its DNS servers from the network adapter, the check is skipped: the settings do not show them.'
    )
    Parameters  = @{
        InputObject = 'Get-TransportService or Get-FrontendTransportService objects, usually from the pipeline.'
    }
    Outputs     = @{
        'HybridMailFlow.ConfigurationCheck' = 'One check: Area (TransportDns), Server, Identity, Check (InternalDnsServers, ExternalDnsServers), Result, Message, Evidence, Fix, Command, Symptom.'
    }
    Examples    = @(
        @{
            Title   = 'The lab''s PRX2: an ISP''s DNS servers mixed into internal DNS'
            Code    = "@(Get-TransportService CMHYBD01; Get-FrontendTransportService CMHYBD01) | Test-HybridTransportDns"
            Remarks = 'Both services of the server: with InternalDNSServers {202.88.152.10, 202.88.152.8, 192.168.1.11}, InternalDnsServers fails naming the two public addresses, and the command keeps 192.168.1.11 only.'
        }
        @{
            Title   = 'Every transport server, from a remote session'
            Code    = "Get-TransportService | Test-HybridTransportDns | Where-Object Result -eq 'Fail' | Select-Object Server, Check, Command"
            Remarks = 'Deserialized objects work as live ones; each failure carries the Set-TransportService command.'
        }
    )
    Links       = @('Resolve-HybridSmtpError', 'about_HybridMailFlow')
}
