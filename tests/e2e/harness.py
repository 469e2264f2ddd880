"""What the end-to-end test scripts share: their command line (--headwire BINARY --repo ROOT,
then the remaining arguments go to unittest), running a command, and starting the embedded
broker."""

import argparse
import os
import subprocess
import sys
import unittest


# librdkafka properties of a consumer group member in tests whose members join, leave, are killed
# or lose their coordinator: a 3 s session (the daemons' default is 6 s) shortens the waits for a
# killed member's session to expire and the mock coordinator's wait for members to rejoin a
# rebalance (the session timeout less 1 s, rdkafka_mock_cgrp.c). Only the waits get shorter.
SHORT_SESSION = ["-X", "consumer.session.timeout.ms=3000",
                 "-X", "consumer.heartbeat.interval.ms=500"]


def run(cmd, expect_codes=(0,), timeout=120, **kwargs):
    """Runs `cmd` to completion and returns the CompletedProcess; an unexpected exit code fails
    with the command's output."""
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    if result.returncode not in expect_codes:
        raise AssertionError(
            f"{' '.join(cmd)} exited {result.returncode}\nstdout:\n{result.stdout}\n"
            f"stderr:\n{result.stderr}")
    return result


def start_broker(headwire, *args, control=False, log=None):
    """Starts `headwire broker ARGS...` (the embedded mock cluster) and returns (process,
    bootstrap). With `control`, its standard input is a pipe for broker_command(); with `log`,
    its standard error goes to that file."""
    with open(log or os.devnull, "a") as errors:
        broker = subprocess.Popen([headwire, "broker", *args], stdout=subprocess.PIPE,
                                  stdin=subprocess.PIPE if control else None, stderr=errors,
                                  text=True)
    bootstrap = broker.stdout.readline().strip()
    if not bootstrap.startswith("127.0.0.1:"):
        broker.kill()
        raise AssertionError(f"bad bootstrap line {bootstrap!r}")
    return broker, bootstrap


def broker_command(broker, line):
    """Sends one fault command to a broker started with control=True and returns its answer
    ("ok" or "error: ...")."""
    broker.stdin.write(line + "\n")
    broker.stdin.flush()
    return broker.stdout.readline().strip()


def run_tests(bind_args):
    """Parses the common arguments, hands them to `bind_args`, then runs the caller's tests."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--headwire", required=True, help="path to the headwire binary")
    parser.add_argument("--repo", required=True, help="repository root")
    args, rest = parser.parse_known_args()
    bind_args(args)
    unittest.main(module="__main__", argv=[sys.argv[0]] + rest, verbosity=2)
