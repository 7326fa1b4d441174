"""Runs the Python unittest suites under tests/python and prints one machine-readable summary line.

Used by build.ps1's Test task: the last stdout line is `python totals -> passed=N failed=N skipped=N`.
"""
import os
import sys
import unittest


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    start = os.path.join(here, "python")
    suite = unittest.defaultTestLoader.discover(start, top_level_dir=start)
    result = unittest.TextTestRunner(stream=sys.stderr, verbosity=1).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    if result.testsRun == 0:
        failed = 1  # an empty discovery is a broken suite, not a green one
    print(f"python totals -> passed={passed} failed={failed} skipped={skipped}")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
