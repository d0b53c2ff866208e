// The progress line of long commands (bench, demo) on a terminal: rounds done, the estimated
// time left and the target just run. Nothing when stderr is not a terminal or in CI, where
// carriage returns only clutter the log.
#pragma once

#include "bench/harness/harness.h"

namespace isobench::cli {

/// Whether to show progress: a terminal on stderr, not CI, not --quiet.
bool progress_wanted(bool quiet);

/// A callback drawing the bar on stderr, or an empty one when `enabled` is false. `label`
/// goes in front of the bar (the demo names its step).
bench::ProgressCallback progress_bar(bool enabled, const std::string& label = "");

}  // namespace isobench::cli
