#include "core/member_dot_products.h"

#include <algorithm>
#include <bit>

namespace headwire::core {

void MemberDotProducts::Reset(size_t partials) {
  // At most half full, so that probe runs stay short.
  const size_t wanted = std::bit_ceil(std::max<size_t>(16, 2 * partials));
  if (wanted > slots_.size()) {
    slots_.assign(wanted, 0);
    mask_ = wanted - 1;
    shift_ = 64 - std::countr_zero(wanted);
  } else {
    for (const Member& member : members_) slots_[member.slot] = 0;
  }
  members_.clear();
  later_.clear();
  repeated_ = false;
}

void MemberDotProducts::Finish() {
  if (!repeated_) return;
  std::erase_if(later_, [this](const auto& p) { return members_[p.first].partials < 3; });
  for (uint32_t i = 0; i < members_.size(); ++i) {
    if (members_[i].partials >= 3) later_.emplace_back(i, members_[i].first);
  }
  std::sort(later_.begin(), later_.end());
  for (size_t i = 0; i < later_.size();) {
    const uint32_t index = later_[i].first;
    double dot = 0;
    for (; i < later_.size() && later_[i].first == index; ++i) dot += later_[i].second;
    members_[index].dot = dot;
  }
}

}  // namespace headwire::core
