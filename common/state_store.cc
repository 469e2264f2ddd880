#include "common/state_store.h"

#include <fcntl.h>
#include <rocksdb/cache.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_buffer_manager.h>
#include <spdlog/spdlog.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/logging.h"

namespace headwire::common {
namespace {

constexpr std::string_view kOffsetsFamily = "offsets";

// The column family that only a state of each kind has: processors/rocks_dedup_index.h's
// kDedupFamily and sinks/state_layout.h's kArticlesFamily.
constexpr std::pair<StateKind, std::string_view> kKindFamilies[] = {
    {StateKind::kProcessor, "dedup"},
    {StateKind::kSink, "articles"},
    {StateKind::kFeed, "feed_records"}};

std::string OffsetKey(const TopicPartition& tp) {
  std::string key = tp.topic;
  key.push_back('\0');
  AppendBigEndian32(key, static_cast<uint32_t>(tp.partition));
  return key;
}

// Moves `it` to the next entry at or after its position that starts with `prefix` and that
// `selects` accepts; false when there is none (or the iterator failed: see its status).
bool SkipToSelected(rocksdb::Iterator& it, std::string_view prefix,
                    const std::function<bool(std::string_view key)>& selects) {
  const rocksdb::Slice wanted(prefix.data(), prefix.size());
  while (it.Valid() && it.key().starts_with(wanted) &&
         !selects({it.key().data(), it.key().size()})) {
    it.Next();
  }
  return it.Valid() && it.key().starts_with(wanted);
}

// IoError when the file system holding `path` (or its nearest existing parent) has fewer than
// `min_free` bytes free.
Status CheckFreeSpace(const std::string& path, uint64_t min_free) {
  std::filesystem::path at(path);
  std::error_code ec;
  while (!std::filesystem::exists(at, ec) && at.has_parent_path() && at != at.parent_path()) {
    at = at.parent_path();
  }
  struct statvfs fs {};
  if (::statvfs(at.c_str(), &fs) != 0) return Status::Ok();  // RocksDB reports what is wrong
  const uint64_t free = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
  if (free >= min_free) return Status::Ok();
  return Status::IoError("state " + path + ": only " + std::to_string(free) +
                         " bytes free on its file system, below the " + std::to_string(min_free) +
                         " the state keeps in reserve; free space, then restart");
}

}  // namespace

void AppendBigEndian64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

void AppendBigEndian32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

uint64_t ReadBigEndian64(std::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8 && i < bytes.size(); ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return value;
}

uint32_t ReadBigEndian32(std::string_view bytes) {
  return static_cast<uint32_t>(ReadBigEndian64(bytes.substr(0, 4)));
}

Status FromRocks(const rocksdb::Status& status, std::string_view context) {
  if (status.ok()) return Status::Ok();
  std::string message = std::string(context) + ": " + status.ToString();
  if (status.IsNotFound()) return Status::NotFound(message);
  if (status.IsCorruption()) return Status::Corruption(message);
  if (status.IsIOError()) return Status::IoError(message);
  if (status.IsInvalidArgument()) return Status::InvalidArgument(message);
  return Status::Internal(message);
}

std::string_view StateKindName(StateKind kind) {
  switch (kind) {
    case StateKind::kProcessor:
      return "processor";
    case StateKind::kSink:
      return "sink";
    case StateKind::kFeed:
      return "feed";
  }
  return "sink";
}

Result<std::optional<StateKind>> DetectStateKind(const std::string& path) {
  if (!std::filesystem::exists(std::filesystem::path(path) / "CURRENT")) {
    return std::optional<StateKind>();
  }
  std::vector<std::string> families;
  if (auto s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &families); !s.ok()) {
    return Err(FromRocks(s, "read state " + path));
  }
  for (const auto& [kind, family] : kKindFamilies) {
    if (std::find(families.begin(), families.end(), family) != families.end()) return kind;
  }
  return std::optional<StateKind>();
}

namespace {

// What a look at a state's LOCK found.
enum class LockHolder { kNone, kWriter, kUnknown };

// RocksDB's lock call on `lock_path`, given back at once when it succeeds: OK when nobody held
// the lock, its error otherwise.
rocksdb::Status TakeAndGiveBack(const std::string& lock_path) {
  rocksdb::Env* env = rocksdb::Env::Default();
  rocksdb::FileLock* lock = nullptr;
  rocksdb::Status status = env->LockFile(lock_path, &lock);
  if (status.ok()) env->UnlockFile(lock).PermitUncheckedError();
  return status;
}

// Whether a writer holds the database: RocksDB's own lock call, which also sees a writer in this
// process (fcntl locks do not), taken and given back at once when it is free. kUnknown when this
// process may not open LOCK for writing (a read-only user or file system): the lock call would
// fail for that alone, which says nothing about a writer. While taken here, a writer's own lock
// call fails: the writer's open tries again for a while (see kLockTries).
LockHolder ProbeLock(const std::string& path) {
  const std::string lock_path = (std::filesystem::path(path) / "LOCK").string();
  if (::faccessat(AT_FDCWD, lock_path.c_str(), W_OK, AT_EACCESS) != 0 && errno != ENOENT) {
    return LockHolder::kUnknown;
  }
  return TakeAndGiveBack(lock_path).ok() ? LockHolder::kNone : LockHolder::kWriter;
}

// How often, and how far apart, the writer's open tries to take a LOCK that another holds: a
// query's look at the LOCK (ProbeLock) holds it for a moment, which must not stop a daemon that
// starts in that moment. About 1.5 s in all, far longer than such a moment, short beside a
// daemon's start.
constexpr int kLockTries = 20;
constexpr auto kLockRetryPause = std::chrono::milliseconds(75);

// Whether RocksDB's open failed because the LOCK is held (by another process, or by a lock call
// in this one), rather than because it cannot be opened at all.
bool FailedOnAHeldLock(const rocksdb::Status& status) {
  if (!status.IsIOError()) return false;
  const std::string message = status.ToString();
  return message.find("/LOCK: ") != std::string::npos &&
         message.find("a file for lock") == std::string::npos;
}

// OK when nobody holds `path`'s LOCK (or there is none yet, or this process may not open it for
// writing: RocksDB's open then says what is wrong); RocksDB's lock error when somebody does.
rocksdb::Status LockIsFree(const std::string& path) {
  const std::string lock_path = (std::filesystem::path(path) / "LOCK").string();
  if (::faccessat(AT_FDCWD, lock_path.c_str(), W_OK, AT_EACCESS) != 0) return rocksdb::Status::OK();
  return TakeAndGiveBack(lock_path);
}

// InvalidArgument when `path` is there but is not a directory (a regular file, or a path through
// one): neither a state nor a place to create one, and not to be mistaken for a damaged state.
Status CheckIsADirectoryOrMissing(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Status::InvalidArgument("state directory " + path + ": " + ec.message());
  }
  if (std::filesystem::exists(status) && !std::filesystem::is_directory(status)) {
    return Status::InvalidArgument("state directory " + path + " is not a directory");
  }
  return Status::Ok();
}

// Corruption when `path` holds files but no CURRENT: a damaged database (CURRENT deleted or
// lost), not an empty one. OK for a missing or empty directory, or one with a CURRENT.
Status CheckNotDamagedWithoutCurrent(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path dir(path);
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec) &&
      !std::filesystem::exists(dir / "CURRENT", ec)) {
    return Status::Corruption("state directory " + path +
                              " holds files but no CURRENT: the database is damaged; restore it "
                              "or a checkpoint, or remove the directory");
  }
  return Status::Ok();
}

// Whether `dir` holds only regular files named as RocksDB's first open names what it writes
// before CURRENT: LOCK, LOG (LOG.old.* when an earlier first open was cut short), IDENTITY,
// MANIFEST-000001 and the NNNNNN.dbtmp files IDENTITY and CURRENT are written through. A state
// that lost its CURRENT holds more: the later manifests, logs, table files and OPTIONS of every
// open after the first.
bool HoldsOnlyFilesOfAFirstOpen(const std::filesystem::path& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const std::string_view stem = std::string_view(name).substr(0, name.find('.'));
    const bool temporary =
        name.ends_with(".dbtmp") && !stem.empty() &&
        std::all_of(stem.begin(), stem.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (name != "LOCK" && name != "LOG" && !name.starts_with("LOG.old.") && name != "IDENTITY" &&
        name != "MANIFEST-000001" && !temporary) {
      return false;
    }
    if (!std::filesystem::is_regular_file(entry.symlink_status(ec))) return false;
  }
  return !ec;
}

// Whether `file` is a regular file whose first KiBs hold `text`.
bool BeginsWith(const std::filesystem::path& file, std::string_view text) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(file, ec))) return false;
  std::ifstream in(file, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return head.find(text) != std::string::npos;
}

// Whether `dir` is what RocksDB's first open leaves when it stops before CURRENT: only its files
// (HoldsOnlyFilesOfAFirstOpen), and among them its own mark, not merely its names: its
// MANIFEST-000001, or its LOCK beside a LOG that begins as RocksDB's info log does. A directory
// holding only a user's own LOG or IDENTITY is none.
bool IsAnInterruptedFirstOpen(const std::filesystem::path& dir) {
  if (!HoldsOnlyFilesOfAFirstOpen(dir)) return false;
  std::error_code ec;
  const auto regular = [&](const char* name) {
    return std::filesystem::is_regular_file(std::filesystem::symlink_status(dir / name, ec));
  };
  return regular("MANIFEST-000001") ||
         (regular("LOCK") && BeginsWith(dir / "LOG", "RocksDB version:"));
}

// The daemon that writes a state of `kind`, as messages name it.
std::string WriterName(StateKind kind) {
  return kind == StateKind::kFeed ? "feed daemon" : std::string(StateKindName(kind));
}

// For a directory without CURRENT that is an interrupted first open: Unavailable while a writer
// holds its LOCK (it is creating the database), NotFound when none does (a first open that
// stopped before CURRENT, which the writer creates afresh) or when that cannot be told (LOCK not
// writable here: no writer is claimed). OK when it is anything else.
Status CheckNotAFirstOpen(const std::string& path, StateKind kind) {
  const std::filesystem::path dir(path);
  if (!IsAnInterruptedFirstOpen(dir)) return Status::Ok();
  const std::string writer = WriterName(kind);
  std::error_code ec;
  // Only an existing LOCK is tried: creating it could take it before the writer does.
  const LockHolder holder =
      std::filesystem::exists(dir / "LOCK", ec) ? ProbeLock(path) : LockHolder::kNone;
  if (holder == LockHolder::kWriter) {
    return Status::Unavailable("state directory " + path + " is being created by a starting " +
                               writer + " (no CURRENT yet); try again when the " + writer +
                               " is ready");
  }
  if (holder == LockHolder::kUnknown) {
    return Status::NotFound("no state database at " + path + " yet: a first open of it has " +
                            "not written CURRENT (whether a " + writer +
                            " is creating it cannot be told: its LOCK is not writable here); "
                            "the " +
                            writer + " creates it when it starts");
  }
  return Status::NotFound("no state database at " + path + " yet: a first open of it stopped " +
                          "before it wrote CURRENT, and no " + writer + " holds it; the " + writer +
                          " creates it afresh when it starts");
}

// Whether the writer may open `path`: Corruption when it holds files but no CURRENT (damaged:
// starting afresh there would silently lose the state), unless they are an interrupted first
// open (IsAnInterruptedFirstOpen), which stored nothing: then `over_first_open` is set and
// RocksDB's own first open runs over them, rewriting IDENTITY and MANIFEST-000001 and moving the
// old LOG aside as LOG.old.*; nothing is removed here.
Status CheckWriterMayOpen(const std::string& path, bool& over_first_open) {
  Status damaged = CheckNotDamagedWithoutCurrent(path);
  over_first_open = !damaged.ok() && IsAnInterruptedFirstOpen(std::filesystem::path(path));
  return over_first_open ? Status::Ok() : damaged;
}

}  // namespace

Result<std::unique_ptr<StateStore>> StateStore::Open(const StateStoreOptions& options) {
  if (Status usable = CheckIsADirectoryOrMissing(options.path); !usable.ok()) return Err(usable);
  return OpenImpl(options, /*secondary=*/false);
}

Result<std::unique_ptr<StateStore>> StateStore::OpenForQueries(const StateStoreOptions& options) {
  // A damaged state, not a missing one: the writer refuses it too. Unless it holds only a first
  // open's files: a state being created, or one that never was.
  if (Status usable = CheckIsADirectoryOrMissing(options.path); !usable.ok()) return Err(usable);
  if (Status damaged = CheckNotDamagedWithoutCurrent(options.path); !damaged.ok()) {
    Status why = CheckNotAFirstOpen(options.path, options.kind);
    if (why.ok()) why = damaged;
    // A CURRENT found now was written while the files were looked at: the writer finished
    // creating the state meanwhile, and what the look saw was not all of it.
    if (!std::filesystem::exists(std::filesystem::path(options.path) / "CURRENT")) {
      return Err(why);
    }
  }
  if (!std::filesystem::exists(std::filesystem::path(options.path) / "CURRENT")) {
    return Err(Status::NotFound("no state database at " + options.path));
  }
  return OpenImpl(options, /*secondary=*/true);
}

Result<std::unique_ptr<StateStore>> StateStore::OpenImpl(const StateStoreOptions& options,
                                                         bool secondary) {
  if (options.path.empty()) return Err(Status::InvalidArgument("no state directory given"));
  auto found = DetectStateKind(options.path);
  if (!found) return Err(found.error());
  if (*found && **found != options.kind) {
    return Err(Status::InvalidArgument(options.path + " is a " +
                                       std::string(StateKindName(**found)) + " state, not a " +
                                       std::string(StateKindName(options.kind)) + " state"));
  }
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  rocksdb::ColumnFamilyOptions family_options;
  rocksdb::DBOptions db_options;
  if (options.write_buffer_bytes > 0) {
    // Index and filter blocks and memtables are charged to the one cache, so the cache's
    // capacity is the budget for all of them.
    table.cache_index_and_filter_blocks = true;
    table.pin_l0_filter_and_index_blocks_in_cache = true;
    db_options.write_buffer_manager = std::make_shared<rocksdb::WriteBufferManager>(
        options.write_buffer_bytes, table.block_cache);
    family_options.write_buffer_size =
        std::max<size_t>(1 << 20, std::min<size_t>(64 << 20, options.write_buffer_bytes / 4));
    family_options.max_write_buffer_number = 2;
  }
  family_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  if (options.uncompressed_level0) {
    // The last entry applies to every deeper level.
    family_options.compression_per_level = {rocksdb::kNoCompression, family_options.compression};
  }
  rocksdb::BlockBasedTableOptions lookup_table = table;
  lookup_table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  const std::shared_ptr<rocksdb::TableFactory> lookup_table_factory(
      rocksdb::NewBlockBasedTableFactory(lookup_table));

  std::unique_ptr<StateStore> store(new StateStore());
  store->compaction_filters_ = options.compaction_filters;
  store->path_ = options.path;
  store->min_free_bytes_ = options.min_free_bytes;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, family_options);
  descriptors.emplace_back(std::string(kOffsetsFamily), family_options);
  for (const auto& name : options.column_families) {
    rocksdb::ColumnFamilyOptions cf = family_options;
    const auto filter = options.compaction_filters.find(name);
    if (!secondary && filter != options.compaction_filters.end()) {
      cf.compaction_filter = filter->second.get();
    }
    if (options.point_lookup_families.contains(name)) {
      cf.table_factory = lookup_table_factory;
      cf.memtable_whole_key_filtering = true;
      // Bloom bits of 2% of the memtable's size: about 10 bits a key for keys and values of
      // about 60 bytes and more.
      cf.memtable_prefix_bloom_size_ratio = 0.02;
    }
    if (const auto hint = options.insert_hint_prefixes.find(name);
        hint != options.insert_hint_prefixes.end()) {
      cf.memtable_insert_with_hint_prefix_extractor = hint->second;
    }
    if (const auto merge = options.merge_operators.find(name);
        merge != options.merge_operators.end()) {
      cf.merge_operator = merge->second;
    }
    descriptors.emplace_back(name, cf);
  }

  db_options.create_if_missing = !secondary;
  db_options.create_missing_column_families = !secondary;
  db_options.keep_log_file_num = 3;
  // Every flush writes all column families together, so the files on disk always hold one
  // batch boundary for all of them: losing the unsynced WAL (a power loss) can cost the newest
  // batches, never leave the offsets ahead of the state they stand for.
  db_options.atomic_flush = true;
  // No preallocated files: the free space min_free_bytes watches is then the space really left.
  db_options.allow_fallocate = false;

  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  // What an open that failed may leave behind.
  const auto discard = [&] {
    for (auto* h : store->handles_) delete h;
    store->handles_.clear();
    delete raw;
    raw = nullptr;
  };
  // A secondary needs a directory of its own for its info log; it lives only as long as us.
  const auto open_secondary = [&]() -> rocksdb::Status {
    std::error_code no_temp;
    const std::filesystem::path temp = std::filesystem::temp_directory_path(no_temp);
    if (no_temp) {
      return rocksdb::Status::IOError("no temporary directory (TMPDIR): " + no_temp.message());
    }
    std::string pattern = (temp / "headwire-query-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return rocksdb::Status::IOError("cannot create a temporary directory");
    }
    store->secondary_path_ = pattern;
    rocksdb::Status status = rocksdb::DB::OpenAsSecondary(
        db_options, options.path, store->secondary_path_, descriptors, &store->handles_, &raw);
    if (status.ok()) status = raw->TryCatchUpWithPrimary();
    return status;
  };
  if (secondary) {
    store->frozen_ = true;
    db_options.max_open_files = -1;
    // A LOCK this process may not take (kUnknown) is read beside a writer that may be there.
    if (ProbeLock(options.path) != LockHolder::kNone) {
      s = open_secondary();
    } else {
      // Nobody writes: a read-only open recovers exactly as the writer would, so a missing or
      // truncated file is an error here too, where a secondary would quietly fall back to the
      // last version whose files are all there and answer from older, partial state.
      // A log cut short at its end is what a crash leaves; a damaged record before the end is
      // not, and is a CORRUPTION error here, where the writer would recover to the point before
      // it (RocksDB's default) and read the rest again from Kafka, its offsets being in the state.
      rocksdb::DBOptions read_only = db_options;
      read_only.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
      s = rocksdb::DB::OpenForReadOnly(read_only, options.path, descriptors, &store->handles_,
                                       &raw);
      // A writer that started meanwhile may have moved files under the read: open beside it.
      if (!s.ok() && ProbeLock(options.path) != LockHolder::kNone) {
        discard();
        s = open_secondary();
      }
    }
  } else {
    bool over_first_open = false;
    for (int attempt = 1;; ++attempt) {
      // Looked at anew on every try: the state may have been made by the LOCK's holder meanwhile.
      if (Status verdict = CheckWriterMayOpen(options.path, over_first_open); !verdict.ok()) {
        return Err(verdict);
      }
      if (Status free = CheckFreeSpace(options.path, options.min_free_bytes); !free.ok()) {
        return Err(free);
      }
      if (std::error_code ec; !std::filesystem::create_directories(options.path, ec) && ec) {
        return Err(
            Status::IoError("cannot create state directory " + options.path + ": " + ec.message()));
      }
      // RocksDB's open moves the LOG aside before it takes the LOCK: a held LOCK is waited for
      // here, so that the tries do not pile up LOG.old files, nor move the holder's LOG.
      s = LockIsFree(options.path);
      if (s.ok()) {
        s = rocksdb::DB::Open(db_options, options.path, descriptors, &store->handles_, &raw);
      }
      if (s.ok() || attempt == kLockTries || !FailedOnAHeldLock(s)) break;
      discard();
      std::this_thread::sleep_for(kLockRetryPause);
    }
    if (s.ok() && over_first_open) {
      spdlog::warn(
          "msg=\"state directory held only an interrupted first open (no CURRENT); the state is "
          "created afresh over it\" dir={}",
          Quote(options.path));
    }
  }
  if (!s.ok()) {
    discard();
    return Err(FromRocks(s, "open state " + options.path));
  }
  store->db_.reset(raw);
  for (size_t i = 0; i < descriptors.size(); ++i) {
    store->families_[descriptors[i].name] = store->handles_[i];
  }
  store->write_options_.sync = options.sync_writes;
  return store;
}

StateStore::~StateStore() {
  // A stopped daemon's state lives in table files, which every open checks, rather than in a log
  // replayed at the next open: a damaged log can then cost nothing. Not below the free-space
  // reserve, which writes must not eat into; the log, which recovery replays, stays then, as it
  // does when a flush fails.
  if (db_ && !frozen_ && CheckFreeSpace(path_, min_free_bytes_).ok()) {
    rocksdb::FlushOptions flush;
    flush.wait = true;
    db_->Flush(flush, handles_).PermitUncheckedError();
  }
  if (db_) {
    for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
    db_->Close();
    db_.reset();
  }
  if (!secondary_path_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(secondary_path_, ignored);
  }
}

rocksdb::ColumnFamilyHandle* StateStore::family(std::string_view name) const {
  const auto it = families_.find(name);
  return it == families_.end() ? nullptr : it->second;
}

void StateStore::PutOffset(rocksdb::WriteBatch& batch, const TopicPartition& tp,
                           int64_t next_offset) {
  std::string value;
  AppendBigEndian64(value, static_cast<uint64_t>(next_offset));
  batch.Put(family(kOffsetsFamily), OffsetKey(tp), value);
}

std::optional<int64_t> StateStore::LoadOffset(const TopicPartition& tp) const {
  std::string value;
  if (!db_->Get(rocksdb::ReadOptions(), family(kOffsetsFamily), OffsetKey(tp), &value).ok()) {
    return std::nullopt;
  }
  return static_cast<int64_t>(ReadBigEndian64(value));
}

std::map<TopicPartition, int64_t> StateStore::LoadOffsets() const {
  std::map<TopicPartition, int64_t> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), family(kOffsetsFamily)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    const size_t nul = key.find('\0');
    if (nul == std::string_view::npos || key.size() != nul + 5) continue;
    const auto partition = static_cast<int32_t>(ReadBigEndian32(key.substr(nul + 1)));
    out[{std::string(key.substr(0, nul)), partition}] =
        static_cast<int64_t>(ReadBigEndian64({it->value().data(), it->value().size()}));
  }
  return out;
}

StateStore::ConsistentView::ConsistentView(const StateStore& store) : db_(store.db()) {
  if (!store.frozen_) {
    snapshot_ = db_->GetSnapshot();
    options_.snapshot = snapshot_;
  }
}

StateStore::ConsistentView::~ConsistentView() {
  if (snapshot_ != nullptr) db_->ReleaseSnapshot(snapshot_);
}

Status StateStore::Write(rocksdb::WriteBatch& batch) {
  if (Status free = CheckFreeSpace(path_, min_free_bytes_); !free.ok()) return free;
  return FromRocks(db_->Write(write_options_, &batch), "write state");
}

Status StateStore::Checkpoint(const std::string& dir) {
  rocksdb::Checkpoint* raw = nullptr;
  if (auto s = rocksdb::Checkpoint::Create(db_.get(), &raw); !s.ok()) {
    return FromRocks(s, "checkpoint");
  }
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocks(checkpoint->CreateCheckpoint(dir), "checkpoint to " + dir);
}

Result<std::optional<int64_t>> StateStore::ExportPartition(
    const TopicPartition& tp, std::string_view family_name, std::string_view prefix,
    const std::function<bool(std::string_view key)>& selects, const std::string& dir) const {
  rocksdb::ColumnFamilyHandle* handle = family(family_name);
  if (handle == nullptr) {
    return Err(Status::InvalidArgument("no column family " + std::string(family_name)));
  }
  const ConsistentView view(*this);
  const std::string offset_key = OffsetKey(tp);
  std::string offset_value;
  const auto found = db_->Get(view.options(), family(kOffsetsFamily), offset_key, &offset_value);
  if (found.IsNotFound()) return std::optional<int64_t>();
  if (!found.ok()) return Err(FromRocks(found, "read offset"));
  std::error_code ec;
  if (!std::filesystem::create_directories(dir, ec)) {
    return Err(Status::IoError("cannot create " + dir + ": " + ec.message()));
  }
  // One SST file per family, keys added in the family's order (SstFileWriter requires it).
  const auto write = [&](rocksdb::ColumnFamilyHandle* into, std::string_view name,
                         const std::function<Status(rocksdb::SstFileWriter&)>& add) -> Status {
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), db_->GetOptions(into), into);
    const std::string path = (std::filesystem::path(dir) / (std::string(name) + ".sst")).string();
    if (auto s = writer.Open(path); !s.ok()) return FromRocks(s, "write " + path);
    if (Status s = add(writer); !s.ok()) return s;
    return FromRocks(writer.Finish(), "write " + path);
  };
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(view.options(), handle));
  it->Seek(rocksdb::Slice(prefix.data(), prefix.size()));
  const auto next_selected = [&] { return SkipToSelected(*it, prefix, selects); };
  if (next_selected()) {
    Status s = write(handle, family_name, [&](rocksdb::SstFileWriter& writer) -> Status {
      for (; next_selected(); it->Next()) {
        if (auto put = writer.Put(it->key(), it->value()); !put.ok()) {
          return FromRocks(put, "export " + std::string(family_name));
        }
      }
      return FromRocks(it->status(), "read " + std::string(family_name));
    });
    if (!s.ok()) return Err(s);
  } else if (!it->status().ok()) {
    return Err(FromRocks(it->status(), "read " + std::string(family_name)));
  }
  Status s = write(family(kOffsetsFamily), kOffsetsFamily, [&](rocksdb::SstFileWriter& writer) {
    return FromRocks(writer.Put(offset_key, offset_value), "export offsets");
  });
  if (!s.ok()) return Err(s);
  return std::optional<int64_t>(static_cast<int64_t>(ReadBigEndian64(offset_value)));
}

Status StateStore::DeletePartition(const TopicPartition& tp, std::string_view family_name,
                                   std::string_view prefix,
                                   const std::function<bool(std::string_view key)>& selects) {
  rocksdb::ColumnFamilyHandle* handle = family(family_name);
  if (handle == nullptr) {
    return Status::InvalidArgument("no column family " + std::string(family_name));
  }
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handle));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); SkipToSelected(*it, prefix, selects);
       it->Next()) {
    if (auto s = batch.Delete(handle, it->key()); !s.ok()) return FromRocks(s, "delete entry");
  }
  if (!it->status().ok()) return FromRocks(it->status(), "read " + std::string(family_name));
  if (auto s = batch.Delete(family(kOffsetsFamily), OffsetKey(tp)); !s.ok()) {
    return FromRocks(s, "delete offset");
  }
  return Write(batch);
}

Status StateStore::IngestPartition(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / (std::string(kOffsetsFamily) + ".sst"), ec)) {
    return Status::NotFound("no " + std::string(kOffsetsFamily) + ".sst in " + dir);
  }
  std::vector<rocksdb::IngestExternalFileArg> args;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".sst") continue;
    rocksdb::ColumnFamilyHandle* handle = family(entry.path().stem().string());
    if (handle == nullptr) {
      return Status::InvalidArgument(entry.path().string() + " is of no column family of " + path_);
    }
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = handle;
    arg.external_files = {entry.path().string()};
    arg.options.move_files = false;
    args.push_back(std::move(arg));
  }
  if (ec) return Status::IoError("read " + dir + ": " + ec.message());
  return FromRocks(db_->IngestExternalFiles(args), "ingest " + dir);
}

Status StateStore::CompactAll() {
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (auto* handle : handles_) {
    if (auto s = db_->CompactRange(options, handle, nullptr, nullptr); !s.ok()) {
      return FromRocks(s, "compact");
    }
  }
  return Status::Ok();
}

uint64_t StateStore::ApproximateSizeBytes() const {
  uint64_t total = 0;
  for (auto* handle : handles_) {
    uint64_t value = 0;
    if (db_->GetIntProperty(handle, rocksdb::DB::Properties::kLiveSstFilesSize, &value)) {
      total += value;
    }
    if (db_->GetIntProperty(handle, rocksdb::DB::Properties::kCurSizeAllMemTables, &value)) {
      total += value;
    }
  }
  return total;
}

Status RestoreCheckpoint(const std::string& checkpoint, const std::string& state_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(fs::path(checkpoint) / "CURRENT", ec)) {
    return Status::NotFound("no checkpoint at " + checkpoint);
  }
  if (fs::exists(state_dir, ec) && !fs::is_empty(state_dir, ec)) {
    return Status::InvalidArgument("state directory " + state_dir +
                                   " is not empty; a checkpoint is restored into a fresh one");
  }
  fs::create_directories(state_dir, ec);
  fs::copy(checkpoint, state_dir, fs::copy_options::recursive, ec);
  if (ec) return Status::IoError("copy checkpoint " + checkpoint + ": " + ec.message());
  return Status::Ok();
}

}  // namespace headwire::common
