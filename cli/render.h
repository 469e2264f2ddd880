#pragma once
// How the command line shows results: JSON objects for programs, aligned tables for people.

#include <string>
#include <string_view>
#include <vector>

#include "common/article_json.h"
#include "core/topic_classifier.h"

namespace headwire::cli {

// {"space": 1.5, "ai": 0, ...} in taxonomy order.
common::Json ScoresToJson(const std::vector<core::TopicScore>& scores);

// {"space": {"assigned", "decided_by", "probability", "threshold", "rules_score",
//  "features": [["launches", 0.42], ...], "rules": [{"term", "matched", "contribution"} or
//  {"veto", "matched"}, ...]}, ...}; "decided_by" is "model", "rules" (a topic the model lacks),
// "rules: forced" or "rules: veto".
common::Json ExplanationsToJson(const std::vector<core::TopicExplanation>& explanations);

// Prints rows under a header with columns padded to their widest cell (by UTF-8 code points);
// the last column is not padded. Cells come from outside input (titles, sources), so their
// control characters are escaped (core::EscapeForTerminal) rather than sent to the terminal.
std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

}  // namespace headwire::cli
