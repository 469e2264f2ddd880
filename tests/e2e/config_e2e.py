#!/usr/bin/env python3
"""End to end: the configuration file, its precedence (flag > environment > file > default),
`headwire config check` and `headwire config print`, global options after the subcommand and the
exit code of usage errors."""

import json
import os
import shutil
import subprocess
import tempfile
import tomllib
import unittest

import harness
import kafka_check

HEADWIRE = None
REPO = None


def bind_args(args):
    global HEADWIRE, REPO
    HEADWIRE, REPO = args.headwire, args.repo


def env_without_headwire(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEADWIRE_")}
    env.update(extra)
    return env


class ConfigTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="headwire-config-e2e-")

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def write(self, name, text):
        path = os.path.join(self.work, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def headwire(self, *args, expect_codes=(0,), env=None, **kwargs):
        return harness.run([HEADWIRE, *args], expect_codes=expect_codes,
                           env=env or env_without_headwire(), **kwargs)

    def printed(self, config, *args, env=None):
        out = self.headwire("--config", config, "config", "print", *args, env=env).stdout
        return tomllib.loads(out)

    def test_flag_beats_environment_beats_file_beats_default(self):
        config = self.write("a.toml", '[process]\nbootstrap = "file:9092"\nmax-batch = 500\n')
        self.assertEqual(self.printed(config, "process")["process"]["bootstrap"], "file:9092")
        env = env_without_headwire(HEADWIRE_BOOTSTRAP="env:9092")
        resolved = self.printed(config, "process", env=env)["process"]
        self.assertEqual(resolved["bootstrap"], "env:9092")
        self.assertEqual(resolved["max-batch"], 500)
        self.assertEqual(resolved["group"], "headwire-process")
        resolved = self.printed(config, "--", "process", "-b", "flag:9092", "--max-batch", "7",
                                env=env)["process"]
        self.assertEqual(resolved["bootstrap"], "flag:9092")
        self.assertEqual(resolved["max-batch"], 7)

    def test_environment_beats_the_file_in_a_real_run(self):
        broker, bootstrap = harness.start_broker(HEADWIRE)
        try:
            # Nothing listens on the file's bootstrap: the run succeeds only if the environment
            # wins, and fails within seconds otherwise.
            config = self.write("a.toml", '[produce]\nbootstrap = "127.0.0.1:1"\n'
                                '[produce.kafka]\n"message.timeout.ms" = 5000\n')
            data = self.write("in.jsonl", '{"id": "p-1", "title": "Probe reaches orbit"}\n')
            self.headwire("--config", config, "produce", "-t", "config.e2e", data,
                          env=env_without_headwire(HEADWIRE_BOOTSTRAP=bootstrap))
            keys = [k for k, _, _ in kafka_check.read_topic(bootstrap, "config.e2e")]
            self.assertEqual(keys, ["p-1"])
        finally:
            broker.terminate()
            broker.wait(timeout=30)

    def test_a_scoped_kafka_property_reaches_only_its_kind_of_client(self):
        broker, bootstrap = harness.start_broker(HEADWIRE)
        try:
            data = self.write("in.jsonl", '{"id": "p-1", "title": "Probe reaches orbit"}\n')
            ignored = "fetch.wait.max.ms is a consumer property and will be ignored"
            unscoped = self.headwire("produce", "-b", bootstrap, "-t", "scoped.e2e", data,
                                     "-X", "fetch.wait.max.ms=5")
            self.assertIn(ignored, unscoped.stderr)
            # The input comes after the -X options: each -X takes one value.
            scoped = self.headwire("produce", "-b", bootstrap, "-t", "scoped.e2e", "-X",
                                   "consumer.fetch.wait.max.ms=5", "-X", "producer.linger.ms=1",
                                   data)
            self.assertNotIn("will be ignored", scoped.stderr)
            keys = [k for k, _, _ in kafka_check.read_topic(bootstrap, "scoped.e2e")]
            self.assertEqual(keys, ["p-1", "p-1"])
            refused = self.headwire("produce", "-b", bootstrap, "-t", "scoped.e2e", data,
                                    "-X", "producer.no.such.property=1", expect_codes=(2,))
            self.assertIn("producer.no.such.property:", refused.stderr)
            self.assertNotIn("producer.no.such.property=1", refused.stderr)
        finally:
            broker.terminate()
            broker.wait(timeout=30)

    def test_kafka_tables_merge_before_the_command_line_and_secrets_are_masked(self):
        config = self.write("a.toml", '[kafka]\n"client.id" = "everyone"\n'
                            '"sasl.password" = "file-pass-1"\n'
                            '[sink.kafka]\n"client.id" = "the-sink"\n"linger.ms" = 7\n'
                            '"ssl.key.password" = "file-pass-2"\n'
                            '"ssl.keystore.password" = "file-pass-3"\n')
        out = self.headwire("--config", config, "config", "print", "--", "sink", "-X",
                            "acks=1", "-X", "sasl.password=flag-pass-4").stdout
        for secret in ("file-pass-1", "file-pass-2", "file-pass-3", "flag-pass-4"):
            self.assertNotIn(secret, out)
        kafka = tomllib.loads(out)["sink"]["kafka"]
        self.assertEqual(kafka, {"client.id": "the-sink", "linger.ms": "7", "acks": "1",
                                 "sasl.password": "*****", "ssl.key.password": "*****",
                                 "ssl.keystore.password": "*****"})
        everything = self.printed(config)
        self.assertEqual(everything["process"]["kafka"],
                         {"client.id": "everyone", "sasl.password": "*****"})

    def test_a_refused_secret_is_named_but_not_shown(self):
        # This librdkafka build lacks OAuth/OIDC, so it refuses the property: the error names
        # the key, never the value.
        config = self.write("a.toml", '[kafka]\n"sasl.oauthbearer.client.secret" = "s3cr3t"\n')
        result = self.headwire("--config", config, "config", "check", expect_codes=(2,))
        self.assertIn("[kafka]: sasl.oauthbearer.client.secret:", result.stderr)
        self.assertNotIn("s3cr3t", result.stderr)

    def test_a_refused_property_never_shows_its_value_whatever_its_key(self):
        # A misspelt key holds a password all the same.
        config = self.write("a.toml", '[kafka]\n"sasl.passwrd" = "Hunter2-TOPSECRET"\n')
        result = self.headwire("--config", config, "config", "check", expect_codes=(2,))
        self.assertIn("sasl.passwrd", result.stderr)
        self.assertIn("No such configuration property", result.stderr)
        self.assertNotIn("Hunter2", result.stderr)
        config = self.write("b.toml", '[sink.kafka]\n"sasl.jaas.config" = "x password=hunter2"\n')
        result = self.headwire("--config", config, "config", "check", expect_codes=(2,))
        self.assertIn("sasl.jaas.config", result.stderr)
        self.assertNotIn("hunter2", result.stderr)
        for prop, secret in (("sasl.passwod=CLIPASS", "CLIPASS"),
                             ("producer.security.protocol=hunter3", "hunter3")):
            result = self.headwire("config", "check", "--", "sink", "-b", "k:9092", "-X", prop,
                                   expect_codes=(2,))
            self.assertIn(prop.split("=")[0], result.stderr)
            self.assertNotIn(secret, result.stderr)
        # The command line `config check` echoes leaves the values of its properties out too.
        for args in (("-X", "sasl.password=good-pass"), ("--kafka", "sasl.password=good-pass"),
                     ("-Xsasl.password=good-pass",), ("--kafka=sasl.password=good-pass",)):
            result = self.headwire("config", "check", "--", "sink", "-b", "k:9092", "-s", "/x",
                                   *args)
            self.assertIn("sasl.password=*****", result.stdout)
            self.assertNotIn("good-pass", result.stdout + result.stderr)

    def test_private_key_material_is_masked(self):
        config = self.write("a.toml", '[kafka]\n"ssl.key.pem" = "PEM-MATERIAL"\n'
                            '"ssl.key.location" = "/etc/headwire/key.pem"\n')
        out = self.headwire("--config", config, "config", "print", "process").stdout
        self.assertNotIn("PEM-MATERIAL", out)
        kafka = tomllib.loads(out)["process"]["kafka"]
        self.assertEqual(kafka["ssl.key.pem"], "*****")
        self.assertEqual(kafka["ssl.key.location"], "/etc/headwire/key.pem")

    def test_the_mask_is_not_a_secret(self):
        # Saving `config print`'s output as the configuration would make ***** the password.
        config = self.write("a.toml", '[kafka]\n"sasl.password" = "real-pass"\n')
        out = self.headwire("--config", config, "config", "print").stdout
        printed = self.write("printed.toml", out)
        for args in (("config", "check"), ("config", "print")):
            result = self.headwire("--config", printed, *args, expect_codes=(2,))
            self.assertIn("sasl.password: holds the mask `config print` writes", result.stderr)
        result = self.headwire("config", "check", "--", "sink", "-b", "k:9092", "-X",
                               "consumer.sasl.password=*****", expect_codes=(2,))
        self.assertIn("holds the mask `config print` writes", result.stderr)
        # A non-secret key may hold the text.
        config = self.write("b.toml", '[kafka]\n"client.id" = "*****"\n')
        self.assertIn("ok", self.headwire("--config", config, "config", "check").stdout)

    def test_printed_configuration_is_a_valid_configuration(self):
        config = self.write("a.toml", 'log-level = "warn"\n[sink]\nlate = "dlq"\n'
                            '[eval.classify]\nforce-factor = 3.5\n')
        out = self.headwire("--config", config, "config", "print").stdout
        self.assertEqual(tomllib.loads(out)["eval"]["classify"]["force-factor"], 3.5)
        printed = self.write("printed.toml", out)
        self.assertIn("ok", self.headwire("--config", printed, "config", "check").stdout)
        self.assertEqual(self.headwire("--config", printed, "config", "print").stdout, out)

    def test_check_accepts_a_good_file_and_a_command_line_with_it(self):
        config = self.write("good.toml", '[process]\nbootstrap = "k:9092"\n')
        self.assertEqual(self.headwire("--config", config, "config", "check").stdout,
                         f"{config}: ok\n")
        self.headwire("config", "check", "--config", config, "--", "process", "--state", "/x",
                      "--log-level", "debug")
        missing = self.headwire("--config", config, "config", "check", "--", "process",
                                expect_codes=(2,))
        self.assertIn("--state is required", missing.stderr)

    def test_check_refuses_what_the_command_would_refuse_of_its_options_together(self):
        config = self.write("short.toml", '[sink]\nbootstrap = "k:9092"\nretention-h = 1\n')
        refused = {
            ("--config", config, "config", "check", "--", "sink", "--state", "/x"):
                "--retention-h must exceed --grace-s",
            ("config", "check", "--", "replay", "--file", "f", "--archive", "a", "--into", "/x"):
                "exactly one of --archive, --file and --topic",
            ("config", "check", "--", "archive", "-b", "k:9092"): "--bootstrap and --dir",
            ("config", "check", "--", "feed", "-b", "k:9092"): "--state DIR are required",
        }
        for args, message in refused.items():
            with self.subTest(args=args):
                self.assertIn(message, self.headwire(*args, expect_codes=(2,)).stderr)
        # The command itself refuses the same file, before it opens anything.
        self.assertIn("--retention-h must exceed", self.headwire(
            "--config", config, "sink", "--state", self.write("unused", ""),
            expect_codes=(2,)).stderr)
        for args in (("config", "check", "--", "sink", "-b", "k:9092", "--state", "/x",
                      "--retention-h", "2"),
                     ("config", "check", "--", "archive", "ls", "/x"),
                     ("config", "check", "--", "feed", "status", "--state", "/x")):
            with self.subTest(args=args):
                self.assertIn(": ok", self.headwire(*args).stdout)

    def test_a_total_below_sixteen_connections_lowers_the_per_client_default_with_it(self):
        config = self.write("eight.toml", "[sink]\nhttp-max-connections = 8\n")
        sink = ("sink", "-b", "k:9092", "--state", "/x")
        self.assertIn(": ok", self.headwire("--config", config, "config", "check").stdout)
        for args in (("--config", config, "config", "check", "--", *sink),
                     ("config", "check", "--", *sink, "--http-max-connections", "8"),
                     ("config", "check", "--", *sink, "--http-max-connections", "8",
                      "--http-max-connections-per-client", "8")):
            with self.subTest(args=args):
                self.assertIn("`: ok", self.headwire(*args).stdout)
        printed = self.printed(config, "sink")["sink"]
        self.assertEqual((printed["http-max-connections"],
                          printed["http-max-connections-per-client"]), (8, 8))
        # Given, the per-client limit is what the user said; above the total it is an error.
        given = self.printed(config, "--", *sink, "--http-max-connections-per-client", "3")
        self.assertEqual(given["sink"]["http-max-connections-per-client"], 3)
        refused = self.headwire("--config", config, "config", "check", "--", *sink,
                                "--http-max-connections-per-client", "9", expect_codes=(2,))
        self.assertIn("--http-max-connections-per-client (9) must not exceed "
                      "--http-max-connections (8)", refused.stderr)
        # The sink itself starts (and gives up on the closed port, exit 1, not a usage error).
        result = self.headwire("sink", "-b", "127.0.0.1:1", "--state",
                               os.path.join(self.work, "state"), "--http-max-connections", "8",
                               "--connect-timeout-s", "1", "--exit-at-end", expect_codes=(1,),
                               timeout=60)
        self.assertNotIn("must not exceed", result.stderr)

    def test_integer_options_without_an_upper_bound_say_what_they_must_be_at_least(self):
        process = ("process", "-b", "k:9092", "--state", "/x")
        sink = ("sink", "-b", "k:9092", "--state", "/x")
        refused = {
            (*process, "--snapshot-keep", "0"): "--snapshot-keep: Value 0 must be at least 1",
            (*process, "--max-articles", "0"): "--max-articles: Value 0 must be at least 1",
            (*process, "--max-articles", "1.5"): "--max-articles: Value 1.5 is not an integer",
            (*process, "--snapshot-interval", "-1"):
                "--snapshot-interval: Value -1 must be at least 0",
            (*sink, "--checkpoint-interval", "-1"):
                "--checkpoint-interval: Value -1 must be at least 0",
            (*sink, "--ready-max-lag", "-99999999999999999999"):
                "--ready-max-lag: Value -99999999999999999999 must be at least 0",
            ("replay", "--topic", "t", "-b", "k:9092", "--into", "/x", "--from-offset", "-2"):
                "--from-offset: Value -2 must be at least 0",
        }
        for args, message in refused.items():
            with self.subTest(args=args):
                stderr = self.headwire("config", "check", "--", *args, expect_codes=(2,)).stderr
                self.assertIn(message, stderr)
                self.assertNotIn("179769313486231", stderr)  # the largest double's digits
        self.assertIn("`: ok", self.headwire("config", "check", "--", *process,
                                             "--snapshot-keep", "1", "--max-articles", "1",
                                             "--snapshot-interval", "0").stdout)

    def test_check_refuses_a_feed_list_whose_max_connections_is_out_of_range(self):
        feed = ("config", "check", "--", "feed", "-b", "k:9092", "--state", "/x", "--config")
        for value in ("0", "1025"):
            with self.subTest(value=value):
                feeds = self.write("feeds.toml", f'[defaults]\nmax_connections = {value}\n'
                                   '[[feed]]\nurl = "http://a/"\n')
                refused = self.headwire(*feed, feeds, expect_codes=(2,))
                self.assertIn(f"{feeds}: [defaults].max_connections: must be an integer from 1 "
                              "to 1024", refused.stderr)
        feeds = self.write("feeds.toml", '[defaults]\nmax_connections = 64\n'
                           '[[feed]]\nurl = "http://a/"\n')
        self.assertIn(": ok", self.headwire(*feed, feeds).stdout)

    def test_check_rejects_bad_files_naming_the_table_and_key(self):
        cases = {
            '[process]\nbootstrp = "x"\n':
                '[process]: unknown key "bootstrp" (did you mean "bootstrap"?)',
            '[procss]\nbootstrap = "x"\n':
                'unknown table "procss" (did you mean "process"?)',
            '[sink]\nmax-batch = 0\n': "[sink]: max-batch: Value 0 not in range",
            '[sink]\nmemory-budget-mib = "big"\n':
                '[sink]: memory-budget-mib: expected a non-negative integer, got "big"',
            '[sink]\nlate = "keep"\n': "[sink]: late: keep not in {drop,dlq}",
            'log-level = "loud"\n': "log-level: loud not in",
            '[process\nbootstrap = "x"\n': "invalid TOML at line 1",
            '[process.kafka]\n"linger.ms" = "soon"\n': "[process.kafka]: linger.ms:",
            '[kafka]\n"no.such.property" = 1\n': "[kafka]: no.such.property:",
            '[kafka]\n"consumer.no.such.property" = 1\n': "[kafka]: consumer.no.such.property:",
            '[process.kafka]\n"producer.linger.ms" = "soon"\n':
                "[process.kafka]: producer.linger.ms:",
            '[process]\nkafka = ["a=b"]\n': "librdkafka properties are a table",
        }
        for text, expected in cases.items():
            with self.subTest(text=text):
                config = self.write("bad.toml", text)
                result = self.headwire("--config", config, "config", "check", expect_codes=(2,))
                self.assertIn(expected, result.stderr)
                self.assertIn(config, result.stderr)

    def test_a_file_too_large_for_a_configuration_is_refused_before_it_is_read_whole(self):
        """/dev/zero never ends: read whole, it took memory until the machine had none (a short
        timeout bounds what a regression can take)."""
        for path in ("/dev/zero", self.write("big.toml", "#" * (5 << 20))):
            with self.subTest(path=path):
                result = self.headwire("--config", path, "config", "check", expect_codes=(2,),
                                       timeout=20)
                self.assertIn(f"{path}: the file is larger than 4 MiB", result.stderr)

    def test_check_without_a_file_is_a_usage_error(self):
        result = self.headwire("config", "check", expect_codes=(2,))
        self.assertIn("no configuration file", result.stderr)
        config = self.write("good.toml", "[process]\nmax-batch = 10\n")
        self.assertIn("ok", self.headwire("config", "check",
                                          env=env_without_headwire(HEADWIRE_CONFIG=config)).stdout)

    def test_the_file_named_by_the_environment_is_read_and_checked_like_one_given_by_flag(self):
        bad = self.write("bad.toml", "[classify]\nexplain = 3\n")
        good = self.write("good.toml", "[classify]\nexplain = true\n")
        env_bad = env_without_headwire(HEADWIRE_CONFIG=bad)
        for args in (["classify", "-"], ["config", "check"]):
            with self.subTest(args=args):
                result = self.headwire(*args, input="", env=env_bad, expect_codes=(2,))
                self.assertIn("[classify]: explain: expected true or false", result.stderr)
        # A --config on the command line wins over the environment.
        explained = self.headwire("--config", good, "classify", "-", env=env_bad,
                                  input='{"title": "Rocket launch delayed"}\n')
        self.assertIn("explain", json.loads(explained.stdout))
        env_missing = env_without_headwire(HEADWIRE_CONFIG=bad + ".missing")
        missing = self.headwire("classify", "-", input="", expect_codes=(2,), env=env_missing)
        self.assertIn("no such configuration file", missing.stderr)
        self.headwire("--config", good, "classify", "-", input="", env=env_missing)
        self.headwire("--help", env=env_missing)

    def test_global_options_are_taken_after_the_subcommand(self):
        result = self.headwire("classify", "--log-level", "debug", "-", input="")
        self.assertEqual(result.stdout, "")
        config = self.write("bad.toml", "[classify]\nexplain = 3\n")
        result = self.headwire("classify", "--config", config, "-", input="", expect_codes=(2,))
        self.assertIn("[classify]: explain: expected true or false", result.stderr)

    def test_snapshots_without_a_snapshot_dir_are_refused_and_config_check_says_so_too(self):
        state = os.path.join(self.work, "process-state")
        result = self.headwire("process", "-b", "k:9092", "-s", state, "--snapshot-interval",
                               "10", expect_codes=(2,))
        self.assertIn("--snapshot-interval needs --snapshot-dir", result.stderr)
        self.assertFalse(os.path.exists(state), "refused before it opened anything")
        check = self.headwire("config", "check", "--", "process", "-b", "k:9092", "-s", "/x",
                              "--snapshot-interval", "10", expect_codes=(2,))
        self.assertIn("--snapshot-interval needs --snapshot-dir", check.stderr)
        self.assertIn(": ok", self.headwire("config", "check", "--", "process", "-b", "k:9092",
                                            "-s", "/x", "--snapshot-interval", "10",
                                            "--snapshot-dir", "/y").stdout)

    def test_config_check_of_an_unknown_subcommand_says_it_is_unknown(self):
        for args in (["bogus"], ["bogus", "-s", "/x"], ["--log-level", "debug", "bogus"]):
            with self.subTest(args=args):
                result = self.headwire("config", "check", "--", *args, expect_codes=(2,))
                self.assertIn("unknown subcommand bogus; the subcommands are ", result.stderr)
                self.assertIn("process", result.stderr)
                self.assertNotIn("A subcommand is required", result.stderr)

    def test_usage_errors_exit_2(self):
        for args in (["process", "--no-such-flag"], ["no-such-command"], ["sink"],
                     ["query", "-s", "/tmp/x"], ["--log-level", "loud", "classify"],
                     ["query", "-s", "/tmp/x", "latest", "-n", "0"], ["feed"], ["archive"],
                     ["replay", "--into", "/tmp/x"], ["replay", "--file", "f", "--speed", "fast"],
                     ["replay", "--archive", "d", "--into", "/tmp/x", "--ingest-time",
                      "2026-03-07T00:00:00Z"],
                     ["produce", "--ingest-time", "1970-01-01T00:00:00Z", "-"],
                     ["query", "-s", "/tmp/x", "trending", "-w", "minute"],
                     ["query", "-s", "/tmp/x", "counts", "-w", "hour", "--hop", "hour"],
                     ["config", "print", "no-such-command"], ["config", "print", "process", "sink"],
                     ["config", "print", "--", "process", "--no-such-flag", "1"],
                     ["process", "-b", "x", "-s", "/tmp/x", "--workers", "-1"],
                     ["process", "-b", "x", "-s", "/tmp/x", "--workers", "257"],
                     ["process", "-b", "x", "-s", "/tmp/x", "--snapshot-interval", "-1"],
                     ["sink", "-b", "x", "-s", "/tmp/x", "--checkpoint-interval", "-1"],
                     ["sink", "-b", "x", "-s", "/tmp/x", "--checkpoint-interval", "100"],
                     ["replay", "--file", "f", "--into", "/tmp/x", "--speed", "1e-300x"],
                     ["replay", "--file", "f", "--into", "/tmp/x", "--speed", "0.0009x"],
                     ["train", "--data", "x", "--out", "y", "--epochs", "0"],
                     ["train", "--data", "x", "--out", "y", "--bucket-bits", "40"],
                     ["train", "--data", "x", "--out", "y", "--loss", "hinge"],
                     ["train", "--data", "x", "--out", "y", "--loss", "softmax", "--dev", "z"]):
            with self.subTest(args=args):
                self.headwire(*args, expect_codes=(2,), input="")

    def test_an_ingest_time_outside_the_accepted_event_times_is_a_usage_error(self):
        for when in ("1975-01-01T00:00:00Z", "2200-01-01T00:00:00Z"):
            for args in (["produce", "-b", "127.0.0.1:1", "--ingest-time", when, "-"],
                         ["replay", "--file", "f", "--into", "/tmp/x", "--ingest-time", when]):
                with self.subTest(args=args):
                    result = self.headwire(*args, expect_codes=(2,), input="")
                    self.assertIn(f"--ingest-time {when} is outside the accepted event times",
                                  result.stderr)
                    self.assertIn("without published_at", result.stderr)
                    result = self.headwire("config", "check", "--", *args, expect_codes=(2,))
                    self.assertIn(f"--ingest-time {when} is outside", result.stderr)
        # A lowered --min-event-time accepts an older ingest time, as it does older records.
        self.headwire("config", "check", "--", "produce", "-b", "127.0.0.1:1",
                      "--min-event-time", "1970-01-02T00:00:00Z", "--ingest-time",
                      "1975-01-01T00:00:00Z", "-")

    def test_a_replay_refuses_the_options_of_the_other_target_and_config_check_too(self):
        into = ["replay", "--archive", "d", "--into", "/tmp/x"]
        to_topic = ["replay", "--archive", "d", "-b", "127.0.0.1:1"]
        self.headwire("replay", "--topic", "t", "-b", "127.0.0.1:1", "--into", "/tmp/x",
                      "--from-offset", "-5", expect_codes=(2,), input="")
        for args, named in ((into + ["-t", "headwire.articles.raw"], "--target-topic"),
                            (into + ["--domain-key", "source"], "--domain-key"),
                            (to_topic + ["--sink-grace-s", "5"], "--sink-grace-s"),
                            (to_topic + ["--taxonomy", "/nonexistent"], "--taxonomy"),
                            (to_topic + ["--memory-budget-mib", "64"], "--memory-budget-mib")):
            with self.subTest(args=args):
                result = self.headwire(*args, expect_codes=(2,), input="")
                self.assertIn(named + " goes with", result.stderr)
                result = self.headwire("config", "check", "--", *args, expect_codes=(2,))
                self.assertIn(named + " goes with", result.stderr)
        config = self.write("replay.toml", '[replay]\nsink-grace-s = 5\n')
        result = self.headwire("--config", config, *to_topic, expect_codes=(2,), input="")
        self.assertIn("--sink-grace-s goes with --into", result.stderr)

    def test_a_query_limit_is_an_integer_in_the_file(self):
        config = self.write("limit.toml", "[query.latest]\nlimit = 2\n")
        self.assertEqual(self.headwire("--config", config, "config", "check").stdout,
                         f"{config}: ok\n")
        self.assertEqual(self.printed(config, "query")["query"]["latest"]["limit"], 2)
        self.headwire("--config", config, "config", "check", "--", "query", "-s", "/x", "latest")
        refused = self.headwire("--config", self.write("zero.toml", "[query.latest]\nlimit = 0\n"),
                                "config", "check", "--", "query", "-s", "/x", "latest",
                                expect_codes=(2,))
        self.assertIn("limit: must be", refused.stderr)
        self.assertIn("expected a non-negative integer", self.headwire(
            "--config", self.write("word.toml", '[query.latest]\nlimit = "ten"\n'), "config",
            "check", expect_codes=(2,)).stderr)

    def test_a_value_from_the_environment_is_refused_naming_its_variable_not_its_flag(self):
        env = env_without_headwire(HEADWIRE_LOG_LEVEL="loud")
        for args in (["classify", "-"], ["config", "check", "--", "classify"]):
            with self.subTest(args=args):
                result = self.headwire(*args, env=env, input="", expect_codes=(2,))
                self.assertIn("--log-level is from the environment: HEADWIRE_LOG_LEVEL",
                              result.stderr)
        flag = self.headwire("--log-level", "loud", "classify", "-", env=env, input="",
                             expect_codes=(2,))
        self.assertNotIn("HEADWIRE_LOG_LEVEL", flag.stderr)
        env = env_without_headwire(HEADWIRE_HTTP_TOKEN_FILE=self.write("empty.tok", "\n"))
        checked = self.headwire("config", "check", "--", "sink", "-b", "k:9092", "-s", "/x",
                                env=env, expect_codes=(2,))
        self.assertIn("holds no token (--http-token-file is from the environment: "
                      "HEADWIRE_HTTP_TOKEN_FILE)", checked.stderr)

    def test_an_option_the_file_set_is_refused_naming_the_file_table_and_key(self):
        replay = self.write("replay.toml", "[replay]\nsink-grace-s = 5\n")
        to_topic = ["replay", "--archive", "d", "-b", "127.0.0.1:1"]
        named = f"--sink-grace-s is from {replay}: [replay]: sink-grace-s"
        self.assertIn(named, self.headwire("--config", replay, *to_topic, input="",
                                           expect_codes=(2,)).stderr)
        self.assertIn(named, self.headwire("--config", replay, "config", "check", "--", *to_topic,
                                           expect_codes=(2,)).stderr)
        # Given on the command line too, the flag is what counts: the file is not blamed.
        flagged = self.headwire("--config", replay, *to_topic, "--sink-grace-s", "5", input="",
                                expect_codes=(2,))
        self.assertIn("--sink-grace-s goes with --into", flagged.stderr)
        self.assertNotIn(replay, flagged.stderr)
        query = self.write("zero.toml", "[query.latest]\nlimit = 0\n")
        self.assertIn(f"--limit is from {query}: [query.latest]: limit", self.headwire(
            "--config", query, "query", "-s", "/x", "latest", expect_codes=(2,)).stderr)
        sink = self.write("short.toml", "[sink]\nretention-h = 1\n")
        self.assertIn(f"--retention-h is from {sink}: [sink]: retention-h", self.headwire(
            "--config", sink, "config", "check", "--", "sink", "-b", "k:9092", "-s", "/x",
            expect_codes=(2,)).stderr)

    def test_an_empty_query_range_names_where_each_bound_came_from(self):
        # Either bound may be the one to change: each is named with its source.
        query = self.write("range.toml", '[query.counts]\nto = "2026-03-01T00:00:00Z"\n')
        for args in (["query", "-s", "/x", "counts"],
                     ["config", "check", "--", "query", "-s", "/x", "counts"]):
            with self.subTest(args=args):
                refused = self.headwire("--config", query, *args, "--from",
                                        "2026-03-02T00:00:00Z", expect_codes=(2,)).stderr
                self.assertIn(f"--from: must be before --to (--to is from {query}: "
                              "[query.counts]: to)", refused)

    def test_config_print_shows_every_query_table_and_one_kind_leaves_the_others_alone(self):
        query = tomllib.loads(self.headwire("config", "print").stdout)["query"]
        for kind in ("latest", "counts", "stories", "trending", "sources"):
            with self.subTest(kind=kind):
                self.assertEqual(query[kind]["limit"], 20)
        for kind in ("counts", "trending", "sources"):
            self.assertEqual(query[kind]["window"], "hour")
        # Windows of minutes are for counts only: they must not reach trending or stories.
        config = self.write("kinds.toml", '[query.counts]\nwindow = "minute"\n')
        for kind in ("trending", "stories", "counts"):
            with self.subTest(kind=kind):
                self.headwire("--config", config, "config", "check", "--", "query", "-s", "/x",
                              kind)

    def test_config_print_of_an_unknown_subcommand_lists_the_known_ones(self):
        result = self.headwire("config", "print", "nosuch", expect_codes=(2,))
        self.assertIn("`nosuch`: not a subcommand; config print takes one of broker, produce, ",
                      result.stderr)
        self.assertIn("query", result.stderr)

    def test_option_values_no_run_could_use_exit_2_and_fail_config_check(self):
        empty_token = self.write("empty.tok", "\n")
        state = os.path.join(self.work, "state")
        cases = {
            ("produce", "-b", "127.0.0.1:1", "-X", "no.such.prop=1", "x"):
                "No such configuration property",
            ("produce", "-b", "127.0.0.1:1", "-X", "noequals", "x"): "key=value",
            ("produce", "-b", "127.0.0.1:1", "--domain-key", "nosuch", "x"):
                "not a text field of an article",
            ("replay", "--file", "f.csv", "--into", state, "--columns",
             "title=headline,bogus=when"): 'unknown field "bogus"',
            ("sink", "-b", "127.0.0.1:1", "-s", state, "--http-token-file", empty_token):
                "holds no token",
            ("process", "-b", "127.0.0.1:1", "-s", state, "--topic-threshold", "nosuch=0.5"):
                "a topic of the model",
            ("query", "-s", state, "latest", "-n", "0"): "limit: must be",
        }
        for args, message in cases.items():
            with self.subTest(args=args):
                self.assertIn(message, self.headwire(*args, expect_codes=(2,), input="").stderr)
                checked = self.headwire("config", "check", "--", *args, expect_codes=(2,))
                self.assertIn(message, checked.stderr)
                self.assertNotIn(": ok", checked.stdout)
        # Nothing was opened or created on the way.
        self.assertFalse(os.path.exists(state))

    def test_a_daemon_whose_output_topic_is_its_input_topic_is_refused(self):
        # Each would consume what it wrote again, and dead-letter a dead letter again, forever.
        state = os.path.join(self.work, "state")
        process = ["process", "-b", "127.0.0.1:1", "-s", state]
        sink = ["sink", "-b", "127.0.0.1:1", "-s", state]
        cases = {
            (*process, "--dlq-topic", "headwire.articles.raw"):
                "--dlq-topic must not be the input topic --raw-topic (headwire.articles.raw)",
            (*process, "--processed-topic", "headwire.articles.raw"):
                "--processed-topic must not be the input topic --raw-topic",
            (*process, "--handover-topic", "in", "--raw-topic", "in"):
                "--handover-topic must not be the input topic --raw-topic (in)",
            (*process, "--raw-topic", "headwire.topic.space"):
                "--topic-prefix headwire.topic. with the topic space must not be the input topic",
            (*sink, "--late", "dlq", "--dlq-topic", "headwire.articles.processed"):
                "--dlq-topic must not be the input topic --processed-topic",
            ("replay", "--topic", "t", "--target-topic", "t", "-b", "127.0.0.1:1"):
                "--target-topic must not be the input topic --topic (t)",
        }
        for args, message in cases.items():
            with self.subTest(args=args):
                self.assertIn(message, self.headwire(*args, expect_codes=(2,), input="",
                                                     timeout=30).stderr)
                checked = self.headwire("config", "check", "--", *args, expect_codes=(2,))
                self.assertIn(message, checked.stderr)
                self.assertNotIn(": ok", checked.stdout)
        # A dead-letter topic the sink does not use (--late drop) may be anything.
        self.headwire("config", "check", "--", *sink, "--dlq-topic",
                      "headwire.articles.processed")
        config = self.write("loop.toml", '[process]\nprocessed-topic = "headwire.articles.raw"\n')
        self.assertIn(f"--processed-topic is from {config}: [process]: processed-topic",
                      self.headwire("--config", config, "config", "check", "--", *process,
                                    expect_codes=(2,)).stderr)
        self.assertFalse(os.path.exists(state))

    def test_values_kafka_or_the_http_server_cannot_take_are_usage_errors(self):
        state = os.path.join(self.work, "state")
        token = self.write("good.tok", "s3cr3t\n")
        process = ["process", "-b", "127.0.0.1:1", "-s", state]
        sink = ["sink", "-b", "127.0.0.1:1", "-s", state]
        cases = {
            (*process, "--raw-topic", ""): "a topic name cannot be empty",
            (*sink, "--processed-topic", ""): "a topic name cannot be empty",
            (*sink, "--processed-topic", "bad topic!"): "only the characters a-z",
            (*sink, "--processed-topic", ".."): 'cannot be named ".."',
            (*sink, "--processed-topic", "t" * 250): "at most 249 characters",
            (*process, "--topic-prefix", "a/b."): "a topic prefix has only the characters",
            ("produce", "-b", "127.0.0.1:1", "-t", "", "-"): "a topic name cannot be empty",
            ("archive", "-b", "127.0.0.1:1", "-d", state, "-t", "a b"): "only the characters",
            (*process, "--group", ""): "a consumer group id cannot be empty",
            (*sink, "-g", ""): "a consumer group id cannot be empty",
            (*sink, "--http", "999.1.1.1:80"): "host 999.1.1.1 is not an IPv4 address",
            (*sink, "--http", "10.0.0:80"): "not an IPv4 address",
            (*process, "--admin", "[::g]:9000"): "not an IPv6 address",
            (*sink, "--http-token-file", token): "--http-token-file needs --http",
            (*sink, "--max-story-sources", "18446744073709551615"): "must be at most 1000000",
            (*sink, "--max-story-sources", "99999999999999999999999"): "must be at most 1000000",
            (*sink, "--ready-max-lag", "9223372036854775808"):
                "must be at most 9223372036854775807",
            (*sink, "-X", "socket.timeout.ms=4294967396"):
                "beyond the integers librdkafka takes",
            (*sink, "-X", "socket.timeout.ms=99999999999"):
                "beyond the integers librdkafka takes",
        }
        for args, message in cases.items():
            with self.subTest(args=args[:8]):
                self.assertIn(message, self.headwire(*args, expect_codes=(2,), input="",
                                                     timeout=30).stderr)
                checked = self.headwire("config", "check", "--", *args, expect_codes=(2,))
                self.assertIn(message, checked.stderr)
                self.assertNotIn(": ok", checked.stdout)
        # Optional topics may be empty (turned off); a name that merely does not resolve is
        # found when the server starts; the largest accepted count round-trips through a file.
        self.headwire("config", "check", "--", "produce", "-b", "k:9092", "--dlq-topic", "", "-")
        self.headwire("config", "check", "--", *sink, "--http", "example.invalid:8080",
                      "--http-token-file", token)
        printed = self.headwire("config", "print", "--", *sink, "--max-story-sources",
                                "1000000").stdout
        self.assertEqual(tomllib.loads(printed)["sink"]["max-story-sources"], 1000000)
        saved = self.write("printed.toml", printed)
        self.headwire("--config", saved, "config", "check", "--", *sink)
        self.assertFalse(os.path.exists(state))

    def test_a_librdkafka_reason_never_shows_a_part_of_the_value(self):
        result = self.headwire("config", "check", "--", "sink", "-b", "k:9092", "-s", "/x",
                               "-X", "debug=hunter2,all", expect_codes=(2,))
        self.assertIn('Invalid value "*****" for configuration property "debug"', result.stderr)
        self.assertNotIn("hunter2", result.stdout + result.stderr)

    def test_a_configuration_file_from_the_environment_must_be_a_regular_file(self):
        fifo = os.path.join(self.work, "fifo.toml")
        os.mkfifo(fifo)
        for path, why in ((self.work, "not a regular file"), (fifo, "not a regular file")):
            env = env_without_headwire(HEADWIRE_CONFIG=path)
            for args in (["config", "check"], ["query", "-s", "/x", "latest"]):
                with self.subTest(path=path, args=args):
                    result = self.headwire(*args, env=env, expect_codes=(2,), timeout=30)
                    self.assertIn(f"HEADWIRE_CONFIG={path}: {why}", result.stderr)
                    self.assertNotIn(": ok", result.stdout)

    def test_a_missing_token_file_from_the_environment_concerns_only_the_sink(self):
        env = env_without_headwire(HEADWIRE_HTTP_TOKEN_FILE="/nonexistent")
        self.headwire("broker", "--help", env=env)
        self.headwire("config", "check", "--", "query", "-s", "/x", "latest", env=env)
        for args in (["sink", "-b", "127.0.0.1:1", "-s", os.path.join(self.work, "s"), "--http",
                      "0"],
                     ["config", "check", "--", "sink", "-b", "k:9092", "-s", "/x", "--http",
                      "0"]):
            with self.subTest(args=args):
                result = self.headwire(*args, env=env, expect_codes=(2,), timeout=30)
                self.assertIn("--http-token-file /nonexistent: no such file (--http-token-file "
                              "is from the environment: HEADWIRE_HTTP_TOKEN_FILE)", result.stderr)

    def test_config_check_refuses_query_tables_no_query_could_use(self):
        for table, message in (("[query.latest]\nlimit = 5000\n", "--limit"),
                               ('[query.latest]\ntopic = ""\n', "--topic"),
                               ('[query.counts]\nwindow = "week"\n', "--window"),
                               ('[query.counts]\nfrom = "yesterday"\n', "--from"),
                               ('[query.stories]\nstatus = "weird"\n', "--status")):
            with self.subTest(table=table):
                config = self.write("query.toml", table)
                result = self.headwire("--config", config, "config", "check", expect_codes=(2,))
                self.assertIn(message, result.stderr)
                self.assertIn(f"is from {config}: [query.", result.stderr)
                self.assertNotIn(": ok", result.stdout)


if __name__ == "__main__":
    harness.run_tests(bind_args)
