namespace HybridMailFlow.Commands
{
    /// <summary>
    /// Outcomes a session can have, for -Outcome (tab completion and validation). In the namespace of the commands
    /// that take it, where it has always been: scripts may name its type.
    /// </summary>
    public enum SmtpOutcome
    {
        Delivered,
        Rejected,
        TempFailed,
        ConnectFailed,
        TlsFailed,
        AuthFailed,
        Dropped,
        NoMessage,
        Incomplete,
    }
}
