#include "common/broker_control.h"

#include <charconv>
#include <string>
#include <vector>

#include "common/kafka_names.h"

namespace headwire::common {
namespace {

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t pos = 0;
  while (pos < line.size()) {
    const size_t start = line.find_first_not_of(" \t\r", pos);
    if (start == std::string_view::npos) break;
    const size_t end = std::min(line.find_first_of(" \t\r", start), line.size());
    words.push_back(line.substr(start, end - start));
    pos = end;
  }
  return words;
}

Result<int> Number(std::string_view word, std::string_view what, int min) {
  int value = 0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (ec != std::errc() || end != word.data() + word.size() || value < min) {
    return Err(Status::InvalidArgument(std::string(what) +
                                       " must be an integer >= " + std::to_string(min) +
                                       ", not \"" + std::string(word) + "\""));
  }
  return value;
}

Status Arity(const std::vector<std::string_view>& words, size_t expected, std::string_view usage) {
  if (words.size() != expected) {
    return Status::InvalidArgument("usage: " + std::string(usage));
  }
  return Status::Ok();
}

}  // namespace

Result<BrokerControlCommand> ParseBrokerControl(std::string_view line) {
  const auto words = Words(line);
  if (words.empty()) return Err(Status::InvalidArgument("empty command"));
  BrokerControlCommand command;
  const std::string_view verb = words[0];
  if (verb == "down" || verb == "up") {
    if (Status s = Arity(words, 2, std::string(verb) + " ID"); !s.ok()) return Err(s);
    command.kind = verb == "down" ? BrokerControlKind::kDown : BrokerControlKind::kUp;
    auto id = Number(words[1], "ID", 1);
    if (!id) return Err(id.error());
    command.broker_id = *id;
    return command;
  }
  if (verb == "rtt") {
    if (Status s = Arity(words, 3, "rtt ID MS"); !s.ok()) return Err(s);
    command.kind = BrokerControlKind::kRtt;
    auto id = Number(words[1], "ID", 1);
    if (!id) return Err(id.error());
    auto ms = Number(words[2], "MS", 0);
    if (!ms) return Err(ms.error());
    command.broker_id = *id;
    command.rtt_ms = *ms;
    return command;
  }
  if (verb == "errors") {
    if (Status s = Arity(words, 4, "errors API COUNT ERROR"); !s.ok()) return Err(s);
    command.kind = BrokerControlKind::kErrors;
    const auto api = KafkaApiKeyFromName(words[1]);
    if (!api) {
      return Err(Status::InvalidArgument("unknown Kafka API \"" + std::string(words[1]) +
                                         "\" (e.g. Produce, Fetch, OffsetCommit)"));
    }
    auto count = Number(words[2], "COUNT", 1);
    if (!count) return Err(count.error());
    const auto error = KafkaErrorFromName(words[3]);
    if (!error) {
      return Err(Status::InvalidArgument("unknown Kafka error \"" + std::string(words[3]) +
                                         "\" (e.g. NOT_LEADER_OR_FOLLOWER)"));
    }
    command.api_key = *api;
    command.count = *count;
    command.error = *error;
    return command;
  }
  return Err(Status::InvalidArgument("unknown command \"" + std::string(verb) +
                                     "\" (down, up, rtt, errors)"));
}

}  // namespace headwire::common
