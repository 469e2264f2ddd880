#pragma once
// BodyAfterDateline: a wire article's body without the dateline it opens with ("ATHENS (Reuters)
// - ", "Athens, Greece (Sports Network) - ", "WASHINGTON — "), for the topic classifier. A
// dateline says where a story was filed, not what it is about, yet its place names read as
// geopolitics: a sports report from Athens is not news about Greece. Pure and thread-safe.
//
// A dateline is recognised when the body's first 64 bytes hold a dash (-, --, en or em dash)
// between spaces (or after a closing parenthesis), and what comes before it is a place of at most
// five words, starting with a capital letter and made of letters, digits, spaces and ",.'&"
// (so "BEIJING, Oct 5" qualifies), followed either by a source in parentheses ("(Reuters)") or,
// without one, written in capitals ("WASHINGTON"). Anything else is returned unchanged: "Apple -
// the company said" keeps its first word.

#include <string_view>

namespace headwire::core {

// `body` after its leading dateline and the spaces that follow it; `body` itself when it does not
// open with one.
std::string_view BodyAfterDateline(std::string_view body);

}  // namespace headwire::core
