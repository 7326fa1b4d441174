"""Tokenising and counting, shared by the Spark job and its local fallback."""
import re

_WORD = re.compile(r"[a-z]+")
STOP_WORDS = frozenset({"a", "an", "and", "the", "was", "were", "but", "to", "of", "on", "before", "after", "because", "every", "without"})


def tokens(line):
    """Lower-cased words of a line, stop words removed."""
    return [w for w in _WORD.findall(line.lower()) if w not in STOP_WORDS]


def top(counts, n):
    """The n most frequent (word, count) pairs, ties broken alphabetically."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
