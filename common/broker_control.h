#pragma once
// The control commands of `headwire broker` (one per line on its standard input), which tests
// and operators use to inject faults into the embedded cluster:
//   down ID                  broker ID stops answering (its connections are closed)
//   up ID                    broker ID serves again
//   rtt ID MS                broker ID delays every response by MS milliseconds (0 clears)
//   errors API COUNT ERROR   the next COUNT requests of API fail with ERROR, e.g.
//                            "errors Produce 5 NOT_LEADER_OR_FOLLOWER"
// API and ERROR are Kafka's names (common/kafka_names.h). Parsing is pure; MockCluster::Apply
// carries a command out.

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace headwire::common {

enum class BrokerControlKind { kDown, kUp, kRtt, kErrors };

struct BrokerControlCommand {
  BrokerControlKind kind = BrokerControlKind::kDown;
  // kDown, kUp, kRtt: the broker's id (1-based, as the cluster numbers them).
  int32_t broker_id = 0;
  // kRtt: the added round-trip time in milliseconds.
  int rtt_ms = 0;
  // kErrors: which requests fail, how many and with what.
  int16_t api_key = 0;
  int count = 0;
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

// Parses one command line (words separated by blanks). Returns InvalidArgument saying what is
// wrong: an unknown command, a missing or extra word, a bad number, an unknown API or error name.
Result<BrokerControlCommand> ParseBrokerControl(std::string_view line);

}  // namespace headwire::common
