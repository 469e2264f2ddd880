#include "processors/domain_snapshots.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <map>

#include "processors/rocks_dedup_index.h"
#include "tests/common/test_dir.h"

namespace headwire::processors {
namespace {

namespace fs = std::filesystem;

const common::TopicPartition kRaw0{"raw", 0};
const common::TopicPartition kRaw2{"raw", 2};

class DomainSnapshotsTest : public ::testing::Test {
 protected:
  void SetUp() override { root_ = (dir_.path() / "snapshots").string(); }

  std::unique_ptr<common::StateStore> Open(const std::string& name) {
    auto store = common::StateStore::Open({.path = (dir_.path() / name).string(),
                                           .kind = common::StateKind::kProcessor,
                                           .column_families = {kDedupFamily}});
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    return std::move(*store);
  }

  // Writes `entries` into the domain of `tp` and its resume offset, in one batch.
  static void Put(common::StateStore& store, const common::TopicPartition& tp,
                  const std::map<std::string, std::string>& entries, int64_t offset) {
    rocksdb::WriteBatch batch;
    for (const auto& [key, value] : entries) {
      batch.Put(store.family(kDedupFamily), DomainKeyPrefix(tp.partition) + key, value);
    }
    store.PutOffset(batch, tp, offset);
    ASSERT_TRUE(store.Write(batch).ok());
  }

  // Every entry of the dedup family, by domain and key without the domain prefix.
  static std::map<std::pair<int32_t, std::string>, std::string> Entries(
      const common::StateStore& store) {
    std::map<std::pair<int32_t, std::string>, std::string> out;
    std::unique_ptr<rocksdb::Iterator> it(
        store.db()->NewIterator(rocksdb::ReadOptions(), store.family(kDedupFamily)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const auto [partition, key] = SplitDomainKey({it->key().data(), it->key().size()});
      out[{partition, std::string(key)}] = it->value().ToString();
    }
    return out;
  }

  const testing::TestDir dir_{"headwire-domain-snapshots-test"};
  std::string root_;
};

TEST_F(DomainSnapshotsTest, RestoreBringsOneDomainWithItsOffsetAndNothingElse) {
  auto owner = Open("owner");
  Put(*owner, kRaw0, {{"e0", "zero"}}, 7);
  Put(*owner, kRaw2, {{"e1", "one"}, {"e2", "two"}}, 42);
  auto written = WriteDomainSnapshot(*owner, root_, kRaw2);
  ASSERT_TRUE(written.has_value()) << written.error().ToString();
  ASSERT_TRUE(written->has_value());
  EXPECT_EQ((*written)->offset, 42);
  EXPECT_EQ((*written)->dir, fs::path(root_) / "raw" / "partition-2" / "offset-42");

  auto joiner = Open("joiner");
  auto restored = RestoreDomainSnapshot(*joiner, root_, kRaw2);
  ASSERT_TRUE(restored.has_value()) << restored.error().ToString();
  ASSERT_TRUE(restored->has_value());
  EXPECT_EQ((*restored)->offset, 42);
  EXPECT_EQ(joiner->LoadOffset(kRaw2), 42);
  EXPECT_FALSE(joiner->LoadOffset(kRaw0).has_value());
  const std::map<std::pair<int32_t, std::string>, std::string> expected = {{{2, "e1"}, "one"},
                                                                           {{2, "e2"}, "two"}};
  EXPECT_EQ(Entries(*joiner), expected);
}

TEST_F(DomainSnapshotsTest, PartitionZeroSnapshotLeavesOtherDomainsOut) {
  auto owner = Open("owner");
  Put(*owner, kRaw0, {{"a", "zero-a"}, {"z", "zero-z"}}, 5);
  Put(*owner, kRaw2, {{"a", "two-a"}}, 9);
  ASSERT_TRUE(WriteDomainSnapshot(*owner, root_, kRaw0).has_value());

  auto joiner = Open("joiner");
  ASSERT_TRUE(RestoreDomainSnapshot(*joiner, root_, kRaw0).has_value());
  const std::map<std::pair<int32_t, std::string>, std::string> expected = {{{0, "a"}, "zero-a"},
                                                                           {{0, "z"}, "zero-z"}};
  EXPECT_EQ(Entries(*joiner), expected);
  EXPECT_EQ(joiner->LoadOffset(kRaw0), 5);
}

TEST_F(DomainSnapshotsTest, DomainWithoutEntriesStillCarriesItsOffset) {
  auto owner = Open("owner");
  Put(*owner, kRaw2, {}, 3);
  ASSERT_TRUE(WriteDomainSnapshot(*owner, root_, kRaw2).has_value());
  auto joiner = Open("joiner");
  auto restored = RestoreDomainSnapshot(*joiner, root_, kRaw2);
  ASSERT_TRUE(restored.has_value() && restored->has_value());
  EXPECT_EQ(joiner->LoadOffset(kRaw2), 3);
  EXPECT_TRUE(Entries(*joiner).empty());
}

TEST_F(DomainSnapshotsTest, DomainWithoutStateWritesNothing) {
  auto owner = Open("owner");
  Put(*owner, kRaw0, {{"a", "zero"}}, 5);
  auto written = WriteDomainSnapshot(*owner, root_, kRaw2);
  ASSERT_TRUE(written.has_value());
  EXPECT_FALSE(written->has_value());
  EXPECT_TRUE(ListDomainSnapshots(root_, kRaw2).empty());
  EXPECT_FALSE(fs::exists(DomainSnapshotsDir(root_, kRaw2)));
}

TEST_F(DomainSnapshotsTest, SameOffsetIsWrittenOnce) {
  auto owner = Open("owner");
  Put(*owner, kRaw2, {{"a", "first"}}, 10);
  ASSERT_TRUE(WriteDomainSnapshot(*owner, root_, kRaw2).value().has_value());
  auto again = WriteDomainSnapshot(*owner, root_, kRaw2);
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->has_value());
  EXPECT_EQ(ListDomainSnapshots(root_, kRaw2).size(), 1u);
}

TEST_F(DomainSnapshotsTest, RestoreTakesTheNewestCompleteSnapshot) {
  auto owner = Open("owner");
  Put(*owner, kRaw2, {{"a", "at-10"}}, 10);
  ASSERT_TRUE(WriteDomainSnapshot(*owner, root_, kRaw2).value().has_value());
  Put(*owner, kRaw2, {{"a", "at-20"}}, 20);
  ASSERT_TRUE(WriteDomainSnapshot(*owner, root_, kRaw2).value().has_value());
  // A writer killed before its rename leaves a temporary directory; it is never restored.
  fs::create_directories(DomainSnapshotsDir(root_, kRaw2) / ".tmp-elsewhere-1");
  fs::create_directories(DomainSnapshotsDir(root_, kRaw2) / "offset-x");

  auto joiner = Open("joiner");
  auto restored = RestoreDomainSnapshot(*joiner, root_, kRaw2);
  ASSERT_TRUE(restored.has_value() && restored->has_value());
  EXPECT_EQ((*restored)->offset, 20);
  EXPECT_EQ(joiner->LoadOffset(kRaw2), 20);
  EXPECT_EQ(Entries(*joiner).at({2, "a"}), "at-20");
}

TEST_F(DomainSnapshotsTest, NoSnapshotRestoresNothing) {
  auto joiner = Open("joiner");
  auto restored = RestoreDomainSnapshot(*joiner, root_, kRaw2);
  ASSERT_TRUE(restored.has_value());
  EXPECT_FALSE(restored->has_value());
  EXPECT_FALSE(joiner->LoadOffset(kRaw2).has_value());
}

TEST_F(DomainSnapshotsTest, PruneKeepsTheNewestOnes) {
  auto owner = Open("owner");
  for (int64_t offset : {5, 100, 20, 7}) {
    Put(*owner, kRaw2, {{"a", std::to_string(offset)}}, offset);
    ASSERT_TRUE(WriteDomainSnapshot(*owner, root_, kRaw2).value().has_value());
  }
  auto pruned = PruneDomainSnapshots(root_, kRaw2, 2);
  ASSERT_TRUE(pruned.has_value());
  EXPECT_EQ(*pruned, 2u);
  std::vector<int64_t> left;
  for (const auto& snapshot : ListDomainSnapshots(root_, kRaw2)) left.push_back(snapshot.offset);
  EXPECT_EQ(left, (std::vector<int64_t>{20, 100}));
  EXPECT_EQ(PruneDomainSnapshots(root_, kRaw2, 2).value(), 0u);
}

TEST_F(DomainSnapshotsTest, PruneLeavesOtherDomainsAlone) {
  auto owner = Open("owner");
  Put(*owner, kRaw0, {{"a", "zero"}}, 1);
  ASSERT_TRUE(WriteDomainSnapshot(*owner, root_, kRaw0).value().has_value());
  Put(*owner, kRaw2, {{"a", "two"}}, 1);
  ASSERT_TRUE(WriteDomainSnapshot(*owner, root_, kRaw2).value().has_value());
  Put(*owner, kRaw2, {{"a", "two"}}, 2);
  ASSERT_TRUE(WriteDomainSnapshot(*owner, root_, kRaw2).value().has_value());
  EXPECT_EQ(PruneDomainSnapshots(root_, kRaw2, 1).value(), 1u);
  EXPECT_EQ(ListDomainSnapshots(root_, kRaw0).size(), 1u);
}

TEST_F(DomainSnapshotsTest, PruneRemovesWhatAKilledWriterOnThisHostLeft) {
  const pid_t gone = ::fork();
  ASSERT_GE(gone, 0);
  if (gone == 0) ::_exit(0);
  ASSERT_EQ(::waitpid(gone, nullptr, 0), gone);
  std::array<char, 256> host{};
  ASSERT_EQ(::gethostname(host.data(), host.size() - 1), 0);
  const fs::path dir = DomainSnapshotsDir(root_, kRaw2);
  const fs::path abandoned =
      dir / (".tmp-" + std::string(host.data()) + "-" + std::to_string(gone));
  const fs::path running =
      dir / (".tmp-" + std::string(host.data()) + "-" + std::to_string(::getpid()));
  const fs::path elsewhere = dir / (".tmp-another-host-" + std::to_string(gone));
  for (const auto& path : {abandoned, running, elsewhere}) fs::create_directories(path);
  EXPECT_EQ(PruneDomainSnapshots(root_, kRaw2, 1).value(), 0u);
  EXPECT_FALSE(fs::exists(abandoned));
  EXPECT_TRUE(fs::exists(running));
  EXPECT_TRUE(fs::exists(elsewhere));
}

TEST_F(DomainSnapshotsTest, ResumingAtTheStateOffsetPasses) {
  EXPECT_TRUE(CheckResumedAt(kRaw2, 42, 42).ok());
}

TEST_F(DomainSnapshotsTest, ResumingPastTheStateOffsetIsAGapNamingTheMissingOffsets) {
  const Status gap = CheckResumedAt(kRaw2, 42, 100);
  EXPECT_TRUE(gap.IsNotFound()) << gap.ToString();
  EXPECT_NE(gap.message().find("no longer holds offsets 42..99 of raw/2"), std::string::npos)
      << gap.message();
  EXPECT_NE(gap.message().find("--from-snapshot"), std::string::npos);
}

}  // namespace
}  // namespace headwire::processors
