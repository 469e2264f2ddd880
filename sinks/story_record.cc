#include "sinks/story_record.h"

#include <charconv>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <system_error>

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

  // Whether every field but `dated` was there.
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

// Walks a stored story's bytes once, checking that they are JSON that nlohmann::json parses, and
// keeps what the top-level "last_seen_ms" holds. It vouches only for what it fully understands
// (no \u escapes, at most kMaxDepth levels); for anything else Run() is false.
class LastSeenScan {
 public:
  explicit LastSeenScan(std::string_view text)
      : at_(text.data()), end_(text.data() + text.size()) {}

  // Whether the text is one JSON object, with only whitespace around it, that this scan vouches
  // for; last_seen() is then what a full parse finds.
  bool Run() {
    Space();
    if (at_ == end_ || *at_ != '{' || !Object(0)) return false;
    Space();
    return at_ == end_;
  }
  std::optional<int64_t> last_seen() const { return last_seen_; }

 private:
  static constexpr int kMaxDepth = 16;

  void Space() {
    while (at_ != end_ && (*at_ == ' ' || *at_ == '\t' || *at_ == '\n' || *at_ == '\r')) ++at_;
  }
  bool Take(char c) {
    if (at_ == end_ || *at_ != c) return false;
    ++at_;
    return true;
  }
  bool Digits() {
    const char* start = at_;
    while (at_ != end_ && *at_ >= '0' && *at_ <= '9') ++at_;
    return at_ != start;
  }

  // At a '{'.
  bool Object(int depth) {
    ++at_;
    Space();
    if (Take('}')) return true;
    while (true) {
      Space();
      std::string_view key;
      if (!String(&key)) return false;
      Space();
      if (!Take(':')) return false;
      Space();
      // A key with an escape never reads "last_seen_ms", so its raw bytes can be compared.
      if (!Value(depth + 1, depth == 0 && key == "last_seen_ms" ? &last_seen_ : nullptr)) {
        return false;
      }
      Space();
      if (Take('}')) return true;
      if (!Take(',')) return false;
    }
  }

  // At a '['.
  bool Array(int depth) {
    ++at_;
    Space();
    if (Take(']')) return true;
    while (true) {
      Space();
      if (!Value(depth + 1, nullptr)) return false;
      Space();
      if (Take(']')) return true;
      if (!Take(',')) return false;
    }
  }

  // One value; `integer`, when given, is set to it when it is an integer and reset otherwise.
  bool Value(int depth, std::optional<int64_t>* integer) {
    if (integer != nullptr) integer->reset();
    if (at_ == end_) return false;
    switch (*at_) {
      case '{':
        return depth < kMaxDepth && Object(depth);
      case '[':
        return depth < kMaxDepth && Array(depth);
      case '"':
        return String(nullptr);
      case 't':
        return Word("true");
      case 'f':
        return Word("false");
      case 'n':
        return Word("null");
      default:
        return Number(integer);
    }
  }

  bool Word(std::string_view word) {
    if (static_cast<size_t>(end_ - at_) < word.size() ||
        std::string_view(at_, word.size()) != word) {
      return false;
    }
    at_ += word.size();
    return true;
  }

  // JSON's number grammar. An integer is what nlohmann::json keeps as one: a negative one that
  // fits int64, a non-negative one that fits uint64 (read back through int64, as get<int64_t>()
  // does); any other number is a float to it, and one beyond a double's range an error, which
  // the full parse is left to report.
  bool Number(std::optional<int64_t>* integer) {
    const char* start = at_;
    Take('-');
    if (!Take('0')) {
      if (at_ == end_ || *at_ < '1' || *at_ > '9') return false;
      Digits();
    }
    bool whole = true;
    if (Take('.')) {
      whole = false;
      if (!Digits()) return false;
    }
    if (at_ != end_ && (*at_ == 'e' || *at_ == 'E')) {
      ++at_;
      whole = false;
      if (at_ != end_ && (*at_ == '+' || *at_ == '-')) ++at_;
      if (!Digits()) return false;
    }
    if (integer != nullptr && whole) {
      if (*start == '-') {
        int64_t value = 0;
        if (std::from_chars(start, at_, value).ec == std::errc()) *integer = value;
      } else {
        uint64_t value = 0;
        if (std::from_chars(start, at_, value).ec == std::errc()) {
          *integer = static_cast<int64_t>(value);
        }
      }
    }
    // A whole number of up to 20 characters is a finite double whatever nlohmann makes of it.
    if (!whole || at_ - start > 20) {
      double value = 0;
      if (std::from_chars(start, at_, value).ec != std::errc()) return false;
    }
    return true;
  }

  // A string of UTF-8 without \u escapes; `raw`, when given, gets the bytes between its quotes.
  bool String(std::string_view* raw) {
    if (!Take('"')) return false;
    const char* start = at_;
    while (at_ != end_) {
      const auto c = static_cast<unsigned char>(*at_);
      if (c == '"') {
        if (raw != nullptr) *raw = std::string_view(start, static_cast<size_t>(at_ - start));
        ++at_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        ++at_;
        if (at_ == end_ || std::string_view("\"\\/bfnrt").find(*at_) == std::string_view::npos) {
          return false;
        }
        ++at_;
      } else if (c < 0x80) {
        ++at_;
      } else if (!Utf8Sequence()) {
        return false;
      }
    }
    return false;
  }

  // One well-formed UTF-8 sequence of two to four bytes (The Unicode Standard, table 3-7: no
  // overlong forms, no surrogates, nothing above U+10FFFF), as nlohmann::json accepts them.
  bool Utf8Sequence() {
    const auto lead = static_cast<unsigned char>(*at_);
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    int follow = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      follow = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      follow = 2;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      follow = 3;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (end_ - at_ <= follow) return false;
    for (int i = 1; i <= follow; ++i) {
      const auto c = static_cast<unsigned char>(at_[i]);
      if (c < low || c > high) return false;
      low = 0x80;
      high = 0xBF;
    }
    at_ += follow + 1;
    return true;
  }

  const char* at_;
  const char* end_;
  std::optional<int64_t> last_seen_;
};

}  // namespace

std::optional<int64_t> StoredLastSeenMs(std::string_view stored) {
  if (LastSeenScan scan(stored); scan.Run()) return scan.last_seen();
  const auto story = Json::parse(stored, nullptr, /*allow_exceptions=*/false);
  if (!story.is_object()) return std::nullopt;
  const auto it = story.find("last_seen_ms");
  if (it == story.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
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
