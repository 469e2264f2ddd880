#include "sinks/story_record.h"

#include <charconv>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>

namespace headwire::sinks {
namespace {

using Json = nlohmann::json;

enum class Field {
  kNone,
  kSize,
  kFirstSeen,
  kLastSeen,
  kDated,
  kHeadline,
  kHeadlineId,
  kHeadlineMs,
  kMembers,
  kOtherSources,
  kPartition,
  kSources,
  kTopics
};

Field FieldNamed(std::string_view name) {
  static const std::map<std::string_view, Field> kFields = {{"size", Field::kSize},
                                                            {"first_seen_ms", Field::kFirstSeen},
                                                            {"last_seen_ms", Field::kLastSeen},
                                                            {"dated", Field::kDated},
                                                            {"headline", Field::kHeadline},
                                                            {"headline_id", Field::kHeadlineId},
                                                            {"headline_ms", Field::kHeadlineMs},
                                                            {"members", Field::kMembers},
                                                            {"other_sources", Field::kOtherSources},
                                                            {"partition", Field::kPartition},
                                                            {"sources", Field::kSources},
                                                            {"topics", Field::kTopics}};
  const auto it = kFields.find(name);
  return it == kFields.end() ? Field::kNone : it->second;
}

// Follows the parser's events through the story object and fills a StoryRecord; any event the
// stored form cannot hold stops the parse. Depth 1 is the story's fields, depth 2 the members
// array or the sources' and topics' counts, depth 3 one member's elements.
class RecordReader {
 public:
  explicit RecordReader(StoryRecord& out) : out_(out) {}

  bool null() { return false; }
  bool boolean(bool value) {
    if (depth_ == 1 && field_ == Field::kDated) {
      out_.dated = value;
      return Mark();
    }
    if (depth_ == 3 && elements_ == 2 && value) {
      out_.members.back().estimated = true;
      ++elements_;
      return true;
    }
    return false;
  }
  bool number_integer(Json::number_integer_t value) { return Number(value); }
  bool number_unsigned(Json::number_unsigned_t value) {
    if (depth_ == 1 && field_ == Field::kSize) {
      out_.size = value;
      return Mark();
    }
    if (depth_ == 1 && field_ == Field::kOtherSources) {
      out_.other_sources = value;
      return Mark();
    }
    if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    return Number(static_cast<int64_t>(value));
  }
  bool number_float(Json::number_float_t, const Json::string_t&) { return false; }
  bool string(Json::string_t& value) {
    if (depth_ == 1 && field_ == Field::kHeadline) {
      out_.headline = std::move(value);
      return Mark();
    }
    if (depth_ == 1 && field_ == Field::kHeadlineId) {
      out_.headline_id = std::move(value);
      return Mark();
    }
    if (depth_ == 1 && field_ == Field::kPartition) {
      out_.partition = std::move(value);
      return Mark();
    }
    if (depth_ == 3 && elements_ == 1) {
      out_.members.back().id = std::move(value);
      ++elements_;
      return true;
    }
    return false;
  }
  bool binary(Json::binary_t&) { return false; }
  bool start_object(std::size_t) {
    if (depth_ == 0) return ++depth_ == 1;
    if (depth_ != 1) return false;
    if (field_ == Field::kSources) {
      counts_ = &out_.sources;
    } else if (field_ == Field::kTopics) {
      counts_ = &out_.topics;
    } else {
      return false;
    }
    counts_->clear();
    ++depth_;
    return Mark();
  }
  bool key(Json::string_t& name) {
    if (depth_ == 1) {
      field_ = FieldNamed(name);
      return field_ != Field::kNone;
    }
    if (depth_ == 2 && counts_ != nullptr) {
      count_name_ = std::move(name);
      return true;
    }
    return false;
  }
  bool end_object() {
    --depth_;
    counts_ = nullptr;
    return true;
  }
  bool start_array(std::size_t) {
    if (depth_ == 1 && field_ == Field::kMembers) {
      out_.members.clear();
      ++depth_;
      return Mark();
    }
    if (depth_ == 2 && counts_ == nullptr) {
      out_.members.emplace_back();
      elements_ = 0;
      ++depth_;
      return true;
    }
    return false;
  }
  bool end_array() {
    if (depth_ == 3 && elements_ < 2) return false;
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

  // Whether every field but `dated`, `other_sources` and `partition` was there.
  bool complete() const {
    constexpr Field kRequired[] = {Field::kSize,     Field::kFirstSeen,  Field::kLastSeen,
                                   Field::kHeadline, Field::kHeadlineId, Field::kHeadlineMs,
                                   Field::kMembers,  Field::kSources,    Field::kTopics};
    for (const Field field : kRequired) {
      if ((seen_ & Bit(field)) == 0) return false;
    }
    return true;
  }

 private:
  static uint32_t Bit(Field field) { return 1U << static_cast<int>(field); }
  // Notes that the current field was read.
  bool Mark() {
    seen_ |= Bit(field_);
    return true;
  }
  bool Number(int64_t value) {
    if (depth_ == 1) {
      switch (field_) {
        case Field::kFirstSeen:
          out_.first_seen_ms = value;
          return Mark();
        case Field::kLastSeen:
          out_.last_seen_ms = value;
          return Mark();
        case Field::kHeadlineMs:
          out_.headline_ms = value;
          return Mark();
        default:
          return false;
      }
    }
    if (depth_ == 2 && counts_ != nullptr) {
      (*counts_)[std::move(count_name_)] = value;
      return true;
    }
    if (depth_ == 3 && elements_ == 0) {
      out_.members.back().time_ms = value;
      ++elements_;
      return true;
    }
    return false;
  }

  StoryRecord& out_;
  int depth_ = 0;
  Field field_ = Field::kNone;
  uint32_t seen_ = 0;
  std::map<std::string, int64_t>* counts_ = nullptr;
  std::string count_name_;
  int elements_ = 0;
};

// A string as nlohmann::json's dump() writes it (no ensure_ascii): quotes, the backslash and the
// control characters escaped, every other byte as it is.
void AppendString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
          out.push_back(kHex[static_cast<unsigned char>(c) & 0xF]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

template <typename Integer>
void AppendNumber(std::string& out, Integer value) {
  char digits[24];
  const auto end = std::to_chars(std::begin(digits), std::end(digits), value).ptr;
  out.append(digits, end);
}

void AppendKey(std::string& out, std::string_view key) {
  AppendString(out, key);
  out.push_back(':');
}

void AppendCounts(std::string& out, const std::map<std::string, int64_t>& counts) {
  out.push_back('{');
  bool first = true;
  for (const auto& [name, count] : counts) {
    if (!first) out.push_back(',');
    first = false;
    AppendKey(out, name);
    AppendNumber(out, count);
  }
  out.push_back('}');
}

// Reads the top-level "last_seen_ms" and "partition" of a stored story from nlohmann::json's SAX
// events: the same parser as a full parse, so the same answer for any bytes, without building
// the tree.
class LastSeenReader final : public nlohmann::json_sax<Json> {
 public:
  // The value once the whole text parsed as one JSON object: nullopt when it has no such field
  // or holds anything but an integer there.
  std::optional<int64_t> last_seen() const { return object_ ? last_seen_ : std::nullopt; }
  // The top-level "partition" when it is a string, on the same terms.
  std::optional<std::string> partition() const { return object_ ? partition_ : std::nullopt; }

  bool null() override { return Value(std::nullopt); }
  bool boolean(bool) override { return Value(std::nullopt); }
  bool number_integer(number_integer_t value) override { return Value(value); }
  // As get<int64_t>() reads an unsigned integer beyond int64: wrapped.
  bool number_unsigned(number_unsigned_t value) override {
    return Value(static_cast<int64_t>(value));
  }
  bool number_float(number_float_t, const string_t&) override { return Value(std::nullopt); }
  bool string(string_t& value) override {
    const bool at_partition = at_partition_;
    Value(std::nullopt);
    if (at_partition) partition_ = std::move(value);
    return true;
  }
  bool binary(binary_t&) override { return Value(std::nullopt); }
  bool start_object(std::size_t) override {
    if (depth_ == 0) object_ = true;
    Value(std::nullopt);
    ++depth_;
    return true;
  }
  bool key(string_t& name) override {
    at_last_seen_ = depth_ == 1 && name == "last_seen_ms";
    at_partition_ = depth_ == 1 && name == "partition";
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    Value(std::nullopt);
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    object_ = false;
    return false;
  }

 private:
  // A value begins; it is last_seen_ms's when it follows that key at the top level (the last of
  // repeated keys counts, as in a full parse).
  bool Value(std::optional<int64_t> value) {
    if (at_last_seen_) last_seen_ = value;
    if (at_partition_) partition_.reset();
    at_last_seen_ = false;
    at_partition_ = false;
    return true;
  }

  int depth_ = 0;
  bool object_ = false;
  bool at_last_seen_ = false;
  bool at_partition_ = false;
  std::optional<int64_t> last_seen_;
  std::optional<std::string> partition_;
};

}  // namespace

std::optional<int64_t> StoredLastSeenMs(std::string_view stored) {
  return ReadStoredStoryExpiry(stored).last_seen_ms;
}

StoredStoryExpiry ReadStoredStoryExpiry(std::string_view stored) {
  LastSeenReader reader;
  if (!Json::sax_parse(stored, &reader)) return {};
  return {reader.last_seen(), reader.partition()};
}

Result<StoryRecord> ParseStoryRecord(std::string_view stored) {
  StoryRecord story;
  RecordReader reader(story);
  if (!Json::sax_parse(stored, &reader) || !reader.complete()) {
    return Err(Status::Corruption("stored story is not a story object"));
  }
  return story;
}

std::string StoryRecordJson(const StoryRecord& story) {
  // The keys in byte order, as a JSON object of std::map dumps them.
  std::string out = "{";
  out.reserve(256 + story.headline.size() + story.members.size() * 48);
  if (story.dated) {
    AppendKey(out, "dated");
    out += *story.dated ? "true" : "false";
    out.push_back(',');
  }
  AppendKey(out, "first_seen_ms");
  AppendNumber(out, story.first_seen_ms);
  out.push_back(',');
  AppendKey(out, "headline");
  AppendString(out, story.headline);
  out.push_back(',');
  AppendKey(out, "headline_id");
  AppendString(out, story.headline_id);
  out.push_back(',');
  AppendKey(out, "headline_ms");
  AppendNumber(out, story.headline_ms);
  out.push_back(',');
  AppendKey(out, "last_seen_ms");
  AppendNumber(out, story.last_seen_ms);
  out.push_back(',');
  AppendKey(out, "members");
  out.push_back('[');
  bool first = true;
  for (const auto& member : story.members) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('[');
    AppendNumber(out, member.time_ms);
    out.push_back(',');
    AppendString(out, member.id);
    if (member.estimated) out += ",true";
    out.push_back(']');
  }
  out += "],";
  if (story.other_sources > 0) {
    AppendKey(out, "other_sources");
    AppendNumber(out, story.other_sources);
    out.push_back(',');
  }
  if (story.partition) {
    AppendKey(out, "partition");
    AppendString(out, *story.partition);
    out.push_back(',');
  }
  AppendKey(out, "size");
  AppendNumber(out, story.size);
  out.push_back(',');
  AppendKey(out, "sources");
  AppendCounts(out, story.sources);
  out.push_back(',');
  AppendKey(out, "topics");
  AppendCounts(out, story.topics);
  out.push_back('}');
  return out;
}

}  // namespace headwire::sinks
