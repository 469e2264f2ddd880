#include "common/consume_loop.h"

#include "common/shutdown.h"

namespace headwire::common {

Status RunConsumeLoop(KafkaConsumer& consumer, const ConsumeLoopOptions& options,
                      const ConsumeLoopHooks& hooks) {
  using Clock = std::chrono::steady_clock;
  size_t in_batch = 0;
  auto last_record = Clock::now();
  // Set while a batch could end but the daemon is not ready: poll briefly, to end it soon after.
  bool ending = false;
  while (true) {
    if (ShutdownRequested()) break;
    if (hooks.turn) {
      if (Status s = hooks.turn(); !s.ok()) {
        if (in_batch > 0) {
          if (Status p = hooks.persist(); !p.ok()) return p;
        }
        return s;
      }
    }
    auto polled = consumer.Poll(in_batch == 0 ? std::chrono::milliseconds(200)
                                : ending      ? std::chrono::milliseconds(1)
                                              : std::chrono::milliseconds(10));
    if (!polled) return polled.error();
    if (polled->has_value()) {
      if (Status s = hooks.handle(**polled); !s.ok()) return s;
      ++in_batch;
      last_record = Clock::now();
    }
    if (in_batch > 0) {
      const bool batch_full = in_batch >= options.max_batch;
      const bool idle = !polled->has_value() && Clock::now() - last_record >= options.linger;
      ending = !batch_full && (idle || consumer.CaughtUp());
      if (batch_full || (ending && (!hooks.may_end_early || hooks.may_end_early()))) {
        if (Status s = hooks.persist(); !s.ok()) return s;
        in_batch = 0;
        ending = false;
      }
    }
    if (options.exit_at_end && in_batch == 0 && consumer.CaughtUp()) break;
    if (in_batch == 0 && !polled->has_value() && hooks.quiet) {
      if (Status s = hooks.quiet(); !s.ok()) return s;
    }
  }
  if (in_batch > 0) return hooks.persist();
  return Status::Ok();
}

}  // namespace headwire::common
