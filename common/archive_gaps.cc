#include "common/archive_gaps.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "common/archive_catalog.h"

namespace headwire::common {
namespace fs = std::filesystem;
namespace {

constexpr const char* kGapsFile = "gaps.json";

Result<std::vector<ArchiveGap>> ReadGapsFile(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return Err(Status::IoError("cannot open " + path.string()));
  const auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Err(Status::Corruption(path.string() + " is not JSON"));
  }
  try {
    std::vector<ArchiveGap> gaps;
    for (const auto& g : j.at("gaps")) {
      ArchiveGap gap{j.at("topic").get<std::string>(), j.at("partition").get<int32_t>(),
                     g.at("first_offset").get<int64_t>(), g.at("last_offset").get<int64_t>()};
      if (gap.first_offset < 0 || gap.last_offset < gap.first_offset) {
        return Err(Status::Corruption(path.string() + ": a gap ends before it starts"));
      }
      gaps.push_back(std::move(gap));
    }
    return gaps;
  } catch (const nlohmann::json::exception& e) {
    return Err(Status::Corruption(path.string() + ": " + e.what()));
  }
}

// Sorted by first offset, overlapping or touching ranges joined.
std::vector<ArchiveGap> Merged(std::vector<ArchiveGap> gaps) {
  std::sort(gaps.begin(), gaps.end(), [](const ArchiveGap& a, const ArchiveGap& b) {
    return a.first_offset < b.first_offset;
  });
  std::vector<ArchiveGap> merged;
  for (auto& gap : gaps) {
    if (!merged.empty() && gap.first_offset <= merged.back().last_offset + 1) {
      merged.back().last_offset = std::max(merged.back().last_offset, gap.last_offset);
    } else {
      merged.push_back(std::move(gap));
    }
  }
  return merged;
}

}  // namespace

std::string GapsPath(const std::string& dir, const std::string& topic, int32_t partition) {
  return (fs::path(dir) / topic / std::to_string(partition) / kGapsFile).string();
}

Status NoteArchiveGap(const std::string& dir, const ArchiveGap& gap) {
  if (gap.first_offset < 0 || gap.last_offset < gap.first_offset) {
    return Status::InvalidArgument("an archive gap needs 0 <= first_offset <= last_offset");
  }
  const fs::path path = GapsPath(dir, gap.topic, gap.partition);
  std::vector<ArchiveGap> gaps;
  std::error_code ec;
  if (fs::exists(path, ec)) {
    auto noted = ReadGapsFile(path);
    if (!noted) return noted.error();
    gaps = std::move(*noted);
  } else {
    fs::create_directories(path.parent_path(), ec);
    if (ec) return Status::IoError("create " + path.parent_path().string() + ": " + ec.message());
  }
  gaps.push_back(gap);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& g : Merged(std::move(gaps))) {
    list.push_back({{"first_offset", g.first_offset},
                    {"last_offset", g.last_offset},
                    {"records", g.records()}});
  }
  const nlohmann::json j = {{"topic", gap.topic}, {"partition", gap.partition}, {"gaps", list}};
  return WriteFileAtomically(path.string(), j.dump(2) + "\n");
}

Result<std::vector<ArchiveGap>> ListArchiveGaps(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Err(Status::NotFound("no archive at " + dir));
  std::vector<ArchiveGap> all;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file() || it->path().filename() != kGapsFile) continue;
    auto gaps = ReadGapsFile(it->path());
    if (!gaps) return Err(gaps.error());
    all.insert(all.end(), gaps->begin(), gaps->end());
  }
  if (ec) return Err(Status::IoError("list " + dir + ": " + ec.message()));
  std::sort(all.begin(), all.end(), [](const ArchiveGap& a, const ArchiveGap& b) {
    return std::tie(a.topic, a.partition, a.first_offset) <
           std::tie(b.topic, b.partition, b.first_offset);
  });
  return all;
}

std::string DescribeArchiveGap(const ArchiveGap& gap) {
  std::ostringstream out;
  out << "offsets " << gap.first_offset << ".." << gap.last_offset << " (" << gap.records()
      << (gap.records() == 1 ? " record" : " records")
      << ") were deleted from the topic before they were archived";
  return out.str();
}

}  // namespace headwire::common
