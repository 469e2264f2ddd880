#pragma once
// Story concepts: the form a word takes when coverage of one event in different words is compared.
// Unlike near-duplicate matching, which needs the exact words, stories need the shared meaning:
//
//   StoryConcept("launches")  -> "launch"   Snowball's English stemmer
//   StoryConcept("ukrainian") -> "ukrain"   demonyms and capitals map to their country
//   StoryConcept("quake")     -> "earthquak" common news paraphrases share one concept
//
// The tables cover general news vocabulary (countries, capitals, demonyms, newsroom synonyms,
// institutions); they were written from general knowledge, and extended while reading errors on
// the tuning streams (data/sample, data/tuning), never on an evaluation stream.
// Pure and thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace headwire::core {

// The Snowball English stem (core/english_stemmer.h: "launches", "launched" -> "launch",
// "companies" -> "compani"). Words of 3 letters or fewer and numbers are kept as they are.
std::string Stem(std::string_view word);

// Stem into a caller-owned string (replaced), so a hot loop can reuse its capacity.
void StemInto(std::string_view word, std::string& out);

// Asks for the memory StemInto(word) will read first (PrefetchSnowballStem); changes nothing.
void PrefetchStem(std::string_view word);

// The concept of a canonical token (CanonicalWordForm output), stemmed, without a final -e.
std::string StoryConcept(std::string_view token);

// StoryConcept for a hot loop: `country` must be CountryOf(token) (the caller usually needs it
// too); the result is written to `scratch` and the view points into it.
std::string_view StoryConcept(std::string_view token, std::optional<std::string_view> country,
                              std::string& scratch);

// The country (or bloc) a canonical token names, by name, demonym or capital; nullopt for any
// other word. Two reports whose countries are disjoint are about different events.
std::optional<std::string_view> CountryOf(std::string_view token);

// The concept that two consecutive canonical content tokens name together, beyond their words:
// "federal reserve" -> "fed", "central bank" -> "centralbank", "chief executive" -> "ceo", and
// rate moves written out: "quarter point" and "25 basis" (points) -> "25bp". nullopt otherwise.
std::optional<std::string> StoryPhrase(std::string_view previous, std::string_view token);

// The country (or bloc) whose institution a story concept names: "fed" -> "us", "ecb" -> "eu",
// "boj" -> "japan". nullopt for any other concept.
std::optional<std::string_view> JurisdictionOf(std::string_view concept_);

}  // namespace headwire::core
