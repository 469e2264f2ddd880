"""The benchmark stream: AG News (test split) and Reuters-21578 articles from ../shared/data,
alternating, each as a title with a lede (the first 280 characters of its body), a URL of its own
(https://agnews.example/a/N, https://reuters.example/a/N), its outlet as the source and an event
time 15 s after the previous one. About 390 bytes per record on the raw topic; the embedded
broker keeps about 5 MiB per partition, so 12,000 records is about the most one raw partition
holds. Past the end of a collection it starts over with the same titles (new ids, URLs, times).

Also `copies`: a labelled stream (the UCI slice) repeated, for the benchmarks that read it.
"""

import json
import os

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Beside the repository; a worktree under wt/ finds it one level further up.
SHARED = os.path.normpath(next((p for p in (os.path.join(_REPO, "..", "shared", "data"),
                           os.path.join(_REPO, "..", "..", "shared", "data")) if os.path.isdir(p)),
              os.path.join(_REPO, "..", "shared", "data")))
START_MS = 1772409600000  # 2026-03-02T00:00:00Z
SPACING_MS = 15000
LEDE_CHARS = 280


def _read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def records(count, first=0, shared=SHARED):
    """Returns an iterator over records first..first + count - 1 as JSON lines (`headwire
    produce` input); the collections are read before it returns."""
    collections = [
        ("agnews", "AG News", _read(os.path.join(shared, "ag_news", "test.jsonl"))),
        ("reuters", "Reuters",
         [r for r in _read(os.path.join(shared, "reuters21578", "reuters21578.jsonl"))
          if r.get("title")]),
    ]

    def line(i):
        host, source, articles = collections[i % 2]
        r = articles[(i // 2) % len(articles)]
        body = (r.get("body") or "").replace("\\", " ")
        return json.dumps({
            "id": f"b{i}",
            "title": r["title"],
            "body": body[:LEDE_CHARS],
            "url": f"https://{host}.example/a/{i}",
            "source": source,
            "published_at": START_MS + i * SPACING_MS,
        }) + "\n"

    return map(line, range(first, first + count))


def write_stream(count, path, shared=SHARED):
    """Writes `count` records to `path` (JSON lines, `headwire produce` input)."""
    with open(path, "w", encoding="utf-8") as out:
        out.writelines(records(count, shared=shared))
    return count


DAY_MS = 24 * 3600 * 1000


def copies(path, count):
    """Returns the records of the JSON Lines stream at `path` `count` times over as JSON lines
    (`headwire produce` input): copy c gives each record the id "c<c>-<id>", its URL a query
    parameter copy=<c> and its event time c * 30 days later, so that no copy is a duplicate of
    another or falls in another's story window."""
    base = _read(path)
    return [json.dumps({
        "id": f"c{copy}-{r['id']}",
        "title": r["title"],
        "url": r["url"] + ("&" if "?" in r["url"] else "?") + f"copy={copy}",
        "source": r["source"],
        "published_at": r["published_at"] + copy * 30 * DAY_MS,
    }) + "\n" for copy in range(count) for r in base]
