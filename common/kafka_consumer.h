#pragma once
// A Kafka consumer-group member over librdkafka, for daemons whose progress is stored with
// their state (RocksDB) rather than in Kafka.
//
// On every assignment the consumer reads the group's committed offsets and asks `stored_offset`
// where each partition resumes; Kafka's committed offsets are only the fallback (and without one,
// the partition's start). A resume offset the topic no longer holds (retention deleted records the
// owner never read) is never skipped silently: `offset_gap` decides (OffsetGap). The committed
// offset is passed along because it tells a stateful owner how far a previous owner got, which may
// be further than its own state. Before partitions are revoked it calls `before_revoke`, so the
// owner can persist the batch in flight while it still owns them. Assignment is cooperative-sticky:
// a rebalance moves only the partitions that must move. Offsets are also committed to Kafka after
// each persisted batch, so lag tools work and the next owner knows how far output went
// (ConsumerDaemon never commits below the offset the group had at assignment). Consumer errors are
// informational (librdkafka recovers by itself) and are logged; only fatal errors end Poll().
// Whether the bootstrap servers can be reached is tracked by connectivity(), fed by librdkafka's
// error and statistics callbacks during Poll(). Not thread-safe (connectivity()'s readers
// excepted).

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/kafka_config.h"
#include "common/kafka_connectivity.h"
#include "common/record.h"
#include "common/status.h"

namespace headwire::common {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

// "topic/partition": how messages, logs and the sink's watermarks name a partition.
inline std::string PartitionName(const TopicPartition& tp) {
  return tp.topic + "/" + std::to_string(tp.partition);
}

// One consumed record. Views stay valid while the Message lives.
class Message {
 public:
  explicit Message(rd_kafka_message_t* raw) : raw_(raw) {}
  std::string_view topic() const { return rd_kafka_topic_name(raw_->rkt); }
  int32_t partition() const { return raw_->partition; }
  int64_t offset() const { return raw_->offset; }
  std::string_view key() const;
  std::string_view value() const;
  // The last header of that name, or nullopt.
  std::optional<std::string_view> header(const char* name) const;
  // Every header in order; one without a value has an empty value.
  std::vector<Header> headers() const;
  // True when the message has a key (possibly empty).
  bool has_key() const { return raw_->key != nullptr; }
  // The broker's timestamp in milliseconds since the epoch, -1 when unknown.
  int64_t timestamp_ms() const;
  // The record as the decisions read it (common/record.h); views into this Message.
  ConsumedRecord record() const;

 private:
  struct Deleter {
    void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
  };
  std::unique_ptr<rd_kafka_message_t, Deleter> raw_;
};

// A resume offset that means "the partition's first record still kept".
inline constexpr int64_t kOffsetBeginning = RD_KAFKA_OFFSET_BEGINNING;

// What the consumer group knows of a partition at assignment.
struct GroupOffset {
  // The group's committed next offset; nullopt when none was committed.
  std::optional<int64_t> committed;
  // False when the group coordinator did not answer: `committed` is then unknown.
  bool known = true;
  // The highest next offset a previous owner handed over when it gave the partition up cleanly
  // (common/partition_handover.h), nullopt when none did; set by ConsumerDaemon for daemons
  // with a handover topic.
  std::optional<int64_t> handed_over = std::nullopt;

  // How far the previous owners' output is known to have gone: the higher of `committed` and
  // `handed_over`, nullopt when neither is known.
  std::optional<int64_t> OutputEnd() const {
    if (!committed) return handed_over;
    if (!handed_over) return committed;
    return std::max(*committed, *handed_over);
  }
};

// The librdkafka properties every consumer headwire makes starts from, in group `group_id` (the
// user's properties are applied after them): no automatic commit or offset store, an out-of-range
// offset an error rather than a silent skip, partition EOF events, the cooperative-sticky
// assignor, a 6 s session timeout, read_committed. Shared with common/kafka_passthrough.h, whose
// baseline must use the same settings.
std::vector<std::pair<std::string, std::string>> ConsumerDefaultProperties(
    const std::string& group_id);

// How partitions come to a consumer.
enum class PartitionAssignment {
  // The consumer group shares the input's partitions among its members (cooperative-sticky).
  kGroup,
  // The consumer assigns itself every partition of its topics, whatever other members do; the
  // group only receives its commits (for lag tools). For daemons that hold the whole state.
  kAllPartitions,
};

// A partition whose resume offset is outside what the topic holds: retention deleted records the
// owner never read (resume_offset < first_offset), or the topic was recreated shorter
// (resume_offset > end_offset).
struct OffsetGap {
  TopicPartition tp;
  int64_t resume_offset = 0;
  int64_t first_offset = 0;  // the partition's low watermark
  int64_t end_offset = 0;    // its high watermark
};

// "T/P: the state resumes at offset R, but the topic holds offsets L..H-1 now: records R..L-1
// were deleted before they were read".
std::string DescribeOffsetGap(const OffsetGap& gap);

struct ConsumerCallbacks {
  // Where a newly assigned partition resumes: the next offset to read (or kOffsetBeginning), or
  // nullopt to use the group's committed offset.
  std::function<std::optional<int64_t>(const TopicPartition&, const GroupOffset&)> stored_offset;
  // Called before partitions are taken away, while they are still owned; `lost` when the group
  // already gave them to others (the member's session expired), not when it asked for them.
  std::function<void(const std::vector<TopicPartition>&, bool lost)> before_revoke;
  // Called after partitions were assigned (resume offsets chosen) or revoked, with how many: 0
  // when a rebalance of the group gave the consumer nothing and took nothing from it (a
  // standby's, or the second round of a cooperative rebalance).
  std::function<void(size_t partitions)> rebalanced;
  // Called when a partition's resume offset is outside the topic (OffsetGap): OK resumes the
  // partition at its first offset held; an error ends Poll() with it. Unset: NotFound.
  std::function<Status(const OffsetGap&)> offset_gap;
  // Called a few times a second while Poll() waits for the brokers in a call that cannot be
  // sliced (common/blocking_call.h): the group's committed offsets at an assignment, the offsets a
  // partition out of range holds (up to 10 s each), so that a daemon's loop beats and keeps its
  // readiness current. It runs on the polling thread, inside a rebalance callback for the first;
  // it must not poll or close the consumer. Unset: nothing is called.
  std::function<void()> meanwhile;
};

// How to print a resume offset: "beginning", "end", "stored" (the group's committed offset) or
// the number.
std::string ResumeOffsetName(int64_t offset);

class KafkaConsumer {
 public:
  // Joins `group_id` and subscribes to `topics` (kGroup), or prepares to assign itself every
  // partition of `topics` at the first Poll (kAllPartitions). Returns InvalidArgument for a bad
  // property.
  static Result<std::unique_ptr<KafkaConsumer>> Create(
      const KafkaOptions& options, const std::string& group_id,
      const std::vector<std::string>& topics, ConsumerCallbacks callbacks,
      PartitionAssignment assignment = PartitionAssignment::kGroup);
  KafkaConsumer(const KafkaConsumer&) = delete;
  KafkaConsumer& operator=(const KafkaConsumer&) = delete;
  ~KafkaConsumer();

  // Returns the next record, nullopt when none arrived within `timeout`, or an error when the
  // consumer failed fatally or a partition's resume offset is outside the topic and offset_gap
  // (or its absence) said to stop.
  Result<std::optional<Message>> Poll(std::chrono::milliseconds timeout);

  // True when partitions are assigned and every one has been read to its end (the high
  // watermark seen at the last fetch). Used by --exit-at-end.
  bool CaughtUp() const;

  // Commits `next_offsets` (the next offset to read per partition) to the group, asynchronously.
  void CommitAsync(const std::map<TopicPartition, int64_t>& next_offsets);

  // True once the consumer takes part in consuming: with kGroup once the group gave it an
  // assignment, possibly empty (a member with none is a standby), and not since its group session
  // expired (e.g. while the coordinator was down: it lost its partitions without a rebalance, or,
  // a standby, its member id) until the group assigns it again; with kAllPartitions once it
  // assigned itself its topics' partitions. False from the moment the group refuses the member
  // (its member id is gone), although Lag() lists its partitions until a Poll() serves their
  // revoke.
  bool Member() const;

  // Leaves the group cleanly (revoking, with before_revoke, first). With kGroup, a consumer that
  // joined the group but has not received its first assignment yet (closed during a rebalance)
  // first waits for it, up to 10 s: librdkafka before 2.3.0 aborts when such a
  // member is destroyed (cooperative-sticky assignor, librdkafka issue #4312). An assignment
  // arriving then is taken without asking stored_offset, and revoked by the close. When none
  // comes, the client is not destroyed: the process is ending, and an abort would lose its exit
  // status.
  void Close();

  // Per assigned partition: the records between the consumer's position and the partition's
  // end as last seen by a fetch, or nullopt while either is unknown. Does not block.
  std::map<TopicPartition, std::optional<int64_t>> Lag() const;

  // The input topic the last look-up did not find while the consumer waits for its topics to
  // exist; empty once they all do, or while no look-up has answered.
  const std::string& MissingTopic() const { return missing_topic_; }

  // Reachability of the bootstrap servers (see common/kafka_connectivity.h).
  ConnectivityWatch& connectivity() { return watch_; }

 private:
  explicit KafkaConsumer(const KafkaOptions& options);
  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* partitions, void* opaque);
  static void OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  static int OnStatistics(rd_kafka_t* rk, char* json, size_t json_len, void* opaque);
  // Sets the resume offsets of `partitions` (callbacks.stored_offset) and logs them.
  void ChooseResumeOffsets(rd_kafka_topic_partition_list_t* partitions);
  // The partitions of every input topic, or nullopt while one of them does not exist (logged)
  // or no metadata came; looks at most once a second (nullopt in between).
  std::optional<std::map<std::string, std::vector<int32_t>>> FindTopics();
  // kAllPartitions: assigns every partition of the topics once they exist.
  void AssignAll();
  // kGroup: subscribes to the topics once they exist. Returns subscribe's error.
  Status SubscribeWhenTopicsExist();
  // librdkafka could not start `tp` at `offset` (auto.offset.reset=error): a logical offset (no
  // committed one) starts at the partition's first record; an absolute one is an OffsetGap.
  // A leader that does not answer leaves the partition in pending_resumes_.
  Status ResumeOutOfRange(const TopicPartition& tp, int64_t offset);
  // Tries the pending resumes again, at most once per kResumeRetry.
  Status RetryPendingResumes();
  // Close(): serves the group's callbacks until the first assignment arrived, if the group
  // answered a join; returns whether it arrived (or no join was answered).
  bool AwaitFirstAssignment();
  // Whether the group answered a join with a member id that the session has not lost since.
  bool HasMemberId() const;

  RdKafkaPtr rk_;
  ConnectivityWatch watch_;
  ConsumerCallbacks callbacks_;
  PartitionAssignment assignment_ = PartitionAssignment::kGroup;
  std::vector<std::string> topics_;
  // The consumer subscribed (kGroup) or assigned itself its partitions (kAllPartitions): both
  // wait until the input topics exist.
  bool started_ = false;
  std::chrono::steady_clock::time_point next_topic_lookup_{};
  std::string missing_topic_;  // MissingTopic()
  std::map<TopicPartition, bool> at_end_;
  // Next offset the application reads per assigned partition, once known.
  std::map<TopicPartition, int64_t> positions_;
  // Partitions out of range whose leader did not say what they hold, with the offset they were
  // to resume at; RetryPendingResumes asks again.
  std::map<TopicPartition, int64_t> pending_resumes_;
  std::chrono::steady_clock::time_point next_resume_retry_{};
  // An assignment of the group was served (kGroup); from then on destroying is safe.
  bool assignment_received_ = false;
  // The partitions were lost (librdkafka revoked them when the group session expired) and the
  // group has not assigned any since: the consumer is rejoining, not a standby.
  bool assignment_lost_ = false;
  // Close() has begun: assignments are no longer resumed from the state.
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace headwire::common
