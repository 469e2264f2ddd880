#pragma once
// The name of this machine as gethostname(2) gives it, for what a record or a file says about
// where it was made (the producer's header, a snapshot writer's temporary directory). Returns ""
// when the system does not say. Thread-safe.

#include <string>

namespace headwire::common {

std::string HostName();

}  // namespace headwire::common
