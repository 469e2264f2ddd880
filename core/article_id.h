#pragma once
// Stable article ids: the Kafka key of every raw article and the identity the sinks use to make
// re-delivery harmless. The same input always yields the same id, on any machine.

#include <cstddef>
#include <string>

#include "core/article.h"

namespace headwire::core {

// Returns the article's id: the given `id` when present; otherwise "u" + 32 hex digits of the
// canonical URL's hash when the URL is valid; otherwise "t" + 32 hex digits of the hash of the
// normalised title, the source and the event time (so the same headline on another day, a trap,
// gets another id).
std::string DeriveArticleId(const Article& article);

// The length of an id DeriveArticleId makes up ("u" or "t" and 32 hex digits).
inline constexpr size_t kDerivedArticleIdBytes = 33;

}  // namespace headwire::core
