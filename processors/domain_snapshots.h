#pragma once
// Snapshots of one dedup domain (raw partition) of the processor's state, with its offset, so
// that an instance assigned a domain it holds no state for can start from the newest snapshot
// instead of replaying the raw topic from the partition's start. Layout under a root directory
// that every instance of the group can read (a shared file system, or the state's own):
//
//   <root>/<raw topic>/partition-<P>/offset-<O>/offsets.sst   the domain's resume offset O
//                                              /dedup.sst     its exact-dedup entries and window
//
// A snapshot is written under a temporary name in the same directory and renamed when complete,
// so a directory named offset-<O> is always whole; readers ignore every other name, and pruning
// removes what a writer killed half-way left. Snapshots are
// consistent (one RocksDB snapshot of a written state), and since verdicts depend only on the
// records and their order, two instances that snapshot the same domain at the same offset write
// the same entries: the first rename wins and the other is dropped.
//
// Functions, no state; safe to call from several processes on one root (see RestoreDomain for
// a restore racing a prune).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/kafka_consumer.h"
#include "common/state_store.h"
#include "common/status.h"

namespace headwire::processors {

struct DomainSnapshot {
  int64_t offset = 0;  // the domain's resume offset: the first raw record not in the snapshot
  std::filesystem::path dir;
};

// <root>/<topic>/partition-<P>: the snapshots of one domain.
std::filesystem::path DomainSnapshotsDir(const std::string& root, const common::TopicPartition& tp);

// The complete snapshots of `tp` under `root`, oldest first; none when there is no directory.
std::vector<DomainSnapshot> ListDomainSnapshots(const std::string& root,
                                                const common::TopicPartition& tp);

// Writes a snapshot of domain `tp` of the processor state `store` (the written state, not
// what is decided but not yet committed). Reads the domain's key range; domain 0's keys have no
// prefix (processors/rocks_dedup_index.h), so its snapshot reads past every other domain's too.
// Returns it, or nullopt when the state holds no offset for `tp` or a snapshot at that offset
// already exists. IoError when it cannot be written (the temporary directory is removed).
Result<std::optional<DomainSnapshot>> WriteDomainSnapshot(const common::StateStore& store,
                                                          const std::string& root,
                                                          const common::TopicPartition& tp);

// Deletes all but the newest `keep` snapshots of `tp` (keep >= 1), and the temporary directories
// that writers on this host which are gone (killed half-way) left there. Returns how many
// snapshots it deleted, or IoError.
Result<size_t> PruneDomainSnapshots(const std::string& root, const common::TopicPartition& tp,
                                    size_t keep);

// Ingests the newest complete snapshot of `tp` into `store`, which must hold no state for that
// domain. A snapshot deleted by another instance's prune while being read is passed over for
// the next newest. Returns the snapshot restored, or nullopt when there is none; the error of
// the ingest otherwise.
Result<std::optional<DomainSnapshot>> RestoreDomainSnapshot(common::StateStore& store,
                                                            const std::string& root,
                                                            const common::TopicPartition& tp);

// The gap check of a catch-up: a partition whose state resumes at `expected` must be read from
// exactly that offset. NotFound ("the raw topic no longer holds offsets A..B ...") when the first
// record read is `first` > expected (the raw topic's retention dropped the records in between);
// OK otherwise.
Status CheckResumedAt(const common::TopicPartition& tp, int64_t expected, int64_t first);

}  // namespace headwire::processors
