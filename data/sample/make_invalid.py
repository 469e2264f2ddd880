#!/usr/bin/env python3
"""Regenerates invalid.jsonl and invalid.expected.jsonl (the error-path sample for headwire).

Each line of invalid.jsonl has exactly one problem, except the last, which is valid on purpose
(an unknown field, which readers must ignore). The file is written as bytes because one line
holds invalid UTF-8 and another is about 300 KiB long.

Usage: python3 data/sample/make_invalid.py   (writes next to this script; deterministic)
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def obj(**fields):
    """One JSON object as UTF-8 bytes, fields in the order given."""
    return json.dumps(fields, ensure_ascii=False).encode("utf-8")


def good(i, **extra):
    """A valid record for line i; extra fields override or add to it."""
    fields = {
        "id": "bad%03d" % i,
        "title": "Harbour ferry timetable changes for the spring season",
        "body": "",
        "url": "https://www.harborherald.example/2026/03/04/ferry-timetable-%d" % i,
        "source": "Harbor Herald",
        "published_at": "2026-03-04T09:00:00Z",
    }
    fields.update(extra)
    return fields


# (bytes of the line, valid?, reason)
CASES = [
    (b"this line is not JSON at all {", False, "not JSON"),
    (b'["bad002", "City council approves new cycle lanes"]', False, "JSON array, not an object"),
    (obj(**{k: v for k, v in good(3).items() if k != "title"}), False, "missing title"),
    (obj(**good(4, title="")), False, "empty title"),
    (obj(**good(5, title=("Very long headline that keeps going " * 140)[:5000])), False,
     "title of 5000 characters (over the 2 KiB limit)"),
    (obj(**good(6, title=12345)), False, "title is a number, not a string"),
    (b'{"id": "bad007", "title": "Museum reopens after \xff\xfe renovation", '
     b'"published_at": "2026-03-04T09:00:00Z"}', False, "invalid UTF-8 bytes in title"),
    (obj(**good(8, published_at="not-a-date")), False, "published_at is not a date"),
    (obj(**good(9, published_at="3000-01-01T00:00:00Z")), False, "published_at in year 3000"),
    (obj(**good(10, published_at=-1000)), False, "published_at is a negative epoch"),
    (obj(**good(11, body=("Lorem-free filler sentence for a very large body. " * 6400)[:310000])), False,
     "body over 300 KiB"),
    (obj(**good(12, title="Town hall clock restored after two years of silence",
                sentiment="positive")), True, "unknown extra field is ignored (valid)"),
]


def main():
    with open(os.path.join(HERE, "invalid.jsonl"), "wb") as out:
        for line, _, _ in CASES:
            assert b"\n" not in line
            out.write(line + b"\n")
    with open(os.path.join(HERE, "invalid.expected.jsonl"), "w", encoding="utf-8") as out:
        for n, (_, valid, reason) in enumerate(CASES, 1):
            out.write(json.dumps({"line": n, "valid": valid, "reason": reason}) + "\n")


if __name__ == "__main__":
    main()
