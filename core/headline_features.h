#pragma once
// What near-duplicate detection and story clustering know of an article: its title stripped of
// wire decorations and reduced to canonical content tokens, the numbers and names in it, a
// SimHash of the body, and the weighted terms of title and lede. Computed once per article by a
// pure function; everything is a 64-bit token hash, so features are small and comparisons cheap.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace headwire::core {

struct HeadlineFeatureOptions {
  // How many content tokens of the body count as the lede for story terms. Default: 40.
  size_t lede_tokens = 40;
  // Weight of a title term and of a lede-only term in story similarity. Defaults: 2 and 1.
  uint8_t title_weight = 2;
  uint8_t lede_weight = 1;
};

struct StoryTerm {
  uint64_t hash = 0;
  uint8_t weight = 0;
  // The term comes from the lede alone, not from the title. Read only when a new article is
  // decided (a lede that turns out to be boilerplate gives no story terms); the window does not
  // keep it.
  bool lede_only = false;
  friend bool operator==(const StoryTerm&, const StoryTerm&) = default;
};

struct HeadlineFeatures {
  // Content tokens of the cleaned title in order: canonical forms, stop words removed. When
  // `truncated`, the last one may be a word cut short.
  std::vector<uint64_t> title_tokens;
  // Parallel to title_tokens: true for a number or a name (a capitalised word of a sentence-case
  // title, the first included, or an acronym). A Title Case or ALL CAPS title has numbers only:
  // its capitals cannot tell a name from a word. A changed slot of this kind turns a look-alike
  // into another event.
  std::vector<bool> title_slots;
  std::vector<uint64_t> title_numbers;  // sorted, unique
  bool truncated = false;               // the title ended in "..." or "…"
  bool has_body = false;
  uint64_t body_simhash = 0;  // over body bigrams of content tokens; 0 without body
  // The lede shares a story term with the title. A body that does not (a paywall notice, "Read
  // more.", a photo credit that a feed prints under every item) tells nothing of what the article
  // is about, so two such bodies alike are no evidence that the articles are one.
  bool body_about_title = false;
  std::vector<uint64_t> body_numbers;  // sorted, unique
  std::vector<uint64_t> countries;     // TokenHash of CountryOf(...) in title and lede, sorted
  std::vector<StoryTerm> terms;  // story terms (story_terms.h) of title and lede, by hash, unique
  // Story-term hashes of the names in a sentence-case title (title_slots that are neither numbers
  // nor countries), sorted, unique; empty for a Title Case or ALL CAPS title. Evidence for the
  // story of a new article only: the window does not keep them.
  std::vector<uint64_t> title_names;
};

// The title as plain text (MarkupToPlainText: HTML tags dropped, entities decoded), without what
// wires and aggregators add around the same headline: leading tags
// ("UPDATE 2-", "EXCLUSIVE-", "BREAKING:"), a trailing outlet ("... - Orbital Wire",
// "... | Capitol Post") and a trailing ellipsis (which sets `truncated`).
std::string StripTitleDecorations(std::string_view title, bool& truncated);

// Stable hash of a canonical token.
uint64_t TokenHash(std::string_view token);

// Whether two ascending vectors of token hashes (such as `countries`) have a value in common; one
// merge walk, O(|a| + |b|).
bool SortedShareAValue(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

HeadlineFeatures ExtractHeadlineFeatures(std::string_view title, std::string_view body,
                                         const HeadlineFeatureOptions& options = {});

}  // namespace headwire::core
