#!/usr/bin/python3
"""Validates dedup_gold.jsonl and prints the counts quoted in README.md.

Usage: check_gold.py [FILE] [--list-traps] [--id-prefix=LETTER]  (ids LETTER0001..; default g)

Checks, independently of make_gold.py:
  - every line is a JSON object with the input fields and a gold label;
  - ids are g0001.. and unique, except a byte-identical resend, which repeats its original's id
    on a later line;
  - records are sorted by published_at;
  - duplicate_of names an earlier unique record of the same story; unique records have none;
  - every exact duplicate is exact under PRODUCT.md's definition (same canonical URL, or same id
    with identical bytes, or same normalised title and body);
  - no near duplicate is exact under that definition, except a near duplicate whose headline was
    updated at the same URL (note 'changed'), which is reported separately;
  - no unique record is exact against any earlier record; traps name an earlier record of
    another story.
Exit status 1 on any problem.
"""

import collections
import html
import json
import re
import sys
import unicodedata
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
LIST_TRAPS = "--list-traps" in sys.argv
ID_PREFIX = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--id-prefix=")), "g")
PATH = Path(ARGS[0]) if ARGS else Path(__file__).resolve().parent / "dedup_gold.jsonl"
FIELDS = ["id", "title", "body", "url", "source", "published_at", "gold"]
TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|mc_cid|mc_eid|outputtype|amp)$", re.IGNORECASE)


def canonical_url(url):
    parts = urlsplit(url)
    host = parts.hostname or ""
    for prefix in ("www.", "amp.", "m."):
        if host.startswith(prefix):
            host = host[len(prefix):]
    path = parts.path.rstrip("/")
    if path.endswith("/amp"):
        path = path[: -len("/amp")]
    path = path.replace("/amp/", "/")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not TRACKING.match(k)])
    return host + path + ("?" + query if query else "")


def normalise(text):
    text = unicodedata.normalize("NFKC", html.unescape(text or ""))
    text = text.translate(str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "…": "..."}))
    return " ".join(text.lower().split())


def content_key(rec):
    return normalise(rec["title"]) + "\x00" + normalise(rec["body"])


def main():
    problems = []
    raw_lines = PATH.read_text(encoding="utf-8").splitlines()
    recs = []
    for n, line in enumerate(raw_lines, 1):
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"line {n}: not JSON: {e}")
            continue
        if list(rec) != FIELDS:
            problems.append(f"line {n}: fields {list(rec)}")
            continue
        gold = rec["gold"]
        if set(gold) != {"story", "duplicate_of", "kind", "note"}:
            problems.append(f"line {n}: gold fields {sorted(gold)}")
            continue
        rec["_line"] = n
        recs.append(rec)

    first_by_id = {}
    by_url = {}
    by_content = {}
    prev_time = ""
    expected_next = 1
    near_same_url = 0
    for rec in recs:
        n, gold = rec["_line"], rec["gold"]
        rid, kind, dup = rec["id"], gold["kind"], gold["duplicate_of"]
        if rec["published_at"] < prev_time:
            problems.append(f"line {n}: not sorted by published_at")
        prev_time = rec["published_at"]
        if not re.fullmatch(r"2026-\d\d-\d\dT\d\d:\d\d:\d\dZ", rec["published_at"]):
            problems.append(f"line {n}: published_at {rec['published_at']}")
        if not (rec["url"].split("/")[2].endswith(".example")):
            problems.append(f"line {n}: URL not under .example")
        words = len(rec["body"].split())
        if rec["body"] and not 10 <= words <= 60:
            problems.append(f"line {n}: body of {words} words")
        if not gold["story"] or not re.fullmatch(r"[a-z0-9-]+", gold["story"]):
            problems.append(f"line {n}: bad story slug")
        if kind not in ("unique", "exact", "near"):
            problems.append(f"line {n}: kind {kind}")
            continue

        resend = rid in first_by_id
        if resend:
            orig = first_by_id[rid]
            article = json.dumps({k: rec[k] for k in FIELDS[:-1]}, ensure_ascii=False)
            if article != json.dumps({k: orig[k] for k in FIELDS[:-1]}, ensure_ascii=False):
                problems.append(f"line {n}: id {rid} repeated but the article differs")
            if kind != "exact" or dup != rid:
                problems.append(f"line {n}: resend of {rid} must be exact with duplicate_of {rid}")
        else:
            if rid != f"{ID_PREFIX}{expected_next:04d}":
                problems.append(f"line {n}: id {rid}, expected {ID_PREFIX}{expected_next:04d}")
            numbered = re.fullmatch(re.escape(ID_PREFIX) + r"\d{4}", rid)
            expected_next = int(rid[len(ID_PREFIX):]) + 1 if numbered else expected_next
            first_by_id[rid] = rec

        url_key = canonical_url(rec["url"])
        key = content_key(rec)
        url_hit = by_url.get(url_key)
        content_hit = by_content.get(key)
        if kind == "unique":
            if dup is not None:
                problems.append(f"line {n}: unique with duplicate_of")
            if url_hit or content_hit:
                other = (url_hit or content_hit)["id"]
                problems.append(f"line {n}: unique {rid} is exact against {other}")
            trap = re.match(r"trap of (" + re.escape(ID_PREFIX) +
                            r"\d{4}): (template|number|actor|lookalike) — ", gold["note"])
            if gold["note"].startswith("trap") and not trap:
                problems.append(f"line {n}: malformed trap note")
            if trap:
                t = first_by_id.get(trap.group(1))
                if t is None or t is rec:
                    problems.append(f"line {n}: trap names unknown or later {trap.group(1)}")
                elif t["gold"]["story"] == gold["story"]:
                    problems.append(f"line {n}: trap of a record in the same story")
        else:
            orig = first_by_id.get(dup)
            if orig is None or (orig is rec):
                problems.append(f"line {n}: duplicate_of {dup} is not an earlier record")
            else:
                if orig["gold"]["kind"] != "unique":
                    problems.append(f"line {n}: duplicate_of {dup} is itself a duplicate")
                if orig["gold"]["story"] != gold["story"]:
                    problems.append(f"line {n}: duplicate in another story than {dup}")
                same_url = canonical_url(orig["url"]) == url_key
                same_content = content_key(orig) == key
                if kind == "exact" and not (resend or same_url or same_content):
                    problems.append(f"line {n}: exact but neither URL nor content matches {dup}")
                if kind == "near":
                    if same_content:
                        problems.append(f"line {n}: near but same normalised title+body as {dup}")
                    if same_url:
                        if gold["note"].startswith("changed") and rec["title"] != orig["title"]:
                            near_same_url += 1
                        else:
                            problems.append(f"line {n}: near but same canonical URL as {dup}")
                    if url_hit and url_hit is not orig and not gold["note"].startswith("changed"):
                        problems.append(f"line {n}: near but URL matches {url_hit['id']}")
        by_url.setdefault(url_key, rec)
        by_content.setdefault(key, rec)

    for p in problems:
        print("PROBLEM", p)
    report(recs, near_same_url)
    if problems:
        print(f"{len(problems)} problem(s)")
        return 1
    print("OK")
    return 0


def report(recs, near_same_url):
    kinds = collections.Counter(r["gold"]["kind"] for r in recs)
    print(f"records: {len(recs)}  unique: {kinds['unique']}  exact: {kinds['exact']}"
          f"  near: {kinds['near']}")
    print(f"distinct ids: {len({r['id'] for r in recs})}")
    ids = collections.Counter(r["id"] for r in recs)
    print("ids occurring twice (resends): " + ", ".join(sorted(i for i, c in ids.items() if c > 1)))
    days = collections.Counter(r["published_at"][:10] for r in recs)
    print("per day: " + ", ".join(f"{d[5:]} {c}" for d, c in sorted(days.items())))
    print(f"with body: {sum(1 for r in recs if r['body'])}, title only: "
          f"{sum(1 for r in recs if not r['body'])}")
    words = [len(r["body"].split()) for r in recs if r["body"]]
    print(f"body length in words: {min(words)}-{max(words)}")
    print(f"sources: {len({r['source'] for r in recs})}")
    for kind in ("exact", "near"):
        var = collections.Counter(
            r["gold"]["note"].split(" — ")[0] for r in recs if r["gold"]["kind"] == kind)
        print(f"{kind} by variation: " + ", ".join(f"{k} {v}" for k, v in sorted(var.items())))
    print(f"near duplicates at their original's URL (headline updated): {near_same_url}")
    prefixes = collections.Counter(
        re.match(r"(UPDATE \d-|EXCLUSIVE-|BREAKING:)", r["title"]).group(1)
        for r in recs if r["gold"]["note"].startswith("prefix"))
    print("prefixes: " + ", ".join(f"{k} {v}" for k, v in sorted(prefixes.items())))
    traps = [r for r in recs if r["gold"]["note"].startswith("trap of")]
    ttypes = collections.Counter(r["gold"]["note"].split(": ")[1].split(" — ")[0] for r in traps)
    print(f"traps: {len(traps)}: " + ", ".join(f"{k} {v}" for k, v in sorted(ttypes.items())))
    times = {r["id"]: r["published_at"] for r in recs}
    gaps = []
    for r in traps:
        other = r["gold"]["note"][8:].split(":")[0]
        a, b = times[other], r["published_at"]
        hours = (int(b[8:10]) * 24 + int(b[11:13]) - int(a[8:10]) * 24 - int(a[11:13]))
        gaps.append(hours)
    print(f"trap pairs within 12 hours: {sum(1 for g in gaps if g <= 12)}, "
          f"a day or more apart: {sum(1 for g in gaps if g >= 24)}")
    same_title = sum(1 for r in traps
                     if next(x for x in recs if x['id'] == r['gold']['note'][8:13])['title']
                     == r['title'])
    print(f"traps with the same headline as their pair: {same_title}")
    if LIST_TRAPS:
        by_id = {r["id"]: r for r in recs}
        for r in traps:
            other = by_id[r["gold"]["note"][8:].split(":")[0]]
            print(f"| {other['id']} / {r['id']} | {r['gold']['note'].split(': ', 1)[1]} |")
    stories = collections.defaultdict(list)
    for r in recs:
        stories[r["gold"]["story"]].append(r)
    print(f"stories: {len(stories)}")
    biggest = max(stories.items(), key=lambda kv: len(kv[1]))
    print(f"largest story with duplicates: {biggest[0]} ({len(biggest[1])} records)")
    sizes = collections.Counter()
    for members in stories.values():
        n_unique = sum(1 for r in members if r["gold"]["kind"] == "unique")
        sizes[n_unique] += 1
    print("stories by number of unique records: " +
          ", ".join(f"{k}: {v}" for k, v in sorted(sizes.items())))
    multi_day = sum(1 for m in stories.values()
                    if len({r["published_at"][:10] for r in m if r["gold"]["kind"] == "unique"}) > 1)
    print(f"stories whose unique records span more than one day: {multi_day}")


if __name__ == "__main__":
    sys.exit(main())
