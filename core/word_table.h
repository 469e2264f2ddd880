#pragma once
// WordTable: an immutable map from words to words, built once from a fixed list (stop words,
// spelling exceptions, story concepts, country names) and looked up for every token of every
// headline. Open addressing with linear probing over a flat array at most half full, so a lookup
// is one hash of the word and, nearly always, one slot; a word longer than every key is rejected
// without hashing. When a key is listed twice, the first entry wins (as std::unordered_map's
// list constructor does). Keys and values are views: they must outlive the table (string
// literals do). Lookups are thread-safe; the hash is this file's own, never std::hash, so nothing
// depends on the standard library's build.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace headwire::core {

class WordTable {
 public:
  using Entry = std::pair<std::string_view, std::string_view>;

  // Implicit, so that a table is written as a braced list, like a std::map.
  WordTable(std::initializer_list<Entry> entries);
  explicit WordTable(std::span<const Entry> entries);
  // A set: every key maps to itself.
  explicit WordTable(const std::vector<std::string_view>& keys);

  // The value of `key`, or nullptr when the table does not have it.
  const std::string_view* Find(std::string_view key) const;
  bool Contains(std::string_view key) const { return Find(key) != nullptr; }
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t hash = 0;
    std::string_view key;
    std::string_view value;
    bool used = false;
  };
  void Reserve(size_t count);
  void Add(std::string_view key, std::string_view value);

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
  size_t max_key_length_ = 0;
};

}  // namespace headwire::core
