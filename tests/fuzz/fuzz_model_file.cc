// The topic model file (--model, models/*.hwm): a model that loads must classify without fault
// and serialize to bytes that load again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/linear_model.h"
#include "core/topic_classifier.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace headwire::core;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto model = LinearModel::Deserialize(bytes, "fuzz.hwm");
  if (!model) return 0;
  if (!LinearModel::Deserialize(model->Serialize(), "again.hwm")) std::abort();
  if (model->rule_feature_copies() > 0) return 0;  // needs the rules it was trained with
  const TopicClassifier classifier(std::move(*model), std::nullopt);
  (void)classifier.Classify("SpaceX launches 24 Starlink satellites", "A rocket lifted off.");
  return 0;
}
