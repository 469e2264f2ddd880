#pragma once
// The consume loop every daemon shares: read a batch of records, hand each to the stage, then
// persist the batch (state + offsets in one write) before reading more. Batches end at
// `max_batch` records, or earlier when `linger` passes without a new record or every assigned
// partition has been read to its end, if the daemon can persist without waiting
// (ConsumeLoopHooks::may_end_early).
// Stops on SIGINT/SIGTERM/SIGHUP after persisting, or, with `exit_at_end`, once every assigned
// partition has been read to its end.

#include <chrono>
#include <cstddef>
#include <functional>

#include "common/kafka_consumer.h"
#include "common/status.h"

namespace headwire::common {

struct ConsumeLoopOptions {
  // Records per batch at most. Default: 1000.
  size_t max_batch = 1000;
  // How long a batch waits for one more record before it is persisted. Default: 100 ms.
  std::chrono::milliseconds linger{100};
  // Stop once caught up with the end of every assigned partition. Default: false (run until
  // SIGTERM).
  bool exit_at_end = false;
};

struct ConsumeLoopHooks {
  // Handles one record. An error stops the loop without persisting the batch.
  std::function<Status(const Message&)> handle;
  // Persists everything handled since the last call. An error stops the loop.
  std::function<Status()> persist;
  // Optional: called after a poll that returned no record while no batch is open, so that a
  // daemon can do periodic work (advance a watermark) while its input is quiet. An error stops
  // the loop.
  std::function<Status()> quiet = nullptr;
  // Optional: called at every turn of the loop, before it polls (health, connectivity, lag). An
  // error stops the loop after persisting the open batch.
  std::function<Status()> turn = nullptr;
  // Optional: whether a batch that is not full may end now (the input is caught up, or linger
  // passed) without making persist wait. A daemon whose previous batch still waits for its
  // outputs' acknowledgement says no, and the open batch keeps taking records meanwhile, up to
  // max_batch: under load batches grow to cover the acknowledgement time instead of paying it
  // every few records. Default (null): always yes.
  std::function<bool()> may_end_early = nullptr;
};

// Runs until shutdown, end of input (exit_at_end) or an error, which it returns.
Status RunConsumeLoop(KafkaConsumer& consumer, const ConsumeLoopOptions& options,
                      const ConsumeLoopHooks& hooks);

}  // namespace headwire::common
