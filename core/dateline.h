#pragma once
// BodyAfterDateline: a wire article's body without the dateline or outlet tag it opens with
// ("LONDON (Reuters) - ", "(Bloomberg) -- ", "NEW YORK (AP) — "). Such a tag says where and by
// whom a story was filed, not what it is about, and two wires' copies of one story differ in it;
// the story features (headline_features.h) and the topic classifier read the body without it.
// Pure and thread-safe.
//
// Recognised only in the conservative wire form: a source in parentheses (at most 40 bytes) that
// opens within the body's first 50 bytes, followed by a separator (-, --, :, |, an en or an em
// dash), with before it nothing but a place in capitals and, after a comma, words in capitals or
// digits, a month next to a number, or a state's abbreviation ("BEIJING, Oct 5 (Reuters) - ",
// "CAPE CANAVERAL, Fla. (AP) - "). Anything else is returned unchanged, so "NASA - the agency
// said", "Apple Inc (AAPL.O) - ", "APPLE, Inc. (AAPL) - " and "Athens, Greece (Sports Network) - "
// keep their words. Known false positives, all in capitals: a subject with a parenthesised ticker
// ("NVIDIA (NVDA) - ") or a list of names ("US, EU (joint statement) - ").

#include <cstddef>
#include <string_view>

namespace headwire::core {

// `body` after its leading dateline or outlet tag and the spaces around the separator; `body`
// itself when it does not open with one.
std::string_view BodyAfterDateline(std::string_view body);

// Length of the wire separator at the start of `text` ("-", "--", ":", "|", an en or an em dash),
// or 0. Also what ends a title's wire tag ("UPDATE 2-", headline_features.h).
size_t WireSeparatorLength(std::string_view text);

}  // namespace headwire::core
