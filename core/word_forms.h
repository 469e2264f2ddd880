#pragma once
// Canonical word forms for matching headlines against each other: the form two spellings of the
// same word share. Works on tokens that NormalizeForMatching already lower-cased and folded.
//
//   CanonicalWordForm("centre")    -> "center"      British -> American spelling
//   CanonicalWordForm("finalises") -> "finalizes"
//   CanonicalWordForm("bln")       -> "billion"     wire abbreviations
//   CanonicalWordForm("three")     -> "3"           number words, so numbers can veto a match
//
// The mapping only has to be consistent, not linguistically right: both sides of a comparison go
// through it, so an odd form ("advertize") harms nothing unless it collides with another real
// word, which the rules below avoid. Pure, thread-safe, allocation-free when nothing changes.

#include <string>
#include <string_view>

namespace headwire::core {

// Returns the canonical form of `token`. `scratch` holds a rewritten form; the result points
// either into `token`, into a static table or into `scratch`.
std::string_view CanonicalWordForm(std::string_view token, std::string& scratch);

// True for function words and reporting verbs that carry no meaning on their own for matching
// ("the", "of", "says", "percent").
bool IsStopWord(std::string_view token);

}  // namespace headwire::core
