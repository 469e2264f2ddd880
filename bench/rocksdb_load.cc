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

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace {

// Parses kcat's "%K %S %k%s" stream: "<key length> <value length> <key><value>" per message.
bool ParseRecords(const std::string& bytes, std::vector<std::pair<std::string, std::string>>& out) {
  size_t at = 0;
  while (at < bytes.size()) {
    char* end = nullptr;
    const long key_size = std::strtol(bytes.c_str() + at, &end, 10);
    const long value_size = std::strtol(end, &end, 10);
    if (end == nullptr || *end != ' ' || key_size < 0 || value_size < 0) return false;
    at = static_cast<size_t>(end - bytes.c_str()) + 1;
    if (at + static_cast<size_t>(key_size + value_size) > bytes.size()) return false;
    const char* key = bytes.data() + at;
    out.emplace_back(std::string(key, static_cast<size_t>(key_size)),
                     std::string(key + key_size, static_cast<size_t>(value_size)));
    at += static_cast<size_t>(key_size + value_size);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string records_path;
  std::string dir;
  size_t batch_size = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--records") records_path = argv[i + 1];
    if (flag == "--dir") dir = argv[i + 1];
    if (flag == "--batch") batch_size = std::strtoul(argv[i + 1], nullptr, 10);
  }
  if (records_path.empty() || dir.empty() || batch_size == 0) {
    std::fprintf(stderr, "usage: rocksdb_load --records FILE --dir DIR [--batch N]\n");
    return 2;
  }
  std::ifstream in(records_path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::pair<std::string, std::string>> records;
  if (!in.good() && !in.eof()) {
    std::fprintf(stderr, "rocksdb_load: cannot read %s\n", records_path.c_str());
    return 1;
  }
  if (!ParseRecords(bytes, records)) {
    std::fprintf(stderr, "rocksdb_load: %s is not in kcat's '%%K %%S %%k%%s' format\n",
                 records_path.c_str());
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
