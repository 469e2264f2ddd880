#include "common/labelled_json.h"

#include <filesystem>
#include <fstream>

#include "common/article_json.h"

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

}  // namespace

Result<std::vector<core::LabelledText>> ReadLabelledFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Err(Status::NotFound("no file " + path));
  std::ifstream in(path);
  if (!in) return Err(Status::IoError("cannot open " + path));
  std::vector<core::LabelledText> out;
  std::string line;
  size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(line_number) + ": ";
    auto record = ParseArticleJson(line);
    if (!record) return Err(Status::InvalidArgument(where + record.error().message));
    auto topics = TopicsOf(record->object);
    if (!topics) return Err(Status::InvalidArgument(where + topics.error().message()));
    core::LabelledText text;
    text.id =
        record->article.id.empty() ? "line " + std::to_string(line_number) : record->article.id;
    text.title = std::move(record->article.title);
    text.body = std::move(record->article.body);
    text.topics = std::move(*topics);
    if (const auto group = record->object.find("group"); group != record->object.end()) {
      if (!group->is_string()) {
        return Err(Status::InvalidArgument(where + "\"group\" is not a string"));
      }
      text.group = group->get<std::string>();
    }
    out.push_back(std::move(text));
  }
  if (in.bad()) return Err(Status::IoError("reading " + path + " failed"));
  return out;
}

}  // namespace headwire::common
