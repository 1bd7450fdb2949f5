@{
    Synopsis    = 'Reads Exchange Online message trace exports (Get-MessageTrace, Get-MessageTraceV2, Get-MessageTraceDetail(V2), the admin center''s reports) or the live objects of those cmdlets, as one normalized object per event and recipient.'
    Description = @(
        'Import-HybridMessageTrace reads what admins export from Exchange Online: Export-Csv files of Get-MessageTrace, Get-MessageTraceV2, Get-MessageTraceDetail and Get-MessageTraceDetailV2 written by Windows PowerShell 5.1 (a #TYPE line, ASCII or Unicode, every field quoted, dates in the culture of the computer, such as 4/6/2021 2:46:03 PM) or PowerShell 7, local or through a remote session (PSComputerName, RunspaceId), and the admin center''s downloads: the enhanced summary report, the extended report and historical search (UTF-16 LE, UTF-8 with or without a byte order mark, a comma or a semicolon between fields). Which export a file is comes from its header, not its name.'
        'Each object (HybridMailFlow.MessageTraceEvent) carries the names of Get-MessageTraceV2: Received (local time, as every time of this module; ReceivedUtc is the UTC time Get-MessageTraceV2 gives), SenderAddress, RecipientAddress, Subject, Status, FromIP, ToIP, Size, MessageId, MessageTraceId and NetworkMessageId; for detail rows Event, Action, Detail, Data and DataProperties (the message event properties of the Data XML, such as the connector and the Exchange Online server); for report rows the events of the recipient (an enhanced summary''s recipient_status, addr##Receive, Deliver, gives one object per recipient). The reason of a Fail or Defer ({LED=...};{MSG=...};{FQDN=...};{IP=...} and OutboundProxyTargetIP) is taken apart into ReasonLed, ReasonCode, ReasonEnhancedCode, LastAttemptedServer, LastAttemptedIp, OutboundProxyTargetIp and OutboundProxyTargetHostname, and diagnosed by the knowledge base of Resolve-HybridSmtpError (ReasonRuleId, ReasonTitle, Diagnosis).'
        'A file that is not a trace export is refused by name, a bad row is a non-terminating error naming the file and the line, and the rest is still read. A column that holds System.String[] (an array exported without being joined) is a warning: its values were lost at export. Dates written as a/b/yyyy are read day first when the file has a day over 12 or this computer''s culture writes the day first.'
    )
    Parameters  = @{
        Path        = 'Export files (CSV). Wildcards are expanded.'
        LiteralPath = 'Export files, used exactly as written (no wildcards); bound from Get-ChildItem output.'
        InputObject = 'Objects of Get-MessageTraceV2, Get-MessageTrace, Get-MessageTraceDetail(V2), or Import-Csv rows of their exports, from the pipeline.'
    }
    Outputs     = @{
        'HybridMailFlow.MessageTraceEvent' = 'One per trace row, and per recipient for reports that list several.'
    }
    Examples    = @(
        @{
            Title   = 'The trace export of the bundled samples'
            Code    = 'Import-HybridMessageTrace -Path ./samples/exo/MessageTraceV2.csv | Format-Table Received, SenderAddress, RecipientAddress, Status'
            Remarks = 'Run from the repository: a PowerShell 7 export of Get-MessageTraceV2 for the lab''s messages that went through Exchange Online.'
        }
        @{
            Title   = 'An export from Windows PowerShell 5.1'
            Code    = 'Import-HybridMessageTrace -Path .\trace.csv | Where-Object Status -ne Delivered | Format-Table'
            Remarks = 'Reads a Get-MessageTraceV2 export with its #TYPE line and culture dates; Received is local time, ReceivedUtc the UTC time of the export.'
        }
        @{
            Title   = 'Live objects from Exchange Online'
            Code    = 'Get-MessageTraceV2 -SenderAddress raghu@cloudmonkeys.xyz | Get-MessageTraceDetailV2 | Import-HybridMessageTrace | Where-Object Reason | Select-Object Received, Event, ReasonLed, ReasonTitle'
            Remarks = 'Detail events of Exchange Online with their reason taken apart and diagnosed.'
        }
        @{
            Title   = 'The admin center''s reports of a case'
            Code    = 'Get-ChildItem .\case-1234\*.csv | Import-HybridMessageTrace | Export-Csv exo-trace.csv -NoTypeInformation'
            Remarks = 'Enhanced summary and extended reports (UTF-16 LE) and cmdlet exports, normalized into one flat CSV.'
        }
    )
    Links       = @('Trace-HybridMessage', 'Resolve-HybridSmtpError', 'about_HybridMailFlow')
}
