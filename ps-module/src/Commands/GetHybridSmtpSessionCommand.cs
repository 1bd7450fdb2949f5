using System.Management.Automation;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// <para type="synopsis">Rebuilds SMTP sessions from protocol logs, with TLS, AUTH, messages and the outcome.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "HybridSmtpSession", DefaultParameterSetName = "Path")]
    [OutputType(typeof(SmtpSession))]
    public sealed class GetHybridSmtpSessionCommand : SmtpLogCommandBase
    {
        protected override bool ReadsSessions
        {
            get { return true; }
        }
    }
}
