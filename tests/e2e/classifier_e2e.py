#!/usr/bin/python3
"""End-to-end test of the learned topic classifier's commands: `headwire train` (deterministic,
with progress), `headwire eval classify` (report and --json), and `headwire classify` with the
shipped model (used by default, overridable with --model, explained with --explain).

Usage: classifier_e2e.py --headwire PATH/TO/headwire --repo REPO_ROOT
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ARGS = None


def headwire(*args, expect=0, stdin=None):
    result = subprocess.run([ARGS.headwire, *args], capture_output=True, text=True, timeout=120,
                            input=stdin)
    if result.returncode != expect:
        raise AssertionError(f"headwire {' '.join(args)} exited {result.returncode}, expected "
                             f"{expect}\nstderr:\n{result.stderr}")
    return result


def fixture(name):
    return os.path.join(ARGS.repo, "tests", "fixtures", name)


def classify(lines, *extra):
    text = "".join(json.dumps(l) + "\n" for l in lines)
    return [json.loads(l) for l in headwire("classify", *extra, "-", stdin=text).stdout.splitlines()]


class TopicClassifierCommands(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.model = os.path.join(cls.tmp.name, "tiny.hwm")
        cls.train = headwire("train", "--data", fixture("classifier_tiny.jsonl"), "--dev",
                             fixture("classifier_tiny.jsonl"), "--out", cls.model, "--seed", "7",
                             "--epochs", "15", "--bucket-bits", "16", "--taxonomy", "none",
                             "--name", "tiny")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_train_reports_progress_and_writes_a_model(self):
        epochs = [l for l in self.train.stderr.splitlines() if " epoch " in l]
        self.assertEqual(len(epochs), 15)
        self.assertIn("thresholds calibrated on 54 dev examples", self.train.stderr)
        with open(self.model, "rb") as f:
            self.assertEqual(f.read(4), b"HWTM")

    def test_train_is_deterministic_for_a_seed(self):
        again = os.path.join(self.tmp.name, "again.hwm")
        headwire("train", "--data", fixture("classifier_tiny.jsonl"), "--dev",
                 fixture("classifier_tiny.jsonl"), "--out", again, "--seed", "7", "--epochs", "15",
                 "--bucket-bits", "16", "--taxonomy", "none", "--name", "tiny")
        with open(self.model, "rb") as a, open(again, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_train_and_eval_read_standard_input_for_a_dash(self):
        with open(fixture("classifier_tiny.jsonl")) as f:
            data = f.read()
        piped = os.path.join(self.tmp.name, "piped.hwm")
        headwire("train", "--data", "-", "--dev", fixture("classifier_tiny.jsonl"), "--out", piped,
                 "--seed", "7", "--epochs", "15", "--bucket-bits", "16", "--taxonomy", "none",
                 "--name", "tiny", stdin=data)
        with open(self.model, "rb") as a, open(piped, "rb") as b:
            self.assertEqual(a.read(), b.read())
        args = ("eval", "classify", "--model", self.model, "--taxonomy", "none", "--json")
        self.assertEqual(headwire(*args, "--gold", "-", stdin=data).stdout,
                         headwire(*args, "--gold", fixture("classifier_tiny.jsonl")).stdout)
        both = headwire("train", "--data", "-", "--dev", "-", "--out", piped, expect=2)
        self.assertIn("--data and --dev cannot both be - (standard input)", both.stderr)
        labels = headwire(*args, "--gold", "-", "--labels", "-", stdin=data, expect=1)
        self.assertIn("cannot both come from standard input", labels.stderr)

    def test_eval_scores_the_trained_model_on_its_data(self):
        report = json.loads(headwire("eval", "classify", "--gold", fixture("classifier_tiny.jsonl"),
                                     "--model", self.model, "--taxonomy", "none", "--json").stdout)
        self.assertEqual(report["examples"], 54)
        self.assertEqual(set(report["topics"]), {"space", "ai", "business"})
        self.assertEqual(report["topics"]["space"]["support"], 18)
        self.assertEqual(report["topics"]["ai"]["support"], 12)
        self.assertEqual(report["exact_match"], 1.0)
        self.assertEqual(report["macro_f1"], 1.0)
        self.assertEqual(report["other_support"], 12)
        self.assertEqual(report["other_accuracy"], 1.0)
        self.assertEqual(report["confusion"]["other"], {"other": 12})

    def test_eval_leaves_topics_without_examples_and_labels_it_cannot_give_out_of_averages(self):
        # One desk's file: no geopolitics at all, no record without topics, and a label ("sports")
        # the classifier can never give. Scored as 0, they made a perfect run look broken.
        gold = os.path.join(self.tmp.name, "one_desk.jsonl")
        with open(gold, "w") as f:
            f.write('{"title": "NASA launches probe", "topics": ["space"]}\n'
                    '{"title": "Lakers win again", "topics": ["sports"]}\n'
                    '{"title": "Nvidia earnings beat", "topics": ["ai", "business"]}\n')
        table = headwire("eval", "classify", "--gold", gold)
        self.assertIn("gold label 'sports' (1 record) is not a topic the classifier can give",
                      table.stderr)
        self.assertFalse([line for line in table.stdout.splitlines() if line.startswith("sports")])
        rows = {line.split()[0]: line.split()[1:] for line in table.stdout.splitlines()
                if line.split() and line.split()[0] in ("space", "geopolitics")}
        self.assertEqual(rows["geopolitics"], ["0", "n/a", "n/a", "n/a"])
        self.assertEqual(rows["space"], ["1", "1.000", "1.000", "1.000"])
        self.assertIn("micro F1 1.000   macro F1 1.000 (3 of 4 topics; n/a: no gold or predicted "
                      "example)   exact match 0.667   other accuracy n/a (0 examples)", table.stdout)
        report = json.loads(headwire("eval", "classify", "--gold", gold, "--json").stdout)
        self.assertEqual(set(report["topics"]), {"space", "ai", "geopolitics", "business"})
        self.assertEqual(report["topics"]["geopolitics"]["f1"], None)
        self.assertEqual(report["macro_f1"], 1.0)
        self.assertEqual(report["macro_topics"], 3)
        self.assertEqual(report["other_accuracy"], None)

    def test_eval_table_names_the_classifier_and_every_metric(self):
        out = headwire("eval", "classify", "--gold", fixture("seed_examples.jsonl")).stdout
        self.assertIn("classifier: headwire-default/1+topics-v1", out)
        for word in ("precision", "recall", "micro F1", "macro F1", "exact match",
                     "other accuracy", "confusion"):
            self.assertIn(word, out)

    def test_labels_by_line_score_a_stream_without_topics(self):
        with open(fixture("classifier_tiny.jsonl")) as f:
            labelled = [json.loads(line) for line in f if line.strip()]
        stream = os.path.join(self.tmp.name, "stream.jsonl")
        labels = os.path.join(self.tmp.name, "labels.jsonl")
        with open(stream, "w") as records, open(labels, "w") as tags:
            for i, record in enumerate(labelled):
                records.write(json.dumps({"id": f"r{i}", "title": record["title"]}) + "\n")
                tags.write(json.dumps({"id": f"r{i}", "topics": record["topics"]}) + "\n")
        args = ("eval", "classify", "--model", self.model, "--taxonomy", "none", "--json")
        inline = json.loads(headwire(*args, "--gold", fixture("classifier_tiny.jsonl")).stdout)
        joined = json.loads(headwire(*args, "--gold", stream, "--labels", labels).stdout)
        self.assertEqual(joined, inline)
        # Wrong labels would not go unnoticed: all "other" changes the report.
        with open(labels, "w") as tags:
            for i in range(len(labelled)):
                tags.write(json.dumps({"id": f"r{i}", "topics": []}) + "\n")
        none = json.loads(headwire(*args, "--gold", stream, "--labels", labels).stdout)
        self.assertEqual(none["other_support"], len(labelled))

    def test_list_errors_names_every_wrong_record_and_no_other(self):
        # The tiny model is exact on its own data (above), so the two labels changed here are the
        # only errors: an "other" record labelled space, and an ai record labelled other.
        with open(fixture("classifier_tiny.jsonl")) as f:
            gold = [json.loads(line) for line in f if line.strip()]
        other = next(i for i, record in enumerate(gold) if not record["topics"])
        ai = next(i for i, record in enumerate(gold) if record["topics"] == ["ai"])
        gold[other]["topics"] = ["space"]
        gold[ai]["topics"] = []
        path = os.path.join(self.tmp.name, "two_wrong.jsonl")
        with open(path, "w") as f:
            f.write("\n\n".join(json.dumps(record) for record in gold) + "\n")
        args = ("eval", "classify", "--gold", path, "--model", self.model, "--taxonomy", "none")
        listed = headwire(*args, "--list-errors")
        errors = [line for line in listed.stderr.splitlines() if line.startswith("record ")]
        by_record = {int(line.split()[1]): line for line in errors}
        # Records are counted from 1 without the blank lines between them.
        self.assertEqual(len(errors), 2)
        self.assertEqual(set(by_record), {other + 1, ai + 1})
        self.assertRegex(by_record[other + 1],
                         rf"^record {other + 1} \({gold[other]['id']}\): missed space 0\.\d{{3}}: ")
        self.assertTrue(by_record[other + 1].endswith(": " + gold[other]["title"]))
        self.assertRegex(by_record[ai + 1],
                         rf"^record {ai + 1} \({gold[ai]['id']}\): false ai 0\.\d{{3}}: ")
        self.assertTrue(by_record[ai + 1].endswith(": " + gold[ai]["title"]))
        # The report itself is the same with and without the list.
        self.assertEqual(listed.stdout, headwire(*args).stdout)
        self.assertNotIn("record ", headwire(*args).stderr)

    def test_the_repositorys_labelled_streams_line_up_with_their_labels(self):
        for stream, labels in (("data/sample/headlines.jsonl", "data/sample/labels.jsonl"),
                               ("data/tuning/stories_dev.jsonl", "data/tuning/topic_labels.jsonl"),
                               ("data/eval/dedup_gold.jsonl", "data/eval/topic_labels.jsonl"),
                               ("data/eval/topic_hard_cases.jsonl", None)):
            with open(os.path.join(ARGS.repo, labels or stream)) as f:
                topics = [json.loads(line)["topics"] for line in f if line.strip()]
            label_args = ["--labels", os.path.join(ARGS.repo, labels)] if labels else []
            report = json.loads(headwire("eval", "classify", "--gold",
                                         os.path.join(ARGS.repo, stream), *label_args,
                                         "--json").stdout)
            self.assertEqual(report["examples"], len(topics), stream)
            self.assertEqual(report["other_support"], sum(1 for t in topics if not t), stream)
            for topic, scores in report["topics"].items():
                self.assertEqual(scores["support"], sum(1 for t in topics if topic in t), stream)

    def test_labels_that_do_not_line_up_are_a_clear_error(self):
        stream = os.path.join(self.tmp.name, "two.jsonl")
        labels = os.path.join(self.tmp.name, "two_labels.jsonl")
        with open(stream, "w") as f:
            f.write('{"id": "a", "title": "Probe lands on the Moon"}\n'
                    '{"title": "Library opens on Sundays"}\n')
        cases = [
            ('{"id": "a", "topics": ["space"]}\n{"id": "b", "topics": []}\n',
             f'{stream}:2: no id, but the label at {labels}:2 has id "b"'),
            ('{"id": "a", "topics": ["space"]}\n', f"{stream}:2: no label: "),
            ('{"id": "a", "topics": ["space"]}\n{"id": null, "topics": []}\n{"id": "c", '
             '"topics": []}\n', ":3: a label beyond the 2 records of"),
            ('{"id": "a", "topics": "space"}\n{"id": null, "topics": []}\n',
             ':1: "topics" is not an array'),
            ('{"id": "a", "topics": [], "topics": ["space"]}\n{"id": null, "topics": []}\n',
             ':1: the key "topics" appears twice'),
        ]
        for text, message in cases:
            with open(labels, "w") as f:
                f.write(text)
            result = headwire("eval", "classify", "--gold", stream, "--labels", labels, expect=1)
            self.assertIn(message, result.stderr)
        with open(labels, "w") as f:
            f.write('{"id": "a", "topics": ["space"]}\n{"id": null, "topics": []}\n')
        report = json.loads(headwire("eval", "classify", "--gold", stream, "--labels", labels,
                                     "--json").stdout)
        self.assertEqual(report["examples"], 2)
        self.assertEqual(report["topics"]["space"]["support"], 1)

    def test_bad_training_data_is_a_clear_error(self):
        bad = os.path.join(self.tmp.name, "bad.jsonl")
        with open(bad, "w") as f:
            f.write('{"title": "ok", "topics": ["space"]}\n{"title": "no labels"}\n')
        result = headwire("train", "--data", bad, "--out", os.path.join(self.tmp.name, "x.hwm"),
                          expect=1)
        self.assertIn(f"{bad}:2:", result.stderr)

    def test_a_label_training_cannot_use_names_the_file_and_line(self):
        data = os.path.join(self.tmp.name, "five.jsonl")
        with open(data, "w") as f:
            f.write('{"id": "a", "title": "Rocket lifts off", "topics": ["space"]}\n'
                    '{"title": "Heatwave grips Europe", "topics": ["climate"]}\n'
                    '{"id": "c", "title": "Chatbot maker raises funds", "topics": []}\n')
        out = os.path.join(self.tmp.name, "five.hwm")
        result = headwire("train", "--data", data, "--out", out, "--labels", "space,ai",
                          expect=1)
        self.assertIn(f"{data}:2: example line 2: unknown label \"climate\"", result.stderr)
        result = headwire("train", "--data", data, "--out", out, "--loss", "softmax",
                          "--taxonomy", "none", expect=1)
        self.assertIn(f"{data}:3: example c: softmax training needs exactly one label",
                      result.stderr)

    def test_training_a_label_the_taxonomy_lacks_is_an_error(self):
        data = os.path.join(self.tmp.name, "climate.jsonl")
        with open(data, "w") as f:
            for i in range(4):
                f.write(json.dumps({"title": f"Heatwave number {i} grips Europe",
                                    "topics": ["climate"]}) + "\n")
                f.write(json.dumps({"title": f"Rocket number {i} lifts off",
                                    "topics": ["space"]}) + "\n")
        model = os.path.join(self.tmp.name, "climate.hwm")
        refused = headwire("train", "--data", data, "--dev", data, "--out", model, expect=1)
        self.assertIn("label 'climate' is not a topic of taxonomy 'headwire-default' (the built-in "
                      "data/taxonomy.toml), so the classifier could never report it",
                      refused.stderr)
        self.assertFalse(os.path.exists(model))
        refused = headwire("train", "--data", data, "--out", model, "--labels", "space,climate",
                           "--no-rule-features", "--dev", data, expect=1)
        self.assertIn("label 'climate' is not a topic", refused.stderr)

        trained = headwire("train", "--data", data, "--dev", data, "--out", model, "--taxonomy",
                           "none", "--epochs", "3", "--bucket-bits", "12")
        self.assertIn("climate", trained.stderr)
        line = json.dumps({"title": "Heatwave grips Europe"}) + "\n"
        alone = headwire("classify", "--model", model, "--taxonomy", "none", "-", stdin=line)
        self.assertEqual(list(json.loads(alone.stdout)["scores"]), ["climate", "space"])
        # With a taxonomy that lacks its label, the model's topic would be dropped unseen:
        # refused wherever a model meets a taxonomy, before any record is read.
        state = os.path.join(self.tmp.name, "climate-process")
        into = ("replay", "--file", data, "--into", os.path.join(self.tmp.name, "climate-sink"),
                "--model", model)
        demo = ("demo", "-s", os.path.join(self.tmp.name, "climate-demo"), "--model", model)
        for args in (("classify", "--model", model, "-"),
                     ("eval", "classify", "--model", model, "--gold", data),
                     ("process", "-b", "127.0.0.1:1", "-s", state, "--model", model),
                     into, demo,
                     ("config", "check", "--", "classify", "--model", model, "-"),
                     ("config", "check", "--", *into), ("config", "check", "--", *demo)):
            with self.subTest(args=args):
                refused = headwire(*args, stdin="", expect=2)
                self.assertIn("model label 'climate' is not a topic of taxonomy "
                              "'headwire-default' (the built-in data/taxonomy.toml)",
                              refused.stderr)
                self.assertIn("give --taxonomy the file the model was trained with",
                              refused.stderr)
                self.assertEqual(refused.stdout, "")

    def test_a_topic_named_twice_is_a_clear_error(self):
        # Counted twice, it failed the exact match of a classification that has it once.
        gold = os.path.join(self.tmp.name, "twice.jsonl")
        with open(gold, "w") as f:
            f.write('{"id": "a", "title": "OpenAI releases a new chatbot", "topics": ["ai"]}\n'
                    '{"id": "b", "title": "OpenAI releases a chatbot", "topics": ["ai", "ai"]}\n')
        for args in (("eval", "classify", "--gold", gold),
                     ("train", "--data", gold, "--out", os.path.join(self.tmp.name, "x.hwm"))):
            with self.subTest(args[0]):
                result = headwire(*args, expect=1)
                self.assertIn(f"{gold}:2: \"topics\" names \"ai\" twice", result.stderr)
        labels = os.path.join(self.tmp.name, "twice_labels.jsonl")
        with open(labels, "w") as f:
            f.write('{"id": "a", "topics": ["ai", "ai"]}\n{"id": "b", "topics": ["ai"]}\n')
        result = headwire("eval", "classify", "--gold", gold, "--labels", labels, expect=1)
        self.assertIn(f"{labels}:1: \"topics\" names \"ai\" twice", result.stderr)

    def test_a_group_that_is_not_a_string_is_a_clear_error(self):
        bad = os.path.join(self.tmp.name, "bad_group.jsonl")
        with open(bad, "w") as f:
            f.write('{"title": "a", "topics": [], "group": "g1"}\n'
                    '{"title": "b", "topics": [], "group": 7}\n')
        result = headwire("train", "--data", bad, "--out", os.path.join(self.tmp.name, "x.hwm"),
                          "--group-cap", "5", expect=1)
        self.assertIn(f"{bad}:2: \"group\" is not a string", result.stderr)

    def test_model_option_overrides_the_shipped_model(self):
        line = [{"title": "Recipe for a summer garden salad"}]
        shipped = classify(line)[0]
        tiny = classify(line, "--model", self.model, "--taxonomy", "none")[0]
        self.assertEqual(list(tiny["scores"]), ["space", "ai", "business"])
        self.assertEqual(list(shipped["scores"]), ["space", "ai", "geopolitics", "business"])
        broken = os.path.join(self.tmp.name, "broken.hwm")
        with open(broken, "wb") as f:
            f.write(b"HWTM and then nothing useful")
        result = headwire("classify", "--model", broken, "-", stdin="", expect=1)
        self.assertIn("not a valid headwire topic model", result.stderr)

    def test_classify_uses_the_shipped_model_by_default(self):
        # Company news in words the taxonomy does not list: business by PRODUCT.md's guide, which
        # the rules alone miss and the shipped model finds.
        lines = [{"title": "Carmaker recalls 200,000 vehicles over faulty airbags"},
                 {"title": "Supermarket chain cuts prices to win back shoppers"}]
        self.assertEqual([r["topics"] for r in classify(lines, "--model", "none")], [[], []])
        self.assertEqual([r["topics"] for r in classify(lines)], [["business"], ["business"]])

    def test_a_topic_threshold_moves_that_topics_decision_and_no_other(self):
        # Business in words the taxonomy does not list, so the model alone decides it.
        line = [{"title": "Supermarket chain cuts prices to win back shoppers"}]
        explained = classify(line, "--explain")[0]["explain"]
        p = explained["business"]["probability"]
        self.assertTrue(explained["business"]["assigned"])
        self.assertEqual(explained["business"]["decided_by"], "model")
        above = classify(line, "--explain", "--topic-threshold", f"business={p + 0.01:.3f}")[0]
        self.assertEqual(above["topics"], [])
        self.assertAlmostEqual(above["explain"]["business"]["threshold"], p + 0.01, places=3)
        for topic in ("space", "ai", "geopolitics"):
            self.assertEqual(above["explain"][topic]["threshold"], explained[topic]["threshold"])
        below = classify(line, "--topic-threshold", f"business={p - 0.01:.3f}")[0]
        self.assertEqual(below["topics"], ["business"])
        config = os.path.join(self.tmp.name, "thresholds.toml")
        with open(config, "w") as f:
            f.write(f'[classify]\ntopic-threshold = ["business={p + 0.01:.3f}"]\n')
        from_file = headwire("--config", config, "classify", "-", stdin=json.dumps(line[0]) + "\n")
        self.assertEqual(json.loads(from_file.stdout)["topics"], [])

    def test_a_topic_threshold_moves_eval_classify_too(self):
        gold = [{"title": "Supermarket chain cuts prices to win back shoppers",
                 "topics": ["business"]}]
        path = os.path.join(self.tmp.name, "one_business.jsonl")
        with open(path, "w") as f:
            f.write("".join(json.dumps(g) + "\n" for g in gold))
        found = json.loads(headwire("eval", "classify", "--gold", path, "--json").stdout)
        missed = json.loads(headwire("eval", "classify", "--gold", path, "--json",
                                     "--topic-threshold", "business=0.999").stdout)
        self.assertEqual(found["topics"]["business"]["recall"], 1.0)
        self.assertEqual(missed["topics"]["business"]["recall"], 0.0)
        # The classifier each report names (and each processed record carries) says so.
        self.assertEqual(found["classifier"], "headwire-default/1+topics-v1")
        self.assertEqual(missed["classifier"], "headwire-default/1+topics-v1[business=0.999]")

    def test_a_topic_threshold_the_model_cannot_take_is_a_clear_error(self):
        # Not TOPIC=P with 0 < P <= 1: a usage error, found before anything is loaded, and by
        # `config check` in a configuration file.
        for spec in ("ai=1.5", "ai", "ai=0", "ai=1e-50", "=0.5"):
            result = headwire("classify", "--topic-threshold", spec, "-", stdin="", expect=2)
            self.assertIn(f"expected TOPIC=P with 0 < P <= 1, got '{spec}'", result.stderr)
        config = os.path.join(self.tmp.name, "bad_threshold.toml")
        with open(config, "w") as f:
            f.write('[process]\ntopic-threshold = ["ai=7"]\n')
        result = headwire("--config", config, "config", "check", expect=2)
        self.assertIn("topic-threshold: expected TOPIC=P with 0 < P <= 1, got 'ai=7'",
                      result.stderr)
        # Well-formed, but not what the model can take: found when the model is loaded, before
        # any record is read, as for process.
        for extra, message in (
                (["--topic-threshold", "sports=0.5"],
                 "a topic of the model (space, ai, geopolitics, business), got 'sports=0.5'"),
                (["--topic-threshold", "ai=0.5", "--topic-threshold", "ai=0.6"],
                 "ai is given twice"),
                (["--model", "none", "--topic-threshold", "ai=0.5"],
                 "--topic-threshold needs a one-vs-rest model")):
            result = headwire("classify", *extra, "-", stdin="", expect=2)
            self.assertIn(message, result.stderr)

    def test_explain_shows_model_features_and_rule_matches(self):
        out = classify([{"title": "SpaceX launches 24 Starlink satellites"}], "--explain")[0]
        space = out["explain"]["space"]
        self.assertTrue(space["assigned"])
        self.assertIn(space["decided_by"], ("model", "rules: forced"))
        self.assertGreater(len(space["features"]), 0)
        # Every feature named is a word, a word pair or a piece of a word of the title, or one of
        # the rules' verdicts, which the shipped model takes as features.
        title = "<spacex> <launches> <24> <starlink> <satellites>"
        for name, contribution in space["features"]:
            if not name.startswith("rules:"):
                self.assertIn(name.replace(" ", "> <"), title)
            self.assertNotEqual(contribution, 0)
        self.assertTrue(any(n.startswith("rules:space:") for n, _ in space["features"]))
        self.assertTrue(any(r.get("term") for r in space["rules"]))


def bind_args(args):
    global ARGS
    ARGS = args


if __name__ == "__main__":
    harness.run_tests(bind_args)
