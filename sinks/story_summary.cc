#include "sinks/story_summary.h"

#include <nlohmann/json.hpp>
#include <string>

namespace headwire::sinks {
namespace {

using Json = nlohmann::json;

// Follows the parser's events through the story object: scalar fields at depth 1, the topics'
// and sources' keys at depth 2, each member ([time, id] or [time, id, true] when the time is
// estimated) at depth 3. Everything else, member ids included, is passed over.
class SummaryReader {
 public:
  SummaryReader(std::string_view topic, std::string_view source, bool member_times,
                StorySummary& out)
      : topic_(topic), source_(source), member_times_(member_times), out_(out) {}

  bool null() { return Value(); }
  bool boolean(bool value) {
    if (depth_ == 1 && field_ == Field::kDated) out_.dated = value;
    return Value();
  }
  bool number_integer(Json::number_integer_t value) { return Number(value); }
  bool number_unsigned(Json::number_unsigned_t value) {
    if (depth_ == 1 && field_ == Field::kSize) out_.size = value;
    return Number(static_cast<int64_t>(value));
  }
  bool number_float(Json::number_float_t value, const Json::string_t&) {
    return Number(static_cast<int64_t>(value));
  }
  bool string(Json::string_t&) { return Value(); }
  bool binary(Json::binary_t&) { return Value(); }
  bool start_object(std::size_t) {
    if (depth_ == 1) section_ = field_;
    ++depth_;
    return true;
  }
  bool key(Json::string_t& name) {
    if (depth_ == 1) {
      field_ = FieldNamed(name);
    } else if (depth_ == 2 && section_ == Field::kTopics && !topic_.empty() && name == topic_) {
      out_.has_topic = true;
    } else if (depth_ == 2 && section_ == Field::kSources && !source_.empty() && name == source_) {
      out_.has_source = true;
    }
    return true;
  }
  bool end_object() {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) {
    if (depth_ == 0) return false;  // a story is an object
    if (depth_ == 1) section_ = field_;
    if (depth_ == 2 && section_ == Field::kMembers) {
      member_elements_ = 0;
      member_time_ = 0;
    }
    ++depth_;
    return true;
  }
  bool end_array() {
    --depth_;
    if (depth_ == 2 && section_ == Field::kMembers) {
      if (member_times_ && member_elements_ == 2) out_.dated_member_times.push_back(member_time_);
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

 private:
  enum class Field { kOther, kSize, kFirstSeen, kLastSeen, kDated, kMembers, kSources, kTopics };

  static Field FieldNamed(std::string_view name) {
    if (name == "size") return Field::kSize;
    if (name == "first_seen_ms") return Field::kFirstSeen;
    if (name == "last_seen_ms") return Field::kLastSeen;
    if (name == "dated") return Field::kDated;
    if (name == "members") return Field::kMembers;
    if (name == "sources") return Field::kSources;
    if (name == "topics") return Field::kTopics;
    return Field::kOther;
  }

  bool Number(int64_t value) {
    if (depth_ == 1 && field_ == Field::kFirstSeen) out_.first_seen_ms = value;
    if (depth_ == 1 && field_ == Field::kLastSeen) out_.last_seen_ms = value;
    if (depth_ == 3 && section_ == Field::kMembers && member_elements_ == 0) member_time_ = value;
    return Value();
  }

  // Counts the elements of a member; a scalar at the top is not a story.
  bool Value() {
    if (depth_ == 3 && section_ == Field::kMembers) ++member_elements_;
    return depth_ > 0;
  }

  std::string_view topic_;
  std::string_view source_;
  bool member_times_;
  StorySummary& out_;
  int depth_ = 0;
  Field field_ = Field::kOther;    // the top-level key whose value is being read
  Field section_ = Field::kOther;  // the top-level field whose object or array is open
  size_t member_elements_ = 0;
  int64_t member_time_ = 0;
};

}  // namespace

std::optional<StorySummary> ReadStorySummary(std::string_view stored, std::string_view topic,
                                             std::string_view source, bool member_times) {
  StorySummary summary;
  SummaryReader reader(topic, source, member_times, summary);
  if (!Json::sax_parse(stored.begin(), stored.end(), &reader)) return std::nullopt;
  return summary;
}

}  // namespace headwire::sinks
