#pragma once
// What the processor's tests feed a decider: raw-topic records as the consumer hands them over,
// and the classifier of the built-in taxonomy's rules alone (no trained model, so verdicts do
// not move when the model is retrained).

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "common/record.h"
#include "core/topic_classifier.h"
#include "headwire/v1/article.pb.h"

namespace headwire::processors::test_support {

// 2026-03-02T08:15:00Z: inside validation's event-time bounds.
inline constexpr int64_t kEventTime = 1772439300000;
inline constexpr const char* kRawTopic = "headwire.articles.raw";

inline core::TopicClassifier RulesOnly() {
  auto taxonomy = core::Taxonomy::FromFile(HEADWIRE_SOURCE_DIR "/data/taxonomy.toml");
  if (!taxonomy) throw std::runtime_error(taxonomy.error().ToString());
  return core::TopicClassifier(std::nullopt, core::RulesClassifier(std::move(*taxonomy)));
}

// A RawArticle's bytes; `padding` bytes of an unknown field make it that much larger.
inline std::string RawArticleBytes(const std::string& id, const std::string& title,
                                   const std::string& url, int64_t published_at_ms,
                                   size_t padding = 0) {
  v1::RawArticle raw;
  raw.set_id(id);
  raw.set_title(title);
  raw.set_url(url);
  raw.set_published_at_ms(published_at_ms);
  if (padding > 0) {
    raw.GetReflection()->MutableUnknownFields(&raw)->AddLengthDelimited(1023,
                                                                        std::string(padding, 'z'));
  }
  return raw.SerializeAsString();
}

// The record the consumer hands over for `bytes` at partition/offset of the raw topic; it views
// `bytes` and `type`, which must outlive it.
inline common::ConsumedRecord RawRecord(std::string_view bytes, int32_t partition, int64_t offset,
                                        std::string_view type = "headwire.v1.RawArticle") {
  return {.topic = kRawTopic,
          .partition = partition,
          .offset = offset,
          .key = "k",
          .value = bytes,
          .type = type,
          .schema_version = "1"};
}

}  // namespace headwire::processors::test_support
