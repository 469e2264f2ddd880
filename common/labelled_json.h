#pragma once
// Labelled JSON Lines: the training, dev and gold files of the topic classifier. One article
// record per line (as in article_json.h) plus its labels: "topics": ["space", ...] ([] means
// "other"), or a single "label": "world" (AG News style), and optionally the "group" (the story)
// it belongs to, which training can weigh (TrainOptions::group_cap). Other fields are ignored.
// A path of "-" reads standard input (for one of the two files at most).

#include <string>
#include <vector>

#include "common/status.h"
#include "core/model_trainer.h"
#include "core/validation.h"

namespace headwire::common {

// Reads every record of `path`. Returns NotFound or IoError for an unreadable file and
// InvalidArgument naming the file and line of the first bad record (not JSON, no title, no
// topics/label, a topic named twice, a label or group that is not a string, a published_at outside
// the event-time range of `validation`, as for ParseArticleJson). Blank lines are skipped.
//
// With `labels_path`, the records' topics come from that file instead, and a record's own
// "topics" or "label" is not needed: JSON Lines of {"id", "topics"} (other fields ignored), the
// Nth non-blank line labelling the Nth record (as data/sample/labels.jsonl labels
// data/sample/headlines.jsonl), so that a stream without topics, such as an evaluation stream of
// duplicates and stories, is scored as it is. Each label's id must be its record's, read the same
// way (a string, or an integer as its digits; null or "" for a record without one). A label that
// is not strict JSON (strict_json.h), lacks id or topics or names a topic twice, a mismatched id
// and a count that differs are InvalidArgument naming the file and line.
Result<std::vector<core::LabelledText>> ReadLabelledFile(
    const std::string& path, const std::string& labels_path = "",
    const core::ValidationOptions& validation = {});

}  // namespace headwire::common
