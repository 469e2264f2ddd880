// A message on the raw topic as the processor decodes it: the headers it checks, the RawArticle,
// validation and the whole dedup pipeline; a refused record's dead letter must decode again.
// Input layout: type header \0 version header \0 value (missing parts are absent headers).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/proto_convert.h"
#include "core/pipeline.h"

namespace {

void CheckDeadLetter(std::string_view value, std::string_view why) {
  const auto record = headwire::common::DeadLetterRecord(
      "headwire.dlq",
      headwire::common::MakeDeadLetter(
          value, value, {{std::string(why), std::string(value)}}, {"headwire.articles.raw", 0, 1},
          headwire::v1::DEAD_LETTER_REASON_UNDECODABLE, why, "process"),
      4096);
  headwire::v1::DeadLetter decoded;
  if (headwire::common::MessageBytes(record.key, record.value, record.headers) > 4096 ||
      !decoded.ParseFromString(record.value)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace headwire;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  auto next = [&rest]() {
    const size_t end = rest.find('\0');
    const std::string_view part = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    return part;
  };
  const std::string_view type = next();
  const std::string_view version = next();
  const std::string_view value = rest;
  if (type != v1::RawArticle::descriptor()->full_name() || version != common::kSchemaVersion) {
    CheckDeadLetter(value, "unknown schema \"" + std::string(type) + "\" " + std::string(version));
    return 0;
  }
  v1::RawArticle raw;
  if (!raw.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    CheckDeadLetter(value, "undecodable");
    return 0;
  }
  core::Article article = common::ToCoreArticle(raw);
  core::InMemoryDedupIndex index;
  core::RecentArticles recent;
  core::ArticlePipeline pipeline({}, nullptr, index, &recent);
  auto verdict = pipeline.Process(article);
  if (!verdict) {
    CheckDeadLetter(value, verdict.error().message);
    return 0;
  }
  const auto processed =
      common::ToProcessedArticle(raw, *verdict, {"headwire.articles.raw", 0}, 1, "fuzz", "none");
  (void)processed.SerializeAsString();
  return 0;
}
