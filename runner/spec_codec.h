// A ContainerSpec as JSON: a kept container (`run -d`) stores the spec it was made with, so
// that `start` and `restart` make exactly the same container again (same argv, root, layers,
// limits, isolation), without re-reading an image config or the options of the run.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "runner/spec.h"

namespace isobench::runner {

std::string serialize_spec(const ContainerSpec& spec);

/// The spec serialize_spec wrote; a missing, mistyped or out-of-range field is an error
/// naming it (`what` names the document).
Result<ContainerSpec> parse_spec(std::string_view json, std::string_view what = "container spec");

}  // namespace isobench::runner
