#include "common/labelled_json.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "common/article_json.h"
#include "common/json_lines.h"
#include "common/strict_json.h"

namespace headwire::common {
namespace {

Result<std::vector<std::string>> TopicsOf(const Json& object) {
  std::vector<std::string> topics;
  if (const auto it = object.find("topics"); it != object.end()) {
    if (!it->is_array()) return Err(Status::InvalidArgument("\"topics\" is not an array"));
    for (const Json& topic : *it) {
      if (!topic.is_string() || topic.get_ref<const std::string&>().empty()) {
        return Err(Status::InvalidArgument("\"topics\" holds something other than a name"));
      }
      // Topics are a set: a repeated one would count twice in the confusion summary and fail
      // the exact-match comparison of a classification that has it once.
      if (std::ranges::find(topics, topic.get_ref<const std::string&>()) != topics.end()) {
        return Err(
            Status::InvalidArgument("\"topics\" names \"" + topic.get<std::string>() + "\" twice"));
      }
      topics.push_back(topic.get<std::string>());
    }
    return topics;
  }
  if (const auto it = object.find("label"); it != object.end()) {
    if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
      return Err(Status::InvalidArgument("\"label\" is not a name"));
    }
    topics.push_back(it->get<std::string>());
    return topics;
  }
  return Err(Status::InvalidArgument("no \"topics\" or \"label\""));
}

// Calls `visit(where, line_number, line)` for every non-blank line of the file `path`
// (ForEachLine), `where` being "path:N: ", and stops at the first error it returns.
template <typename Visit>
Status ForEachFileLine(const std::string& path, Visit visit) {
  std::error_code ec;
  if (path != "-" && !std::filesystem::exists(path, ec)) return Status::NotFound("no file " + path);
  auto in = CommandLineInput::Open(path);
  if (!in) return in.error();
  const core::ValidationOptions validation;
  return ForEachLine(in->stream(), path, [&](uint64_t line_number, const std::string& line) {
    const std::string where = path + ":" + std::to_string(line_number) + ": ";
    if (auto too_large = CheckLineSize(line, validation)) {
      return Status::InvalidArgument(where + too_large->reason + ": " + too_large->message);
    }
    return visit(where, line_number, line);
  });
}

// One line of a labels file: the id it names (empty for null) and its topics.
struct TopicLabel {
  std::string id;
  std::vector<std::string> topics;
  std::string where;
};

Result<std::vector<TopicLabel>> ReadTopicLabels(const std::string& path) {
  std::vector<TopicLabel> labels;
  Status status =
      ForEachFileLine(path, [&](const std::string& where, size_t, const std::string& line) {
        auto object = ParseStrictJson(line);
        if (!object) return Status::InvalidArgument(where + object.error().message);
        if (!object->is_object()) return Status::InvalidArgument(where + "not a JSON object");
        if (!object->contains("id")) return Status::InvalidArgument(where + "no \"id\"");
        auto id = ArticleIdOf(*object);
        if (!id) return Status::InvalidArgument(where + id.error().message);
        if (!object->contains("topics")) return Status::InvalidArgument(where + "no \"topics\"");
        auto topics = TopicsOf(*object);
        if (!topics) return Status::InvalidArgument(where + topics.error().message());
        labels.push_back({std::move(*id), std::move(*topics), where});
        return Status::Ok();
      });
  if (!status.ok()) return Err(std::move(status));
  return labels;
}

// "path:N: " without the separator, to name a place inside a message.
std::string Place(const std::string& where) { return where.substr(0, where.size() - 2); }

}  // namespace

Result<std::vector<core::LabelledText>> ReadLabelledFile(
    const std::string& path, const std::string& labels_path,
    const core::ValidationOptions& validation) {
  if (path == "-" && labels_path == "-") {
    return Err(Status::InvalidArgument(
        "the records and their labels cannot both come from standard input (-)"));
  }
  std::vector<TopicLabel> labels;
  if (!labels_path.empty()) {
    auto read = ReadTopicLabels(labels_path);
    if (!read) return Err(std::move(read.error()));
    labels = std::move(*read);
  }
  std::vector<core::LabelledText> out;
  Status status = ForEachFileLine(path, [&](const std::string& where, size_t line_number,
                                            const std::string& line) {
    auto record = ParseArticleJson(line, validation);
    if (!record) return Status::InvalidArgument(where + record.error().message);
    core::LabelledText text;
    if (labels_path.empty()) {
      auto topics = TopicsOf(record->object);
      if (!topics) return Status::InvalidArgument(where + topics.error().message());
      text.topics = std::move(*topics);
    } else {
      if (out.size() >= labels.size()) {
        return Status::InvalidArgument(where + "no label: " + labels_path + " has " +
                                       std::to_string(labels.size()) + " (one per record)");
      }
      TopicLabel& label = labels[out.size()];
      if (label.id != record->article.id) {
        const auto name = [](const std::string& id) {
          return id.empty() ? std::string("no id") : "id \"" + id + "\"";
        };
        return Status::InvalidArgument(where + name(record->article.id) + ", but the label at " +
                                       Place(label.where) + " has " + name(label.id));
      }
      text.topics = std::move(label.topics);
    }
    text.id =
        record->article.id.empty() ? "line " + std::to_string(line_number) : record->article.id;
    text.origin = Place(where);
    text.title = std::move(record->article.title);
    text.body = std::move(record->article.body);
    if (const auto group = record->object.find("group"); group != record->object.end()) {
      if (!group->is_string()) {
        return Status::InvalidArgument(where + "\"group\" is not a string");
      }
      text.group = group->get<std::string>();
    }
    out.push_back(std::move(text));
    return Status::Ok();
  });
  if (!status.ok()) return Err(std::move(status));
  if (labels.size() > out.size()) {
    return Err(Status::InvalidArgument(labels[out.size()].where + "a label beyond the " +
                                       std::to_string(out.size()) + " records of " + path));
  }
  return out;
}

}  // namespace headwire::common
