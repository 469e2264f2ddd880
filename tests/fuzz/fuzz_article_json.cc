// A JSON Lines record as `headwire produce`, `dedup` and `classify` read it: parsing, validation
// and the raw article built from it. Checks that an accepted record serializes to a RawArticle
// that decodes again, that every refusal has a reason, and that the filters' echo of an accepted
// record (SpliceObjectMembers) reads back as the record with the stage's fields in place.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/article_json.h"
#include "common/json_object_splice.h"
#include "common/strict_json.h"
#include "core/text.h"
#include "producers/article_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  if (auto record = headwire::common::ParseArticleJson(line); record) {
    const headwire::common::Json fields = {{"title", "replaced"}, {"topics", {"ai"}}};
    auto echoed = headwire::common::SpliceObjectMembers(line, fields);
    if (!echoed) std::abort();
    auto expected = record->object;
    expected.erase("title");
    expected.erase("topics");
    expected.update(fields);
    // Read back as the next stage reads it (the strict reader: a key written twice would be
    // refused), and by nlohmann's own parser, independent of the reader under test, unless the
    // record holds a number beyond a double (1E400), which nlohmann refuses.
    const auto strict = headwire::common::ParseStrictJson(*echoed);
    if (!strict || *strict != expected) std::abort();
    if (headwire::common::Json::accept(line)) {
      const auto reread = headwire::common::Json::parse(*echoed, nullptr, false);
      if (reread.is_discarded() || reread != expected) std::abort();
    }
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
