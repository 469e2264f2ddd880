#include "core/near_duplicate.h"

#include <algorithm>

#include "core/similarity_hash.h"

namespace headwire::core {
namespace {

bool IsSubset(const std::vector<uint64_t>& small, const std::vector<uint64_t>& large) {
  return std::includes(large.begin(), large.end(), small.begin(), small.end());
}

bool NumbersCompatible(const std::vector<uint64_t>& a, bool a_truncated,
                       const std::vector<uint64_t>& b, bool b_truncated) {
  if (a == b) return true;
  if (a_truncated && IsSubset(a, b)) return true;
  if (b_truncated && IsSubset(b, a)) return true;
  return false;
}

// A rewritten headline may drop a number or lift one from the body; its numbers conflict only
// when both titles have numbers and neither set contains the other.
bool TitleNumbersConflict(const HeadlineFeatures& a, const HeadlineFeatures& b) {
  return !IsSubset(a.title_numbers, b.title_numbers) && !IsSubset(b.title_numbers, a.title_numbers);
}

bool TitlesMatch(const HeadlineFeatures& a, const HeadlineFeatures& b,
                 const NearDuplicateOptions& options) {
  if (a.title_tokens.empty() || b.title_tokens.empty()) return false;
  if (!a.truncated && !b.truncated) return a.title_tokens == b.title_tokens;
  const HeadlineFeatures* shorter = &a;
  const HeadlineFeatures* longer = &b;
  if (b.title_tokens.size() < a.title_tokens.size() ||
      (b.title_tokens.size() == a.title_tokens.size() && b.truncated)) {
    std::swap(shorter, longer);
  }
  if (!shorter->truncated) return false;
  // The last token before the ellipsis may be a cut word: it counts only when it is whole.
  const size_t n = shorter->title_tokens.size();
  if (!std::equal(shorter->title_tokens.begin(), shorter->title_tokens.end() - 1,
                  longer->title_tokens.begin())) {
    return false;
  }
  const size_t matched = shorter->title_tokens.back() == longer->title_tokens[n - 1] ? n : n - 1;
  return matched >= options.min_truncated_tokens && 2 * matched >= longer->title_tokens.size();
}

}  // namespace

NearDuplicateMatch MatchNearDuplicate(const HeadlineFeatures& earlier,
                                      const HeadlineFeatures& later,
                                      const NearDuplicateOptions& options) {
  const bool titles_match = NumbersCompatible(earlier.title_numbers, earlier.truncated,
                                              later.title_numbers, later.truncated) &&
                            TitlesMatch(earlier, later, options);
  if (!earlier.has_body || !later.has_body) {
    return titles_match ? NearDuplicateMatch::kTitle : NearDuplicateMatch::kNone;
  }
  const int distance = HammingDistance(earlier.body_simhash, later.body_simhash);
  const bool body_numbers_agree = IsSubset(earlier.body_numbers, later.body_numbers) ||
                                  IsSubset(later.body_numbers, earlier.body_numbers);
  if (titles_match && distance <= options.agreeing_body_bits && body_numbers_agree) {
    return NearDuplicateMatch::kTitle;
  }
  // The same body is evidence only when it is about the articles. The bodies are one text, so it
  // is enough that one of them echoes its own title: a partner's lede may echo only its own
  // rewritten headline.
  const bool body_tells = earlier.body_about_title || later.body_about_title;
  if (body_tells && distance <= options.same_body_bits &&
      earlier.body_numbers == later.body_numbers && !TitleNumbersConflict(earlier, later)) {
    return NearDuplicateMatch::kBody;
  }
  return NearDuplicateMatch::kNone;
}

bool CountriesDisagree(const HeadlineFeatures& a, const HeadlineFeatures& b) {
  if (a.countries.empty() || b.countries.empty()) return false;
  return !SortedShareAValue(a.countries, b.countries);
}

// A slot (number or name) at position i of `a` that the other title does not have anywhere: a
// real change, not a word that moved.
bool SlotChanged(const HeadlineFeatures& a, size_t i, const HeadlineFeatures& b) {
  return a.title_slots[i] && std::find(b.title_tokens.begin(), b.title_tokens.end(),
                                       a.title_tokens[i]) == b.title_tokens.end();
}

bool AreConflictingTwins(const HeadlineFeatures& a, const HeadlineFeatures& b) {
  const size_t na = a.title_tokens.size(), nb = b.title_tokens.size();
  if (na < 3 || nb < 3) return false;
  // Align the titles on their common beginning and end; what is left in the middle is what
  // changed.
  size_t prefix = 0;
  while (prefix < na && prefix < nb && a.title_tokens[prefix] == b.title_tokens[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < na - prefix && suffix < nb - prefix &&
         a.title_tokens[na - 1 - suffix] == b.title_tokens[nb - 1 - suffix]) {
    ++suffix;
  }
  const size_t changed_a = na - prefix - suffix, changed_b = nb - prefix - suffix;
  if (changed_a == 0 && changed_b == 0) {
    if (!a.has_body || !b.has_body || a.body_numbers.empty() || b.body_numbers.empty()) {
      return false;
    }
    return !IsSubset(a.body_numbers, b.body_numbers) && !IsSubset(b.body_numbers, a.body_numbers);
  }
  if (na == nb) {
    // Same length: compare position by position, so that two changed slots far apart
    // ("Finland ... by 2029" / "Denmark ... by 2030") are still seen.
    size_t differing = 0;
    bool slot_changed = false;
    for (size_t i = 0; i < na; ++i) {
      if (a.title_tokens[i] == b.title_tokens[i]) continue;
      ++differing;
      slot_changed = slot_changed || SlotChanged(a, i, b) || SlotChanged(b, i, a);
    }
    if (slot_changed && 3 * differing <= na + 1) return true;
  }
  if (changed_a == 0 || changed_b == 0 || changed_a > 3 || changed_b > 3) return false;
  if (2 * (prefix + suffix) < std::max(na, nb) || prefix + suffix < 2) return false;
  for (size_t i = prefix; i < na - suffix; ++i) {
    if (SlotChanged(a, i, b)) return true;
  }
  for (size_t i = prefix; i < nb - suffix; ++i) {
    if (SlotChanged(b, i, a)) return true;
  }
  return false;
}

bool ShareBoilerplateBody(const HeadlineFeatures& a, const HeadlineFeatures& b,
                          const NearDuplicateOptions& options) {
  return a.has_body && b.has_body && !a.body_about_title && !b.body_about_title &&
         HammingDistance(a.body_simhash, b.body_simhash) <= options.same_body_bits;
}

}  // namespace headwire::core
