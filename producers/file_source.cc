#include "producers/file_source.h"

#include <csv.h>
#include <unistd.h>

#include <filesystem>
#include <utility>

#include "common/json_lines.h"
#include "common/proto_convert.h"
#include "common/strict_json.h"
#include "common/time_format.h"
#include "core/text.h"
#include "producers/article_reader.h"

namespace headwire::producers {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// libcsv's parser, the rows it completed but Next() has not taken yet, and the error that
// stopped it, returned once those rows are taken.
struct FileSource::CsvState {
  csv_parser parser{};
  std::vector<std::string> row;
  std::deque<std::vector<std::string>> rows;
  bool started = false;
  bool finished = false;
  // Bytes given to the parser since it last completed a row: libcsv keeps an unfinished record
  // in memory, so this is what the record being read costs (to within one chunk).
  size_t unfinished_bytes = 0;
  std::optional<Status> error;

  static void OnField(void* data, size_t size, void* self) {
    static_cast<CsvState*>(self)->row.emplace_back(static_cast<const char*>(data), size);
  }
  static void OnRow(int, void* self) {
    auto* state = static_cast<CsvState*>(self);
    state->rows.push_back(std::move(state->row));
    state->row.clear();
    state->unfinished_bytes = 0;
  }
};

Result<std::unique_ptr<FileSource>> FileSource::Open(const FileSourceOptions& options) {
  std::unique_ptr<FileSource> source(new FileSource());
  source->options_ = options;
  auto input = CompressedInput::Open(options.path);
  if (!input) return Err(input.error());
  source->input_ = std::move(*input);
  std::filesystem::path name(options.path);
  if (name.extension() == ".gz" || name.extension() == ".zst") name = name.stem();
  source->csv_ = name.extension() == ".csv";
  if (source->csv_) {
    source->csv_state_ = std::make_unique<CsvState>();
    // Strict (RFC 4180): a stray quote is an error, and so is a quote still open at the end of
    // the file, rather than a last field that swallowed every line after it.
    if (csv_init(&source->csv_state_->parser, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI) !=
        0) {
      return Err(Status::Internal("csv_init failed"));
    }
    // libcsv grows a field's buffer by this much at a time; by its default of 128 bytes a long
    // field would be copied over and over.
    csv_set_blk_size(&source->csv_state_->parser, 64 << 10);
  }
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) source->host_ = host;
  return source;
}

FileSource::~FileSource() {
  if (csv_state_) csv_free(&csv_state_->parser);
}

Result<std::optional<std::vector<std::string>>> FileSource::NextCsvRow() {
  CsvState& s = *csv_state_;
  // The data records before the parser's position: those taken and those queued (the header
  // row, while queued, is not one).
  const auto records_before = [&] {
    const bool header_queued = options_.mapping.header_row && header_.empty() && !s.rows.empty();
    return std::to_string(record_number_ + s.rows.size() - (header_queued ? 1 : 0));
  };
  std::string chunk;
  while (s.rows.empty() && !s.finished) {
    auto n = input_->Read(chunk, 1 << 16);
    if (!n) return Err(n.error());
    if (!s.started) {
      s.started = true;
      // Spreadsheets save "CSV UTF-8" with a byte order mark before the header; libcsv's strict
      // mode would take it for text before a quoted name.
      if (std::string_view(chunk).starts_with(kByteOrderMark)) {
        chunk.erase(0, kByteOrderMark.size());
      }
    }
    if (*n == 0) {
      s.finished = true;
      if (csv_fini(&s.parser, &CsvState::OnField, &CsvState::OnRow, &s) != 0) {
        s.error = Status::Corruption(options_.path +
                                     ": the file ends inside a quoted field opened after record " +
                                     records_before() + " (a quote is never closed)");
      }
      break;
    }
    if (csv_parse(&s.parser, chunk.data(), chunk.size(), &CsvState::OnField, &CsvState::OnRow,
                  &s) != chunk.size()) {
      const int error = csv_error(&s.parser);
      s.finished = true;
      s.error = Status::Corruption(
          options_.path + ": after record " + records_before() + ": " + csv_strerror(error) +
          (error == CSV_EPARSE ? " (a quote inside a field that is not quoted as a whole?)" : ""));
      break;
    }
    s.unfinished_bytes += chunk.size();
    if (s.unfinished_bytes > options_.max_record_bytes) {
      s.finished = true;
      s.error = Status::Corruption(options_.path + ": the record after record " + records_before() +
                                   " is longer than " + std::to_string(options_.max_record_bytes) +
                                   " bytes (a quote that is never closed?)");
    }
  }
  if (s.rows.empty()) {
    if (s.error) return Err(*std::exchange(s.error, std::nullopt));
    return std::nullopt;
  }
  std::vector<std::string> row = std::move(s.rows.front());
  s.rows.pop_front();
  return row;
}

Result<std::optional<FileSource::Line>> FileSource::NextJsonLine() {
  while (true) {
    if (!csv_) {
      auto line = input_->ReadLine(options_.max_record_bytes);
      if (!line) return Err(line.error());
      if (!line->has_value()) return std::nullopt;
      ++record_number_;
      if ((*line)->find_first_not_of(" \t") == std::string::npos) continue;
      if (options_.mapping.columns.empty()) return Line(std::move(**line));
      auto parsed = common::ParseStrictJson(**line);
      // The reader reports what is wrong with it, as for a file without a mapping.
      if (!parsed) return Line(std::move(**line));
      // A mapped field beyond a double stays one (not null, which would read as absent), for the
      // reader to refuse as it refuses it unmapped.
      return Line(common::DumpStrictJson(MapJsonRecord(options_.mapping, std::move(*parsed))));
    }
    auto row = NextCsvRow();
    if (!row) return Err(row.error());
    if (!row->has_value()) return std::nullopt;
    if (options_.mapping.header_row && header_.empty()) {
      header_ = std::move(**row);
      if (Status s = CheckCsvHeader(options_.mapping, header_); !s.ok()) {
        return Err(s.WithContext(options_.path));
      }
      csv_width_ = header_.size();
      continue;
    }
    if (csv_width_ == 0) {
      if (Status s = CheckCsvColumnNumbers(options_.mapping, header_, (*row)->size()); !s.ok()) {
        return Err(s.WithContext(options_.path));
      }
      csv_width_ = (*row)->size();
    }
    ++record_number_;
    // CSV is read strictly: a row of another width has lost or gained a cell somewhere, and its
    // cells may no longer be under their columns' names.
    if ((*row)->size() != csv_width_) {
      return Line(std::unexpected(common::RecordError{
          "wrong_cell_count", "the row has " + std::to_string((*row)->size()) + " cells, the " +
                                  (header_.empty() ? "first row " : "header ") +
                                  std::to_string(csv_width_)}));
    }
    auto mapped = MapCsvRow(options_.mapping, header_, **row);
    if (!mapped) return Err(mapped.error().WithContext(options_.path));
    // Only the cells an article takes: a column it leaves out may hold anything.
    for (const auto& [field, value] : mapped->items()) {
      if (value.is_string() && !core::IsValidUtf8(value.get_ref<const std::string&>())) {
        return Line(std::unexpected(common::RecordError{
            "invalid_utf8", field + " is not valid UTF-8 (convert the file's encoding to UTF-8)"}));
      }
    }
    return Line(mapped->dump());
  }
}

Result<std::optional<common::ArchiveRecord>> FileSource::Next() {
  static const auto kHeaders = common::MessageHeaders(v1::RawArticle::descriptor()->full_name());
  while (true) {
    auto line = NextJsonLine();
    if (!line) return Err(line.error());
    if (!line->has_value()) return std::nullopt;
    const int64_t now = options_.ingest_time_ms.value_or(common::WallClockMs());
    auto raw = **line ? ReadArticleLine(***line, options_.validation, now)
                      : std::unexpected((**line).error());
    if (!raw) {
      ++invalid_;
      if (options_.errors != nullptr) {
        *options_.errors << options_.path << ":" << record_number_ << ": " << raw.error().reason
                         << ": " << raw.error().message << "\n";
      }
      continue;
    }
    auto* info = raw->mutable_producer();
    info->set_name("headwire replay");
    info->set_version(HEADWIRE_VERSION);
    info->set_host(host_);
    info->set_input(options_.path);
    info->set_input_line(record_number_);
    common::ArchiveRecord record;
    record.partition = 0;
    record.offset = static_cast<int64_t>(record_number_);
    record.timestamp_ms = now;
    record.event_time_ms = raw->published_at_ms();
    record.event_time_estimated = raw->event_time_estimated();
    record.key = raw->id();
    record.value = raw->SerializeAsString();
    record.headers = kHeaders;
    return record;
  }
}

}  // namespace headwire::producers
