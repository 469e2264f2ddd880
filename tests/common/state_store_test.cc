#include "common/state_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <rocksdb/env.h>
#include <rocksdb/table_properties.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/common/test_dir.h"

namespace headwire::common {
namespace {

class StateStoreTest : public ::testing::Test {
 protected:
  StateStoreOptions Processor() const {
    return {.path = dir_.string(), .kind = StateKind::kProcessor, .column_families = {"dedup"}};
  }
  StateStoreOptions Sink() const {
    return {.path = dir_.string(), .kind = StateKind::kSink, .column_families = {"articles"}};
  }

  // The number of keys in the "articles" family.
  static int64_t ArticleCount(StateStore& store) {
    int64_t count = 0;
    std::unique_ptr<rocksdb::Iterator> it(
        store.db()->NewIterator(rocksdb::ReadOptions(), store.family("articles")));
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++count;
    return count;
  }

  const testing::TestDir dir_{"headwire-state-store-test"};
};

TEST_F(StateStoreTest, TheKindIsRecognisedByItsColumnFamilies) {
  EXPECT_EQ(*DetectStateKind(dir_.string()), std::nullopt);
  ASSERT_TRUE(StateStore::Open(Processor()).has_value());
  EXPECT_EQ(*DetectStateKind(dir_.string()), StateKind::kProcessor);
  std::filesystem::remove_all(dir_.path());
  ASSERT_TRUE(StateStore::Open(Sink()).has_value());
  EXPECT_EQ(*DetectStateKind(dir_.string()), StateKind::kSink);
}

// The compression names of the "articles" family's table files, one per file.
std::multiset<std::string> TableCompressions(StateStore& store) {
  rocksdb::TablePropertiesCollection tables;
  EXPECT_TRUE(store.db()->GetPropertiesOfAllTables(store.family("articles"), &tables).ok());
  std::multiset<std::string> out;
  for (const auto& [file, properties] : tables) out.insert(properties->compression_name);
  return out;
}

TEST_F(StateStoreTest, UncompressedLevel0IsWrittenSoAndAStateReadsTheSameWrittenEitherWay) {
  const auto write = [&](bool uncompressed_level0, const std::string& key) {
    StateStoreOptions options = Sink();
    options.uncompressed_level0 = uncompressed_level0;
    auto store = StateStore::Open(options);
    ASSERT_TRUE(store.has_value());
    rocksdb::WriteBatch batch;
    ASSERT_TRUE(batch.Put((*store)->family("articles"), key, std::string(4096, 'v')).ok());
    ASSERT_TRUE((*store)->Write(batch).ok());
    ASSERT_TRUE((*store)->db()->Flush({}, (*store)->family("articles")).ok());
  };
  write(true, "a");
  write(false, "b");
  auto store = StateStore::Open(Sink());
  ASSERT_TRUE(store.has_value());
  EXPECT_EQ(TableCompressions(**store), (std::multiset<std::string>{"NoCompression", "Snappy"}));
  for (const std::string key : {"a", "b"}) {
    std::string value;
    ASSERT_TRUE((*store)->db()->Get({}, (*store)->family("articles"), key, &value).ok());
    EXPECT_EQ(value, std::string(4096, 'v'));
  }
  // A compaction writes the deeper level compressed as before, whatever level 0 was.
  ASSERT_TRUE((*store)->CompactAll().ok());
  EXPECT_EQ(TableCompressions(**store), (std::multiset<std::string>{"Snappy"}));
  EXPECT_EQ(ArticleCount(**store), 2);
}

TEST_F(StateStoreTest, OpeningAnotherKindsStateSaysWhatItIs) {
  ASSERT_TRUE(StateStore::Open(Processor()).has_value());
  for (auto open : {&StateStore::Open, &StateStore::OpenForQueries}) {
    auto store = open(Sink());
    ASSERT_FALSE(store.has_value());
    EXPECT_TRUE(store.error().IsInvalidArgument());
    EXPECT_EQ(store.error().message(), dir_.string() + " is a processor state, not a sink state");
  }
  // Nothing was added to it: it is still a processor state and opens as one.
  EXPECT_TRUE(StateStore::Open(Processor()).has_value());
}

TEST_F(StateStoreTest, AMissingOrEmptyDirectoryStartsAFreshDatabase) {
  EXPECT_TRUE(StateStore::Open(Processor()).has_value());
  std::filesystem::remove_all(dir_.path());
  std::filesystem::create_directories(dir_.path());
  EXPECT_TRUE(StateStore::Open(Processor()).has_value());
}

TEST_F(StateStoreTest, AStatePathThatIsAFileOrLiesUnderOneIsRefusedAsNotADirectory) {
  std::filesystem::remove_all(dir_.path());
  std::filesystem::create_directories(dir_.path().parent_path());
  for (const bool with_content : {false, true}) {
    { std::ofstream(dir_.path()) << (with_content ? "not a database\n" : ""); }
    for (const auto& path : {dir_.path(), dir_.path() / "state"}) {
      SCOPED_TRACE(path.string() + (with_content ? " (a file with content)" : " (an empty file)"));
      StateStoreOptions options = Sink();
      options.path = path.string();
      auto writer = StateStore::Open(options);
      ASSERT_FALSE(writer.has_value());
      EXPECT_EQ(writer.error().code(), StatusCode::kInvalidArgument) << writer.error().ToString();
      auto query = StateStore::OpenForQueries(options);
      ASSERT_FALSE(query.has_value());
      EXPECT_EQ(query.error().code(), StatusCode::kInvalidArgument) << query.error().ToString();
      EXPECT_EQ(query.error().message(), writer.error().message());
    }
    EXPECT_EQ(StateStore::Open(Sink()).error().message(),
              "state directory " + dir_.string() + " is not a directory");
    // The file is left as it was: not taken for a damaged state to remove or restore.
    EXPECT_TRUE(std::filesystem::is_regular_file(dir_.path()));
    std::filesystem::remove(dir_.path());
  }
}

TEST_F(StateStoreTest, ADirectoryWithoutCurrentIsDamagedNotFresh) {
  {
    auto store = StateStore::Open(Processor());
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    rocksdb::WriteBatch batch;
    (*store)->PutOffset(batch, {"in", 0}, 42);
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
  std::filesystem::remove(dir_.path() / "CURRENT");
  for (int attempt = 0; attempt < 2; ++attempt) {  // the same error on every restart
    auto store = StateStore::Open(Processor());
    ASSERT_FALSE(store.has_value());
    EXPECT_EQ(store.error().code(), StatusCode::kCorruption);
    EXPECT_NE(store.error().message().find("no CURRENT"), std::string::npos);
  }
}

TEST_F(StateStoreTest, AQueryOfADirectoryWithoutCurrentSaysItIsDamagedNotMissing) {
  {
    auto store = StateStore::Open(Sink());
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
  }
  std::filesystem::remove(dir_.path() / "CURRENT");
  auto store = StateStore::OpenForQueries(Sink());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), StatusCode::kCorruption) << store.error().ToString();
  EXPECT_NE(store.error().message().find("no CURRENT"), std::string::npos);
}

// RocksDB's own first open of `path`, stopped where it would write CURRENT: the directory as a
// query finds it while a writer creates the database.
void LeaveAFirstOpenBeforeCurrent(const std::filesystem::path& path) {
  struct NoCurrent : rocksdb::EnvWrapper {
    NoCurrent() : EnvWrapper(rocksdb::Env::Default()) {}
    const char* Name() const override { return "NoCurrent"; }
    rocksdb::Status RenameFile(const std::string& from, const std::string& to) override {
      if (to.ends_with("/CURRENT")) return rocksdb::Status::IOError("stopped before CURRENT");
      return target()->RenameFile(from, to);
    }
  } env;
  rocksdb::Options options;
  options.create_if_missing = true;
  options.env = &env;
  rocksdb::DB* db = nullptr;
  ASSERT_FALSE(rocksdb::DB::Open(options, path.string(), &db).ok());
  ASSERT_FALSE(std::filesystem::exists(path / "CURRENT"));
  ASSERT_TRUE(std::filesystem::exists(path / "MANIFEST-000001"));
}

TEST_F(StateStoreTest, AQueryWhileAWriterCreatesTheStateSaysItIsBeingCreatedNotDamaged) {
  std::filesystem::remove_all(dir_.path());
  LeaveAFirstOpenBeforeCurrent(dir_.path());
  // The writer that is creating it holds its lock.
  rocksdb::FileLock* lock = nullptr;
  ASSERT_TRUE(rocksdb::Env::Default()->LockFile((dir_.path() / "LOCK").string(), &lock).ok());
  auto store = StateStore::OpenForQueries(Sink());
  ASSERT_TRUE(rocksdb::Env::Default()->UnlockFile(lock).ok());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), StatusCode::kUnavailable) << store.error().ToString();
  EXPECT_EQ(store.error().message(),
            "state directory " + dir_.string() +
                " is being created by a starting sink (no CURRENT yet); try again when the sink "
                "is ready");
}

TEST_F(StateStoreTest, AQueryOfAFirstOpenLeftUnfinishedWithNoWriterFindsNoStateYet) {
  std::filesystem::remove_all(dir_.path());
  LeaveAFirstOpenBeforeCurrent(dir_.path());
  auto store = StateStore::OpenForQueries(Sink());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), StatusCode::kNotFound) << store.error().ToString();
  EXPECT_EQ(store.error().message(),
            "no state database at " + dir_.string() +
                " yet: a first open of it stopped before it wrote CURRENT, and no sink holds it; "
                "the sink creates it afresh when it starts");
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "MANIFEST-000001")) << "a query removes "
                                                                           "nothing";
}

// The names of the files in `dir`.
std::set<std::string> FileNames(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

TEST_F(StateStoreTest, AWriterFindingAFirstOpenWhoseLockIsHeldFailsAsLockedAndRemovesNothing) {
  std::filesystem::remove_all(dir_.path());
  LeaveAFirstOpenBeforeCurrent(dir_.path());
  const std::set<std::string> before = FileNames(dir_.path());
  // The writer that is creating it holds its lock.
  rocksdb::FileLock* lock = nullptr;
  ASSERT_TRUE(rocksdb::Env::Default()->LockFile((dir_.path() / "LOCK").string(), &lock).ok());
  auto store = StateStore::Open(Sink());
  ASSERT_TRUE(rocksdb::Env::Default()->UnlockFile(lock).ok());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), StatusCode::kIoError) << store.error().ToString();
  EXPECT_NE(store.error().message().find("open state " + dir_.string()), std::string::npos)
      << store.error().ToString();
  EXPECT_NE(store.error().message().find((dir_.path() / "LOCK").string()), std::string::npos)
      << store.error().ToString();
  EXPECT_EQ(FileNames(dir_.path()), before);
}

TEST_F(StateStoreTest, AWriterFindingAFirstOpensFilesAndOneMoreCallsItDamagedAndRemovesNothing) {
  std::filesystem::remove_all(dir_.path());
  LeaveAFirstOpenBeforeCurrent(dir_.path());
  { std::ofstream(dir_.path() / "000004.log") << "x"; }
  const std::set<std::string> before = FileNames(dir_.path());
  auto store = StateStore::Open(Sink());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), StatusCode::kCorruption) << store.error().ToString();
  EXPECT_NE(store.error().message().find("no CURRENT"), std::string::npos);
  EXPECT_EQ(FileNames(dir_.path()), before);
}

TEST_F(StateStoreTest, AWriterKilledInItsFirstOpenStartsAfreshOverItsFilesAndSaysSo) {
  std::filesystem::remove_all(dir_.path());
  LeaveAFirstOpenBeforeCurrent(dir_.path());
  // A first open cut short before that one, whose info log RocksDB renamed aside.
  std::filesystem::copy_file(dir_.path() / "LOG", dir_.path() / "LOG.old.1765000000000000");
  std::ostringstream log;
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "state-store-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  {
    auto store = StateStore::Open(Sink());
    spdlog::set_default_logger(previous);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    EXPECT_EQ(ArticleCount(**store), 0);
    EXPECT_EQ((*store)->LoadOffsets().size(), 0u);
    rocksdb::WriteBatch batch;
    batch.Put((*store)->family("articles"), "a1", "article");
    (*store)->PutOffset(batch, {"in", 0}, 1);
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
  EXPECT_NE(log.str().find("msg=\"state directory held only an interrupted first open (no "
                           "CURRENT); the state is created afresh over it\" dir=\"" +
                           dir_.string() + "\""),
            std::string::npos)
      << log.str();
  EXPECT_EQ(log.str().find("removed="), std::string::npos) << log.str();
  EXPECT_EQ(*DetectStateKind(dir_.string()), StateKind::kSink);
  auto reopened = StateStore::Open(Sink());
  ASSERT_TRUE(reopened.has_value()) << reopened.error().ToString();
  EXPECT_EQ(ArticleCount(**reopened), 1);
  EXPECT_EQ((*reopened)->LoadOffset({"in", 0}), 1);
}

TEST_F(StateStoreTest, AFirstOpenStoppedBeforeItsManifestIsToldByRocksDbsLogBesideItsLock) {
  std::filesystem::remove_all(dir_.path());
  LeaveAFirstOpenBeforeCurrent(dir_.path());
  for (const auto& name : FileNames(dir_.path())) {
    if (name != "LOCK" && name != "LOG") std::filesystem::remove(dir_.path() / name);
  }
  ASSERT_EQ(FileNames(dir_.path()), (std::set<std::string>{"LOCK", "LOG"}));
  auto query = StateStore::OpenForQueries(Sink());
  ASSERT_FALSE(query.has_value());
  EXPECT_EQ(query.error().code(), StatusCode::kNotFound) << query.error().ToString();
  auto store = StateStore::Open(Sink());
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  rocksdb::WriteBatch batch;
  (*store)->PutOffset(batch, {"in", 0}, 7);
  ASSERT_TRUE((*store)->Write(batch).ok());
  EXPECT_EQ((*store)->LoadOffset({"in", 0}), 7);
}

// The names and contents of the files in `dir`.
std::map<std::string, std::string> FileContents(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream content;
    if (entry.is_regular_file()) content << in.rdbuf();
    out[entry.path().filename().string()] = content.str();
  }
  return out;
}

TEST_F(StateStoreTest, ADirectoryHoldingOnlyAUsersOwnLogIsDamagedAndLeftUntouched) {
  // Alone, and beside a LOCK and an IDENTITY: the names are RocksDB's, the LOG is not.
  for (const bool with_lock : {false, true}) {
    std::filesystem::remove_all(dir_.path());
    std::filesystem::create_directories(dir_.path());
    { std::ofstream(dir_.path() / "LOG") << "monday: restarted the feed poller\n"; }
    if (with_lock) {
      { std::ofstream(dir_.path() / "LOCK"); }
      { std::ofstream(dir_.path() / "IDENTITY") << "my-host\n"; }
    }
    const auto before = FileContents(dir_.path());
    auto store = StateStore::Open(Sink());
    ASSERT_FALSE(store.has_value());
    EXPECT_EQ(store.error().code(), StatusCode::kCorruption) << store.error().ToString();
    EXPECT_NE(store.error().message().find("no CURRENT"), std::string::npos);
    auto query = StateStore::OpenForQueries(Sink());
    ASSERT_FALSE(query.has_value());
    EXPECT_EQ(query.error().code(), StatusCode::kCorruption) << query.error().ToString();
    EXPECT_EQ(FileContents(dir_.path()), before);
  }
}

TEST_F(StateStoreTest, DirectoriesNamedAsAFirstOpensFilesAreNoFirstOpen) {
  std::filesystem::remove_all(dir_.path());
  std::filesystem::create_directories(dir_.path() / "MANIFEST-000001");
  { std::ofstream(dir_.path() / "MANIFEST-000001" / "notes") << "kept\n"; }
  { std::ofstream(dir_.path() / "LOCK"); }
  std::filesystem::create_directories(dir_.path() / "LOG");
  auto store = StateStore::Open(Sink());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), StatusCode::kCorruption) << store.error().ToString();
  EXPECT_EQ(FileContents(dir_.path() / "MANIFEST-000001"),
            (std::map<std::string, std::string>{{"notes", "kept\n"}}));
  EXPECT_EQ(FileNames(dir_.path()), (std::set<std::string>{"LOCK", "LOG", "MANIFEST-000001"}));
}

// Another process holding `lock_path` as RocksDB does (an fcntl write lock on the whole file),
// from construction until `hold` has passed, or, when `hold` is zero, until destruction.
class LockInAnotherProcess {
 public:
  LockInAnotherProcess(const std::filesystem::path& lock_path, std::chrono::milliseconds hold) {
    int taken[2];
    if (::pipe(taken) != 0 || ::pipe(release_) != 0) return;
    const std::string path = lock_path.string();
    pid_t pid = ::fork();
    if (pid == 0) {  // only async-signal-safe calls in the child of a threaded process
      ::close(taken[0]);
      ::close(release_[1]);  // else the child itself would keep its release pipe open
      struct flock whole {};
      whole.l_type = F_WRLCK;
      whole.l_whence = SEEK_SET;
      const int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0644);
      const char locked = fd >= 0 && ::fcntl(fd, F_SETLK, &whole) == 0 ? '1' : '0';
      if (::write(taken[1], &locked, 1) != 1) ::_exit(2);
      if (hold.count() > 0) {
        const timespec pause{hold.count() / 1000, (hold.count() % 1000) * 1000000};
        ::nanosleep(&pause, nullptr);
      } else {
        char ignored;
        while (::read(release_[0], &ignored, 1) < 0 && errno == EINTR) {
        }
      }
      ::_exit(0);
    }
    ::close(taken[1]);
    ::close(release_[0]);
    char locked = '0';
    if (pid > 0 && ::read(taken[0], &locked, 1) == 1 && locked == '1') pid_ = pid;
    ::close(taken[0]);
  }
  ~LockInAnotherProcess() {
    ::close(release_[1]);
    if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
  }
  bool locked() const { return pid_ > 0; }

 private:
  int release_[2] = {-1, -1};
  pid_t pid_ = -1;
};

TEST_F(StateStoreTest, AWriterStartingWhileAnotherProcessHoldsTheLockBrieflyOpensOnceItIsFree) {
  ASSERT_TRUE(StateStore::Open(Sink()).has_value());
  // As a query started from a shell looks whether a writer runs.
  LockInAnotherProcess other(dir_.path() / "LOCK", std::chrono::milliseconds(200));
  ASSERT_TRUE(other.locked());
  auto store = StateStore::Open(Sink());
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
}

TEST_F(StateStoreTest, AWriterStartingWhileAQueryInItsProcessHoldsTheLockBrieflyOpens) {
  ASSERT_TRUE(StateStore::Open(Sink()).has_value());
  std::promise<void> taken;
  std::thread query([&] {
    rocksdb::FileLock* lock = nullptr;
    const bool ok = rocksdb::Env::Default()->LockFile((dir_.path() / "LOCK").string(), &lock).ok();
    taken.set_value();
    if (!ok) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    rocksdb::Env::Default()->UnlockFile(lock).PermitUncheckedError();
  });
  taken.get_future().wait();
  auto store = StateStore::Open(Sink());
  query.join();
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
}

TEST_F(StateStoreTest, AWriterWhoseLockAnotherProcessHoldsThroughoutFailsAsLocked) {
  ASSERT_TRUE(StateStore::Open(Sink()).has_value());
  LockInAnotherProcess other(dir_.path() / "LOCK", std::chrono::milliseconds(0));
  ASSERT_TRUE(other.locked());
  auto store = StateStore::Open(Sink());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), StatusCode::kIoError) << store.error().ToString();
  EXPECT_NE(store.error().message().find("While lock file: " + (dir_.path() / "LOCK").string() +
                                         ": " + std::strerror(EAGAIN)),
            std::string::npos)
      << store.error().ToString();
}

// A read-only file system (mounting it needs root, as CI runs), where nobody may open LOCK for
// writing: a query cannot take it to see whether a writer holds it, and claims none.
TEST_F(StateStoreTest, AQueryThatCannotTakeTheLockClaimsNoWriterCreatingTheState) {
  const std::filesystem::path mount = dir_.path() / "fs";
  std::filesystem::create_directories(mount);
  const std::string target = mount.string();
  ASSERT_EQ(::mount("tmpfs", target.c_str(), "tmpfs", 0, "size=16m"), 0)
      << "mounting a tmpfs needs root: " << std::strerror(errno);
  struct Unmount {
    std::string target;
    ~Unmount() { ::umount2(target.c_str(), MNT_DETACH); }
  } unmount{target};
  LeaveAFirstOpenBeforeCurrent(mount / "first");
  StateStoreOptions sound = Sink();
  sound.path = (mount / "sound").string();
  sound.min_free_bytes = 0;
  {
    auto writer = StateStore::Open(sound);
    ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
    rocksdb::WriteBatch batch;
    (*writer)->PutOffset(batch, {"in", 0}, 3);
    ASSERT_TRUE((*writer)->Write(batch).ok());
  }
  ASSERT_EQ(::mount("tmpfs", target.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr), 0)
      << std::strerror(errno);
  StateStoreOptions first = Sink();
  first.path = (mount / "first").string();
  auto query = StateStore::OpenForQueries(first);
  ASSERT_FALSE(query.has_value());
  EXPECT_EQ(query.error().code(), StatusCode::kNotFound) << query.error().ToString();
  EXPECT_EQ(query.error().message(),
            "no state database at " + first.path +
                " yet: a first open of it has not written CURRENT (whether a sink is creating it "
                "cannot be told: its LOCK is not writable here); the sink creates it when it "
                "starts");
  auto read = StateStore::OpenForQueries(sound);
  ASSERT_TRUE(read.has_value()) << read.error().ToString();
  EXPECT_EQ((*read)->LoadOffset({"in", 0}), 3);
}

TEST_F(StateStoreTest, AWriterFindingAStateThatLostItsCurrentAfterWritesCallsItDamaged) {
  {
    auto store = StateStore::Open(Sink());
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    rocksdb::WriteBatch batch;
    batch.Put((*store)->family("articles"), "a1", "article");
    (*store)->PutOffset(batch, {"in", 0}, 1);
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
  std::filesystem::remove(dir_.path() / "CURRENT");
  const std::set<std::string> before = FileNames(dir_.path());
  for (int attempt = 0; attempt < 2; ++attempt) {  // the same error on every restart
    auto store = StateStore::Open(Sink());
    ASSERT_FALSE(store.has_value());
    EXPECT_EQ(store.error().code(), StatusCode::kCorruption) << store.error().ToString();
    EXPECT_NE(store.error().message().find("no CURRENT"), std::string::npos);
    EXPECT_EQ(FileNames(dir_.path()), before);
  }
}

TEST_F(StateStoreTest, AStateThatLostItsCurrentUnderItsRunningWriterIsDamagedNotBeingCreated) {
  auto writer = StateStore::Open(Sink());
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  rocksdb::WriteBatch batch;
  batch.Put((*writer)->family("articles"), "a1", "article");
  (*writer)->PutOffset(batch, {"in", 0}, 1);
  ASSERT_TRUE((*writer)->Write(batch).ok());
  ASSERT_TRUE((*writer)->db()->Flush(rocksdb::FlushOptions()).ok());
  std::filesystem::remove(dir_.path() / "CURRENT");
  auto store = StateStore::OpenForQueries(Sink());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), StatusCode::kCorruption) << store.error().ToString();
  EXPECT_NE(store.error().message().find("no CURRENT"), std::string::npos);
}

TEST_F(StateStoreTest, AQueryOfAMissingDirectoryFindsNoDatabase) {
  std::filesystem::remove_all(dir_.path());
  auto store = StateStore::OpenForQueries(Sink());
  ASSERT_FALSE(store.has_value());
  EXPECT_TRUE(store.error().IsNotFound()) << store.error().ToString();
}

// A power loss takes the unsynced WAL with it. What was flushed must still be one batch boundary
// for every family: offsets never ahead of (or behind) the state written with them.
TEST_F(StateStoreTest, LosingTheWalLeavesOffsetsAndStateAtTheSameBatch) {
  StateStoreOptions options = Sink();
  options.path = (dir_.path() / "running").string();
  options.write_buffer_bytes = 4 << 20;  // 1 MiB memtables: the articles family flushes often
  int64_t written = 0;
  // A copy of the directory of a running store, without its logs, is what a power loss leaves
  // (a clean close would flush everything into table files first).
  const std::filesystem::path crashed = dir_.path() / "crashed";
  {
    auto store = StateStore::Open(options);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    const std::string value(64 << 10, 'v');
    for (int64_t i = 0; i < 100; ++i) {
      rocksdb::WriteBatch batch;
      batch.Put((*store)->family("articles"), "a" + std::to_string(1000 + i), value);
      (*store)->PutOffset(batch, {"in", 0}, i + 1);
      ASSERT_TRUE((*store)->Write(batch).ok());
      written = i + 1;
    }
    // No flush or compaction may run while the files are copied.
    ASSERT_TRUE((*store)->db()->PauseBackgroundWork().ok());
    std::filesystem::copy(options.path, crashed);
    ASSERT_TRUE((*store)->db()->ContinueBackgroundWork().ok());
  }
  for (const auto& entry : std::filesystem::directory_iterator(crashed)) {
    if (entry.path().extension() == ".log") std::filesystem::remove(entry.path());
  }
  options.path = crashed.string();
  auto store = StateStore::Open(options);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  const int64_t articles = ArticleCount(**store);
  ASSERT_GT(articles, 0);  // some flushes happened, or the test proves nothing
  ASSERT_LT(articles, written);
  EXPECT_EQ((*store)->LoadOffset({"in", 0}).value_or(0), articles);
}

// A query must not answer from an older version of a damaged state (a RocksDB secondary falls
// back to the last version whose files are all there): with no writer running, a truncated or
// missing table file makes OpenForQueries fail, as it makes the writer's Open fail.
TEST_F(StateStoreTest, AQueryOfADamagedStateFailsInsteadOfAnsweringFromAnOlderVersion) {
  {
    auto store = StateStore::Open(Sink());
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    for (int i = 0; i < 2; ++i) {
      rocksdb::WriteBatch batch;
      batch.Put((*store)->family("articles"), "a" + std::to_string(i), std::string(4096, 'v'));
      ASSERT_TRUE((*store)->Write(batch).ok());
      ASSERT_TRUE(
          (*store)->db()->Flush(rocksdb::FlushOptions(), (*store)->family("articles")).ok());
    }
  }
  {
    auto intact = StateStore::OpenForQueries(Sink());
    ASSERT_TRUE(intact.has_value()) << intact.error().ToString();
    EXPECT_EQ(ArticleCount(**intact), 2);
  }
  std::vector<std::filesystem::path> tables;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    if (entry.path().extension() == ".sst") tables.push_back(entry.path());
  }
  ASSERT_GE(tables.size(), 2u);
  std::sort(tables.begin(), tables.end());
  const std::filesystem::path newest = tables.back();
  std::filesystem::resize_file(newest, std::filesystem::file_size(newest) / 2);
  EXPECT_FALSE(StateStore::OpenForQueries(Sink()).has_value()) << "truncated table file";
  std::filesystem::remove(newest);
  EXPECT_FALSE(StateStore::OpenForQueries(Sink()).has_value()) << "missing table file";
}

// Beside a writer (here in the same process, whose lock fcntl alone would not show) a query opens
// as a secondary, sees what the writer wrote, and leaves the writer's lock in place.
TEST_F(StateStoreTest, AQueryBesideAWriterSeesItsWritesAndLeavesItsLock) {
  auto writer = StateStore::Open(Sink());
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  rocksdb::WriteBatch batch;
  batch.Put((*writer)->family("articles"), "a1", "v");
  ASSERT_TRUE((*writer)->Write(batch).ok());
  {
    auto query = StateStore::OpenForQueries(Sink());
    ASSERT_TRUE(query.has_value()) << query.error().ToString();
    EXPECT_EQ(ArticleCount(**query), 1);
  }
  EXPECT_FALSE(StateStore::Open(Sink()).has_value()) << "a second writer got the lock";
}

// A full disk (a small tmpfs; mounting it needs root, as CI runs): the store stops with a clear
// IoError before RocksDB meets ENOSPC, every restart says the same instead of aborting, and once
// space is freed it opens with every written batch and its offset.
TEST_F(StateStoreTest, AFullDiskIsTheSameClearErrorUntilSpaceIsFreed) {
  const std::filesystem::path mount = dir_.path() / "fs";
  std::filesystem::create_directories(mount);
  const std::string target = mount.string();
  ASSERT_EQ(::mount("tmpfs", target.c_str(), "tmpfs", 0, "size=24m"), 0)
      << "mounting a tmpfs needs root: " << std::strerror(errno);
  struct Unmount {
    std::string target;
    ~Unmount() { ::umount2(target.c_str(), MNT_DETACH); }
  } unmount{target};
  StateStoreOptions options = Sink();
  options.path = (mount / "state").string();
  options.min_free_bytes = 8 << 20;
  int64_t written = 0;
  Status error;
  // Values that do not compress, so that a flush does not give space back.
  std::mt19937_64 random(7);
  const auto incompressible = [&random] {
    std::string value(256 << 10, '\0');
    for (char& c : value) c = static_cast<char>(random());
    return value;
  };
  {
    auto store = StateStore::Open(options);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    for (int64_t i = 0; i < 200 && error.ok(); ++i) {
      const std::string value = incompressible();
      rocksdb::WriteBatch batch;
      batch.Put((*store)->family("articles"), "a" + std::to_string(1000 + i), value);
      (*store)->PutOffset(batch, {"in", 0}, i + 1);
      error = (*store)->Write(batch);
      if (error.ok()) written = i + 1;
    }
  }
  ASSERT_FALSE(error.ok()) << "the tmpfs never filled";
  EXPECT_EQ(error.code(), StatusCode::kIoError);
  EXPECT_NE(error.message().find("bytes free"), std::string::npos) << error.ToString();
  // Each restart stops at the same error: at opening, or at its first write (closing may give
  // back a little preallocated space).
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto store = StateStore::Open(options);
    Status again = store.has_value() ? Status::Ok() : store.error();
    if (store.has_value()) {
      rocksdb::WriteBatch batch;
      batch.Put((*store)->family("articles"), "b" + std::to_string(attempt), incompressible());
      (*store)->PutOffset(batch, {"in", 0}, 1000 + attempt);
      again = (*store)->Write(batch);
    }
    EXPECT_EQ(again.code(), StatusCode::kIoError);
    EXPECT_NE(again.message().find("bytes free"), std::string::npos) << again.ToString();
  }
  ASSERT_EQ(::mount("tmpfs", target.c_str(), "tmpfs", MS_REMOUNT, "size=128m"), 0)
      << std::strerror(errno);
  auto store = StateStore::Open(options);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  const int64_t articles = ArticleCount(**store);
  EXPECT_EQ(articles, written);
  EXPECT_EQ((*store)->LoadOffset({"in", 0}).value_or(0), written);
}

TEST_F(StateStoreTest, APartitionExportsItsSelectedEntriesAndOffsetAndIngestsElsewhere) {
  StateStoreOptions from = Processor();
  from.path = (dir_.path() / "from").string();
  auto source = StateStore::Open(from);
  ASSERT_TRUE(source.has_value()) << source.error().ToString();
  rocksdb::WriteBatch batch;
  for (const char* key : {"a1", "a2-skip", "a3", "b1"}) {
    batch.Put((*source)->family("dedup"), key, std::string("v-") + key);
  }
  (*source)->PutOffset(batch, {"in", 1}, 77);
  (*source)->PutOffset(batch, {"in", 2}, 5);
  ASSERT_TRUE((*source)->Write(batch).ok());
  const std::string exported = (dir_.path() / "export").string();
  auto offset = (*source)->ExportPartition(
      {"in", 1}, "dedup", "a", [](std::string_view key) { return !key.ends_with("skip"); },
      exported);
  ASSERT_TRUE(offset.has_value()) << offset.error().ToString();
  EXPECT_EQ(*offset, 77);

  StateStoreOptions to = Processor();
  to.path = (dir_.path() / "to").string();
  auto target = StateStore::Open(to);
  ASSERT_TRUE(target.has_value());
  ASSERT_TRUE((*target)->IngestPartition(exported).ok());
  EXPECT_EQ((*target)->LoadOffsets(), (std::map<TopicPartition, int64_t>{{{"in", 1}, 77}}));
  std::vector<std::string> keys;
  std::unique_ptr<rocksdb::Iterator> it(
      (*target)->db()->NewIterator(rocksdb::ReadOptions(), (*target)->family("dedup")));
  for (it->SeekToFirst(); it->Valid(); it->Next()) keys.push_back(it->key().ToString());
  EXPECT_EQ(keys, (std::vector<std::string>{"a1", "a3"}));
  // The exported files stay where they are.
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(exported) / "offsets.sst"));
}

TEST_F(StateStoreTest, APartitionWithoutOffsetExportsNothing) {
  auto store = StateStore::Open(Processor());
  ASSERT_TRUE(store.has_value());
  const auto exported = dir_.path() / "export";
  auto offset = (*store)->ExportPartition(
      {"in", 3}, "dedup", "", [](std::string_view) { return true; }, exported.string());
  ASSERT_TRUE(offset.has_value());
  EXPECT_FALSE(offset->has_value());
  EXPECT_FALSE(std::filesystem::exists(exported));
  auto unknown = (*store)->ExportPartition(
      {"in", 3}, "articles", "", [](std::string_view) { return true; }, exported.string());
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), StatusCode::kInvalidArgument);
}

TEST_F(StateStoreTest, DeletingAPartitionRemovesItsOffsetAndSelectedEntriesOnly) {
  auto store = StateStore::Open(Processor());
  ASSERT_TRUE(store.has_value());
  rocksdb::WriteBatch batch;
  for (const char* key : {"a1", "a2skip", "a3", "b1"}) {
    ASSERT_TRUE(batch.Put((*store)->family("dedup"), key, "v").ok());
  }
  (*store)->PutOffset(batch, {"in", 1}, 77);
  (*store)->PutOffset(batch, {"in", 2}, 5);
  ASSERT_TRUE((*store)->Write(batch).ok());
  ASSERT_TRUE((*store)
                  ->DeletePartition({"in", 1}, "dedup", "a",
                                    [](std::string_view key) { return !key.ends_with("skip"); })
                  .ok());
  EXPECT_EQ((*store)->LoadOffsets(), (std::map<TopicPartition, int64_t>{{{"in", 2}, 5}}));
  std::vector<std::string> keys;
  std::unique_ptr<rocksdb::Iterator> it(
      (*store)->db()->NewIterator(rocksdb::ReadOptions(), (*store)->family("dedup")));
  for (it->SeekToFirst(); it->Valid(); it->Next()) keys.push_back(it->key().ToString());
  EXPECT_EQ(keys, (std::vector<std::string>{"a2skip", "b1"}));
  EXPECT_EQ((*store)
                ->DeletePartition({"in", 1}, "articles", "", [](std::string_view) { return true; })
                .code(),
            StatusCode::kInvalidArgument);
}

TEST_F(StateStoreTest, IngestingADirectoryWithoutOffsetsIsNotFound) {
  auto store = StateStore::Open(Processor());
  ASSERT_TRUE(store.has_value());
  std::filesystem::create_directories(dir_.path() / "empty");
  EXPECT_EQ((*store)->IngestPartition((dir_.path() / "empty").string()).code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace headwire::common
