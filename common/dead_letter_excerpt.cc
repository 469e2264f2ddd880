#include "common/dead_letter_excerpt.h"

#include <string_view>

#include "common/record.h"
#include "core/excerpt.h"
#include "core/text.h"

namespace headwire::common {

Result<DeadLetterExcerpts> DeadLetterExcerpts::Create() {
  auto raw = Utf8TolerantDecoder::Create(*v1::RawArticle::descriptor());
  if (!raw) return Err(raw.error());
  auto processed = Utf8TolerantDecoder::Create(*v1::ProcessedArticle::descriptor());
  if (!processed) return Err(processed.error());
  return DeadLetterExcerpts(std::move(*raw), std::move(*processed));
}

std::string DeadLetterExcerpts::Of(const v1::DeadLetter& letter, size_t max_chars) const {
  const std::string* type = nullptr;
  for (const auto& header : letter.original_headers()) {
    if (header.name() == kTypeHeader) type = &header.value();  // the last one, as stages read it
  }
  // A stage reads a record without a type header as the type it expects: the processor a
  // RawArticle (kcat sends none), the sink a ProcessedArticle. produce and feed read text.
  auto is = [&](const google::protobuf::Descriptor& expected, std::string_view stage) {
    return type != nullptr ? *type == expected.full_name() : letter.stage() == stage;
  };
  const Utf8TolerantDecoder* decoder = nullptr;
  std::string_view label;
  std::string_view path;
  if (is(*v1::RawArticle::descriptor(), "process")) {
    decoder = raw_.get();
    label = "RawArticle title: ";
    path = "title";
  } else if (is(*v1::ProcessedArticle::descriptor(), "sink")) {
    decoder = processed_.get();
    label = "ProcessedArticle title: ";
    path = "article.title";
  }
  if (decoder != nullptr) {
    if (auto decoded = decoder->Decode(letter.original_value())) {
      const std::string title = Utf8TolerantDecoder::Text(*decoded, path);
      // A blank title (a missing_field letter's) would show nothing: the bytes say more.
      if (!core::IsBlankText(core::RepairUtf8(title))) {
        return std::string(label) + core::Excerpt(title, max_chars);
      }
    }
  }
  return core::Excerpt(letter.original_value(), max_chars);
}

}  // namespace headwire::common
