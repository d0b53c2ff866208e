// `isobench report --format gbench`: Google Benchmark's JSON, so that its compare.py and
// other consumers of that format read isobench's results. Time metrics only (startup, wall,
// workload); each run is one repetition, then the _mean/_median/_stddev aggregates.
#include <cmath>

#include "bench/statistics.h"
#include "reports/report_formats.h"

namespace isobench::reports {
namespace {

using nlohmann::ordered_json;

/// Finite, or 0 (the format has no null and no NaN).
double finite(double value) {
  return std::isfinite(value) ? value : 0;
}

}  // namespace

std::string render_report_gbench(const ReportModel& model) {
  const nlohmann::json& env = model.environment;
  // The environment is whatever the results file said: take fields only of the right type.
  auto text = [&](const char* key) {
    auto found = env.find(key);
    return found != env.end() && found->is_string() ? found->get<std::string>() : std::string();
  };
  auto count = [&](const char* key) {
    auto found = env.find(key);
    return found != env.end() && found->is_number_integer() ? found->get<int64_t>() : int64_t{0};
  };
  auto caches = env.find("caches");
  ordered_json context = {
      {"date", text("date")},
      {"host_name", text("hostname")},
      {"executable", "isobench bench"},
      {"num_cpus", count("cores")},
      {"mhz_per_cpu", count("mhz_per_cpu")},
      {"cpu_scaling_enabled", false},
      {"caches", caches != env.end() && caches->is_array() ? ordered_json(*caches) : ordered_json::array()},
      {"load_avg", ordered_json::array()},
      {"library_build_type", "release"},
      {"isobench_kernel", text("kernel")},
      {"isobench_sources", model.sources}};
  ordered_json benchmarks = ordered_json::array();
  int family = 0;
  for (const CellSummary& cell : model.cells) {
    for (const char* metric : {"startup_ms", "wall_ms", "workload_ms"}) {
      std::vector<double> samples = metric_samples(model.results, cell.target, cell.workload, cell.concurrency, metric);
      if (samples.empty()) continue;
      std::vector<double> cpu = metric_samples(model.results, cell.target, cell.workload, cell.concurrency, "cpu_ms");
      std::string name = cell.target + "/" + cell.workload +
                         (cell.concurrency > 1 ? "/concurrency:" + std::to_string(cell.concurrency) : "") + "/" +
                         std::string(metric).substr(0, std::string(metric).size() - 3);
      auto row = [&](const std::string& row_name, const char* run_type, double real, double cpu_time) {
        return ordered_json{{"name", row_name},
                            {"family_index", family},
                            {"per_family_instance_index", 0},
                            {"run_name", name},
                            {"run_type", run_type},
                            {"repetitions", samples.size()},
                            {"threads", 1},
                            {"iterations", 1},
                            {"real_time", finite(real)},
                            {"cpu_time", finite(cpu_time)},
                            {"time_unit", "ms"}};
      };
      // cpu_time: the run's CPU time where it belongs to the same run (wall), else the metric.
      bool paired_cpu = std::string(metric) == "wall_ms" && cpu.size() == samples.size();
      for (size_t i = 0; i < samples.size(); ++i) {
        ordered_json entry = row(name, "iteration", samples[i], paired_cpu ? cpu[i] : samples[i]);
        entry["repetition_index"] = i;
        benchmarks.push_back(std::move(entry));
      }
      const std::vector<double>& cpu_samples = paired_cpu ? cpu : samples;
      struct Aggregate {
        const char* name;
        double real;
        double cpu;
      };
      for (const Aggregate& aggregate :
           {Aggregate{"mean", bench::summarize(samples).mean, bench::summarize(cpu_samples).mean},
            Aggregate{"median", bench::median(samples), bench::median(cpu_samples)},
            Aggregate{"stddev", bench::stddev(samples), bench::stddev(cpu_samples)}}) {
        ordered_json entry = row(name + "_" + aggregate.name, "aggregate", aggregate.real, aggregate.cpu);
        entry["aggregate_name"] = aggregate.name;
        benchmarks.push_back(std::move(entry));
      }
      ++family;
    }
  }
  return ordered_json{{"context", context}, {"benchmarks", benchmarks}}.dump(2) + "\n";
}

}  // namespace isobench::reports
