#pragma once
// The offsets a partition holds, asked of its leader with a bound on the wait. librdkafka 2.0's
// rd_kafka_query_watermark_offsets does not keep its timeout while the leader cannot be reached
// (fixed in librdkafka 2.3, confluentinc/librdkafka#4460), so it held its caller, a daemon's
// loop included, for as long as the broker was away. The ListOffsets requests of
// rd_kafka_offsets_for_times keep theirs. Thread-safe as the librdkafka client is.

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace headwire::common {

struct HeldOffsets {
  int64_t first = 0;  // the oldest offset the partition still holds
  int64_t end = 0;    // one past its newest
};

// The offsets `topic`/`partition` holds, asked through `rk`. Unavailable naming the partition
// when its leader did not answer both questions within `timeout` in all.
Result<HeldOffsets> QueryHeldOffsets(rd_kafka_t* rk, const std::string& topic, int32_t partition,
                                     std::chrono::milliseconds timeout);

}  // namespace headwire::common
