using System;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace HybridMailFlow
{
    /// <summary>
    /// The one rule for time, for every command: an object's time under its main name (Start, DateTime, Time,
    /// Received, Timestamp...) is this computer's local time, as Get-MessageTrackingLog gives it, and the same
    /// instant is under the name with Utc; -Start and -End are local time unless the DateTime is UTC
    /// (Kind Utc), so the same values select the same moments in every command.
    /// </summary>
    internal static class Times
    {
        internal static readonly DateTime UnixEpoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        /// <summary>
        /// A -Start or -End value as milliseconds since the Unix epoch: Kind Utc as it is; Local, and Unspecified
        /// (what PowerShell makes of '2026-05-01 06:00' or Get-Date's arithmetic on a parsed string), as local time.
        /// </summary>
        internal static long ToUnixMs(DateTime time)
        {
            var utc = time.Kind == DateTimeKind.Utc ? time : DateTime.SpecifyKind(time, DateTimeKind.Local).ToUniversalTime();
            return (utc.Ticks - UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
        }

        /// <summary>Milliseconds since the Unix epoch, as the engine gives times, as a UTC DateTime.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static DateTime FromUnixMs(long ms)
        {
            return UnixEpoch.AddTicks(ms * TimeSpan.TicksPerMillisecond);
        }

        /// <summary>An optional time of the engine's records: the ABI's absent value is null.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static DateTime? FromUnixMsOrNull(long ms)
        {
            return ms == Native.Absent.Value ? (DateTime?)null : FromUnixMs(ms);
        }

        /// <summary>An optional span of the engine's records, in milliseconds: the ABI's absent value is null.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static TimeSpan? DurationOrNull(long ms)
        {
            return ms == Native.Absent.Value ? (TimeSpan?)null : TimeSpan.FromMilliseconds(ms);
        }

        /// <summary>A UTC time in this computer's time zone, for the main name of a time property.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static DateTime? Local(DateTime? utc)
        {
            return utc.HasValue ? utc.Value.ToLocalTime() : (DateTime?)null;
        }

        /// <summary>A time of an object in any shape (a DateTime of any kind, or text from Import-Csv) as UTC; a time without a kind is UTC when `unspecifiedIsUtc` (this module's UTC properties), else local.</summary>
        public static DateTime? Utc(object value, bool unspecifiedIsUtc)
        {
            DateTime time;
            if (value is DateTime)
            {
                time = (DateTime)value;
            }
            else if (value is DateTimeOffset)
            {
                return ((DateTimeOffset)value).UtcDateTime;
            }
            else
            {
                var text = value == null ? null : value.ToString();
                if (string.IsNullOrEmpty(text)
                    || !(DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out time)
                        || DateTime.TryParse(text, CultureInfo.CurrentCulture, DateTimeStyles.AllowWhiteSpaces, out time)))
                {
                    return null;
                }
            }
            switch (time.Kind)
            {
                case DateTimeKind.Utc:
                    return time;
                case DateTimeKind.Local:
                    return time.ToUniversalTime();
                default:
                    return unspecifiedIsUtc ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time.ToUniversalTime();
            }
        }
    }
}
