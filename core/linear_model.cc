#include "core/linear_model.h"

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace headwire::core {
namespace {

constexpr std::string_view kMagic = "HWTM";
// Bounds that keep a corrupt header from asking for absurd allocations.
constexpr uint32_t kMaxLabels = 256;
constexpr uint32_t kMaxNameBytes = 4096;

// Little-endian writers and a bounds-checked reader: the file is the same on every machine.
class Writer {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U16(uint16_t v) {
    for (int i = 0; i < 2; ++i) U8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void U32(uint32_t v) {
    for (int i = 0; i < 4; ++i) U8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void U64(uint64_t v) {
    for (int i = 0; i < 8; ++i) U8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void F32(float v) { U32(std::bit_cast<uint32_t>(v)); }
  void Varint(uint32_t v) {
    while (v >= 0x80) {
      U8(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    U8(static_cast<uint8_t>(v));
  }
  void String(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  void Bytes(std::string_view s) { out_.append(s); }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool U8(uint8_t& v) {
    if (pos_ + 1 > in_.size()) return false;
    v = static_cast<uint8_t>(in_[pos_++]);
    return true;
  }
  bool U16(uint16_t& v) {
    v = 0;
    for (int i = 0; i < 2; ++i) {
      uint8_t b = 0;
      if (!U8(b)) return false;
      v = static_cast<uint16_t>(v | uint16_t{b} << (8 * i));
    }
    return true;
  }
  bool U32(uint32_t& v) {
    v = 0;
    for (int i = 0; i < 4; ++i) {
      uint8_t b = 0;
      if (!U8(b)) return false;
      v |= uint32_t{b} << (8 * i);
    }
    return true;
  }
  bool F32(float& v) {
    uint32_t bits = 0;
    if (!U32(bits)) return false;
    v = std::bit_cast<float>(bits);
    return std::isfinite(v);
  }
  bool Varint(uint32_t& v) {
    v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      uint8_t b = 0;
      if (!U8(b)) return false;
      v |= uint32_t{static_cast<uint8_t>(b & 0x7f)} << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  bool String(std::string& s, uint32_t max) {
    uint32_t n = 0;
    if (!U32(n) || n > max || pos_ + n > in_.size()) return false;
    s.assign(in_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool AtEnd() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

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
  Writer w;
  w.Bytes(kMagic);
  w.U32(kFormatVersion);
  w.String(name_);
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
    w.String(label.name);
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
  w.U64(XXH64(w.out().data(), w.out().size(), 0));
  return std::move(w.out());
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
  Reader trailer(bytes.substr(bytes.size() - 8));
  uint32_t lo = 0, hi = 0;
  trailer.U32(lo);
  trailer.U32(hi);
  if ((uint64_t{hi} << 32 | lo) != XXH64(body.data(), body.size(), 0)) {
    return corrupt("checksum mismatch (truncated or damaged file)");
  }
  Reader r(body.substr(kMagic.size()));
  uint32_t version = 0;
  if (!r.U32(version)) return corrupt("truncated header");
  if (version < 1 || version > kFormatVersion) {
    return corrupt("format version " + std::to_string(version) + ", this build reads " +
                   std::to_string(kFormatVersion));
  }
  std::string name;
  uint8_t bits = 0, bigrams = 0, min_n = 0, max_n = 0, use_body = 0, loss = 0, rules = 0;
  uint16_t max_body_words = 0;  // version 1 files read the whole body
  if (!r.String(name, kMaxNameBytes) || !r.U8(bits) || !r.U8(bigrams) || !r.U8(min_n) ||
      !r.U8(max_n) || !r.U8(use_body) || (version >= 2 && !r.U16(max_body_words)) || !r.U8(loss) ||
      !r.U8(rules)) {
    return corrupt("truncated header");
  }
  FeatureOptions features{.bucket_bits = bits,
                          .word_bigrams = bigrams != 0,
                          .min_char_ngram = min_n,
                          .max_char_ngram = max_n,
                          .use_body = use_body != 0,
                          .max_body_words = max_body_words};
  if (const Status s = features.Validate(); !s.ok()) return corrupt(s.message());
  if (loss > 1) return corrupt("unknown loss kind");
  if (rules > 64) return corrupt("bad rule feature copies");
  uint32_t label_count = 0;
  if (!r.U32(label_count) || label_count == 0 || label_count > kMaxLabels) {
    return corrupt("bad label count");
  }
  std::vector<ModelLabel> labels(label_count);
  for (ModelLabel& label : labels) {
    if (!r.String(label.name, kMaxNameBytes) || label.name.empty() || !r.F32(label.threshold) ||
        !r.F32(label.bias) || !r.F32(label.scale)) {
      return corrupt("bad label entry");
    }
  }
  const size_t buckets = size_t{1} << bits;
  std::vector<int8_t> weights(buckets * label_count, 0);
  uint32_t rows = 0;
  if (!r.U32(rows) || rows > buckets) return corrupt("bad row count");
  uint64_t bucket = 0;
  for (uint32_t i = 0; i < rows; ++i) {
    uint32_t delta = 0;
    if (!r.Varint(delta)) return corrupt("truncated weights");
    bucket += delta;
    if (bucket >= buckets || (i > 0 && delta == 0)) return corrupt("bad weight row index");
    for (uint32_t l = 0; l < label_count; ++l) {
      uint8_t v = 0;
      if (!r.U8(v)) return corrupt("truncated weights");
      weights[bucket * label_count + l] = static_cast<int8_t>(v);
    }
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
