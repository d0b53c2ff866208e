// The mechanism price list (mechanism_bench's Google Benchmark JSON) as results and reports
// carry it: checked when `bench --price-list` joins it to the results, and read into one entry
// per benchmark with its price over the baseline it is measured against.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/bounded_input.h"
#include "common/result.h"

namespace isobench::reports {

struct PriceEntry {
  std::string name;           ///< "BM_Clone/net" (the "/real_time" and "/iterations:N" suffixes cut)
  double time_us = NAN;       ///< wall-clock time of one create+destroy cycle
  double child_cpu_us = NAN;  ///< the children's CPU time per iteration, when counted
  std::string baseline;       ///< the entry this one is priced against, or empty
  double price_us = NAN;      ///< time_us minus the baseline's, when both were measured
  std::string error;          ///< why it was not measured (Google Benchmark's error_message)
};

/// What a price list may be: 16 MiB (mechanism_bench writes some 30 KiB), nested at most 16 deep.
extern const JsonLimits kPriceListLimits;

/// A Google Benchmark JSON document within kPriceListLimits: an object with a "benchmarks"
/// array of objects with a string "name". `name` is for messages. Never throws: what the
/// price-list fuzzer calls.
Result<nlohmann::json> check_price_list(const std::string& text, const std::string& name);

/// The price list file at `path` (a regular file), checked, with its keys in the file's
/// order, as the results carry it.
Result<nlohmann::ordered_json> load_price_list(const std::string& path);

/// One entry per benchmark, in the document's order: its iteration row, or with
/// --benchmark_repetitions its median aggregate (the other aggregates and the single
/// repetitions are skipped); rows with the wrong field types are skipped.
std::vector<PriceEntry> price_entries(const nlohmann::json& document);

}  // namespace isobench::reports
