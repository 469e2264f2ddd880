#pragma once
// Replays a file of articles: JSON Lines (the input of `headwire produce`) or CSV (libcsv,
// RFC 4180) with a column mapping (column_mapping.h); plain, gzip or zstd (compressed_input.h).
// The format follows the name: ".csv" (before any ".gz"/".zst") is CSV, anything else JSON Lines.
//
// Each record becomes a RawArticle exactly as `headwire produce` makes it (same id, same
// validation), keyed by its id, with the producer named "headwire replay". Its position is
// partition 0, offset = its record number in the file (1-based). A record without an event time
// gets the ingest time (FileSourceOptions::ingest_time_ms, else the replay's wall clock), flagged
// estimated, as `produce` does. An invalid record (a CSV cell
// it takes that is not UTF-8 among them) is reported to `errors` as FILE:RECORD: reason: message,
// counted, and skipped. CSV is read strictly: a stray quote, or a quote still open at the end of
// the file, is Corruption once the records before it are delivered; a leading byte order mark is
// dropped. A compressed file that ends inside its stream is Corruption, never a shorter file. A
// line longer than max_record_bytes costs no more memory than that; a CSV record longer than that
// (a quote opened and never closed, say) is Corruption once so much is read. Not thread-safe.

#include <cstdint>
#include <deque>
#include <expected>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/article_json.h"
#include "common/json_lines.h"
#include "core/validation.h"
#include "producers/column_mapping.h"
#include "producers/compressed_input.h"
#include "producers/replay_source.h"

namespace headwire::producers {

struct FileSourceOptions {
  // The file. Required.
  std::string path;
  // CSV columns or JSON keys. Default: fields under their own names, CSV with a header row.
  ColumnMapping mapping;
  core::ValidationOptions validation;
  // Where invalid records are reported. Default: nowhere.
  std::ostream* errors = nullptr;
  // The most of one record kept in memory: a longer JSON line is read to its end and reported as
  // too large, a longer CSV record is Corruption. Default: common::kMaxLineBytes (64 MiB).
  size_t max_record_bytes = common::kMaxLineBytes;
  // The ingestion time stamped on every record, and so the event time of records without one;
  // fixed, it makes two replays of such a file give the same records. Default: the wall clock
  // when each record is read.
  std::optional<int64_t> ingest_time_ms = std::nullopt;
};

class FileSource : public ReplaySource {
 public:
  // Returns IoError when the file cannot be opened.
  static Result<std::unique_ptr<FileSource>> Open(const FileSourceOptions& options);
  ~FileSource() override;

  Result<std::optional<common::ArchiveRecord>> Next() override;
  std::optional<double> Fraction() const override { return input_->Fraction(); }
  uint64_t invalid() const override { return invalid_; }

 private:
  FileSource() = default;
  // A record as a JSON line, or why it cannot be one.
  using Line = std::expected<std::string, common::RecordError>;
  // The next record, nullopt at the end.
  Result<std::optional<Line>> NextJsonLine();
  Result<std::optional<std::vector<std::string>>> NextCsvRow();

  FileSourceOptions options_;
  std::unique_ptr<CompressedInput> input_;
  bool csv_ = false;
  struct CsvState;
  std::unique_ptr<CsvState> csv_state_;
  std::vector<std::string> header_;
  // The cells of every CSV row: the header's, or the first row's in a file without one (0
  // before it is read).
  size_t csv_width_ = 0;
  uint64_t record_number_ = 0;
  uint64_t invalid_ = 0;
  std::string host_;
};

}  // namespace headwire::producers
