#pragma once
// StateStore: a RocksDB database with named column families, plus the consumed Kafka offsets
// stored beside the state they produced. A daemon writes its state changes and the offsets of
// the records that caused them in ONE WriteBatch, so after any crash the state and the resume
// position agree: records after the stored offsets are simply read again.
//
// Reads for queries go through a snapshot (ReadSnapshot), so one query sees one consistent state.
// Writes are not synced by default: the WAL survives a process crash (kill -9) but not a power
// loss; set `sync_writes` for the latter. Thread-safe as RocksDB is.

#include <rocksdb/compaction_filter.h>
#include <rocksdb/db.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/write_batch.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/kafka_consumer.h"
#include "common/status.h"

namespace headwire::common {

// What a state directory belongs to. Each kind is told apart by the column families it has, so
// that a daemon or query given another kind's directory says so instead of failing in RocksDB.
enum class StateKind { kProcessor, kSink, kFeed };
// "processor", "sink", "feed".
std::string_view StateKindName(StateKind kind);

// The kind of the state at `path`, recognised by its column families; nullopt when there is no
// database there or it is of no known kind. IoError when the database cannot be read.
Result<std::optional<StateKind>> DetectStateKind(const std::string& path);

struct StateStoreOptions {
  // Directory of the database; created when missing. Required.
  std::string path;
  // Whose state this is; opening another kind's state is an InvalidArgument error. Default: sink.
  StateKind kind = StateKind::kSink;
  // Column families besides "default" and the offsets family. Created when missing.
  std::vector<std::string> column_families;
  // Shared block cache for all column families, in bytes. Default: 64 MiB.
  size_t block_cache_bytes = 64 << 20;
  // When non-zero, one WriteBufferManager limits the memtables of all column families to this
  // many bytes and charges them to the block cache, so that block cache + memtables stay within
  // block_cache_bytes. Default: 0 (each family's memtables are limited on their own).
  size_t write_buffer_bytes = 0;
  // Compaction filter per column family name; it must outlive the store and be thread-safe.
  // Ignored on a query (secondary) instance. Default: none.
  std::map<std::string, std::shared_ptr<rocksdb::CompactionFilter>> compaction_filters = {};
  // Column families read mostly by key, and mostly for keys that are absent (e.g. "was this
  // record applied before?"): they get whole-key Bloom filters, in their memtables and in their
  // SST files (10 bits a key, about 1% false positives), so that a miss costs a few hash probes
  // instead of a memtable skip-list search and an index-block lookup per file. Default: none.
  std::set<std::string> point_lookup_families = {};
  // Column families whose batches insert each key near the previous key of the same prefix
  // (the sink's window and term counts: a batch's keys, sorted, crowd into the few windows its
  // records fall in): the transform that takes a key's prefix. The memtable then keeps an insert
  // position per prefix and finds each next key's place from there, instead of searching the
  // whole skip list from its top for every key that is not right after the previous one. Only
  // the speed of writes changes, not what is stored or read. Default: none.
  std::map<std::string, std::shared_ptr<const rocksdb::SliceTransform>> insert_hint_prefixes = {};
  // Merge operator per column family name, for writers and query instances alike (reading a
  // key with merge operands needs it). Default: none.
  std::map<std::string, std::shared_ptr<rocksdb::MergeOperator>> merge_operators = {};
  // Whether the table files that flushes write (level 0) are left uncompressed. A compaction
  // soon reads and rewrites them, so compressing them costs CPU at every flush and decompressing
  // them again at every compaction, for files that live only until then; level 0 takes more disk
  // meanwhile (1.7 times the bytes on the sink's benchmark stream). Deeper levels keep RocksDB's
  // compression (Snappy). Every block records its compression, so a state opens and reads the
  // same whichever way it was written. Default: false (level 0 compressed as every level).
  bool uncompressed_level0 = false;
  // fsync every write batch. Default: false (durable across process crashes, not power loss).
  bool sync_writes = false;
  // Opening for writing, and every Write(), fail with IoError ("... bytes free ...") while the
  // state's file system has less than this many bytes free. RocksDB aborts the whole process on
  // some writes that fail for want of space, so the store stops before that, and every restart
  // gives the same error until space is freed. Default: 64 MiB.
  uint64_t min_free_bytes = 64 << 20;
};

class StateStore {
 public:
  // Opens (creating when missing) the database for reading and writing. Only one process may
  // hold it; a second gets IoError (RocksDB's "While lock file: DIR/LOCK: ..."), after trying
  // again for about 1.5 s: a query looking whether a writer runs (OpenForQueries) holds the LOCK
  // for a moment, and a daemon starting then must not fail for it. InvalidArgument ("DIR is a
  // processor state, not a sink state") when `path` holds another kind of state, and
  // ("state directory DIR is not a directory") when `path` is a file or lies under one. A directory
  // that holds files but no CURRENT is damaged: Corruption, never a fresh start. The one
  // exception is a first open that stopped before CURRENT (a writer killed while creating the
  // state), told by RocksDB's own mark, not by file names alone: the directory holds only
  // regular files named as RocksDB's first open writes them before CURRENT (LOCK, LOG,
  // LOG.old.*, IDENTITY, MANIFEST-000001, NNNNNN.dbtmp), and among them MANIFEST-000001, or LOCK
  // beside a LOG that begins as RocksDB's info log does ("RocksDB version:"). Nothing was stored
  // there, so RocksDB creates the state afresh over those files (it rewrites IDENTITY and
  // MANIFEST-000001 and moves the old LOG aside as LOG.old.*; this class removes nothing), with
  // a warning. A directory holding only a user's own LOG stays Corruption, untouched.
  static Result<std::unique_ptr<StateStore>> Open(const StateStoreOptions& options);

  // Opens the database for reading beside a running writer (RocksDB secondary instance), caught
  // up with the writer at the time of the call. NotFound when there is no database at `path`;
  // InvalidArgument, as Open says, when `path` is not a directory;
  // Corruption, as Open says, when `path` holds files but no CURRENT, except for a first open
  // that stopped before CURRENT (as Open tells it): Unavailable ("... is being created ...")
  // while a writer holds its LOCK; NotFound ("no state database at DIR yet: a first open of it
  // stopped ...") when none does, which Open creates afresh. Whether a writer holds the LOCK is
  // seen by taking it for a moment; a user who may not open LOCK for writing cannot take it, and
  // is then told NotFound ("... whether a sink is creating it cannot be told ..."), never that a
  // writer holds it, which could be false for as long as the user asked.
  // When no writer holds the database, it is opened read-only instead, which checks every file:
  // a missing or truncated file is Corruption rather than an answer from an older version. A
  // user who cannot take the LOCK to see that always gets the secondary instance.
  static Result<std::unique_ptr<StateStore>> OpenForQueries(const StateStoreOptions& options);

  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;
  ~StateStore();

  // The handle of a column family named in the options; nullptr for an unknown name.
  rocksdb::ColumnFamilyHandle* family(std::string_view name) const;
  rocksdb::DB* db() const { return db_.get(); }

  // Adds "resume `tp` at `next_offset`" to `batch`.
  void PutOffset(rocksdb::WriteBatch& batch, const TopicPartition& tp, int64_t next_offset);
  // The stored resume offset of `tp`, or nullopt when none was stored.
  std::optional<int64_t> LoadOffset(const TopicPartition& tp) const;
  // Every stored resume offset.
  std::map<TopicPartition, int64_t> LoadOffsets() const;

  // Applies `batch` atomically.
  Status Write(rocksdb::WriteBatch& batch);

  // Writes a RocksDB checkpoint (hard links where possible) of the whole database, offsets
  // included, to `dir`, which must not exist yet.
  Status Checkpoint(const std::string& dir);

  // Writes, from one consistent view, the stored resume offset of `tp` and the entries of
  // `family` that start with `prefix` and that `selects` accepts, as SST files in `dir` (created;
  // it must not exist): "offsets.sst", and "<family>.sst" when some entry was selected. Returns
  // the offset written, or nullopt when the state holds no offset for `tp` (then nothing is
  // written). InvalidArgument for an unknown family; IoError when a file cannot be written.
  Result<std::optional<int64_t>> ExportPartition(
      const TopicPartition& tp, std::string_view family, std::string_view prefix,
      const std::function<bool(std::string_view key)>& selects, const std::string& dir) const;

  // Deletes, in one atomic write, the stored resume offset of `tp` and the entries of `family`
  // that start with `prefix` and that `selects` accepts (the entries ExportPartition would
  // export). InvalidArgument for an unknown family; the read or write error otherwise.
  Status DeletePartition(const TopicPartition& tp, std::string_view family, std::string_view prefix,
                         const std::function<bool(std::string_view key)>& selects);

  // Ingests every "<family>.sst" file in `dir` (as ExportPartition writes them) into its column
  // family, all files in one atomic step; they are copied, `dir` is left as it is. Entries with
  // the same keys are replaced. NotFound when `dir` has no offsets.sst; InvalidArgument for a
  // file of an unknown family; IoError when a file cannot be read.
  Status IngestPartition(const std::string& dir);

  // Compacts every column family, running the compaction filters over all of it. Blocks; safe
  // beside concurrent writes and reads.
  Status CompactAll();

  // Bytes of live SST files plus memtables over all column families.
  uint64_t ApproximateSizeBytes() const;

  // Read options for one consistent view of the state, valid while the ConsistentView lives: a
  // snapshot on the writer; on a query (secondary) instance the state is frozen at the moment it
  // caught up with the writer, which is already one consistent point.
  class ConsistentView {
   public:
    explicit ConsistentView(const StateStore& store);
    ~ConsistentView();
    ConsistentView(const ConsistentView&) = delete;
    ConsistentView& operator=(const ConsistentView&) = delete;
    const rocksdb::ReadOptions& options() const { return options_; }

   private:
    rocksdb::DB* db_;
    const rocksdb::Snapshot* snapshot_ = nullptr;
    rocksdb::ReadOptions options_;
  };

 private:
  StateStore() = default;
  static Result<std::unique_ptr<StateStore>> OpenImpl(const StateStoreOptions& options,
                                                      bool secondary);

  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>> families_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::WriteOptions write_options_;
  std::string secondary_path_;  // non-empty for a query (secondary) instance
  bool frozen_ = false;         // a query instance (secondary or read-only): nothing writes
  std::string path_;
  uint64_t min_free_bytes_ = 0;
  std::map<std::string, std::shared_ptr<rocksdb::CompactionFilter>> compaction_filters_;
};

// Copies the checkpoint (StateStore::Checkpoint) at `checkpoint` into `state_dir`, which must not
// exist or be empty. NotFound when there is no checkpoint there; InvalidArgument for a non-empty
// `state_dir`; IoError when the copy fails.
Status RestoreCheckpoint(const std::string& checkpoint, const std::string& state_dir);

// Converts a RocksDB status into a headwire Status, keeping NotFound and IO errors apart.
Status FromRocks(const rocksdb::Status& status, std::string_view context);

// Big-endian fixed-width encodings, so that keys sort numerically.
void AppendBigEndian64(std::string& out, uint64_t value);
void AppendBigEndian32(std::string& out, uint32_t value);
uint64_t ReadBigEndian64(std::string_view bytes);
uint32_t ReadBigEndian32(std::string_view bytes);

}  // namespace headwire::common
