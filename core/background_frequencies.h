#pragma once
// BackgroundFrequencies: in how many headlines of a fixed corpus each story term occurs. The
// story window's IDF counts these headlines as if they were in the window (RecentArticles,
// RecentArticlesOptions::background), so that in a young or small window a common word
// ("start", "week", "watch") weighs little from the first article on, and a story's own rare term
// keeps its weight while the story is the talk of the window.
//
// Built once from plain text or a file of it, one headline a line; blank lines and lines starting
// with '#' are skipped. Terms are counted once per headline, by the same extraction the window
// uses (ExtractHeadlineFeatures of the title), so any term the window sees can be looked up.
// Immutable after construction; safe to share between threads.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"
#include "core/headline_features.h"

namespace headwire::core {

class BackgroundFrequencies {
 public:
  // The largest file FromFile reads (the shipped corpus is 0.3 MiB).
  static constexpr size_t kMaxFileBytes = size_t{64} << 20;

  static BackgroundFrequencies FromHeadlines(std::string_view text);
  // FromHeadlines of the file at `path`; IoError when it cannot be opened or read,
  // InvalidArgument when it holds more than kMaxFileBytes.
  static Result<BackgroundFrequencies> FromFile(const std::string& path);

  // Headlines counted.
  uint32_t documents() const { return documents_; }
  // Headlines that have the story term `term_hash` (StoryTerm::hash); 0 for an unknown term.
  uint32_t DocumentFrequency(uint64_t term_hash) const;

 private:
  std::unordered_map<uint64_t, uint32_t> frequency_;
  uint32_t documents_ = 0;
};

}  // namespace headwire::core
