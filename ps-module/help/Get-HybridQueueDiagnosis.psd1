@{
    Synopsis    = 'Explains each transport queue: what its status means, the action and the exact commands, its LastError in parts with the diagnosis, the age of its oldest message, and queues over a threshold.'
    Description = @(
        'Get-HybridQueueDiagnosis takes the objects of Get-Queue and Get-Message (live in the Exchange Management Shell, deserialized from a remote session, or re-imported with Import-Csv or Import-Clixml) or CSV files of them with -Path, and returns one object per queue: Identity, Server, the kind of queue (Delivery, Submission, Unreachable, Poison, Shadow), DeliveryType, Status, MessageCount, NextHopDomain, and the LastError taken apart into its LED, MSG, FQDN, IP and LRT with the reply and enhanced codes of its innermost cause.'
        'Each queue gets the meaning of its state and the action from the lab guide''s queue status table (Active, Connecting, Ready, Retry, Suspended, and the Unreachable, Poison, Submission and Shadow queues), the knowledge base''s diagnosis of its LastError (as Resolve-HybridSmtpError gives it), and the commands to run with its identity filled in: Retry-Queue with or without -Resubmit, Resume-Queue, Get-Message, and for an Unreachable queue the Set-SendConnector that adds its recipients'' domain (exact when -SendConnector is given).'
        'Get-Message objects given with their queues add the age of the oldest message, the number of messages seen and their recipient domains. Queues are written once the input has ended, because a queue''s messages may follow it. -StuckInDrafts adds, for each server whose Submission queue is empty or absent, the lab guide''s checks in order for mail that never reaches the Submission queue.'
    )
    Parameters  = @{
        InputObject           = 'Get-Queue and Get-Message objects (live, deserialized, or re-imported with Import-Csv or Import-Clixml), or CSV files from Get-ChildItem; usually from the pipeline.'
        Path                  = 'CSV files written by Get-Queue | Export-Csv or Get-Message | Export-Csv. Wildcards are expanded.'
        LiteralPath           = 'CSV files, used exactly as written (no wildcards).'
        MessageCountThreshold = 'Queues holding more messages than this are flagged: OverThreshold is True and the severity at least Warning, with a command listing the oldest messages. The default is 100.'
        StuckInDrafts         = 'Users report mail that stays in Drafts or the Outbox: for each server whose Submission queue is empty or absent, adds a NotSubmitted object with the checks in order (services, databases, the Submission queue, name resolution, the Default receive connector, restarts, send connector address spaces, external DNS).'
        SendConnector         = 'Get-SendConnector objects: a queue''s NextHopConnector (a Guid) is named in NextHopConnector and filled into the commands, and the fix of an Unreachable queue names the connector to extend and the exact Set-SendConnector -AddressSpaces, keeping the spaces it already has.'
    }
    Outputs     = @{
        'HybridMailFlow.QueueDiagnosis' = 'Identity, Server, QueueKind, DeliveryType, Status, State, Severity, MessageCount, NextHopDomain, NextHopConnector, LastError and its parts (LastErrorLED, LastErrorMSG, LastErrorFQDN, LastErrorIP, LastErrorLRT, ErrorCode, EnhancedCode), Meaning, Action, Commands, Steps, Diagnosis (with DiagnosisRuleId, DiagnosisTitle, DiagnosisCause), OverThreshold, MessagesSeen, OldestMessageReceived (UTC and local), OldestMessageAge, RecipientDomains and Source.'
    }
    Examples    = @(
        @{
            Title   = 'Every queue of this server, explained'
            Code    = 'Get-Queue | Get-HybridQueueDiagnosis | Where-Object Severity -ne ''Info'''
            Remarks = 'Lists the queues that need attention with what their state means, the diagnosis of their last error and every command to run, each on a line of its own (the default view; Format-Table gives a line per queue).'
        }
        @{
            Title   = 'Queues and their messages, with the age of the oldest message'
            Code    = '$queues = Get-Queue; $messages = Get-Message -ResultSize 5000; $queues + $messages | Get-HybridQueueDiagnosis -MessageCountThreshold 50 -SendConnector (Get-SendConnector)'
            Remarks = 'Adds the oldest message''s age and recipient domains to each queue, flags queues over 50 messages, and gives the exact Set-SendConnector for an Unreachable queue.'
        }
        @{
            Title   = 'A CSV a customer sent'
            Code    = 'Get-HybridQueueDiagnosis -Path ./case-1234/queues.csv, ./case-1234/messages.csv -StuckInDrafts'
            Remarks = 'Reads Get-Queue and Get-Message exports from a case on any computer, and adds the checklist for mail stuck in Drafts where the Submission queue is empty.'
        }
    )
    Links       = @('Test-HybridSendConnector', 'Resolve-HybridSmtpError', 'about_HybridMailFlow')
}
