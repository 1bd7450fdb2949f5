using System.Management.Automation;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// <para type="synopsis">Reads SMTP protocol-log lines as objects.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "HybridSmtpLogEntry", DefaultParameterSetName = "Path")]
    [OutputType(typeof(SmtpLogEntry))]
    public sealed class GetHybridSmtpLogEntryCommand : SmtpLogCommandBase
    {
        protected override bool ReadsSessions
        {
            get { return false; }
        }
    }
}
