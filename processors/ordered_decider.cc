#include "processors/ordered_decider.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace headwire::processors {

// A record held until its turn: its own copy (the consumer's message is gone by then), how it is
// decided and what Prepare found.
struct OrderedDecider::Pending {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  std::optional<std::string> type;
  std::optional<std::string> schema_version;
  int64_t timestamp_ms = -1;
  std::vector<common::Header> headers;
  bool has_key = true;
  ArticleDecider::Emit emit = ArticleDecider::Emit::kYes;
  PreparedRecord prepared;

  static Pending Of(const common::ConsumedRecord& r, ArticleDecider::Emit emit) {
    return {.topic = std::string(r.topic),
            .partition = r.partition,
            .offset = r.offset,
            .key = std::string(r.key),
            .value = std::string(r.value),
            .type = r.type ? std::optional<std::string>(*r.type) : std::nullopt,
            .schema_version =
                r.schema_version ? std::optional<std::string>(*r.schema_version) : std::nullopt,
            .timestamp_ms = r.timestamp_ms,
            .headers = r.headers,
            .has_key = r.has_key,
            .emit = emit,
            .prepared = {}};
  }

  // The record as the decider reads it: views into this Pending, valid while it is not moved.
  common::ConsumedRecord record() const {
    return {.topic = topic,
            .partition = partition,
            .offset = offset,
            .key = key,
            .value = value,
            .type = type ? std::optional<std::string_view>(*type) : std::nullopt,
            .schema_version =
                schema_version ? std::optional<std::string_view>(*schema_version) : std::nullopt,
            .timestamp_ms = timestamp_ms,
            .headers = headers,
            .has_key = has_key};
  }
};

OrderedDecider::OrderedDecider(ArticleDecider& decider, const OrderedDeciderOptions& options)
    : decider_(decider) {
  if (options.workers > 1) {
    pool_ = std::make_unique<common::OrderedWorkers<Pending>>(
        options.workers, options.capacity, [&decider](Pending& pending) {
          pending.prepared = decider.Prepare(pending.record(), ArticleDecider::Features::kAhead);
        });
  }
}

OrderedDecider::~OrderedDecider() = default;

Status OrderedDecider::Add(const common::ConsumedRecord& record, ArticleDecider::Emit emit,
                           const Decided& decided) {
  if (!pool_) {
    auto decision = decider_.Decide(record, emit);
    if (!decision) return decision.error();
    return decided(record, emit, std::move(*decision));
  }
  while (pool_->full()) {
    if (Status s = DecideOne(pool_->Pop(), decided); !s.ok()) return s;
  }
  pool_->Submit(Pending::Of(record, emit));
  while (auto ready = pool_->TryPop()) {
    if (Status s = DecideOne(std::move(*ready), decided); !s.ok()) return s;
  }
  return Status::Ok();
}

Status OrderedDecider::Finish(const Decided& decided) {
  if (!pool_) return Status::Ok();
  while (pool_->size() > 0) {
    if (Status s = DecideOne(pool_->Pop(), decided); !s.ok()) return s;
  }
  return Status::Ok();
}

Status OrderedDecider::DecideOne(Pending pending, const Decided& decided) {
  const common::ConsumedRecord record = pending.record();
  auto decision = decider_.Decide(record, std::move(pending.prepared), pending.emit);
  if (!decision) return decision.error();
  return decided(record, pending.emit, std::move(*decision));
}

}  // namespace headwire::processors
