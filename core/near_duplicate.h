#pragma once
// The pairwise rules that confirm a near-duplicate candidate, and the look-alike ("template
// twin") test that keeps traps out of one story. Candidates come from MinHash/SimHash keys
// (recent_articles.h); these rules decide. Pure functions of two articles' features.
//
// A later article is a near duplicate of an earlier one when
//  - title path: the cleaned titles have the same content tokens in the same order (so case,
//    quotes, entities, spelling, wire tags and outlet suffixes do not matter), or one title was
//    truncated and is a prefix of the other; and, when both have a body, the bodies agree;
//  - body path: both bodies are the same text (SimHash within a few bits) under titles that may
//    have been rewritten, as syndication partners do, when the lede of one of them shares a
//    story term with its own title (boilerplate printed under every item of a feed, "Read more."
//    or a paywall notice, does not make two articles one);
// and in both cases the numbers agree: a title number present on one side only vetoes the match
// unless that side was truncated. Event time bounds every comparison (the caller's window).

#include <cstddef>

#include "core/headline_features.h"

namespace headwire::core {

struct NearDuplicateOptions {
  // Bodies whose SimHashes differ in at most this many bits are the same text (body path). The
  // SimHash block keys find every pair within 3 bits, so larger values lose recall silently.
  // Default: 3.
  int same_body_bits = 3;
  // Two bodies under matching titles agree when their SimHashes differ in at most this many bits
  // (an edited lede stays close; another article's lede is about 32 bits away). Default: 16.
  int agreeing_body_bits = 16;
  // A truncated title must keep at least this many content tokens. Default: 4.
  size_t min_truncated_tokens = 4;
};

enum class NearDuplicateMatch { kNone, kTitle, kBody };

NearDuplicateMatch MatchNearDuplicate(const HeadlineFeatures& earlier,
                                      const HeadlineFeatures& later,
                                      const NearDuplicateOptions& options = {});

// True when both articles carry the same body (within `same_body_bits`) and neither lede is about
// its own title (HeadlineFeatures::body_about_title): text a feed prints under every item, such as
// "Read more." or a paywall notice. Such a lede tells nothing of either article.
bool ShareBoilerplateBody(const HeadlineFeatures& a, const HeadlineFeatures& b,
                          const NearDuplicateOptions& options = {});

// True when two titles follow the same template with a number or a name changed ("Nvidia
// shares jump 5%" / "AMD shares jump 5%", "kills 12" / "kills 40"), or are identical while their
// bodies carry other numbers: look-alikes of different events, never one story.
bool AreConflictingTwins(const HeadlineFeatures& a, const HeadlineFeatures& b);

// True when both articles name countries (title or lede) and none is shared: reports of the
// same template from different countries ("central bank holds rates") are different events.
bool CountriesDisagree(const HeadlineFeatures& a, const HeadlineFeatures& b);

}  // namespace headwire::core
