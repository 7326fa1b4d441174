using System;
using System.Globalization;

namespace Sheriff.Core.Sql
{
    /// <summary>
    /// The text forms of the result file's values (see docs/sql.md, "Types"): exact decimals, dates and timestamps.
    /// Hand-written parsers for the documented shapes (fast: a result can hold 100,000s of them), with the BCL
    /// parsers as the fallback for other ISO 8601 spellings.
    /// </summary>
    public static class SqlValues
    {
        private const int MaxDecimalScale = 28;

        /// <summary>
        /// A decimal's exact digits (<c>12.50</c>, <c>-3</c>, <c>1E-10</c>) as a <see cref="decimal"/> when one holds it
        /// exactly (scale kept: 12.50 stays 12.50), else the text itself (e.g. decimal(38,30) values, or more than
        /// System.Decimal's 28-29 significant digits). Never rounds.
        /// </summary>
        /// <exception cref="FormatException">Not a decimal number.</exception>
        public static object ParseDecimal(string text)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            var i = 0;
            var negative = false;
            if (i < text.Length && (text[i] == '-' || text[i] == '+')) { negative = text[i] == '-'; i++; }
            var intStart = i;
            while (i < text.Length && IsDigit(text[i])) i++;
            var intDigits = text.Substring(intStart, i - intStart);
            var fracDigits = "";
            if (i < text.Length && text[i] == '.')
            {
                i++;
                var fracStart = i;
                while (i < text.Length && IsDigit(text[i])) i++;
                fracDigits = text.Substring(fracStart, i - fracStart);
            }
            if (intDigits.Length == 0 && fracDigits.Length == 0) throw new FormatException($"'{text}' is not a decimal number.");
            var exponent = 0;
            if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
            {
                i++;
                var expNegative = false;
                if (i < text.Length && (text[i] == '-' || text[i] == '+')) { expNegative = text[i] == '-'; i++; }
                var expStart = i;
                while (i < text.Length && IsDigit(text[i])) i++;
                if (i == expStart || i - expStart > 6) throw new FormatException($"'{text}' is not a decimal number.");
                exponent = int.Parse(text.Substring(expStart, i - expStart), NumberStyles.None, CultureInfo.InvariantCulture);
                if (expNegative) exponent = -exponent;
            }
            if (i != text.Length) throw new FormatException($"'{text}' is not a decimal number.");

            var digits = (intDigits + fracDigits).TrimStart('0');
            var scale = fracDigits.Length - exponent;
            if (scale < 0)
            {
                if (digits.Length > 0) digits += new string('0', -scale);
                scale = 0;
            }
            if (digits.Length == 0)
                return scale <= MaxDecimalScale ? new decimal(0, 0, 0, false, (byte)scale) : (object)text;
            if (scale > MaxDecimalScale || digits.Length > 29) return text;

            string plain;
            if (scale == 0) plain = digits;
            else if (digits.Length <= scale) plain = "0." + new string('0', scale - digits.Length) + digits;
            else plain = digits.Substring(0, digits.Length - scale) + "." + digits.Substring(digits.Length - scale);
            if (negative) plain = "-" + plain;
            if (!decimal.TryParse(plain, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                return text;
            // 29 significant digits may not fit the 96-bit mantissa: then Parse rounds; keep the exact text instead.
            if (digits.Length == 29 && value.ToString(CultureInfo.InvariantCulture) != plain) return text;
            return value;
        }

        /// <summary><c>yyyy-MM-dd</c> → a date (Kind Unspecified, midnight).</summary>
        /// <exception cref="FormatException">Not that shape, or not a date .NET can hold (years 1-9999).</exception>
        public static DateTime ParseDate(string text)
        {
            if (text != null && text.Length == 10 && text[4] == '-' && text[7] == '-'
                && TryDigits(text, 0, 4, out var y) && TryDigits(text, 5, 2, out var m) && TryDigits(text, 8, 2, out var d)
                && y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m))
                return new DateTime(y, m, d, 0, 0, 0, DateTimeKind.Unspecified);
            throw new FormatException($"'{text}' is not a date (yyyy-MM-dd).");
        }

        /// <summary>
        /// A timestamp (<c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>, or with an offset such as +02:00) → a UTC DateTime (Kind Utc).
        /// A text without a zone is taken as UTC.
        /// </summary>
        /// <exception cref="FormatException">Not an ISO 8601 timestamp.</exception>
        public static DateTime ParseTimestamp(string text)
        {
            if (TryParseFast(text, out var local, out var offset, out var hasZone))
            {
                var utc = hasZone ? local - offset : local;
                return DateTime.SpecifyKind(utc, DateTimeKind.Utc);
            }
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var dto))
                return dto.UtcDateTime;
            throw new FormatException($"'{text}' is not a timestamp (yyyy-MM-ddTHH:mm:ss.ffffffZ).");
        }

        /// <summary>A timestamp without a time zone (<c>yyyy-MM-ddTHH:mm:ss.ffffff</c>) → a DateTime of Kind Unspecified (wall-clock time).</summary>
        /// <exception cref="FormatException">Not an ISO 8601 timestamp, or it carries a zone.</exception>
        public static DateTime ParseTimestampNtz(string text)
        {
            if (TryParseFast(text, out var local, out _, out var hasZone) && !hasZone) return local;
            if (!hasZone && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var dt) && dt.Kind == DateTimeKind.Unspecified)
                return dt;
            throw new FormatException($"'{text}' is not a timestamp without a time zone (yyyy-MM-ddTHH:mm:ss.ffffff).");
        }

        // yyyy-MM-dd[T| ]HH:mm:ss[.f{1,7}][Z|+hh:mm|-hh:mm|+hhmm]
        private static bool TryParseFast(string text, out DateTime local, out TimeSpan offset, out bool hasZone)
        {
            local = default;
            offset = TimeSpan.Zero;
            hasZone = false;
            if (text == null || text.Length < 19) return false;
            if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':') return false;
            if (!TryDigits(text, 0, 4, out var y) || !TryDigits(text, 5, 2, out var mo) || !TryDigits(text, 8, 2, out var d)
                || !TryDigits(text, 11, 2, out var h) || !TryDigits(text, 14, 2, out var mi) || !TryDigits(text, 17, 2, out var s))
                return false;
            if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return false;
            var i = 19;
            long ticks = 0;
            if (i < text.Length && text[i] == '.')
            {
                i++;
                var start = i;
                while (i < text.Length && IsDigit(text[i]))
                {
                    if (i - start < 7) ticks = ticks * 10 + (text[i] - '0');
                    i++;
                }
                var n = i - start;
                if (n == 0 || n > 9) return false;
                for (var k = n; k < 7; k++) ticks *= 10;
            }
            if (i < text.Length)
            {
                if (text[i] == 'Z' || text[i] == 'z')
                {
                    if (i + 1 != text.Length) return false;
                    hasZone = true;
                }
                else if (text[i] == '+' || text[i] == '-')
                {
                    var sign = text[i] == '-' ? -1 : 1;
                    i++;
                    int oh, om = 0;
                    if (!TryDigits(text, i, 2, out oh)) return false;
                    i += 2;
                    if (i < text.Length && text[i] == ':') i++;
                    if (i < text.Length)
                    {
                        if (!TryDigits(text, i, 2, out om)) return false;
                        i += 2;
                    }
                    if (i != text.Length || oh > 18 || om > 59) return false;
                    offset = new TimeSpan(sign * oh, sign * om, 0);
                    hasZone = true;
                }
                else return false;
            }
            local = new DateTime(y, mo, d, h, mi, s, DateTimeKind.Unspecified).AddTicks(ticks);
            return true;
        }

        private static bool IsDigit(char c) => c >= '0' && c <= '9';

        private static bool TryDigits(string text, int start, int count, out int value)
        {
            value = 0;
            if (start + count > text.Length) return false;
            for (var i = start; i < start + count; i++)
            {
                var c = text[i];
                if (c < '0' || c > '9') return false;
                value = value * 10 + (c - '0');
            }
            return true;
        }
    }
}
