#include "core/linear_model.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/byte_codec.h"

namespace headwire::core {
namespace {

constexpr std::string_view kMagic = "HWTM";
// Bounds that keep a corrupt header from asking for absurd allocations (with kMaxLabels).
constexpr uint32_t kMaxNameBytes = 4096;

float Sigmoid(float z) { return 1.0f / (1.0f + std::exp(-z)); }

}  // namespace

float FeatureValue(size_t feature_count) {
  return feature_count == 0 ? 0.0f : 1.0f / std::sqrt(static_cast<float>(feature_count));
}

LinearModel::LinearModel(std::string name, FeatureOptions features, LossKind loss,
                         std::vector<ModelLabel> labels, std::vector<int8_t> weights,
                         int rule_feature_copies)
    : name_(std::move(name)),
      features_(features),
      loss_(loss),
      labels_(std::move(labels)),
      weights_(std::move(weights)),
      rule_feature_copies_(rule_feature_copies) {}

int LinearModel::LabelIndex(std::string_view name) const {
  for (size_t i = 0; i < labels_.size(); ++i) {
    if (labels_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

void LinearModel::Predict(std::span<const uint32_t> ids, std::span<float> probabilities) const {
  const size_t n = labels_.size();
  // Four labels is the shipped case; the fixed-size path keeps the sums in registers.
  int32_t sums[kMaxLabels];
  std::fill_n(sums, n, 0);
  if (n == 4) {
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (uint32_t id : ids) {
      const int8_t* row = weights_.data() + size_t{id} * 4;
      s0 += row[0];
      s1 += row[1];
      s2 += row[2];
      s3 += row[3];
    }
    sums[0] = s0;
    sums[1] = s1;
    sums[2] = s2;
    sums[3] = s3;
  } else {
    for (uint32_t id : ids) {
      const int8_t* row = weights_.data() + size_t{id} * n;
      for (size_t l = 0; l < n; ++l) sums[l] += row[l];
    }
  }
  const float x = FeatureValue(ids.size());
  float z[kMaxLabels];
  for (size_t l = 0; l < n; ++l) {
    z[l] = labels_[l].bias + labels_[l].scale * x * static_cast<float>(sums[l]);
  }
  if (loss_ == LossKind::kOneVsRest) {
    for (size_t l = 0; l < n; ++l) probabilities[l] = Sigmoid(z[l]);
    return;
  }
  const float top = *std::max_element(z, z + n);
  float total = 0;
  for (size_t l = 0; l < n; ++l) {
    probabilities[l] = std::exp(z[l] - top);
    total += probabilities[l];
  }
  for (size_t l = 0; l < n; ++l) probabilities[l] /= total;
}

std::vector<size_t> LinearModel::Assign(std::span<const float> probabilities) const {
  std::vector<size_t> out;
  if (loss_ == LossKind::kSoftmax) {
    out.push_back(static_cast<size_t>(std::distance(
        probabilities.begin(), std::max_element(probabilities.begin(), probabilities.end()))));
    return out;
  }
  for (size_t l = 0; l < labels_.size(); ++l) {
    if (probabilities[l] >= labels_[l].threshold) out.push_back(l);
  }
  return out;
}

float LinearModel::Contribution(uint32_t id, size_t label, size_t feature_count) const {
  return labels_[label].scale * FeatureValue(feature_count) *
         static_cast<float>(weights_[size_t{id} * labels_.size() + label]);
}

void LinearModel::SetThresholds(std::span<const float> thresholds) {
  for (size_t l = 0; l < labels_.size() && l < thresholds.size(); ++l) {
    labels_[l].threshold = thresholds[l];
  }
}

size_t LinearModel::NonZeroRows() const {
  const size_t n = labels_.size();
  size_t rows = 0;
  for (size_t b = 0; b + n <= weights_.size(); b += n) {
    if (std::any_of(weights_.begin() + b, weights_.begin() + b + n, [](int8_t w) { return w; })) {
      ++rows;
    }
  }
  return rows;
}

std::string LinearModel::Serialize() const {
  ByteWriter w;
  w.Raw(kMagic);
  w.U32(kFormatVersion);
  w.String32(name_);
  w.U8(static_cast<uint8_t>(features_.bucket_bits));
  w.U8(features_.word_bigrams ? 1 : 0);
  w.U8(static_cast<uint8_t>(features_.min_char_ngram));
  w.U8(static_cast<uint8_t>(features_.max_char_ngram));
  w.U8(features_.use_body ? 1 : 0);
  w.U16(static_cast<uint16_t>(features_.max_body_words));
  w.U8(static_cast<uint8_t>(loss_));
  w.U8(static_cast<uint8_t>(rule_feature_copies_));
  w.U32(static_cast<uint32_t>(labels_.size()));
  for (const ModelLabel& label : labels_) {
    w.String32(label.name);
    w.F32(label.threshold);
    w.F32(label.bias);
    w.F32(label.scale);
  }
  // Only rows with a non-zero weight are stored, each as the distance from the previous stored
  // row: most buckets are never touched by a small training set.
  const size_t n = labels_.size();
  w.U32(static_cast<uint32_t>(NonZeroRows()));
  uint32_t previous = 0;
  const uint32_t buckets = uint32_t{1} << features_.bucket_bits;
  for (uint32_t b = 0; b < buckets; ++b) {
    const int8_t* row = weights_.data() + size_t{b} * n;
    if (std::none_of(row, row + n, [](int8_t v) { return v; })) continue;
    w.Varint(b - previous);
    previous = b;
    for (size_t l = 0; l < n; ++l) w.U8(static_cast<uint8_t>(row[l]));
  }
  w.U64(XXH64(w.bytes().data(), w.bytes().size(), 0));
  return w.Take();
}

Result<LinearModel> LinearModel::Deserialize(std::string_view bytes, std::string_view origin) {
  const auto corrupt = [&](std::string_view what) {
    return Err(Status::Corruption(std::string(origin) +
                                  ": not a valid headwire topic model: " + std::string(what)));
  };
  if (bytes.size() < kMagic.size() + 12 || bytes.substr(0, kMagic.size()) != kMagic) {
    return corrupt("bad magic");
  }
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  if (ByteReader(bytes.substr(bytes.size() - 8)).U64() != XXH64(body.data(), body.size(), 0)) {
    return corrupt("checksum mismatch (truncated or damaged file)");
  }
  ByteReader r(body.substr(kMagic.size()));
  const uint32_t version = r.U32();
  if (!r.ok()) return corrupt("truncated header");
  if (version < 1 || version > kFormatVersion) {
    return corrupt("format version " + std::to_string(version) + ", this build reads " +
                   std::to_string(kFormatVersion));
  }
  std::string name = r.String32(kMaxNameBytes);
  const uint8_t bits = r.U8();
  const uint8_t bigrams = r.U8();
  const uint8_t min_n = r.U8();
  const uint8_t max_n = r.U8();
  const uint8_t use_body = r.U8();
  const uint16_t max_body_words = version >= 2 ? r.U16() : 0;  // version 1 reads the whole body
  const uint8_t loss = r.U8();
  const uint8_t rules = r.U8();
  if (!r.ok()) return corrupt("truncated header");
  FeatureOptions features{.bucket_bits = bits,
                          .word_bigrams = bigrams != 0,
                          .min_char_ngram = min_n,
                          .max_char_ngram = max_n,
                          .use_body = use_body != 0,
                          .max_body_words = max_body_words};
  if (const Status s = features.Validate(); !s.ok()) return corrupt(s.message());
  if (loss > 1) return corrupt("unknown loss kind");
  if (rules > 64) return corrupt("bad rule feature copies");
  const uint32_t label_count = r.U32();
  if (!r.ok() || label_count == 0 || label_count > kMaxLabels) return corrupt("bad label count");
  std::vector<ModelLabel> labels(label_count);
  for (ModelLabel& label : labels) {
    label.name = r.String32(kMaxNameBytes);
    label.threshold = r.F32();
    label.bias = r.F32();
    label.scale = r.F32();
    if (!r.ok() || label.name.empty()) return corrupt("bad label entry");
  }
  const size_t buckets = size_t{1} << bits;
  std::vector<int8_t> weights(buckets * label_count, 0);
  const uint32_t rows = r.U32();
  if (!r.ok() || rows > buckets) return corrupt("bad row count");
  uint64_t bucket = 0;
  for (uint32_t i = 0; i < rows; ++i) {
    const uint64_t delta = r.Varint();
    if (!r.ok()) return corrupt("truncated weights");
    if (delta >= buckets || (i > 0 && delta == 0)) return corrupt("bad weight row index");
    bucket += delta;
    if (bucket >= buckets) return corrupt("bad weight row index");
    for (uint32_t l = 0; l < label_count; ++l) {
      weights[bucket * label_count + l] = static_cast<int8_t>(r.U8());
    }
    if (!r.ok()) return corrupt("truncated weights");
  }
  if (!r.AtEnd()) return corrupt("trailing bytes");
  return LinearModel(std::move(name), features, static_cast<LossKind>(loss), std::move(labels),
                     std::move(weights), rules);
}

Result<LinearModel> LinearModel::FromFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Err(Status::NotFound("no model file " + path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return Err(Status::IoError("cannot read " + path));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return Err(Status::IoError("reading " + path + " failed"));
  return Deserialize(bytes.view(), path);
}

Status LinearModel::Save(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IoError("cannot write " + path);
  const std::string bytes = Serialize();
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return Status::IoError("writing " + path + " failed");
  return Status::Ok();
}

}  // namespace headwire::core
