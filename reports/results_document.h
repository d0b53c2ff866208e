// The one typed results model: what a benchmark measured, as `bench` and `demo` make it and
// as a results file (isobench-results/1, docs/results-schema.md) is read back. Everything
// downstream (the terminal table, every report format, `compare`, the demo's summary) reads
// this, summarised by report_model; only results_codec turns it into text and back.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/environment.h"
#include "bench/harness/run_record.h"

namespace isobench::reports {

/// Where a setting's value came from, recorded for each setting so that a reader knows
/// whether `--runs 3` or the scenario file decided.
inline constexpr const char* kFromCommandLine = "command line";
inline constexpr const char* kFromDefault = "default";
// A scenario file is recorded as "scenario FILE".

/// The image from the store a benchmark ran (bench --image); results without one ran the
/// built-in image.
struct RecordedImage {
  std::string name;  ///< as the user gave it
  std::string id;    ///< "sha256:HEX", the config's digest (Docker's IMAGE ID)
  bool operator==(const RecordedImage&) const = default;
};

/// The settings beyond what the harness's results carry.
struct RunSettings {
  std::vector<std::string> targets;  ///< as requested, available or not
  std::vector<std::string> cmd;      ///< --cmd's argv when the workloads were a command
  double timeout_seconds = 0;
  double min_time_seconds = 0;
  uint64_t seed = 0;
  bool allow_unavailable = false;  ///< a target that cannot run here did not fail the command
  std::map<std::string, std::string> sources;  ///< setting name -> kFromCommandLine, kFromDefault, "scenario FILE"
  std::optional<RecordedImage> image;          ///< none: the built-in image (and every file before images)
  bool cold = false;                           ///< bench --cold: the page cache dropped before every run
  bool operator==(const RunSettings&) const = default;
};

struct ResultsDocument {
  std::string name;  ///< the file it was read from (messages, the report's sources); empty when made in memory
  bench::Environment environment;
  RunSettings settings;
  /// Targets (with versions, notes, skip reasons), workloads, concurrency, runs, warmup,
  /// memory runs, probes, every run, and whether the benchmark was interrupted.
  bench::BenchmarkResults results;
  /// With `bench --price-list` or in the demo: mechanism_bench's Google Benchmark JSON, a
  /// foreign format kept as it was written (reports/price_list reads it); null without.
  nlohmann::ordered_json price_list;
  std::string price_list_error;  ///< why a run that wanted a price list has none
};

}  // namespace isobench::reports
