#include "reports/results_codec.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

#include "reports/number_text.h"
#include "reports/probe_json.h"

namespace isobench::reports {

const JsonLimits kResultsLimits{"results file", 128u << 20, 64};

namespace {

using nlohmann::ordered_json;
using Json = nlohmann::json;

/// Figures beyond these are no measurement: a time of 1e9 ms is 11.6 days, longer than any
/// run may last; 1e12 KiB is a petabyte of memory.
constexpr double kMaxMilliseconds = 1e9;
constexpr double kMaxKib = 1e12;


ordered_json environment_json(const bench::Environment& environment) {
  ordered_json caches = ordered_json::array();
  for (const bench::CpuCache& cache : environment.caches)
    caches.push_back({{"type", cache.type},
                      {"level", cache.level},
                      {"size", cache.size_bytes},
                      {"num_sharing", cache.num_sharing}});
  return {{"kernel", environment.kernel},
          {"machine", environment.machine},
          {"hostname", environment.hostname},
          {"cpu_model", environment.cpu_model},
          {"cores", environment.cores},
          {"mhz_per_cpu", environment.mhz_per_cpu},
          {"caches", caches},
          {"memory_bytes", environment.memory_bytes},
          {"cgroup_mode", environment.cgroup_mode},
          {"btf", environment.btf},
          {"kvm", environment.kvm},
          {"isobench_version", environment.isobench_version},
          {"date", environment.date},
          {"command", environment.command},
          {"target_versions", environment.target_versions}};
}

ordered_json settings_json(const ResultsDocument& document) {
  const bench::BenchmarkResults& results = document.results;
  const RunSettings& settings = document.settings;
  ordered_json json = {{"targets", settings.targets},
                       {"workloads", results.workloads},
                       {"cmd", settings.cmd},
                       {"concurrency", results.concurrency},
                       {"runs", results.runs},
                       {"warmup", results.warmup},
                       {"memory_runs", results.memory_runs},
                       {"timeout_seconds", settings.timeout_seconds},
                       {"min_time_seconds", settings.min_time_seconds},
                       {"seed", settings.seed},
                       {"allow_unavailable", settings.allow_unavailable},
                       {"probes_requested", results.probes_requested},
                       {"probes_active", results.probes_active},
                       {"sources", settings.sources}};
  // Only when there is one: a run of the built-in image writes what it always wrote.
  if (settings.image) json["image"] = {{"name", settings.image->name}, {"id", settings.image->id}};
  if (settings.cold) json["cold"] = true;  // likewise: warm runs write what they always wrote
  return json;
}

ordered_json summary_json(const MetricSummary& metric) {
  const bench::Summary& s = metric.summary;
  return {{"metric", metric.metric},
          {"count", s.count},
          {"mean", json_number(s.mean)},
          {"median", json_number(s.median)},
          {"stddev", json_number(s.stddev)},
          {"min", json_number(s.min)},
          {"max", json_number(s.max)},
          {"p90", json_number(s.p90)},
          {"p95", json_number(s.p95)},
          {"p99", json_number(s.p99)},
          {"mad", json_number(s.mad)},
          {"median_ci95", {json_number(metric.median_ci.low), json_number(metric.median_ci.high)}},
          {"ratio_vs_bare", json_number(metric.ratio_vs_bare)},
          {"ratio_vs_bare_ci95", {json_number(metric.ratio_ci.low), json_number(metric.ratio_ci.high)}},
          {"warnings", metric.warnings}};
}

ordered_json cell_json(const CellSummary& cell) {
  ordered_json metrics = ordered_json::array();
  for (const MetricSummary& metric : cell.metrics) metrics.push_back(summary_json(metric));
  ordered_json errors = ordered_json::array();
  for (const CellError& error : cell.errors) errors.push_back({{"error", error.text}, {"runs", error.runs}});
  ordered_json summary = {{"target", cell.target},
                          {"workload", cell.workload},
                          {"concurrency", cell.concurrency},
                          {"status", cell_status_name(cell.status)},
                          {"runs", cell.runs},
                          {"failures", cell.failures},
                          {"errors", errors},
                          {"metrics", metrics}};
  if (cell.probes) summary["probes"] = probe_aggregate_to_json(*cell.probes);
  return summary;
}

ordered_json run_json(const bench::RunRecord& record) {
  ordered_json run = {{"target", record.target},
                      {"workload", record.workload},
                      {"concurrency", record.concurrency},
                      {"round", record.round},
                      {"slot", record.slot},
                      {"ok", record.ok},
                      {"exit_code", record.exit_code},
                      {"startup_ms", json_number(record.startup_ms)},
                      {"wall_ms", json_number(record.wall_ms)},
                      {"batch_wall_ms", json_number(record.batch_wall_ms)},
                      {"workload_ms", json_number(record.workload_ms)},
                      {"cpu_user_ms", json_number(record.cpu_user_ms)},
                      {"cpu_system_ms", json_number(record.cpu_system_ms)},
                      {"workload_peak_kib", json_number(record.workload_peak_kib)}};
  if (!std::isnan(record.daemon_cpu_ms)) run["daemon_cpu_ms"] = json_number(record.daemon_cpu_ms);
  if (record.memory_round) {
    run["memory_round"] = true;
    run["tree_peak_kib"] = json_number(record.tree_peak_kib);
  }
  if (record.timed_out) run["timed_out"] = true;
  if (!record.error.empty()) run["error"] = record.error;
  if (record.report.is_object()) run["report"] = record.report;
  if (record.probes) run["probes"] = probe_report_to_json(*record.probes, false);
  return run;
}

/// Reads the fields of one JSON object of the file, each checked for its type; an absent
/// field leaves its default. Errors read "FILE: WHERE.KEY is not ...".
class Fields {
 public:
  Fields(const Json& object, std::string where, const std::string& file)
      : object_(object), where_(std::move(where)), file_(file) {}

  Error wrong(const char* key, const char* expected) const {
    return plain_error(file_ + ": " + path(key) + " is not " + expected + ", got " + excerpt(object_[key].dump()));
  }
  std::string path(const char* key) const { return where_.empty() ? key : where_ + "." + key; }
  const Json* find(const char* key) const {
    auto found = object_.find(key);
    return found == object_.end() || found->is_null() ? nullptr : &*found;
  }

  Status text(const char* key, std::string& out) const {
    const Json* value = find(key);
    if (!value) return {};
    if (!value->is_string()) return wrong(key, "a string");
    out = value->get<std::string>();
    return {};
  }
  Status flag(const char* key, bool& out) const {
    const Json* value = find(key);
    if (!value) return {};
    if (!value->is_boolean()) return wrong(key, "true or false");
    out = value->get<bool>();
    return {};
  }
  template <typename Integer>
  Status integer(const char* key, Integer& out, int64_t low = std::numeric_limits<int32_t>::min(),
                 int64_t high = std::numeric_limits<int32_t>::max()) const {
    const Json* value = find(key);
    if (!value) return {};
    if (value->is_number_unsigned() && value->get<uint64_t>() > static_cast<uint64_t>(high))
      return wrong(key, "an integer in range");
    if (!value->is_number_integer() || value->get<int64_t>() < low || value->get<int64_t>() > high)
      return wrong(key, "an integer in range");
    out = static_cast<Integer>(value->get<int64_t>());
    return {};
  }
  Status unsigned_integer(const char* key, uint64_t& out) const {
    const Json* value = find(key);
    if (!value) return {};
    if (!value->is_number_unsigned() && !(value->is_number_integer() && value->get<int64_t>() >= 0))
      return wrong(key, "a non-negative integer");
    out = value->get<uint64_t>();
    return {};
  }
  Status real(const char* key, double& out) const {
    const Json* value = find(key);
    if (!value) return {};
    if (!value->is_number() || !std::isfinite(value->get<double>())) return wrong(key, "a number");
    out = value->get<double>();
    return {};
  }
  Status texts(const char* key, std::vector<std::string>& out) const {
    const Json* value = find(key);
    if (!value) return {};
    if (!value->is_array() || !std::all_of(value->begin(), value->end(), [](const Json& v) { return v.is_string(); }))
      return wrong(key, "a list of strings");
    out = value->get<std::vector<std::string>>();
    return {};
  }
  Status text_map(const char* key, std::map<std::string, std::string>& out) const {
    const Json* value = find(key);
    if (!value) return {};
    if (!value->is_object() ||
        !std::all_of(value->begin(), value->end(), [](const Json& v) { return v.is_string(); }))
      return wrong(key, "an object of strings");
    out = value->get<std::map<std::string, std::string>>();
    return {};
  }

 private:
  const Json& object_;
  std::string where_;
  const std::string& file_;
};

Error problem(const std::string& name, const std::string& what) {
  return plain_error(name + ": " + what);
}

Status decode_environment(const Json& value, const std::string& name, bench::Environment& environment) {
  if (!value.is_object()) return problem(name, "\"environment\" is not an object");
  Fields fields(value, "environment", name);
  ISOBENCH_TRY(fields.text("kernel", environment.kernel));
  ISOBENCH_TRY(fields.text("machine", environment.machine));
  ISOBENCH_TRY(fields.text("hostname", environment.hostname));
  ISOBENCH_TRY(fields.text("cpu_model", environment.cpu_model));
  ISOBENCH_TRY(fields.integer("cores", environment.cores, 0, 1 << 20));
  ISOBENCH_TRY(fields.integer("mhz_per_cpu", environment.mhz_per_cpu, 0, 1 << 30));
  ISOBENCH_TRY(fields.unsigned_integer("memory_bytes", environment.memory_bytes));
  ISOBENCH_TRY(fields.text("cgroup_mode", environment.cgroup_mode));
  ISOBENCH_TRY(fields.flag("btf", environment.btf));
  ISOBENCH_TRY(fields.text("kvm", environment.kvm));
  ISOBENCH_TRY(fields.text("isobench_version", environment.isobench_version));
  ISOBENCH_TRY(fields.text("date", environment.date));
  ISOBENCH_TRY(fields.texts("command", environment.command));
  ISOBENCH_TRY(fields.text_map("target_versions", environment.target_versions));
  if (const Json* caches = fields.find("caches")) {
    if (!caches->is_array()) return fields.wrong("caches", "a list");
    for (size_t i = 0; i < caches->size(); ++i) {
      const Json& entry = (*caches)[i];
      std::string where = "environment.caches[" + std::to_string(i) + "]";
      if (!entry.is_object()) return problem(name, where + " is not an object");
      Fields cache_fields(entry, where, name);
      bench::CpuCache cache;
      ISOBENCH_TRY(cache_fields.text("type", cache.type));
      ISOBENCH_TRY(cache_fields.integer("level", cache.level, 0, 16));
      ISOBENCH_TRY(cache_fields.integer("size", cache.size_bytes, 0, int64_t{1} << 50));
      ISOBENCH_TRY(cache_fields.integer("num_sharing", cache.num_sharing, 0, 1 << 20));
      environment.caches.push_back(cache);
    }
  }
  return {};
}

/// settings.image, optional: files written before images, and runs of the built-in image, have none.
Status decode_image(const Fields& fields, const std::string& name, RunSettings& settings) {
  const Json* image = fields.find("image");
  if (!image) return {};
  if (!image->is_object()) return fields.wrong("image", "an object with name and id");
  Fields image_fields(*image, "settings.image", name);
  RecordedImage recorded;
  ISOBENCH_TRY(image_fields.text("name", recorded.name));
  ISOBENCH_TRY(image_fields.text("id", recorded.id));
  if (recorded.name.empty() || recorded.id.empty()) return problem(name, "settings.image needs a name and an id");
  settings.image = std::move(recorded);
  return {};
}

Status decode_settings(const Json& value, const std::string& name, ResultsDocument& document) {
  if (!value.is_object()) return problem(name, "\"settings\" is not an object");
  Fields fields(value, "settings", name);
  bench::BenchmarkResults& results = document.results;
  RunSettings& settings = document.settings;
  ISOBENCH_TRY(fields.texts("targets", settings.targets));
  ISOBENCH_TRY(fields.texts("workloads", results.workloads));
  ISOBENCH_TRY(fields.texts("cmd", settings.cmd));
  if (const Json* levels = fields.find("concurrency")) {
    if (!levels->is_array() || !std::all_of(levels->begin(), levels->end(), [](const Json& level) {
          return level.is_number_integer() && level.get<int64_t>() > 0 && level.get<int64_t>() <= 1 << 20;
        }))
      return fields.wrong("concurrency", "a list of positive integers");
    results.concurrency = levels->get<std::vector<int>>();
  }
  ISOBENCH_TRY(fields.integer("runs", results.runs, 0));
  ISOBENCH_TRY(fields.integer("warmup", results.warmup, 0));
  ISOBENCH_TRY(fields.integer("memory_runs", results.memory_runs, 0));
  ISOBENCH_TRY(fields.real("timeout_seconds", settings.timeout_seconds));
  ISOBENCH_TRY(fields.real("min_time_seconds", settings.min_time_seconds));
  ISOBENCH_TRY(fields.unsigned_integer("seed", settings.seed));
  ISOBENCH_TRY(fields.flag("allow_unavailable", settings.allow_unavailable));
  ISOBENCH_TRY(fields.flag("cold", settings.cold));
  ISOBENCH_TRY(fields.text("probes_requested", results.probes_requested));
  ISOBENCH_TRY(fields.text("probes_active", results.probes_active));
  ISOBENCH_TRY(fields.text_map("sources", settings.sources));
  return decode_image(fields, name, settings);
}

Status decode_targets(const Json& value, const std::string& name, std::vector<bench::TargetInfo>& targets) {
  if (!value.is_array()) return problem(name, "\"targets\" is not an array");
  for (size_t i = 0; i < value.size(); ++i) {
    std::string where = "targets[" + std::to_string(i) + "]";
    if (!value[i].is_object()) return problem(name, where + " is not an object");
    Fields fields(value[i], where, name);
    bench::TargetInfo target;
    ISOBENCH_TRY(fields.text("name", target.name));
    if (target.name.empty()) return problem(name, where + " has no name");
    ISOBENCH_TRY(fields.text("kind", target.kind));
    ISOBENCH_TRY(fields.flag("available", target.available));
    ISOBENCH_TRY(fields.text(target.available ? "version" : "skipped_because", target.detail));
    ISOBENCH_TRY(fields.texts("notes", target.notes));
    ISOBENCH_TRY(fields.text("kvm", target.kvm));
    bool known = std::any_of(targets.begin(), targets.end(),
                             [&](const bench::TargetInfo& other) { return other.name == target.name; });
    if (known) return problem(name, where + ": target \"" + excerpt(target.name) + "\" is listed twice");
    targets.push_back(std::move(target));
  }
  return {};
}

/// The figures of one run are measurements or null (not measured): a compare must not
/// judge a regression on values no run can give. `record` holds the run's flags as decoded
/// (a null flag is its default: asking the JSON for it again would throw).
Status check_figures(const Json& run, const std::string& name, const std::string& where,
                     const bench::RunRecord& record) {
  static const char* const kFields[] = {"startup_ms",    "wall_ms",           "batch_wall_ms", "workload_ms",
                                        "cpu_user_ms",   "cpu_system_ms",     "daemon_cpu_ms", "workload_peak_kib",
                                        "tree_peak_kib"};
  for (const char* key : kFields) {
    auto value = run.find(key);
    if (value == run.end() || value->is_null()) continue;
    std::string field = where + "." + key;
    if (!value->is_number()) return problem(name, field + " is not a number, got " + excerpt(value->dump()));
    double figure = value->get<double>();
    bool time = std::string_view(key).ends_with("_ms");
    if (!std::isfinite(figure) || figure < 0 || figure > (time ? kMaxMilliseconds : kMaxKib))
      return problem(name, field + " is " + excerpt(value->dump()) + ": not a measurement (expected 0 to " +
                               (time ? "1e9 ms" : "1e12 KiB") + ")");
  }
  // A successful measured run always has its wall time, and its startup unless it ran a
  // --cmd command, which takes no part in the start handshake. Missing is refused as null
  // is: the writer writes a missing figure as null, and must read back what it wrote.
  if (record.ok && !record.memory_round) {
    std::vector<const char*> measured = {"wall_ms"};
    if (record.workload != "cmd") measured.push_back("startup_ms");
    for (const char* key : measured) {
      auto value = run.find(key);
      if (value == run.end() || value->is_null())
        return problem(name, where + "." + key + " is " + (value == run.end() ? "missing" : "null") +
                                 " in a successful run: not a measurement");
    }
  }
  return {};
}

double figure(const Json& run, const char* key) {
  auto value = run.find(key);
  return value != run.end() && value->is_number() ? value->get<double>() : NAN;
}

Result<bench::RunRecord> decode_run(const Json& run, const std::string& name, const std::string& where) {
  if (!run.is_object()) return problem(name, where + " is not an object");
  Fields fields(run, where, name);
  bench::RunRecord record;
  ISOBENCH_TRY(fields.text("target", record.target));
  ISOBENCH_TRY(fields.text("workload", record.workload));
  if (record.target.empty() || record.workload.empty()) return problem(name, where + " has no target or workload");
  ISOBENCH_TRY(fields.integer("concurrency", record.concurrency, 1, 1 << 20));
  ISOBENCH_TRY(fields.integer("round", record.round, 0));
  ISOBENCH_TRY(fields.integer("slot", record.slot, 0));
  ISOBENCH_TRY(fields.flag("ok", record.ok));
  ISOBENCH_TRY(fields.integer("exit_code", record.exit_code));
  ISOBENCH_TRY(fields.flag("timed_out", record.timed_out));
  ISOBENCH_TRY(fields.flag("memory_round", record.memory_round));
  ISOBENCH_TRY(fields.text("error", record.error));
  ISOBENCH_TRY(check_figures(run, name, where, record));
  record.startup_ms = figure(run, "startup_ms");
  record.wall_ms = figure(run, "wall_ms");
  record.batch_wall_ms = figure(run, "batch_wall_ms");
  record.workload_ms = figure(run, "workload_ms");
  record.cpu_user_ms = figure(run, "cpu_user_ms");
  record.cpu_system_ms = figure(run, "cpu_system_ms");
  record.daemon_cpu_ms = figure(run, "daemon_cpu_ms");
  record.workload_peak_kib = figure(run, "workload_peak_kib");
  record.tree_peak_kib = figure(run, "tree_peak_kib");
  if (const Json* report = fields.find("report")) {
    if (!report->is_object()) return fields.wrong("report", "an object");
    record.report = *report;
  }
  if (const Json* probes = fields.find("probes")) {
    auto report = probe_report_from_json(*probes, where + ".probes");
    if (!report) return problem(name, report.error().message);
    record.probes = std::move(*report);
  }
  return record;
}

/// Files written by other programs may leave out what the runs already say.
void fill_from_runs(bench::BenchmarkResults& results) {
  for (const bench::RunRecord& run : results.records) {
    if (std::find(results.workloads.begin(), results.workloads.end(), run.workload) == results.workloads.end())
      results.workloads.push_back(run.workload);
    if (std::find(results.concurrency.begin(), results.concurrency.end(), run.concurrency) ==
        results.concurrency.end())
      results.concurrency.push_back(run.concurrency);
    if (std::none_of(results.targets.begin(), results.targets.end(),
                     [&](const bench::TargetInfo& target) { return target.name == run.target; }))
      results.targets.push_back({run.target, "", true, "", {}, ""});
  }
}

}  // namespace

std::string encode_results(const ResultsDocument& document, const std::vector<CellSummary>& cells) {
  const bench::BenchmarkResults& results = document.results;
  ordered_json doc;
  doc["schema"] = kResultsSchema;
  doc["interrupted"] = results.interrupted;
  doc["environment"] = environment_json(document.environment);
  doc["settings"] = settings_json(document);
  doc["targets"] = ordered_json::array();
  for (const bench::TargetInfo& target : results.targets) {
    ordered_json entry = {{"name", target.name},
                          {"kind", target.kind},
                          {"available", target.available},
                          {target.available ? "version" : "skipped_because", target.detail},
                          {"notes", target.notes}};
    if (!target.kvm.empty()) entry["kvm"] = target.kvm;
    doc["targets"].push_back(std::move(entry));
  }
  doc["summaries"] = ordered_json::array();
  for (const CellSummary& cell : cells) doc["summaries"].push_back(cell_json(cell));
  doc["runs"] = ordered_json::array();
  for (const bench::RunRecord& record : results.records) doc["runs"].push_back(run_json(record));
  if (!document.price_list.is_null()) doc["price_list"] = document.price_list;
  if (!document.price_list_error.empty()) doc["price_list_error"] = document.price_list_error;
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Result<ResultsDocument> decode_results(const std::string& text, const std::string& name) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return problem(name, "empty file");
  auto parsed = parse_json_text(text, name, kResultsLimits);
  if (!parsed) return parsed.error();
  const Json& doc = *parsed;
  if (!doc.is_object()) return problem(name, "not a results document (expected a JSON object)");
  auto schema = doc.find("schema");
  if (schema == doc.end() || !schema->is_string())
    return problem(name, "no \"schema\": not an isobench results document");
  if (*schema != kResultsSchema)
    return problem(name, "schema \"" + excerpt(schema->get<std::string>()) + "\" is not one this isobench reads (" +
                             kResultsSchema + ")");
  auto runs = doc.find("runs");
  if (runs == doc.end() || !runs->is_array()) return problem(name, "no \"runs\" array");

  ResultsDocument document;
  document.name = name;
  Fields top(doc, "", name);
  ISOBENCH_TRY(top.flag("interrupted", document.results.interrupted));
  if (const Json* environment = top.find("environment"))
    ISOBENCH_TRY(decode_environment(*environment, name, document.environment));
  if (const Json* settings = top.find("settings")) ISOBENCH_TRY(decode_settings(*settings, name, document));
  if (const Json* targets = top.find("targets")) ISOBENCH_TRY(decode_targets(*targets, name, document.results.targets));
  for (size_t i = 0; i < runs->size(); ++i) {
    auto record = decode_run((*runs)[i], name, "runs[" + std::to_string(i) + "]");
    if (!record) return record.error();
    document.results.records.push_back(std::move(*record));
  }
  if (document.results.records.empty() && document.results.targets.empty())
    return problem(name, "no runs and no targets: nothing was measured");
  if (const Json* price_list = top.find("price_list")) {
    if (!price_list->is_object()) return top.wrong("price_list", "an object (Google Benchmark JSON)");
    // Kept as it was written: nlohmann::json sorts keys, so read it again in the file's order.
    auto ordered = parse_ordered_json_text(text, name, kResultsLimits);
    if (!ordered) return ordered.error();
    document.price_list = std::move((*ordered)["price_list"]);
  }
  ISOBENCH_TRY(top.text("price_list_error", document.price_list_error));
  fill_from_runs(document.results);
  return document;
}

Result<ResultsDocument> load_results(const std::string& path) {
  auto text = read_bounded_file(path, kResultsLimits.max_bytes, kResultsLimits.kind);
  if (!text) return text.error();
  return decode_results(*text, path);
}

}  // namespace isobench::reports
