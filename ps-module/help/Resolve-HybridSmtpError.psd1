@{
    Synopsis    = 'Explains an SMTP, NDR, queue or Exchange Online trace error: what it means, its likely cause and the fix.'
    Description = @(
        'Resolve-HybridSmtpError matches an error text against the knowledge base of Exchange hybrid mail-flow errors and returns the best matching rule: its id, the reply and enhanced codes, what the error means, the likely causes, the steps of the fix, PowerShell commands with the values found in the text filled in, and references. A text no rule knows still gets the meaning of its status class (rule id Unrecognized).'
        'The first finding is the most specific rule that matches: words that name the cause beat the generic meaning of a code, and the cause quoted inside a proxy or failover wrapper beats the wrapper. Confidence (0 to 1) is computed the same way for every rule from the evidence of what matched (codes, words, context, wrappers peeled): 1 - e^(-points/75), and -All lists the findings in that order (your -RulePath rules first).'
        'It takes strings and the objects admins already have: Get-Queue and Get-Message (LastError), Get-MessageTrackingLog (every RecipientStatus), Get-MessageTraceDetail (Detail, Data), Exchange Online reports (Reason), and the sessions and lines of Get-HybridSmtpSession and Get-HybridSmtpLogEntry. An object with an empty error property (a healthy queue) returns nothing.'
    )
    Parameters  = @{
        Message          = 'Error texts, or objects that carry one in LastError, RecipientStatus, Detail, Reason or Data, or sessions and lines of this module.'
        All              = 'Returns every matching rule, best first (highest Confidence first), instead of the best one only.'
        RulePath         = 'Your own rule files, in the format of the built-in rules; your rules win over the built-in ones. A mistake in a file is reported with the file and the rule.'
        Direction        = 'The side of the SMTP session the error was seen on, for rules that depend on it.'
        Source           = 'Where the text comes from, when it is a string rather than an object that tells.'
        PrecedingCommand = 'The SMTP command that drew the reply (STARTTLS, AUTH LOGIN, MAIL FROM...), for rules that depend on it.'
    }
    Outputs     = @{
        'HybridMailFlow.SmtpErrorDiagnosis' = 'RuleId, Code, EnhancedCode, Title, Severity, Meaning, Cause and Causes, Fix, Commands, References, MatchedText, Confidence, Input and Source.'
    }
    Examples    = @(
        @{
            Title   = 'An error from an NDR or a log'
            Code    = "Resolve-HybridSmtpError '451 4.7.0 Temporary server error. Please try again later. PRX2'"
            Remarks = 'Explains the FrontEnd proxy error PRX2 and gives the Set-TransportService command that fixes its usual cause.'
        }
        @{
            Title   = 'Why queues are stuck'
            Code    = "Get-Queue | Where-Object Status -ne 'Ready' | Resolve-HybridSmtpError"
            Remarks = 'Reads the LastError of each queue that is not ready and explains it.'
        }
        @{
            Title   = 'Every failed session of the last hour, explained'
            Code    = "Get-HybridSmtpSession -Start (Get-Date).AddHours(-1) -Outcome Rejected, TempFailed, TlsFailed | Resolve-HybridSmtpError"
            Remarks = 'Rebuilds the sessions of the local server that failed in the last hour and explains the line that decided each: the default view shows the meaning, the fix and every command on a line of its own.'
        }
    )
    Links       = @('Get-HybridSmtpSession', 'about_HybridMailFlow')
}
