// What `isobench run --stats` shows: the outcome as a JSON document and as one line of text.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "runner/container.h"

namespace isobench::cli {

/// Times in milliseconds from the launch call; memory in bytes; CPU in nanoseconds; each
/// figure names its source ("cgroup v1", "cgroup v2" or "rusage").
/// `runner_peak_rss_bytes` is isobench's own high-water mark (VmHWM), 0 when unknown.
nlohmann::ordered_json run_stats_json(const runner::ContainerOutcome& outcome, runner::CgroupMode mode,
                                      uint64_t runner_peak_rss_bytes);

/// VmHWM of this process from /proc/self/status, in bytes; 0 when unreadable.
uint64_t own_peak_rss_bytes();

/// The same as one human-readable line.
std::string run_stats_text(const nlohmann::ordered_json& stats);

std::string ending_name(runner::ContainerOutcome::Ending ending);

}  // namespace isobench::cli
