#pragma once
// How the columns of a CSV file (or the keys of a JSON Lines file) map to an article's fields,
// with ready mappings for the public layouts in ../shared/data:
//   uci      the UCI News Aggregator CSV: header ID,TITLE,URL,PUBLISHER,CATEGORY,STORY,HOSTNAME,
//            TIMESTAMP (epoch ms); id, title, url, source and published_at are taken
//   ag-news  the AG News CSV: no header, columns class, title, description; title and body are
//            taken (it has no time: records get the replay's clock, flagged estimated)
// Pure.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/article_json.h"
#include "common/status.h"

namespace headwire::producers {

enum class ArticleField { kId, kTitle, kBody, kUrl, kSource, kLanguage, kPublishedAt };

// The field's name in a JSON Lines record ("published_at").
std::string_view ArticleFieldName(ArticleField field);

struct ColumnMapping {
  // The first CSV row names the columns. Default: true.
  bool header_row = true;
  // Per field, its column: a header name, or a 1-based column number. A field without an entry
  // is taken from the column (or JSON key) of its own name. Default: none.
  std::map<ArticleField, std::string> columns;
};

// A ready mapping by name ("uci", "ag-news"). Returns InvalidArgument listing the names otherwise.
Result<ColumnMapping> NamedLayout(std::string_view name);

// Adds "field=COLUMN,field=COLUMN" to `base` (replacing its entries for those fields). Returns
// InvalidArgument naming a bad entry, or a field `spec` maps twice.
Result<ColumnMapping> ParseColumnMapping(std::string_view spec, ColumnMapping base = {});

// InvalidArgument when no column of `header` (the header row) gives the title, which every
// article needs: without it each record would be refused on its own, thousands of times over.
// Names the header's columns and the ways to map one.
// Also InvalidArgument when a field is mapped to a column number beyond the header's columns.
Status CheckCsvHeader(const ColumnMapping& mapping, const std::vector<std::string>& header);

// InvalidArgument when a field is mapped to a column number beyond `width`, the columns of the
// header row `header` or, in a file without one (`header` empty), of its first row: no record
// could have that field.
Status CheckCsvColumnNumbers(const ColumnMapping& mapping, const std::vector<std::string>& header,
                             size_t width);

// The JSON record of one CSV row. `header` is the header row (empty without one). An empty
// cell is an absent field; a published_at of digits only is epoch milliseconds. Returns
// InvalidArgument when a mapped column does not exist.
Result<common::Json> MapCsvRow(const ColumnMapping& mapping, const std::vector<std::string>& header,
                               const std::vector<std::string>& row);

// The JSON record of one JSON Lines object with its keys renamed by the mapping (a mapped key
// must be a name; numbers mean nothing in JSON).
common::Json MapJsonRecord(const ColumnMapping& mapping, common::Json record);

}  // namespace headwire::producers
