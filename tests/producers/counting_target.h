#pragma once
// CountingTarget: a ReplayTarget for tests of what reaches a target and when. It counts the
// records it is handed, shows each to `on_deliver` when set (to note the time, say), and commits
// nothing.

#include <cstdint>
#include <functional>
#include <map>

#include "common/replay_target.h"

namespace headwire::testing {

class CountingTarget : public common::ReplayTarget {
 public:
  Status Deliver(const common::ArchiveRecord& record) override {
    if (on_deliver) on_deliver(record);
    ++counts_.delivered;
    return Status::Ok();
  }
  Status Commit(const std::map<int32_t, int64_t>&) override { return Status::Ok(); }
  Status Finish() override { return Status::Ok(); }
  std::map<int32_t, int64_t> StoredPositions() const override { return stored; }
  const common::ReplayCounts& counts() const override { return counts_; }

  std::function<void(const common::ArchiveRecord&)> on_deliver;
  // The positions a resumed replay continues after. Default: none (a fresh replay).
  std::map<int32_t, int64_t> stored;

 private:
  common::ReplayCounts counts_;
};

}  // namespace headwire::testing
