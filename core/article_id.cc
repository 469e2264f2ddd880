#include "core/article_id.h"

#include "core/canonical_url.h"
#include "core/fingerprint.h"
#include "core/text.h"

namespace headwire::core {

std::string DeriveArticleId(const Article& article) {
  if (!article.id.empty()) return article.id;
  if (!article.url.empty()) {
    if (auto canonical = CanonicalizeUrl(article.url)) return "u" + Hex128(*canonical);
  }
  std::string key = NormalizeForMatching(article.title);
  key += '\x1f';
  key += NormalizeForMatching(article.source);
  key += '\x1f';
  key += std::to_string(article.published_at_ms);
  return "t" + Hex128(key);
}

}  // namespace headwire::core
