// What `isobench run --stats` shows: the outcome as a JSON document and as one line of text.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "runner/container.h"

namespace isobench::cli {

/// Times in milliseconds from the launch call; memory in bytes; CPU in nanoseconds; each
/// figure names its source ("cgroup v1", "cgroup v2" or "rusage").
nlohmann::json run_stats_json(const runner::ContainerOutcome& outcome, runner::CgroupMode mode);

/// The same as one human-readable line.
std::string run_stats_text(const nlohmann::json& stats);

std::string ending_name(runner::ContainerOutcome::Ending ending);

}  // namespace isobench::cli
