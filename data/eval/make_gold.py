#!/usr/bin/python3
"""Builds dedup_gold.jsonl from the hand-written stories.txt (or, with --stories, --out and
--id-prefix, another labelled stream from another source, such as data/tuning/).

stories.txt holds every original article, written by hand, grouped by story. Duplicates are
declared there too, as a variation applied to a named original; this script applies the
variation mechanically (tracking parameters, AMP URLs, prefixes, entities, ...) so that the
label and the text can never disagree. The output is sorted by published_at and is the same
on every run.

Syntax of stories.txt (one item a line, '#' starts a comment line):
  S <story-slug>          (S+ <story-slug> continues a story declared earlier)
  <label|-> MMDD HH:MM | <outlet code> | <title> | <body or empty> [| trap=<label>;<type>;<text>]
  = <variation> | <label of original> | +<minutes> [| arg [| arg2]]
A trap's type is template, number, actor or lookalike. Variations: exact = utm, fbclid, amp-host,
amp-path, amp-query, mobile, www, resend, synd; near = prefix, suffix, bodyprefix, case, quotes,
entities, spelling, trunc, changed, rewrite (see make_dup for their arguments).
"""

import argparse
import html
import json
import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent

# code -> (name, domain, url style)
OUTLETS = {
    "MW": ("Meridian Wire", "meridianwire.example", "wire"),
    "AN": ("Atlas Newswire", "atlasnewswire.example", "dated"),
    "NT": ("Northgate Times", "northgatetimes.example", "dated"),
    "BP": ("Bayline Post", "baylinepost.example", "section"),
    "OW": ("Orbitwatch", "orbitwatch.example", "section"),
    "TD": ("Tensor Daily", "tensordaily.example", "section"),
    "LV": ("Ledger & Vale", "ledgervale.example", "dated"),
    "FR": ("Frontline Report", "frontlinereport.example", "dated"),
    "CC": ("Coastal Courier", "coastalcourier.example", "dated"),
    "MS": ("Metro Syndicate", "metrosyndicate.example", "numbered"),
    "PN": ("Pulse News", "pulsenews.example", "numbered"),
    "QR": ("Quarry Review", "quarryreview.example", "section"),
    "SH": ("Sunhill Herald", "sunhillherald.example", "dated"),
}

EXACT = {"utm", "fbclid", "amp-host", "amp-path", "amp-query", "mobile", "www", "resend", "synd"}
NEAR = {"prefix", "suffix", "bodyprefix", "case", "quotes", "entities", "spelling", "trunc",
        "changed", "rewrite"}

# British <-> American pairs; a spelling variant swaps every pair it finds.
SPELLING = [("defence", "defense"), ("programme", "program"), ("centre", "center"),
            ("organisation", "organization"), ("favour", "favor"), ("labour", "labor"),
            ("authorise", "authorize"), ("criticise", "criticize"), ("modernise", "modernize"),
            ("finalise", "finalize"), ("harbour", "harbor"), ("neighbour", "neighbor"),
            ("licence", "license"), ("tonnes", "tons"), ("jewellery", "jewelry"),
            ("analyse", "analyze"), ("colour", "color"), ("vapour", "vapor"), ("offence", "offense"),
            ("stabilise", "stabilize"), ("mobilise", "mobilize"), ("recognise", "recognize"),
            ("aluminium", "aluminum"), ("tyre", "tire"),
            ("fuelled", "fueled"), ("cancelled", "canceled"), ("travellers", "travelers")]


def slugify(text, words=9):
    text = html.unescape(text).lower().replace("’", "").replace("'", "")
    parts = re.findall(r"[a-z0-9]+", text)
    return "-".join(parts[:words])


class StoryNumber:
    """Numbered-style outlets give each URL the next story number."""

    value = 4100


USED_URLS = set()


def make_url(code, when, title):
    """A fresh URL in the outlet's style; a repeated slug gets -2, -3 like a CMS would."""
    url = style_url(code, when, title)
    n = 1
    candidate = url
    while candidate in USED_URLS:
        n += 1
        candidate = f"{url}-{n}"
    USED_URLS.add(candidate)
    return candidate


def style_url(code, when, title):
    _, domain, style = OUTLETS[code]
    slug = slugify(title)
    if style == "wire":
        return f"https://www.{domain}/article/{slug}-id{when:%m%d%H%M}"
    if style == "section":
        return f"https://www.{domain}/news/{when:%Y-%m-%d}/{slug}"
    if style == "numbered":
        StoryNumber.value += 37
        return f"https://www.{domain}/story/{StoryNumber.value}/{slug}"
    return f"https://www.{domain}/{when:%Y/%m/%d}/{slug}"


def swap_spelling(text):
    """Swaps every British/American pair found; True if anything changed."""
    out = text
    for uk, us in SPELLING:
        for a, b in ((uk, us), (us, uk)):
            pattern = re.compile(r"\b" + a + r"(s|d|ed|ing|r)?\b", re.IGNORECASE)
            if pattern.search(out):
                out = pattern.sub(lambda m, b=b: keep_case(m.group(0), b + (m.group(1) or "")), out)
                break
    return out, out != text


def keep_case(old, new):
    return new[0].upper() + new[1:] if old[0].isupper() else new


def title_case(text):
    return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))


def parse_time(s):
    return datetime.strptime("2026" + s, "%Y%m%d %H:%M").replace(tzinfo=timezone.utc)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=Path, default=HERE / "stories.txt",
                        help="hand-written source (default: stories.txt next to this script)")
    parser.add_argument("--out", type=Path, default=HERE / "dedup_gold.jsonl",
                        help="output stream (default: dedup_gold.jsonl next to this script)")
    parser.add_argument("--id-prefix", default="g", help="letter before record numbers")
    args = parser.parse_args()
    lines = args.stories.read_text(encoding="utf-8").splitlines()
    items = []  # dicts with internal fields
    by_label = {}
    story = None
    seen_stories = set()
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            if line.startswith("S+ "):  # continue a story declared earlier
                story = line[3:].strip()
                if story not in seen_stories:
                    raise ValueError(f"story {story} continued before it was declared")
                continue
            if line.startswith("S "):
                story = line[2:].strip()
                if story in seen_stories:
                    raise ValueError(f"story {story} declared twice")
                seen_stories.add(story)
                continue
            if line.startswith("="):
                items.append(make_dup(line, story, by_label))
                continue
            items.append(make_original(line, story, by_label))
        except (ValueError, KeyError, IndexError, AssertionError) as e:
            sys.exit(f"stories.txt:{n}: {e!r}: {raw}")

    order = sorted(range(len(items)), key=lambda i: (items[i]["when"], i))
    next_id = 1
    for i in order:
        it = items[i]
        if it["variation"] == "resend":
            continue
        it["id"] = f"{args.id_prefix}{next_id:04d}"
        next_id += 1
    out = []
    for i in order:
        it = items[i]
        if it["variation"] == "resend":
            it["id"] = it["ref"]["id"]
        rec = {
            "id": it["id"],
            "title": it["title"],
            "body": it["body"],
            "url": it["url"],
            "source": it["source"],
            "published_at": it["when"].strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        note = it["note"]
        if it["trap"] is not None:
            ref, ttype, text = it["trap"]
            note = f"trap of {ref['id']}: {ttype} — {text}"
        elif it["kind"] != "unique":
            note = note.replace("@REF", it["ref"]["id"])
        rec["gold"] = {
            "story": it["story"],
            "duplicate_of": it["ref"]["id"] if it["ref"] else None,
            "kind": it["kind"],
            "note": note,
        }
        out.append(json.dumps(rec, ensure_ascii=False))
    args.out.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"wrote {len(out)} records")


def make_original(line, story, by_label):
    assert story, "article before any story"
    fields = [f.strip() for f in line.split("|")]
    head, code, title, body = fields[:4]
    label, day, hm = head.split()
    when = parse_time(f"{day} {hm}")
    name = OUTLETS[code][0]
    it = {"story": story, "when": when, "source": name, "code": code, "title": title,
          "body": body, "url": make_url(code, when, title), "kind": "unique", "ref": None,
          "variation": "original", "trap": None, "note": "original"}
    if len(fields) > 4 and fields[4]:
        spec = fields[4]
        assert spec.startswith("trap="), spec
        ref_label, ttype, text = spec[5:].split(";", 2)
        assert ttype in ("template", "number", "actor", "lookalike"), ttype
        ref = by_label[ref_label]
        assert ref["when"] < when, "trap must name an earlier record"
        assert ref["story"] != story, "trap inside one story"
        it["trap"] = (ref, ttype, text)
    if label != "-":
        assert label not in by_label, f"label {label} reused"
        by_label[label] = it
    return it


def make_dup(line, story, by_label):
    fields = [f.strip() for f in line[1:].split("|")]
    variation, ref_label, delta = fields[:3]
    args = fields[3:]
    ref = by_label[ref_label]
    while ref["ref"] is not None:  # a duplicate of a duplicate points at the group's first
        ref = ref["ref"]
    assert ref["story"] == story, f"{ref_label} belongs to {ref['story']}"
    assert delta.startswith("+")
    src = by_label[ref_label]
    when = src["when"] + timedelta(minutes=int(delta[1:]))
    it = dict(src)
    it.update(when=when, ref=ref, variation=variation, trap=None, story=story)
    url = src["url"]
    if variation in EXACT:
        it["kind"] = "exact"
        if variation == "utm":
            medium = args[0] if args else "social"
            it["url"] = f"{url}?utm_source=newsletter&utm_medium={medium}&utm_campaign=am_brief"
            it["note"] = "utm — URL of @REF plus utm_* tracking parameters"
        elif variation == "fbclid":
            it["url"] = f"{url}?fbclid=IwAR{abs(hash_text(url)) % 10**10:010d}xq"
            it["note"] = "fbclid — URL of @REF plus an fbclid parameter"
        elif variation == "amp-host":
            it["url"] = url.replace("://www.", "://amp.")
            it["note"] = "amp-host — amp. host variant of @REF's URL"
        elif variation == "amp-path":
            it["url"] = url + "/amp"
            it["note"] = "amp-path — /amp path variant of @REF's URL"
        elif variation == "amp-query":
            it["url"] = url + "?outputType=amp"
            it["note"] = "amp-query — ?outputType=amp variant of @REF's URL"
        elif variation == "mobile":
            it["url"] = url.replace("://www.", "://m.")
            it["note"] = "mobile — m. host variant of @REF's URL"
        elif variation == "www":
            it["url"] = url.replace("https://www.", "http://") + "/"
            it["note"] = "www — http, no www., trailing slash on @REF's URL"
        elif variation == "resend":
            it["when"] = src["when"]
            it["note"] = "resend — byte-identical resend of @REF with the same id"
        elif variation == "synd":
            code = args[0]
            it.update(source=OUTLETS[code][0], code=code, url=make_url(code, when, src["title"]))
            it["note"] = "synd — same title and body as @REF under another outlet's URL"
        assert "?" not in url
        return it
    assert variation in NEAR, variation
    it["kind"] = "near"
    it["url"] = None
    title, body = src["title"], src["body"]
    if variation == "prefix":
        prefix = args[0] + ("" if args[0].endswith("-") else " ")
        if len(args) > 1:
            code = args[1]
            it.update(source=OUTLETS[code][0], code=code)
            it["url"] = make_url(code, when, title)
        it["title"] = prefix + title
        it["note"] = f"prefix — wire prefix '{args[0]}' on @REF's headline"
    elif variation == "suffix":
        sep = {"dash": "-", "bar": "|"}[args[0] if args else "dash"]
        it["title"] = f"{title} {sep} {src['source']}"
        it["body"] = ""
        it["url"] = make_url(src["code"], when, title).replace("://www.", "://feeds.")
        it["note"] = f"suffix — source suffix ' {sep} {src['source']}' on @REF's headline (feed copy)"
    elif variation == "bodyprefix":
        code = args[0]
        assert body, "bodyprefix needs a body"
        it.update(source=OUTLETS[code][0], code=code, url=make_url(code, when, title))
        it["body"] = f"({src['source']}) -- {body}"
        it["note"] = f"bodyprefix — '({src['source']}) --' dateline added to @REF's body"
    elif variation == "case":
        assert body, "case variant needs an original body"
        mode = args[0]
        it["title"] = {"upper": title.upper(), "title": title_case(title),
                       "lower": title.lower()}[mode]
        it["body"] = ""
        it["note"] = f"case — {mode} case of @REF's headline, no body"
    elif variation == "quotes":
        assert body, "quotes variant needs an original body"
        t = re.sub(r'"([^"]*)"', "“\\1”", title)
        t = re.sub(r"(^|\s)'", "\\1‘", t).replace("'", "’")
        if t == title:
            t = title.replace("’", "'").replace("“", '"').replace("”", '"')
        it["title"] = t
        it["body"] = ""
        it["note"] = "quotes — straight/curly quotes swapped in @REF's headline, no body"
    elif variation == "entities":
        assert body, "entities variant needs an original body"
        t = title.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&quot;")
        t = t.replace("’", "&#8217;").replace("€", "&#8364;")
        it["title"] = t
        it["body"] = ""
        it["note"] = "entities — HTML entities in @REF's headline, no body"
    elif variation == "spelling":
        t, ok = swap_spelling(title)
        assert ok, "no British/American word in the headline"
        b, _ = swap_spelling(body)
        it["title"], it["body"] = t, b
        if len(args) > 0:
            code = args[0]
            it.update(source=OUTLETS[code][0], code=code, url=make_url(code, when, t))
        it["note"] = "spelling — British/American spelling of @REF"
    elif variation == "trunc":
        mark = args[0] if args else "..."
        words = title.split(" ")
        keep = int(args[1]) if len(args) > 1 else max(3, len(words) * 2 // 3)
        it["title"] = " ".join(words[:keep]).rstrip(",:;") + mark
        it["body"] = ""
        it["note"] = f"trunc — @REF's headline truncated with '{mark}'"
    elif variation == "changed":
        it["title"] = args[0]
        it["url"] = url
        it["note"] = "changed — updated headline, one word changed, at @REF's URL"
    elif variation == "rewrite":
        code = args[0]
        assert body, "rewrite needs a body"
        it.update(source=OUTLETS[code][0], code=code, title=args[1])
        it["url"] = make_url(code, when, args[1])
        it["note"] = "rewrite — @REF's wire body republished by a partner under a new headline"
    if variation in ("case", "quotes", "entities", "trunc", "changed", "spelling"):
        assert it["title"] != title, f"{variation} left the headline unchanged"
    assert it["title"] != title or it["body"] != body, f"{variation} changed nothing"
    if it["url"] is None:
        it["url"] = make_url(it["code"], when, it["title"])
    return it


def hash_text(s):
    h = 1469598103934665603
    for ch in s.encode():
        h = ((h ^ ch) * 1099511628211) % (1 << 64)
    return h


if __name__ == "__main__":
    main()
