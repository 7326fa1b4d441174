#!/usr/bin/env python3
"""argv-recorder: GenieLocal's default-seed command that shows what a job's command line became.

Prints its arguments (everything after this script) as one compact JSON array line on stdout. Arguments are
taken as the bytes the kernel passed (os.fsencode undoes Python's decoding whatever the locale) and decoded
as UTF-8; bytes that are not UTF-8 are written back unchanged (surrogateescape), so the line is byte-faithful.
Control characters are JSON-escaped (\\n, \\t, \\u0000-style), so the output is always exactly one line.
"""
import json
import os
import sys

args = [os.fsencode(a).decode("utf-8", "surrogateescape") for a in sys.argv[1:]]
line = json.dumps(args, ensure_ascii=False, separators=(",", ":")) + "\n"
sys.stdout.buffer.write(line.encode("utf-8", "surrogateescape"))
sys.stdout.buffer.flush()
