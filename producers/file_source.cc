#include "producers/file_source.h"

#include <csv.h>
#include <unistd.h>

#include <filesystem>

#include "common/proto_convert.h"
#include "common/time_format.h"
#include "producers/article_reader.h"

namespace headwire::producers {

// libcsv's parser and the rows it completed but Next() has not taken yet.
struct FileSource::CsvState {
  csv_parser parser{};
  std::vector<std::string> row;
  std::deque<std::vector<std::string>> rows;
  bool finished = false;

  static void OnField(void* data, size_t size, void* self) {
    static_cast<CsvState*>(self)->row.emplace_back(static_cast<const char*>(data), size);
  }
  static void OnRow(int, void* self) {
    auto* state = static_cast<CsvState*>(self);
    state->rows.push_back(std::move(state->row));
    state->row.clear();
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
    if (csv_init(&source->csv_state_->parser, CSV_APPEND_NULL) != 0) {
      return Err(Status::Internal("csv_init failed"));
    }
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
  std::string chunk;
  while (s.rows.empty() && !s.finished) {
    auto n = input_->Read(chunk, 1 << 16);
    if (!n) return Err(n.error());
    if (*n == 0) {
      csv_fini(&s.parser, &CsvState::OnField, &CsvState::OnRow, &s);
      s.finished = true;
      break;
    }
    if (csv_parse(&s.parser, chunk.data(), chunk.size(), &CsvState::OnField, &CsvState::OnRow,
                  &s) != chunk.size()) {
      return Err(Status::Corruption(options_.path + ": " + csv_strerror(csv_error(&s.parser))));
    }
  }
  if (s.rows.empty()) return std::nullopt;
  std::vector<std::string> row = std::move(s.rows.front());
  s.rows.pop_front();
  return row;
}

Result<std::optional<std::string>> FileSource::NextJsonLine() {
  while (true) {
    if (!csv_) {
      auto line = input_->ReadLine();
      if (!line) return Err(line.error());
      if (!line->has_value()) return std::nullopt;
      ++record_number_;
      if ((*line)->find_first_not_of(" \t") == std::string::npos) continue;
      if (options_.mapping.columns.empty()) return line;
      auto parsed = common::Json::parse(**line, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_discarded()) return line;  // reported as not_json by the reader
      return MapJsonRecord(options_.mapping, std::move(parsed)).dump();
    }
    auto row = NextCsvRow();
    if (!row) return Err(row.error());
    if (!row->has_value()) return std::nullopt;
    if (options_.mapping.header_row && header_.empty()) {
      header_ = std::move(**row);
      continue;
    }
    ++record_number_;
    auto mapped = MapCsvRow(options_.mapping, header_, **row);
    if (!mapped) return Err(mapped.error().WithContext(options_.path));
    return mapped->dump();
  }
}

Result<std::optional<common::ArchiveRecord>> FileSource::Next() {
  static const auto kHeaders = common::MessageHeaders(v1::RawArticle::descriptor()->full_name());
  while (true) {
    auto line = NextJsonLine();
    if (!line) return Err(line.error());
    if (!line->has_value()) return std::nullopt;
    const int64_t now = common::WallClockMs();
    auto raw = ReadArticleLine(**line, options_.validation, now);
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
    record.key = raw->id();
    record.value = raw->SerializeAsString();
    record.headers = kHeaders;
    return record;
  }
}

}  // namespace headwire::producers
