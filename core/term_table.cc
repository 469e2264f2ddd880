#include "core/term_table.h"

#include <bit>
#include <utility>

namespace headwire::core {

const TermTable::Term* TermTable::Find(uint64_t hash) const {
  if (slots_.empty()) return nullptr;
  for (size_t i = Home(hash); slots_[i].document_frequency != 0; i = (i + 1) & mask_) {
    if (slots_[i].hash == hash) return &slots_[i];
  }
  return nullptr;
}

TermTable::Term* TermTable::Find(uint64_t hash) {
  return const_cast<Term*>(std::as_const(*this).Find(hash));
}

TermTable::Term& TermTable::Count(uint64_t hash, bool& created) {
  if (2 * (size_ + 1) > slots_.size()) Grow();
  size_t i = Home(hash);
  for (; slots_[i].document_frequency != 0; i = (i + 1) & mask_) {
    if (slots_[i].hash == hash) {
      created = false;
      ++slots_[i].document_frequency;
      return slots_[i];
    }
  }
  created = true;
  ++size_;
  slots_[i].hash = hash;
  slots_[i].document_frequency = 1;
  return slots_[i];
}

void TermTable::Grow() {
  std::vector<Term> old = std::move(slots_);
  const size_t capacity = old.empty() ? 64 : 2 * old.size();
  slots_ = std::vector<Term>(capacity);
  mask_ = capacity - 1;
  shift_ = 64 - std::countr_zero(capacity);
  for (Term& term : old) {
    if (term.document_frequency == 0) continue;
    size_t i = Home(term.hash);
    while (slots_[i].document_frequency != 0) i = (i + 1) & mask_;
    slots_[i] = std::move(term);
  }
}

void TermTable::Erase(Term& term) {
  // Backward shift: pull later terms of the probe run into the hole when the hole lies between
  // their home and where they are, so that no lookup meets an empty slot before its term.
  size_t hole = static_cast<size_t>(&term - slots_.data());
  for (size_t j = (hole + 1) & mask_; slots_[j].document_frequency != 0; j = (j + 1) & mask_) {
    const size_t home = Home(slots_[j].hash);
    if (((j - home) & mask_) >= ((j - hole) & mask_)) {
      slots_[hole] = std::move(slots_[j]);
      hole = j;
    }
  }
  slots_[hole] = Term{};
  --size_;
}

}  // namespace headwire::core
