#include "processors/domain_snapshots.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "common/host_name.h"
#include "processors/rocks_dedup_index.h"

namespace headwire::processors {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSnapshotPrefix = "offset-";

// The offset of a snapshot directory's name, or nullopt for any other name.
std::optional<int64_t> SnapshotOffset(std::string_view name) {
  if (!name.starts_with(kSnapshotPrefix)) return std::nullopt;
  name.remove_prefix(kSnapshotPrefix.size());
  int64_t offset = 0;
  const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), offset);
  if (error != std::errc() || end != name.data() + name.size() || offset < 0) return std::nullopt;
  return offset;
}

constexpr std::string_view kTemporaryPrefix = ".tmp-";

// A name no other writer uses at the same time: host and process id.
std::string TemporaryName() {
  return std::string(kTemporaryPrefix) + common::HostName() + "-" + std::to_string(getpid());
}

// Whether `name` is the temporary directory of a writer on this host that is gone (killed
// half-way); another host's writers, and live ones, are not judged.
bool IsAbandonedTemporary(std::string_view name, const std::string& host) {
  if (!name.starts_with(kTemporaryPrefix)) return false;
  name.remove_prefix(kTemporaryPrefix.size());
  const size_t dash = name.rfind('-');
  if (dash == std::string_view::npos || name.substr(0, dash) != host) return false;
  const std::string_view digits = name.substr(dash + 1);
  pid_t pid = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
  if (error != std::errc() || end != digits.data() + digits.size() || pid <= 0) return false;
  return kill(pid, 0) != 0 && errno == ESRCH;
}

}  // namespace

fs::path DomainSnapshotsDir(const std::string& root, const common::TopicPartition& tp) {
  return fs::path(root) / tp.topic / ("partition-" + std::to_string(tp.partition));
}

std::vector<DomainSnapshot> ListDomainSnapshots(const std::string& root,
                                                const common::TopicPartition& tp) {
  std::vector<DomainSnapshot> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(DomainSnapshotsDir(root, tp), ec)) {
    if (const auto offset = SnapshotOffset(entry.path().filename().string())) {
      found.push_back({*offset, entry.path()});
    }
  }
  std::sort(found.begin(), found.end(),
            [](const DomainSnapshot& a, const DomainSnapshot& b) { return a.offset < b.offset; });
  return found;
}

Result<std::optional<DomainSnapshot>> WriteDomainSnapshot(const common::StateStore& store,
                                                          const std::string& root,
                                                          const common::TopicPartition& tp) {
  const fs::path parent = DomainSnapshotsDir(root, tp);
  const auto snapshot_dir = [&parent](int64_t offset) {
    return parent / (std::string(kSnapshotPrefix) + std::to_string(offset));
  };
  std::error_code ec;
  // A domain that did not move since its last snapshot is not exported again.
  if (const auto stored = store.LoadOffset(tp); stored && fs::exists(snapshot_dir(*stored), ec)) {
    return std::optional<DomainSnapshot>();
  }
  const fs::path temporary = parent / TemporaryName();
  fs::remove_all(temporary, ec);  // left by a writer of this name that was killed
  const int32_t partition = tp.partition;
  auto offset = store.ExportPartition(
      tp, kDedupFamily, DomainKeyPrefix(partition),
      [partition](std::string_view key) { return SplitDomainKey(key).first == partition; },
      temporary.string());
  if (!offset || !*offset) {
    fs::remove_all(temporary, ec);
    if (!offset) return Err(offset.error());
    return std::optional<DomainSnapshot>();
  }
  DomainSnapshot snapshot{**offset, snapshot_dir(**offset)};
  // rename() does not replace a non-empty directory: a snapshot at this offset, already there
  // or renamed by another instance meanwhile, stays as it is.
  fs::rename(temporary, snapshot.dir, ec);
  if (ec) {
    const bool exists = fs::exists(snapshot.dir);
    fs::remove_all(temporary, ec);
    if (exists) return std::optional<DomainSnapshot>();
    return Err(Status::IoError("cannot rename snapshot " + temporary.string() + " to " +
                               snapshot.dir.string()));
  }
  return std::optional<DomainSnapshot>(std::move(snapshot));
}

Result<size_t> PruneDomainSnapshots(const std::string& root, const common::TopicPartition& tp,
                                    size_t keep) {
  const std::string host = common::HostName();
  std::error_code listed;
  for (const auto& entry : fs::directory_iterator(DomainSnapshotsDir(root, tp), listed)) {
    if (IsAbandonedTemporary(entry.path().filename().string(), host)) {
      std::error_code ec;
      fs::remove_all(entry.path(), ec);
    }
  }
  const auto snapshots = ListDomainSnapshots(root, tp);
  const size_t drop = snapshots.size() > keep ? snapshots.size() - keep : 0;
  for (size_t i = 0; i < drop; ++i) {
    std::error_code ec;
    fs::remove_all(snapshots[i].dir, ec);
    if (ec) {
      return Err(Status::IoError("cannot delete snapshot " + snapshots[i].dir.string() + ": " +
                                 ec.message()));
    }
  }
  return drop;
}

Result<std::optional<DomainSnapshot>> RestoreDomainSnapshot(common::StateStore& store,
                                                            const std::string& root,
                                                            const common::TopicPartition& tp) {
  const auto snapshots = ListDomainSnapshots(root, tp);
  for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) {
    Status s = store.IngestPartition(it->dir.string());
    if (s.ok()) return std::optional<DomainSnapshot>(*it);
    // Ingesting copies the files first and is atomic: a snapshot pruned meanwhile left nothing.
    std::error_code ec;
    if (fs::exists(it->dir, ec)) return Err(s);
  }
  return std::optional<DomainSnapshot>();
}

Status CheckResumedAt(const common::TopicPartition& tp, int64_t expected, int64_t first) {
  if (first <= expected) return Status::Ok();
  return Status::NotFound("the raw topic no longer holds offsets " + std::to_string(expected) +
                          ".." + std::to_string(first - 1) + " of " + tp.topic + "/" +
                          std::to_string(tp.partition) +
                          " that this state needs to catch up; start from a newer snapshot "
                          "(--from-snapshot)");
}

}  // namespace headwire::processors
