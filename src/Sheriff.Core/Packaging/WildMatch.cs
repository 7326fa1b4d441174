namespace Sheriff.Core.Packaging
{
    /// <summary>
    /// Git's <c>wildmatch</c> (wildmatch.c, with <c>WM_PATHNAME</c>), ported so that ignore files behave exactly as
    /// git applies them: <c>*</c> and <c>?</c> never cross a <c>/</c>; <c>**</c> crosses directories only when it is
    /// a whole path segment (<c>**/x</c>, <c>x/**</c>, <c>a/**/b</c>), otherwise it is a plain <c>*</c>; <c>[...]</c>
    /// classes with <c>!</c>/<c>^</c> negation, ranges and <c>[:alpha:]</c>-style names; <c>\</c> escapes the next
    /// character. Matching is case-sensitive (git's default with <c>core.ignorecase=false</c>).
    /// </summary>
    internal static class WildMatch
    {
        private const int Match = 0;
        private const int NoMatch = 1;
        private const int AbortAll = -1;
        private const int AbortToStarStar = -2;

        /// <summary>True when <paramref name="pattern"/> matches the whole of <paramref name="text"/>.</summary>
        /// <param name="pattern">A git wildmatch pattern.</param>
        /// <param name="text">The path or name to test.</param>
        /// <param name="pathName">Git's WM_PATHNAME: wildcards do not match <c>/</c>.</param>
        public static bool IsMatch(string pattern, string text, bool pathName) => DoWild(pattern, 0, text, 0, pathName) == Match;

        private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

        private static bool IsGlobSpecial(char c) => c == '*' || c == '?' || c == '[' || c == '\\';

        private static int DoWild(string pattern, int p, string text, int t, bool pathName)
        {
            int patternStart = p;
            char pCh;
            for (; (pCh = At(pattern, p)) != '\0'; t++, p++)
            {
                char tCh = At(text, t);
                if (tCh == '\0' && pCh != '*') return AbortAll;
                bool matchSlash;
                switch (pCh)
                {
                    case '\\':
                        // Literal match with the following character (a trailing lone '\' matches nothing).
                        pCh = At(pattern, ++p);
                        if (tCh != pCh) return NoMatch;
                        continue;
                    case '?':
                        if (pathName && tCh == '/') return NoMatch;
                        continue;
                    case '*':
                        if (At(pattern, ++p) == '*')
                        {
                            int prevP = p - 2;
                            while (At(pattern, ++p) == '*') { }
                            char next = At(pattern, p);
                            if ((prevP < patternStart || pattern[prevP] == '/') &&
                                (next == '\0' || next == '/' || (next == '\\' && At(pattern, p + 1) == '/')))
                            {
                                // "**/" may match nothing at all: foo/**/bar matches foo/bar.
                                if (next == '/' && DoWild(pattern, p + 1, text, t, pathName) == Match) return Match;
                                matchSlash = true;
                            }
                            else
                            {
                                matchSlash = !pathName;
                            }
                        }
                        else
                        {
                            matchSlash = !pathName;
                        }

                        if (At(pattern, p) == '\0')
                        {
                            // Trailing "**" matches everything; trailing "*" only if no '/' is left.
                            if (!matchSlash && text.IndexOf('/', t) >= 0) return NoMatch;
                            return Match;
                        }
                        if (!matchSlash && At(pattern, p) == '/')
                        {
                            // One '*' followed by '/' matches the rest of the current segment.
                            int slash = text.IndexOf('/', t);
                            if (slash < 0) return NoMatch;
                            t = slash; // the '/' itself is consumed by the loop increment
                            break;
                        }
                        while (true)
                        {
                            if (tCh == '\0') break;
                            char lit = At(pattern, p);
                            if (!IsGlobSpecial(lit))
                            {
                                // Skip ahead to the next occurrence of the literal that follows the star.
                                while ((tCh = At(text, t)) != '\0' && (matchSlash || tCh != '/'))
                                {
                                    if (tCh == lit) break;
                                    t++;
                                }
                                if (tCh != lit) return NoMatch;
                            }
                            int matched = DoWild(pattern, p, text, t, pathName);
                            if (matched != NoMatch)
                            {
                                if (!matchSlash || matched != AbortToStarStar) return matched;
                            }
                            else if (!matchSlash && tCh == '/')
                            {
                                return AbortToStarStar;
                            }
                            tCh = At(text, ++t);
                        }
                        return AbortAll;
                    case '[':
                    {
                        pCh = At(pattern, ++p);
                        if (pCh == '^') pCh = '!';
                        bool negated = pCh == '!';
                        if (negated) pCh = At(pattern, ++p);
                        char prevCh = '\0';
                        bool inClass = false;
                        do
                        {
                            if (pCh == '\0') return AbortAll;
                            if (pCh == '\\')
                            {
                                pCh = At(pattern, ++p);
                                if (pCh == '\0') return AbortAll;
                                if (tCh == pCh) inClass = true;
                            }
                            else if (pCh == '-' && prevCh != '\0' && At(pattern, p + 1) != '\0' && At(pattern, p + 1) != ']')
                            {
                                pCh = At(pattern, ++p);
                                if (pCh == '\\')
                                {
                                    pCh = At(pattern, ++p);
                                    if (pCh == '\0') return AbortAll;
                                }
                                if (tCh <= pCh && tCh >= prevCh) inClass = true;
                                pCh = '\0'; // so that prevCh becomes 0: "a-c-e" is not a second range
                            }
                            else if (pCh == '[' && At(pattern, p + 1) == ':')
                            {
                                int s = p += 2;
                                while ((pCh = At(pattern, p)) != '\0' && pCh != ']') p++;
                                if (pCh == '\0') return AbortAll;
                                int len = p - s - 1;
                                if (len < 0 || pattern[p - 1] != ':')
                                {
                                    // No ":]": treat the '[' as an ordinary member of the set.
                                    p = s - 2;
                                    pCh = '[';
                                    if (tCh == pCh) inClass = true;
                                    continue;
                                }
                                int cls = ClassMatches(pattern.Substring(s, len), tCh);
                                if (cls < 0) return AbortAll; // malformed [:class:]
                                if (cls > 0) inClass = true;
                                pCh = '\0';
                            }
                            else if (tCh == pCh)
                            {
                                inClass = true;
                            }
                        } while (SetPrev(ref prevCh, pCh) && (pCh = At(pattern, ++p)) != ']');
                        if (inClass == negated || (pathName && tCh == '/')) return NoMatch;
                        continue;
                    }
                    default:
                        if (tCh != pCh) return NoMatch;
                        continue;
                }
            }
            return t < text.Length ? NoMatch : Match;
        }

        private static bool SetPrev(ref char prev, char current)
        {
            prev = current;
            return true;
        }

        /// <returns>1 when <paramref name="c"/> is in the named class, 0 when not, -1 for an unknown class name.</returns>
        private static int ClassMatches(string name, char c)
        {
            bool r;
            switch (name)
            {
                case "alnum": r = IsAsciiLetter(c) || IsAsciiDigit(c); break;
                case "alpha": r = IsAsciiLetter(c); break;
                case "blank": r = c == ' ' || c == '\t'; break;
                case "cntrl": r = c < 0x20 || c == 0x7f; break;
                case "digit": r = IsAsciiDigit(c); break;
                case "graph": r = c > 0x20 && c < 0x7f; break;
                case "lower": r = c >= 'a' && c <= 'z'; break;
                case "print": r = c >= 0x20 && c < 0x7f; break;
                case "punct": r = c > 0x20 && c < 0x7f && !IsAsciiLetter(c) && !IsAsciiDigit(c); break;
                case "space": r = c == ' ' || (c >= '\t' && c <= '\r'); break;
                case "upper": r = c >= 'A' && c <= 'Z'; break;
                case "xdigit": r = IsAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); break;
                default: return -1;
            }
            return r ? 1 : 0;
        }

        private static bool IsAsciiLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        private static bool IsAsciiDigit(char c) => c >= '0' && c <= '9';
    }
}
