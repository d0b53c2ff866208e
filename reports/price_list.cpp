#include "reports/price_list.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "common/time_units.h"

namespace isobench::reports {

const JsonLimits kPriceListLimits{"price list", 16u << 20, 16};

namespace {

/// What each mechanism is priced against (README, "The mechanism price list"): the same cycle
/// without the mechanism. Entries not listed are priced on their own.
const std::map<std::string, std::string>& baselines() {
  static const std::map<std::string, std::string> table = {
      {"BM_Clone/", "BM_Clone/none"},
      {"BM_Security/", "BM_Security/baseline_child"},
      {"BM_PivotRoot/", "BM_PivotRoot/child_without_pivot"},
      {"BM_Container/", "BM_Container/noop_no_cgroup"},
  };
  return table;
}

std::string short_name(std::string name) {
  for (const char* suffix : {"/real_time", "/process_time"})
    if (name.size() > std::string(suffix).size() && name.ends_with(suffix))
      name.resize(name.size() - std::string(suffix).size());
  auto iterations = name.find("/iterations:");
  if (iterations != std::string::npos) name.erase(iterations, name.find('/', iterations + 1) - iterations);
  return name;
}

double microseconds(double value, const std::string& unit) {
  if (unit == "ns") return ns_to_us(value);
  if (unit == "ms") return ms_to_us(value);
  if (unit == "s") return s_to_us(value);
  return value;  // "us", Google Benchmark's unit for the price list
}

}  // namespace

Result<nlohmann::json> check_price_list(const std::string& text, const std::string& name) {
  auto parsed = parse_json_text(text, name, kPriceListLimits);
  if (!parsed) return plain_error(parsed.error().message + ": expected mechanism_bench --benchmark_out output");
  const nlohmann::json& document = *parsed;
  if (!document.is_object() || !document.contains("benchmarks") || !document["benchmarks"].is_array())
    return plain_error(name + ": not Google Benchmark JSON (no \"benchmarks\" array)");
  for (const nlohmann::json& row : document["benchmarks"])
    if (!row.is_object() || !row.contains("name") || !row["name"].is_string())
      return plain_error(name + ": a \"benchmarks\" entry has no name");
  if (document["benchmarks"].empty()) return plain_error(name + ": no benchmarks in it");
  return parsed;
}

Result<nlohmann::ordered_json> load_price_list(const std::string& path) {
  auto text = read_bounded_file(path, kPriceListLimits.max_bytes, kPriceListLimits.kind);
  if (!text) return text.error();
  ISOBENCH_TRY(check_price_list(*text, path));
  return parse_ordered_json_text(*text, path, kPriceListLimits);
}

std::vector<PriceEntry> price_entries(const nlohmann::json& document) {
  std::vector<PriceEntry> entries;
  if (!document.is_object() || !document.contains("benchmarks") || !document["benchmarks"].is_array()) return entries;
  auto field = [](const nlohmann::json& row, const char* key) { return row.value(key, nlohmann::json()); };
  auto run_name = [&](const nlohmann::json& row) {
    const nlohmann::json& run = field(row, "run_name");
    return run.is_string() ? run.get<std::string>() : row["name"].get<std::string>();
  };
  // With --benchmark_repetitions, a benchmark's median aggregate stands for its repetitions.
  std::set<std::string> has_median;
  for (const nlohmann::json& row : document["benchmarks"])
    if (row.is_object() && field(row, "name").is_string() && field(row, "run_type") == "aggregate" &&
        field(row, "aggregate_name") == "median")
      has_median.insert(run_name(row));
  for (const nlohmann::json& row : document["benchmarks"]) {
    if (!row.is_object() || !field(row, "name").is_string()) continue;
    bool aggregate = field(row, "run_type") == "aggregate";
    if (aggregate ? field(row, "aggregate_name") != "median" : has_median.count(run_name(row)) > 0) continue;
    PriceEntry entry;
    entry.name = short_name(aggregate ? run_name(row) : row["name"].get<std::string>());
    // Repetitions without aggregates (or failed ones): the first stands for the benchmark.
    if (std::any_of(entries.begin(), entries.end(), [&](const PriceEntry& other) { return other.name == entry.name; }))
      continue;
    const nlohmann::json& error = row.value("error_message", nlohmann::json());
    if (row.value("error_occurred", nlohmann::json(false)) == true ||
        row.value("skipped", nlohmann::json(false)) == true)
      entry.error = error.is_string() ? error.get<std::string>() : "not measured";
    const nlohmann::json& unit = row.value("time_unit", nlohmann::json("ns"));
    const nlohmann::json& time = row.value("real_time", nlohmann::json());
    if (entry.error.empty() && time.is_number() && unit.is_string())
      entry.time_us = microseconds(time.get<double>(), unit.get<std::string>());
    const nlohmann::json& child = row.value("child_cpu_us", nlohmann::json());
    if (entry.error.empty() && child.is_number()) entry.child_cpu_us = child.get<double>();
    for (const auto& [prefix, baseline] : baselines())
      if (entry.name.starts_with(prefix) && entry.name != baseline) entry.baseline = baseline;
    entries.push_back(std::move(entry));
  }
  for (PriceEntry& entry : entries) {
    auto base = std::find_if(entries.begin(), entries.end(),
                             [&](const PriceEntry& other) { return other.name == entry.baseline; });
    if (!entry.baseline.empty() && base != entries.end()) entry.price_us = entry.time_us - base->time_us;
  }
  return entries;
}

}  // namespace isobench::reports
