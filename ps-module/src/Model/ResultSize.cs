using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace HybridMailFlow
{
    /// <summary>
    /// How many results to return, as Exchange's -ResultSize takes it: a number, or Unlimited. PowerShell converts
    /// both `-ResultSize 1000` and `-ResultSize Unlimited` to it.
    /// </summary>
    public sealed class ResultSize
    {
        public static readonly ResultSize Unlimited = new ResultSize();

        private ResultSize()
        {
        }

        public ResultSize(long count)
        {
            if (count < 0)
            {
                throw new ArgumentOutOfRangeException("count", count, "ResultSize is a number of 0 or more, or Unlimited.");
            }
            Value = count;
        }

        /// <summary>The number, or null for Unlimited.</summary>
        public long? Value { get; private set; }

        public bool IsUnlimited { get { return !Value.HasValue; } }

        public static ResultSize Parse(string text)
        {
            var trimmed = (text ?? string.Empty).Trim();
            if (trimmed.Equals("Unlimited", StringComparison.OrdinalIgnoreCase))
            {
                return Unlimited;
            }
            long count;
            if (!long.TryParse(trimmed, NumberStyles.Integer, CultureInfo.InvariantCulture, out count))
            {
                throw new FormatException(string.Format("'{0}' is not a ResultSize: give a number of 0 or more, or Unlimited.", text));
            }
            return new ResultSize(count);
        }

        public override string ToString()
        {
            return Value.HasValue ? Value.Value.ToString(CultureInfo.InvariantCulture) : "Unlimited";
        }
    }

    /// <summary>Tab completion of -ResultSize: Unlimited (a number is typed), never the file names of the folder.</summary>
    public sealed class ResultSizeCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            if ("Unlimited".StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                yield return new CompletionResult("Unlimited", "Unlimited", CompletionResultType.ParameterValue, "Every result");
            }
        }
    }
}
