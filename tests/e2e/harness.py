"""Command line shared by the end-to-end test scripts: --headwire BINARY --repo ROOT, then the
remaining arguments go to unittest."""

import argparse
import sys
import unittest


def run_tests(bind_args):
    """Parses the common arguments, hands them to `bind_args`, then runs the caller's tests."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--headwire", required=True, help="path to the headwire binary")
    parser.add_argument("--repo", required=True, help="repository root")
    args, rest = parser.parse_known_args()
    bind_args(args)
    unittest.main(module="__main__", argv=[sys.argv[0]] + rest, verbosity=2)
