#include "reports/results_reader.h"

#include <cmath>

#include "common/file_io.h"
#include "reports/results_json.h"

namespace isobench::reports {
namespace {

Error problem(const std::string& name, const std::string& what) {
  return plain_error(name + ": " + what);
}

double number_or_nan(const nlohmann::json& run, const char* key) {
  auto value = run.find(key);
  return value != run.end() && value->is_number() ? value->get<double>() : NAN;
}

/// A run already checked for the types of its fields.
bench::RunRecord to_record(const nlohmann::json& run) {
  bench::RunRecord record;
  record.target = run["target"];
  record.workload = run["workload"];
  record.concurrency = run.value("concurrency", 1);
  record.round = run.value("round", 0);
  record.slot = run.value("slot", 0);
  record.ok = run.value("ok", false);
  record.exit_code = run.value("exit_code", 0);
  record.timed_out = run.value("timed_out", false);
  record.memory_round = run.value("memory_round", false);
  // Why a run failed only decorates it: kept when it is a string.
  if (const nlohmann::json error = run.value("error", nlohmann::json()); error.is_string()) record.error = error;
  record.startup_ms = number_or_nan(run, "startup_ms");
  record.wall_ms = number_or_nan(run, "wall_ms");
  record.batch_wall_ms = number_or_nan(run, "batch_wall_ms");
  record.workload_ms = number_or_nan(run, "workload_ms");
  record.cpu_user_ms = number_or_nan(run, "cpu_user_ms");
  record.cpu_system_ms = number_or_nan(run, "cpu_system_ms");
  record.workload_peak_kib = number_or_nan(run, "workload_peak_kib");
  record.tree_peak_kib = number_or_nan(run, "tree_peak_kib");
  return record;
}

}  // namespace

Result<LoadedResults> parse_results(const std::string& text, const std::string& name) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return problem(name, "empty file");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    return problem(name, "not valid JSON (truncated?) at byte " + std::to_string(error.byte));
  }
  if (!doc.is_object()) return problem(name, "not a results document (expected a JSON object)");
  auto schema = doc.find("schema");
  if (schema == doc.end() || !schema->is_string())
    return problem(name, "no \"schema\": not an isobench results document");
  if (*schema != kResultsSchema)
    return problem(
        name, "schema \"" + schema->get<std::string>() + "\" is not one this isobench reads (" + kResultsSchema + ")");
  auto runs = doc.find("runs");
  if (runs == doc.end() || !runs->is_array()) return problem(name, "no \"runs\" array");
  if (runs->empty()) return problem(name, "no runs: nothing was measured");

  for (const char* key : {"environment", "settings"})
    if (doc.contains(key) && !doc[key].is_object())
      return problem(name, std::string("\"") + key + "\" is not an object");
  auto summaries = doc.find("summaries");
  if (summaries != doc.end() && !summaries->is_array()) return problem(name, "\"summaries\" is not an array");

  LoadedResults results;
  results.name = name;
  results.environment = doc.value("environment", nlohmann::json::object());
  results.settings = doc.value("settings", nlohmann::json::object());
  results.document = doc;
  for (size_t i = 0; i < runs->size(); ++i) {
    const nlohmann::json& run = (*runs)[i];
    std::string where = "runs[" + std::to_string(i) + "]";
    if (!run.is_object()) return problem(name, where + " is not an object");
    if (!run.contains("target") || !run["target"].is_string() || !run.contains("workload") ||
        !run["workload"].is_string())
      return problem(name, where + " has no target or workload");
    for (const char* key : {"ok", "memory_round", "timed_out"})
      if (run.contains(key) && !run[key].is_boolean())
        return problem(name, where + "." + key + " is not true or false");
    for (const char* key : {"concurrency", "round", "slot", "exit_code"})
      if (run.contains(key) && !run[key].is_number_integer())
        return problem(name, where + "." + key + " is not an integer");
    results.results.records.push_back(to_record(run));
  }
  return results;
}

Result<LoadedResults> load_results(const std::string& path) {
  auto text = read_file(path);
  if (!text) return problem(path, "cannot read: " + text.error().text());
  return parse_results(*text, path);
}

}  // namespace isobench::reports
