using System;

namespace Sheriff.Core.Spark
{
    /// <summary>Spark's size strings (<c>spark.executor.memory</c> and friends).</summary>
    public static class SparkSize
    {
        /// <summary>
        /// Spark size strings: digits then optional unit b,k,kb,m,mb,g,gb,t,tb,p,pb (case-insensitive), no spaces, &gt; 0.
        /// Normalised lower-case like "512m", "4g": leading zeros dropped, "gb" written "g". On failure
        /// <paramref name="normalized"/> is empty and <paramref name="error"/> says what is wrong; on success
        /// <paramref name="error"/> is empty.
        /// </summary>
        public static bool TryNormalize(string? text, out string normalized, out string error)
        {
            normalized = "";
            error = "";
            if (string.IsNullOrEmpty(text))
            {
                error = "no size given: use a Spark size such as 512m or 4g.";
                return false;
            }
            var s = text!;
            var i = 0;
            while (i < s.Length && s[i] >= '0' && s[i] <= '9') i++;
            if (i == 0)
            {
                error = $"'{s}' is not a Spark size: it must start with digits, as in 512m or 4g.";
                return false;
            }
            var unit = s.Substring(i).ToLowerInvariant();
            int shift;
            switch (unit)
            {
                case "": shift = 20; break; // Spark reads a bare memory number as MiB
                case "b": shift = 0; break;
                case "k": case "kb": shift = 10; break;
                case "m": case "mb": shift = 20; break;
                case "g": case "gb": shift = 30; break;
                case "t": case "tb": shift = 40; break;
                case "p": case "pb": shift = 50; break;
                default:
                    error = $"'{s}' is not a Spark size: after the digits comes an optional unit b, k, m, g, t or p (or kb, mb, gb, tb, pb) and nothing else, as in 512m or 4g.";
                    return false;
            }
            var digits = s.Substring(0, i).TrimStart('0');
            if (digits.Length == 0)
            {
                error = $"'{s}' is not a Spark size: it must be greater than zero.";
                return false;
            }
            if (digits.Length > 18 || !long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
                || value > (long.MaxValue >> shift))
            {
                error = $"'{s}' is too large for a Spark size.";
                return false;
            }
            normalized = digits + (unit.Length == 2 ? unit.Substring(0, 1) : unit);
            return true;
        }
    }
}
