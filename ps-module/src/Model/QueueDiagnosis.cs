using System;

namespace HybridMailFlow
{
    /// <summary>
    /// One transport queue explained (PSTypeName HybridMailFlow.QueueDiagnosis): its status and what it means, the
    /// action and commands, its LastError in parts with the knowledge base's diagnosis, and its oldest message.
    /// </summary>
    public sealed class QueueDiagnosis
    {
        /// <summary>The queue as Get-Queue names it: CMHYBD01\6, CMHYBD01\Unreachable, CMHYBD01\Submission.</summary>
        public string Identity { get; internal set; }
        public string Server { get; internal set; }

        /// <summary>Delivery, Submission, Unreachable, Poison or Shadow.</summary>
        public string QueueKind { get; internal set; }

        public string DeliveryType { get; internal set; }

        /// <summary>The Status Get-Queue reported (Active, Connecting, Ready, Retry, Suspended).</summary>
        public string Status { get; internal set; }

        /// <summary>The status that explains the queue: the Status, or Unreachable, Poison, Shadow; NotSubmitted for mail that never reaches Submission.</summary>
        public string State { get; internal set; }

        /// <summary>Info, Warning, Error or Critical.</summary>
        public string Severity { get; internal set; }

        public int? MessageCount { get; internal set; }
        public string NextHopDomain { get; internal set; }

        /// <summary>The name of the send connector the queue delivers through (its NextHopConnector Guid), when -SendConnector is given.</summary>
        public string NextHopConnector { get; internal set; }

        public string LastError { get; internal set; }

        /// <summary>The parts of the LastError: {LED=...} (a plain SMTP response is its own LED), {MSG=...}, {FQDN=...}, {IP=...}, {LRT=...}.</summary>
        public string LastErrorLED { get; internal set; }
        public string LastErrorMSG { get; internal set; }
        public string LastErrorFQDN { get; internal set; }
        public string LastErrorIP { get; internal set; }
        public string LastErrorLRT { get; internal set; }

        /// <summary>The reply code and enhanced status code of the innermost cause, once failover and proxy wrappers are peeled off.</summary>
        public int? ErrorCode { get; internal set; }
        public string EnhancedCode { get; internal set; }

        /// <summary>What the state means, and what to do (the lab guide's queue status table).</summary>
        public string Meaning { get; internal set; }
        public string Action { get; internal set; }

        /// <summary>PowerShell to run, in order, with this queue's identity filled in; then the diagnosis's own commands.</summary>
        public ValueList<string> Commands { get; internal set; }
        public string CommandsText { get { return Commands == null ? null : Commands.ToString(); } }

        /// <summary>The checks in order (for mail that never reaches Submission).</summary>
        public ValueList<string> Steps { get; internal set; }
        public string StepsText { get { return Steps == null ? null : Steps.ToString(); } }

        /// <summary>The knowledge base's best finding for the LastError (or the messages' LastError); null when there is none.</summary>
        public SmtpErrorDiagnosis Diagnosis { get; internal set; }
        public string DiagnosisRuleId { get { return Diagnosis == null ? null : Diagnosis.RuleId; } }
        public string DiagnosisTitle { get { return Diagnosis == null ? null : Diagnosis.Title; } }
        public string DiagnosisCause { get { return Diagnosis == null ? null : Diagnosis.Cause; } }

        /// <summary>True when MessageCount is over -MessageCountThreshold.</summary>
        public bool OverThreshold { get; internal set; }
        public int MessageCountThreshold { get; internal set; }

        /// <summary>From the Get-Message objects given for this queue: how many, the oldest's DateReceived (local, and UTC) and its age.</summary>
        public int MessagesSeen { get; internal set; }
        public DateTime? OldestMessageReceived { get { return Times.Local(OldestMessageReceivedUtc); } }
        public DateTime? OldestMessageReceivedUtc { get; internal set; }

        /// <summary>OldestMessageReceived under the name earlier versions gave the local time, for scripts that use it.</summary>
        public DateTime? OldestMessageReceivedLocal { get { return OldestMessageReceived; } }
        public TimeSpan? OldestMessageAge { get; internal set; }

        /// <summary>The recipient domains of the messages given for this queue.</summary>
        public ValueList<string> RecipientDomains { get; internal set; }
        public string RecipientDomainsText { get { return RecipientDomains == null ? null : RecipientDomains.ToString(); } }

        /// <summary>Where the queue came from: Pipeline, or file and line of a CSV given with -Path.</summary>
        public string Source { get; internal set; }

        public override string ToString()
        {
            return string.Format("{0}: {1}", Identity, State);
        }
    }
}
