#!/usr/bin/env python3
"""Writes crafted feed bodies of a given size (default 16 MiB, the fetcher's max_bytes) into a
directory, one file per construct that may cost the feed parser memory or time out of
proportion to its size. Measure each with the feed_parse_memory binary (bench/feed_parse_memory.cc).

    bench/hostile_feeds.py OUT_DIR [--bytes N]
"""
import argparse
import os

RSS_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>t</title>'
RSS_TAIL = "</channel></rss>\n"


def repeat_to(unit, size):
    return unit * max(1, size // len(unit))


def inputs(size):
    body = size - len(RSS_HEAD) - len(RSS_TAIL)
    yield "empty_elements", RSS_HEAD + repeat_to("<a/>", body) + RSS_TAIL
    yield "unclosed_elements", RSS_HEAD + repeat_to("<a>", body)
    yield "closed_elements", RSS_HEAD + repeat_to("<a></a>", body) + RSS_TAIL
    yield "many_attributes", RSS_HEAD + repeat_to('<a b="" c="" d="" e="" f="" g=""/>', body) + RSS_TAIL
    attributes = "".join(f' a{i}=""' for i in range(body // 12))
    yield "one_tag_many_attributes", RSS_HEAD + "<a" + attributes + "/>" + RSS_TAIL
    yield "comments", RSS_HEAD + repeat_to("<!---->", body) + RSS_TAIL
    yield "many_items", RSS_HEAD + repeat_to("<item><title>x</title></item>", body) + RSS_TAIL
    yield "many_empty_items", RSS_HEAD + repeat_to("<item/>", body) + RSS_TAIL
    # Item start tags with attributes written without quotes, repaired before the parse.
    yield "unquoted_item_attributes", (RSS_HEAD + repeat_to('<item id=1 q=a"b&c hidden><title>x</title></item>', body)
                                       + RSS_TAIL)
    # One start tag of item names inside unquoted values that cannot be read (an unclosed quote
    # at its end): each item name in it must not read the rest of the tag again.
    yield "item_names_in_an_unreadable_tag", (RSS_HEAD + "<item" + repeat_to(" a=<item", body - 8)
                                              + " b='>" + RSS_TAIL)
    # Start tags inside items with attributes written without quotes, a '/' glued to the last
    # value (read ahead to the next '<' to tell an empty element from one with text).
    yield "unquoted_attributes_inside_items", (RSS_HEAD + repeat_to(
        '<item><guid isPermaLink=false>g</guid><enclosure url=http://x/a.mp3 length=1 type=audio/mpeg/>'
        '<category domain=http://x/>c</category><title>x</title></item>', body) + RSS_TAIL)
    yield "unquoted_empty_elements", RSS_HEAD + repeat_to("<a x=y/>", body) + RSS_TAIL
    # Glued slashes that read two ways: each looks past the CDATA section after it for its own end
    # tag, and each URL's is weighed against every URL the document writes (kept for at most 1024).
    yield "glued_slashes_before_cdata", RSS_HEAD + repeat_to("<a x=y/><![CDATA[z]]>", body) + RSS_TAIL
    yield "glued_slashes_after_urls", (RSS_HEAD + repeat_to("<a u=http://x/a.png/> http://x/a.png ", body)
                                       + RSS_TAIL)
    # In ISO-2022-JP, a "<!--" inside a two-byte run after each glued slash: the repair skips the
    # run, and the look-ahead for the tag's own end tag must not read on for that comment's end.
    iso_head = RSS_HEAD.replace("UTF-8", "ISO-2022-JP")
    yield "glued_slashes_before_iso2022_runs", (iso_head + repeat_to("<a x=y/>\x1b$B<!--\x1b(B", body)
                                                + RSS_TAIL)
    # Items written with a prefix the document declares nowhere, read as items (and so noted).
    yield "undeclared_prefixed_items", (RSS_HEAD + repeat_to("<rss:item><rss:title>x</rss:title></rss:item>", body)
                                        + RSS_TAIL)
    # One start tag of tag names inside unquoted values, unreadable (an unclosed quote at its end)
    # or readable but of more attributes than are repaired (it ends in "/>"), so left as written:
    # each name in it must not read the rest of the tag again.
    yield "tag_names_in_an_unreadable_tag", (RSS_HEAD + "<guid" + repeat_to(" a=<guid", body - 8)
                                             + " b='>" + RSS_TAIL)
    yield "tag_names_in_a_repaired_tag", (RSS_HEAD + "<guid" + repeat_to(" a=<guid", body - 8)
                                          + "/>" + RSS_TAIL)
    yield "deep_nesting", RSS_HEAD + repeat_to("<a>", body // 2) + repeat_to("</a>", body // 2) + RSS_TAIL
    # Markup escaped in a description: one text node in XML, then parsed as HTML.
    yield "escaped_markup", (RSS_HEAD + "<item><title>x</title><description>"
                             + repeat_to("&lt;b&gt;x&lt;/b&gt;", body - 64) + "</description></item>"
                             + RSS_TAIL)
    yield "escaped_deep_markup", (RSS_HEAD + "<item><title>x</title><description>"
                                  + repeat_to("&lt;div&gt;", body - 64) + "</description></item>"
                                  + RSS_TAIL)
    yield "entity_references", ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY e "x">]>\n'
                                + RSS_HEAD[RSS_HEAD.index("<rss"):]
                                + "<item><title>x</title><description>"
                                + repeat_to("&e;", body - 96) + "</description></item>" + RSS_TAIL)
    laughs = "".join(f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    yield "entity_expansion", ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY l0 "lol">' + laughs + "]>\n"
                               + RSS_HEAD[RSS_HEAD.index("<rss"):]
                               + "<item><title>x</title><description>&l9;</description></item>"
                               + RSS_TAIL)
    # Damaged documents (an unclosed quote in their first item) whose root start tag is half the
    # body, as many attributes or as 1000 long ones: every item read alone is wrapped in that tag.
    items = repeat_to("<item><title>x</title></item>", body // 2)
    damage = '<channel><item><title a="x></title></item>'
    for name, attribute in (("damaged_root_many_attributes", ' a{i}=""'),
                            ("damaged_huge_root", ' a{i}="' + "v" * (body // 2000) + '"'),
                            ("damaged_huge_namespaces", ' xmlns:p{i}="' + "u" * (body // 2000) + '"')):
        count = 1000 if "{i}=\"\"" not in attribute else body // 24
        root = '<rss version="2.0"' + "".join(attribute.format(i=i) for i in range(count)) + ">"
        yield name, '<?xml version="1.0"?>\n' + root + damage + items + RSS_TAIL
    yield "json_items", ('{"version":"https://jsonfeed.org/version/1.1","title":"t","items":['
                         + repeat_to("{},", body - 96) + "{}]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--bytes", type=int, default=16 << 20)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    for name, text in inputs(args.bytes):
        with open(os.path.join(args.out_dir, name + ".xml"), "w", encoding="utf-8") as out:
            out.write(text)


if __name__ == "__main__":
    main()
