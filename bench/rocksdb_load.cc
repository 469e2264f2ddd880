// The ceiling for the sink's state writes: a raw RocksDB load of the same records, one Put per
// record (key: the message key, value: the message bytes) in WriteBatches of --batch records,
// unsynced, into a fresh database with RocksDB's default options. The records come from a file
// that kcat wrote with `-f '%K %S %k%s'` (key length, value length, key, value per message); they
// are read into memory first, so only the writes are timed. Prints one JSON line: records,
// seconds, records_per_s.
//
// Usage: rocksdb_load --records FILE --dir DIR [--batch N]

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kcat_records.h"

int main(int argc, char** argv) {
  std::string records_path;
  std::string dir;
  size_t batch_size = 1000;
  CLI::App app{"Raw RocksDB load of kcat-dumped records: the sink's ceiling"};
  app.add_option("--records", records_path, "kcat dump (-f '%K %S %k%s')")->required();
  app.add_option("--dir", dir, "Fresh database directory")->required();
  app.add_option("--batch", batch_size, "Records per WriteBatch")
      ->check(CLI::Range(size_t{1}, size_t{1000000000}))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  std::vector<headwire::bench::KcatRecord> records;
  if (std::string error; !headwire::bench::ReadKcatRecords(records_path, records, error)) {
    std::fprintf(stderr, "rocksdb_load: %s\n", error.c_str());
    return 1;
  }
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (const auto s = rocksdb::DB::Open(options, dir, &raw); !s.ok()) {
    std::fprintf(stderr, "rocksdb_load: %s\n", s.ToString().c_str());
    return 1;
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  const auto start = std::chrono::steady_clock::now();
  for (size_t first = 0; first < records.size(); first += batch_size) {
    rocksdb::WriteBatch batch;
    for (size_t i = first; i < records.size() && i < first + batch_size; ++i) {
      batch.Put(records[i].first, records[i].second);
    }
    if (const auto s = db->Write(rocksdb::WriteOptions(), &batch); !s.ok()) {
      std::fprintf(stderr, "rocksdb_load: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"records\": %zu, \"seconds\": %.6f, \"records_per_s\": %.1f}\n", records.size(),
              seconds, records.empty() ? 0.0 : static_cast<double>(records.size()) / seconds);
  return 0;
}
