#include "reports/results_reader.h"

#include <cmath>
#include <string_view>

#include "reports/results_json.h"

namespace isobench::reports {

const JsonLimits kResultsLimits{"results file", 128u << 20, 64};

namespace {

/// Figures beyond these are no measurement: a time of 1e9 ms is 11.6 days, longer than any
/// run may last (kMaxSeconds); 1e12 KiB is a petabyte of memory.
constexpr double kMaxMilliseconds = 1e9;
constexpr double kMaxKib = 1e12;

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

/// The figures of one run are measurements or null (not measured): a compare must not
/// judge a regression on values no run can give.
Status check_figures(const nlohmann::json& run, const std::string& name, const std::string& where) {
  static const char* const kFields[] = {"startup_ms",  "wall_ms",       "batch_wall_ms",     "workload_ms",
                                        "cpu_user_ms", "cpu_system_ms", "workload_peak_kib", "tree_peak_kib"};
  for (const char* key : kFields) {
    auto value = run.find(key);
    if (value == run.end() || value->is_null()) continue;
    std::string field = where + "." + key;
    if (!value->is_number()) return problem(name, field + " is not a number, got " + excerpt(value->dump()));
    double number = value->get<double>();
    bool time = std::string_view(key).ends_with("_ms");
    if (!std::isfinite(number) || number < 0 || number > (time ? kMaxMilliseconds : kMaxKib))
      return problem(name, field + " is " + excerpt(value->dump()) + ": not a measurement (expected 0 to " +
                               (time ? "1e9 ms" : "1e12 KiB") + ")");
  }
  // A successful measured run always has its wall time, and its startup unless it ran a
  // --cmd command, which takes no part in the start handshake. (Memory rounds' times are
  // not used, and may be left out.)
  if (run.value("ok", false) == true && run.value("memory_round", false) == false) {
    std::vector<const char*> measured = {"wall_ms"};
    if (run["workload"] != "cmd") measured.push_back("startup_ms");
    for (const char* key : measured)
      if (run.contains(key) && run[key].is_null())
        return problem(name, where + "." + key + " is null in a successful run: not a measurement");
  }
  return {};
}

}  // namespace

Result<LoadedResults> parse_results(const std::string& text, const std::string& name) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return problem(name, "empty file");
  auto parsed = parse_json_text(text, name, kResultsLimits);
  if (!parsed) return parsed.error();
  nlohmann::json doc = std::move(*parsed);
  if (!doc.is_object()) return problem(name, "not a results document (expected a JSON object)");
  auto schema = doc.find("schema");
  if (schema == doc.end() || !schema->is_string())
    return problem(name, "no \"schema\": not an isobench results document");
  if (*schema != kResultsSchema)
    return problem(name, "schema \"" + excerpt(schema->get<std::string>()) + "\" is not one this isobench reads (" +
                             kResultsSchema + ")");
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
    ISOBENCH_TRY(check_figures(run, name, where));
    results.results.records.push_back(to_record(run));
  }
  return results;
}

Result<LoadedResults> load_results(const std::string& path) {
  auto text = read_bounded_file(path, kResultsLimits.max_bytes, kResultsLimits.kind);
  if (!text) return text.error();
  return parse_results(*text, path);
}

}  // namespace isobench::reports
