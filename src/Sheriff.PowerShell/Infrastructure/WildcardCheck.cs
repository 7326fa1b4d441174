using System;
using System.Management.Automation;

namespace Sheriff.PowerShell.Infrastructure
{
    /// <summary>
    /// Checks a -Name style wildcard parameter up front: WildcardPattern parses lazily and would otherwise throw a bare
    /// WildcardPatternException (NotSpecified, no target) from the first IsMatch, e.g. for 'a[' or '*?[]'.
    /// </summary>
    internal static class WildcardCheck
    {
        /// <summary>Null when <paramref name="pattern"/> is null, has no wildcard characters or is a valid pattern;
        /// otherwise an InvalidParameterValue error record targeting the pattern.</summary>
        public static ErrorRecord? Validate(string? pattern, string parameterName, WildcardOptions options = WildcardOptions.IgnoreCase)
        {
            if (pattern == null || !WildcardPattern.ContainsWildcardCharacters(pattern)) return null;
            try
            {
                WildcardPattern.Get(pattern, options).IsMatch(string.Empty);
                return null;
            }
            catch (WildcardPatternException ex)
            {
                var shown = pattern.Length > 200 ? pattern.Substring(0, 200) + "..." : pattern;
                var error = new ArgumentException($"-{parameterName} '{shown}' is not a valid wildcard pattern: {ex.Message}", parameterName);
                var record = new ErrorRecord(error, ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, pattern);
                record.ErrorDetails = new ErrorDetails(error.Message)
                {
                    RecommendedAction = "Close every [ with a ], or escape [ and ] with a backtick to match them literally (e.g. 'etl`[1`]').",
                };
                return record;
            }
        }
    }
}
