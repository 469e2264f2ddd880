#include "producers/column_mapping.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <set>

#include "core/text.h"

namespace headwire::producers {
namespace {

constexpr std::array<std::pair<ArticleField, std::string_view>, 7> kFields{{
    {ArticleField::kId, "id"},
    {ArticleField::kTitle, "title"},
    {ArticleField::kBody, "body"},
    {ArticleField::kUrl, "url"},
    {ArticleField::kSource, "source"},
    {ArticleField::kLanguage, "language"},
    {ArticleField::kPublishedAt, "published_at"},
}};

std::optional<size_t> ColumnNumber(std::string_view text) {
  size_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n == 0) return std::nullopt;
  return n - 1;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string_view ArticleFieldName(ArticleField field) {
  for (const auto& [f, name] : kFields) {
    if (f == field) return name;
  }
  return "";
}

Result<ColumnMapping> NamedLayout(std::string_view name) {
  if (name == "uci") {
    return ColumnMapping{.header_row = true,
                         .columns = {{ArticleField::kId, "ID"},
                                     {ArticleField::kTitle, "TITLE"},
                                     {ArticleField::kUrl, "URL"},
                                     {ArticleField::kSource, "PUBLISHER"},
                                     {ArticleField::kPublishedAt, "TIMESTAMP"}}};
  }
  if (name == "ag-news") {
    return ColumnMapping{.header_row = false,
                         .columns = {{ArticleField::kTitle, "2"}, {ArticleField::kBody, "3"}}};
  }
  return Err(Status::InvalidArgument("unknown layout \"" + std::string(name) +
                                     "\"; the ready layouts are uci and ag-news"));
}

Result<ColumnMapping> ParseColumnMapping(std::string_view spec, ColumnMapping base) {
  std::set<std::string_view> named;
  while (!spec.empty()) {
    const size_t comma = spec.find(',');
    const std::string_view entry = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    const size_t eq = entry.find('=');
    if (eq == std::string_view::npos || eq + 1 == entry.size()) {
      return Err(Status::InvalidArgument("column mapping entry \"" + std::string(entry) +
                                         "\" is not field=COLUMN"));
    }
    const std::string_view field = entry.substr(0, eq);
    const auto it = std::find_if(kFields.begin(), kFields.end(),
                                 [&](const auto& f) { return f.second == field; });
    if (it == kFields.end()) {
      return Err(Status::InvalidArgument(
          "unknown field \"" + std::string(field) +
          "\" in the column mapping; fields: id, title, body, url, source, language, "
          "published_at"));
    }
    // Which of two columns the field would take is a guess; say so instead.
    if (!named.insert(field).second) {
      return Err(Status::InvalidArgument("field \"" + std::string(field) +
                                         "\" is mapped twice in the column mapping"));
    }
    base.columns[it->first] = std::string(entry.substr(eq + 1));
  }
  return base;
}

Status CheckCsvColumnNumbers(const ColumnMapping& mapping, const std::vector<std::string>& header,
                             size_t width) {
  for (const auto& [field, column] : mapping.columns) {
    if (std::find(header.begin(), header.end(), column) != header.end()) continue;
    const auto number = ColumnNumber(column);
    if (!number || *number < width) continue;
    return Status::InvalidArgument(
        "column " + column + " for " + std::string(ArticleFieldName(field)) + " is beyond the " +
        std::to_string(width) + " columns of the " + (header.empty() ? "first row" : "header row"));
  }
  return Status::Ok();
}

Status CheckCsvHeader(const ColumnMapping& mapping, const std::vector<std::string>& header) {
  const auto mapped = mapping.columns.find(ArticleField::kTitle);
  const std::string column = mapped != mapping.columns.end()
                                 ? mapped->second
                                 : std::string(ArticleFieldName(ArticleField::kTitle));
  if (std::find(header.begin(), header.end(), column) != header.end() || ColumnNumber(column)) {
    return CheckCsvColumnNumbers(mapping, header, header.size());
  }
  std::string names;
  // The names are the file's text, bound for a terminal.
  for (const auto& name : header) {
    names += (names.empty() ? "" : ", ") + core::EscapeForTerminal(name);
  }
  return Status::InvalidArgument("the header row (" + names + ") has no column \"" + column +
                                 "\" for the title: map one with --columns title=COLUMN, or give "
                                 "--layout (uci, ag-news) for a known file");
}

Result<common::Json> MapCsvRow(const ColumnMapping& mapping, const std::vector<std::string>& header,
                               const std::vector<std::string>& row) {
  common::Json out = common::Json::object();
  for (const auto& [field, name] : kFields) {
    const auto mapped = mapping.columns.find(field);
    const std::string column = mapped != mapping.columns.end() ? mapped->second : std::string(name);
    std::optional<size_t> index;
    if (const auto it = std::find(header.begin(), header.end(), column); it != header.end()) {
      index = static_cast<size_t>(it - header.begin());
    } else if (auto number = ColumnNumber(column)) {
      index = number;
    } else if (mapped != mapping.columns.end()) {
      return Err(Status::InvalidArgument("no column \"" + column + "\" for " + std::string(name)));
    }
    if (!index || *index >= row.size() || row[*index].empty()) continue;
    const std::string& cell = row[*index];
    int64_t epoch_ms = 0;
    if (field == ArticleField::kPublishedAt && AllDigits(cell) &&
        std::from_chars(cell.data(), cell.data() + cell.size(), epoch_ms).ec == std::errc()) {
      out[std::string(name)] = epoch_ms;
    } else {
      out[std::string(name)] = cell;
    }
  }
  return out;
}

common::Json MapJsonRecord(const ColumnMapping& mapping, common::Json record) {
  if (mapping.columns.empty() || !record.is_object()) return record;
  common::Json out = common::Json::object();
  for (const auto& [field, name] : kFields) {
    const auto mapped = mapping.columns.find(field);
    const std::string key = mapped != mapping.columns.end() ? mapped->second : std::string(name);
    if (const auto it = record.find(key); it != record.end()) out[std::string(name)] = *it;
  }
  return out;
}

}  // namespace headwire::producers
