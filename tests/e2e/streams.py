"""Input streams the scale-out and fault tests share: the hand-labelled dedup stream
(data/eval/dedup_gold.jsonl, with exact and near duplicates) in several languages and copies.
Each language is a dedup domain of its own; each copy is shifted in event time, with its own
ids and URLs."""

import datetime
import json
import os

DAY = datetime.timedelta(days=1)


def multi_language_stream(repo, languages, copies=1, shift=5 * DAY):
    """The gold stream once per (copy, language), copy by copy: a list of JSON-ready dicts."""
    with open(os.path.join(repo, "data", "eval", "dedup_gold.jsonl")) as f:
        gold = [json.loads(line) for line in f if line.strip()]
    out = []
    for copy in range(copies):
        for language in languages:
            for record in gold:
                r = {k: v for k, v in record.items() if k != "gold"}
                r["id"] = f"{language}-{copy}-{record['id']}"
                r["language"] = language
                if r.get("url"):
                    r["url"] = r["url"].replace("://", f"://{language}{copy}.", 1)
                t = datetime.datetime.fromisoformat(record["published_at"].replace("Z", "+00:00"))
                r["published_at"] = (t + copy * shift).strftime("%Y-%m-%dT%H:%M:%SZ")
                out.append(r)
    return out


def write_jsonl(path, records):
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
