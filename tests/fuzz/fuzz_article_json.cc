// A JSON Lines record as `headwire produce`, `dedup` and `classify` read it: parsing, validation
// and the raw article built from it. Checks that an accepted record serializes to a RawArticle
// that decodes again and that every refusal has a reason.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/article_json.h"
#include "core/text.h"
#include "producers/article_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  if (auto record = headwire::common::ParseArticleJson(line); record) {
    (void)record->object.dump();  // the offline filters print what they parsed
  } else if (record.error().reason.empty() ||
             !headwire::core::IsValidUtf8(record.error().message)) {
    std::abort();  // a reason is required; the message goes to dead letters and JSON
  }
  auto raw = headwire::producers::ReadArticleLine(line, {}, 1772409600000);
  if (raw) {
    headwire::v1::RawArticle decoded;
    if (!decoded.ParseFromString(raw->SerializeAsString()) || decoded.title() != raw->title()) {
      std::abort();
    }
  } else if (raw.error().reason.empty()) {
    std::abort();
  }
  return 0;
}
