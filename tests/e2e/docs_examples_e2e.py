#!/usr/bin/python3
"""End-to-end test that the examples in README.md and docs/api.md are what the binary prints.

Runs the sample stream (data/sample/headlines.jsonl) through broker, produce (with a fixed
--ingest-time, so the record without published_at is reproducible), process and two sinks as
separate processes: one run to the end (`sink --exit-at-end`, the state of the README's query
and digest examples) and one serving HTTP (`sink --http`, the API examples). Then it replays
every marked example of the documents and compares:

    <!-- example: GET /v1/latest?topic=space&limit=2 -->     before a ```json block: the response,
                                                            compared as JSON
    <!-- example: shell -->                                 before a ``` block of `$ command`
                                                            lines, each followed by its output

In shell examples `headwire` is the binary under test, /tmp/hw-sink the finished sink's state,
127.0.0.1:8080 the serving sink's address and $HEADWIRE_BOOTSTRAP the broker. With HEADWIRE_REGENERATE_DOCS=1 the test rewrites
the blocks with what the binary printed instead of failing.

Usage: docs_examples_e2e.py --headwire PATH/TO/headwire --repo REPO_ROOT
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import run  # noqa: E402

ARGS = None
# The ingestion time the documents' examples were made with (also in the README).
INGEST_TIME = "2026-03-07T00:00:00Z"
DOCUMENTS = ("README.md", os.path.join("docs", "api.md"))
MARKER = re.compile(r"^<!-- example: (.*) -->$")
REGENERATE = os.environ.get("HEADWIRE_REGENERATE_DOCS") == "1"


def blocks(text):
    """(marker, start, end) of every marked block: the lines [start, end) inside its fence."""
    lines = text.split("\n")
    found = []
    for i, line in enumerate(lines):
        match = MARKER.match(line)
        if not match:
            continue
        if i + 1 >= len(lines) or not lines[i + 1].startswith("```"):
            raise AssertionError(f"marker {line!r} is not followed by a code block")
        end = next(j for j in range(i + 2, len(lines)) if lines[j] == "```")
        found.append((match.group(1), i + 2, end))
    return lines, found


def shell_steps(lines):
    """[(command, expected output lines)] of a shell block."""
    steps = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            raise AssertionError(f"shell example line {lines[i]!r} is not a command")
        command = lines[i][2:]
        while command.endswith("\\"):
            i += 1
            command = command[:-1] + lines[i].strip()
        i += 1
        output = []
        while i < len(lines) and not lines[i].startswith("$ "):
            output.append(lines[i])
            i += 1
        while output and output[-1] == "":
            output.pop()
        steps.append((command, output))
    return steps


class DocumentedExamples(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="headwire-docs-e2e-")
        cls.bin = os.path.join(cls.work, "bin")
        os.mkdir(cls.bin)
        os.symlink(os.path.abspath(ARGS.headwire), os.path.join(cls.bin, "headwire"))
        cls.broker, cls.bootstrap = harness.start_broker(ARGS.headwire)
        sample = os.path.join(ARGS.repo, "data", "sample", "headlines.jsonl")
        run([ARGS.headwire, "produce", "--bootstrap", cls.bootstrap, "--ingest-time",
             INGEST_TIME, sample])
        run([ARGS.headwire, "process", "--bootstrap", cls.bootstrap, "--state",
             os.path.join(cls.work, "process"), "--exit-at-end"])
        cls.state = os.path.join(cls.work, "sink")
        # Its own group, so that the serving sink below has the default one to itself.
        run([ARGS.headwire, "sink", "--bootstrap", cls.bootstrap, "--group", "docs-finished",
             "--state", cls.state, "--exit-at-end"])
        final = json.loads(run([ARGS.headwire, "query", "--state", cls.state, "counts",
                                "--json"]).stdout)
        cls.server = subprocess.Popen(
            [ARGS.headwire, "sink", "--bootstrap", cls.bootstrap, "--state",
             os.path.join(cls.work, "http-sink"), "--http", "127.0.0.1:0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        cls.address = None
        for line in cls.server.stderr:
            match = re.search(r'msg="http server listening" address=(\S+)', line)
            if match:
                cls.address = match.group(1)
                break
        if cls.address is None:
            raise AssertionError("the HTTP sink did not say where it listens")
        # Serve once this sink holds what the finished one holds.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            status = cls.get("/v1/status")[1]
            if status["store"] == final["totals"] and status["watermark"] == final["watermark"]:
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"the HTTP sink did not catch up: {status}")

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=30)
        cls.server.stderr.close()
        cls.broker.terminate()
        cls.broker.wait(timeout=30)
        cls.broker.stdout.close()
        shutil.rmtree(cls.work, ignore_errors=True)

    @classmethod
    def get(cls, path):
        try:
            with urllib.request.urlopen(f"http://{cls.address}{path}", timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def shell(self, command):
        command = command.replace("/tmp/hw-sink", self.state).replace("127.0.0.1:8080",
                                                                       self.address)
        env = dict(os.environ, PATH=self.bin + os.pathsep + os.environ["PATH"],
                   HEADWIRE_BOOTSTRAP=self.bootstrap)
        result = subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                                timeout=60, env=env, cwd=ARGS.repo)
        return result.stdout.replace(self.state, "/tmp/hw-sink").replace(
            self.address, "127.0.0.1:8080").rstrip("\n").split("\n")

    def replay(self, marker, lines):
        """What the block should hold."""
        if marker == "shell":
            out = []
            for command, _ in shell_steps(lines):
                if out:
                    out.append("")
                out += [f"$ {command}"] + self.shell(command)
            return out
        method, path = marker.split(" ", 1)
        self.assertEqual(method, "GET", marker)
        return json.dumps(self.get(path)[1], indent=2, ensure_ascii=False).split("\n")

    def same(self, marker, lines, expected):
        if marker == "shell":
            return [(c, o) for c, o in shell_steps(lines)] == shell_steps(expected)
        return json.loads("\n".join(lines)) == json.loads("\n".join(expected))

    def test_every_marked_example_is_what_the_binary_prints(self):
        checked = 0
        for name in DOCUMENTS:
            path = os.path.join(ARGS.repo, name)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            lines, found = blocks(text)
            for marker, start, end in reversed(found):
                expected = self.replay(marker, lines[start:end])
                checked += 1
                if self.same(marker, lines[start:end], expected):
                    continue
                if REGENERATE:
                    lines[start:end] = expected
                    continue
                self.fail(f"{name}:{start}: the example `{marker}` drifted; the binary prints:\n" +
                          "\n".join(expected) +
                          "\n(HEADWIRE_REGENERATE_DOCS=1 rewrites the documents)")
            if REGENERATE:
                with open(path, "w", encoding="utf-8") as f:
                    f.write("\n".join(lines))
        self.assertGreaterEqual(checked, 10, "the documents lost their marked examples")

    def test_the_daemons_option_tables_list_every_option(self):
        # Common to every daemon and described under "Subcommands" instead.
        common = {"--help", "--kafka", "--exit-at-end"}
        with open(os.path.join(ARGS.repo, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        for command in ("process", "sink"):
            with self.subTest(command=command):
                heading = re.search(rf"`headwire {command}` \(group `[^`]+`\):\n\n\| option",
                                    readme)
                self.assertIsNotNone(heading, f"README lost the table of {command}")
                documented = set()
                for line in readme[heading.end():].splitlines()[1:]:
                    if not line.startswith("|"):
                        break
                    documented |= set(re.findall(r"--[a-z][a-z0-9-]*", line.split("|")[1]))
                shown = subprocess.run([ARGS.headwire, command, "--help"], capture_output=True,
                                       text=True, check=True).stdout
                options = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", shown)) - common
                self.assertEqual(sorted(options - documented), [],
                                 f"options of {command} --help without a row in README's table")
                self.assertEqual(sorted(documented - options), [],
                                 f"rows of README's {command} table that {command} does not have")

    def test_help_names_every_input_field_and_who_gives_up_after_the_connect_timeout(self):
        produce = subprocess.run([ARGS.headwire, "produce", "--help"], capture_output=True,
                                 text=True, check=True).stdout
        self.assertIn('\\"language\\"'.replace("\\", ""), produce)
        for command in ("produce", "feed", "dlq list", "sink"):
            with self.subTest(command=command):
                shown = subprocess.run([ARGS.headwire, *command.split(), "--help"],
                                       capture_output=True, text=True, check=True).stdout
                flat = " ".join(shown.split())
                self.assertIn("--connect-timeout-s", flat)
                self.assertNotIn("(produce, and daemons with --exit-at-end)", flat)


def bind_args(args):
    global ARGS
    ARGS = args


if __name__ == "__main__":
    harness.run_tests(bind_args)
