#include "cli/render.h"

#include <algorithm>
#include <cmath>

#include "core/text.h"

namespace headwire::cli {
namespace {

size_t DisplayWidth(const std::string& s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

common::Json ScoresToJson(const std::vector<core::TopicScore>& scores) {
  common::Json out = common::Json::object();
  for (const auto& s : scores) out[s.topic] = s.score;
  return out;
}

common::Json ExplanationsToJson(const std::vector<core::TopicExplanation>& explanations) {
  const auto round = [](double v) { return static_cast<double>(std::lround(v * 1000.0)) / 1000.0; };
  common::Json out = common::Json::object();
  for (const core::TopicExplanation& e : explanations) {
    const core::TopicDecision& d = e.decision;
    common::Json topic = common::Json::object();
    topic["assigned"] = d.assigned;
    topic["decided_by"] = d.override > 0   ? "rules: forced"
                          : d.override < 0 ? "rules: veto"
                          : d.has_model    ? "model"
                                           : "rules";
    if (d.has_model) {
      topic["probability"] = round(d.probability);
      topic["threshold"] = round(d.threshold);
      common::Json features = common::Json::array();
      for (const core::FeatureEvidence& f : e.features) {
        features.push_back(common::Json::array({f.feature, round(f.contribution)}));
      }
      topic["features"] = std::move(features);
    }
    if (d.has_rules) {
      topic["rules_score"] = d.rules_score;
      common::Json rules = common::Json::array();
      for (const core::Match& m : e.rule_matches) {
        if (m.veto) {
          rules.push_back({{"veto", m.term}, {"matched", m.matched}});
        } else {
          rules.push_back(
              {{"term", m.term}, {"matched", m.matched}, {"contribution", round(m.contribution)}});
        }
      }
      topic["rules"] = std::move(rules);
    }
    out[d.topic] = std::move(topic);
  }
  return out;
}

std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  };
  std::vector<std::vector<std::string>> safe_rows;
  safe_rows.reserve(rows.size());
  for (const auto& row : rows) {
    std::vector<std::string>& safe = safe_rows.emplace_back();
    for (const auto& cell : row) safe.push_back(core::EscapeForTerminal(cell));
  }
  measure(header);
  for (const auto& row : safe_rows) measure(row);
  std::string out;
  auto append = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out.append(widths[i] - DisplayWidth(row[i]) + 2, ' ');
    }
    out += '\n';
  };
  append(header);
  for (const auto& row : safe_rows) append(row);
  return out;
}

}  // namespace headwire::cli
