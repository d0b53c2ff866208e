// `isobench report --format gbench`: Google Benchmark's JSON, so that its compare.py,
// github-action-benchmark (tool googlecpp) and Bencher (adapter cpp_google) read isobench's
// results. One benchmark per cell and time metric (startup, wall, workload): each successful
// run is one repetition, then the _mean, _median, _stddev and _cv aggregates, as Google
// Benchmark writes them with --benchmark_repetitions; with aggregates_only just the
// aggregates, as --benchmark_report_aggregates_only does, so that a chart gets one median
// per benchmark. Times are in microseconds, so compare.py keeps their digits. cpu_time is
// CPU time: the run's (the whole target's, rusage) for wall rows; startup and the workload's
// own timing have no CPU figure of their own and carry 0. Cells that did not measure in
// full are listed, with their errors, in the context's "isobench_problems".
#include <cmath>

#include "bench/statistics.h"
#include "common/time_units.h"
#include "reports/report_formats.h"

namespace isobench::reports {
namespace {

using nlohmann::ordered_json;

/// Finite, or 0 (the format has no null and no NaN).
double finite(double value) {
  return std::isfinite(value) ? value : 0;
}

struct Sample {
  double real_ms;
  double cpu_ms;
};

/// The successful measured runs of a cell: the metric, and for wall the same run's CPU time.
std::vector<Sample> samples_of(const ReportModel& model, const CellSummary& cell, const std::string& metric) {
  std::vector<Sample> samples;
  for (const bench::RunRecord& record : model.results.records) {
    if (!record.ok || record.memory_round || record.target != cell.target || record.workload != cell.workload ||
        record.concurrency != cell.concurrency)
      continue;
    double real = metric == "startup_ms" ? record.startup_ms : metric == "wall_ms" ? record.wall_ms : record.workload_ms;
    if (!std::isfinite(real)) continue;
    double cpu = metric == "wall_ms" ? record.cpu_user_ms + record.cpu_system_ms : 0;
    samples.push_back({real, finite(cpu)});
  }
  return samples;
}

/// Google Benchmark's context block, with what isobench adds: the sources, and each cell
/// that did not measure in full with why.
ordered_json gbench_context(const ReportModel& model) {
  const bench::Environment& env = model.environment;
  ordered_json caches = ordered_json::array();
  for (const bench::CpuCache& cache : env.caches)
    caches.push_back(
        {{"type", cache.type}, {"level", cache.level}, {"size", cache.size_bytes}, {"num_sharing", cache.num_sharing}});
  ordered_json context = {{"date", env.date},
                          {"host_name", env.hostname},
                          {"executable", "isobench bench"},
                          {"num_cpus", env.cores},
                          {"mhz_per_cpu", env.mhz_per_cpu},
                          {"cpu_scaling_enabled", false},
                          {"caches", caches},
                          {"load_avg", ordered_json::array()},
                          {"library_build_type", "release"},
                          {"isobench_kernel", env.kernel},
                          {"isobench_sources", model.sources}};
  // A cell that did not measure in full has no benchmark (or fewer repetitions): charting
  // tools would plot a failure as 0. The context, which they pass over, names each with why.
  if (std::vector<std::string> problems = cell_problems(model, Language::kEnglish); !problems.empty())
    context["isobench_problems"] = problems;
  if (model.results.interrupted) context["isobench_interrupted"] = true;
  return context;
}

}  // namespace

std::string render_report_gbench(const ReportModel& model, bool aggregates_only) {
  ordered_json context = gbench_context(model);
  ordered_json benchmarks = ordered_json::array();
  int family = 0;
  for (const CellSummary& cell : model.cells) {
    for (const char* metric : {"startup_ms", "wall_ms", "workload_ms"}) {
      std::vector<Sample> samples = samples_of(model, cell, metric);
      if (samples.empty()) continue;
      std::string name = cell.target + "/" + cell.workload +
                         (cell.concurrency > 1 ? "/concurrency:" + std::to_string(cell.concurrency) : "") + "/" +
                         std::string(metric).substr(0, std::string(metric).size() - 3);
      auto row = [&](const std::string& row_name, const char* run_type, double real_ms, double cpu_ms) {
        return ordered_json{{"name", row_name},
                            {"family_index", family},
                            {"per_family_instance_index", 0},
                            {"run_name", name},
                            {"run_type", run_type},
                            {"repetitions", samples.size()},
                            {"threads", 1},
                            {"iterations", 1},
                            {"real_time", ms_to_us(finite(real_ms))},
                            {"cpu_time", ms_to_us(finite(cpu_ms))},
                            {"time_unit", "us"}};
      };
      std::vector<double> real, cpu;
      for (size_t i = 0; i < samples.size(); ++i) {
        real.push_back(samples[i].real_ms);
        cpu.push_back(samples[i].cpu_ms);
        if (aggregates_only) continue;
        ordered_json entry = row(name, "iteration", samples[i].real_ms, samples[i].cpu_ms);
        entry["repetition_index"] = i;
        benchmarks.push_back(std::move(entry));
      }
      struct Aggregate {
        const char* name;
        double real;
        double cpu;
        bool percentage;
      };
      bench::Summary real_summary = bench::summarize(real), cpu_summary = bench::summarize(cpu);
      for (const Aggregate& aggregate :
           {Aggregate{"mean", real_summary.mean, cpu_summary.mean, false},
            Aggregate{"median", real_summary.median, cpu_summary.median, false},
            Aggregate{"stddev", real_summary.stddev, cpu_summary.stddev, false},
            Aggregate{"cv", real_summary.cv, cpu_summary.cv, true}}) {
        // Google Benchmark writes cv as a fraction with aggregate_unit "percentage", not a time.
        ordered_json entry = row(name + "_" + aggregate.name, "aggregate", aggregate.percentage ? 0 : aggregate.real,
                                 aggregate.percentage ? 0 : aggregate.cpu);
        if (aggregate.percentage) {
          entry["real_time"] = finite(aggregate.real);
          entry["cpu_time"] = finite(aggregate.cpu);
        }
        entry["aggregate_name"] = aggregate.name;
        entry["aggregate_unit"] = aggregate.percentage ? "percentage" : "time";
        benchmarks.push_back(std::move(entry));
      }
      ++family;
    }
  }
  return ordered_json{{"context", context}, {"benchmarks", benchmarks}}.dump(2) + "\n";
}

}  // namespace isobench::reports
