using System;
using System.Linq;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// Outcomes a session can have, for -Outcome (tab completion and validation). In the namespace of the commands
    /// that take it, where it has always been: scripts may name its type. Also the mirror of the ABI's hmf_outcome,
    /// whose numbers are these members' positions (tests/pester/Abi.Tests.ps1 compares them).
    /// </summary>
    [Native.AbiEnum("hmf_outcome", "HMF_OUTCOME_")]
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

    /// <summary>What the module says about outcomes, from the one list above.</summary>
    internal static class SmtpOutcomes
    {
        /// <summary>The outcomes that are not failures first, then the failures, each in the list's order.</summary>
        internal static readonly string[] SuccessesFirst = ((SmtpOutcome[])Enum.GetValues(typeof(SmtpOutcome)))
            .OrderBy(IsFailure)
            .Select(outcome => outcome.ToString())
            .ToArray();

        /// <summary>As the engine's Outcome::is_failure.</summary>
        internal static bool IsFailure(SmtpOutcome outcome)
        {
            return outcome != SmtpOutcome.Delivered && outcome != SmtpOutcome.NoMessage && outcome != SmtpOutcome.Incomplete;
        }

        /// <summary>
        /// For a session's Outcome as a name (also from re-imported or deserialized sessions): any name but an
        /// outcome that is not a failure; empty is no outcome.
        /// </summary>
        internal static bool IsFailure(string outcome)
        {
            return !string.IsNullOrEmpty(outcome) && !IsSuccess(outcome);
        }

        /// <summary>Delivered, NoMessage or Incomplete, by name (ordinal: names are written by the module).</summary>
        internal static bool IsSuccess(string outcome)
        {
            return outcome == nameof(SmtpOutcome.Delivered) || outcome == nameof(SmtpOutcome.NoMessage) || outcome == nameof(SmtpOutcome.Incomplete);
        }
    }
}
