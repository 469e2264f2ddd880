#pragma once
// RulesFromToml: the rules classifier of a taxonomy given as TOML text, for tests that write their
// own small taxonomy; a taxonomy that does not parse fails the calling test with the reason.

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>

#include "core/rules_classifier.h"

namespace headwire::core::testing {

// The taxonomy the project ships (data/taxonomy.toml).
inline const std::string kShippedTaxonomy =
    std::string(HEADWIRE_SOURCE_DIR) + "/data/taxonomy.toml";

inline RulesClassifier RulesFromToml(std::string_view toml) {
  auto taxonomy = Taxonomy::FromString(toml, "test.toml");
  EXPECT_TRUE(taxonomy.has_value()) << taxonomy.error().ToString();
  return RulesClassifier(std::move(*taxonomy));
}

}  // namespace headwire::core::testing
