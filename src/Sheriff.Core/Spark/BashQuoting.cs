using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Sheriff.Core.Spark
{
    /// <summary>
    /// Genie runs a job's command line through bash (genie-api.md §2.5, §10.2), so every argument Sheriff builds is
    /// single-quoted: inside single quotes bash expands nothing (no $, backticks, globs, escapes), and a single quote
    /// itself is written as '\''. Spaces, newlines and non-ASCII survive exactly.
    /// </summary>
    public static class BashQuoting
    {
        public static string Quote(string argument)
        {
            if (argument.Length == 0) return "''";
            if (argument.All(IsSafe)) return argument;
            var sb = new StringBuilder(argument.Length + 8).Append('\'');
            foreach (var c in argument)
            {
                if (c == '\'') sb.Append("'\\''");
                else sb.Append(c);
            }
            return sb.Append('\'').ToString();
        }

        public static string Join(IEnumerable<string> arguments) => string.Join(" ", arguments.Select(Quote));

        // Characters that need no quoting anywhere in a bash word.
        private static bool IsSafe(char c)
            => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
               || c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == ',' || c == '=' || c == '+' || c == '@' || c == '%';
    }
}
