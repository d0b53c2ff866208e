// The probes' observer effect, side by side in one run: the same cells (bare and isobench on
// noop, cpu and syscall) measured in blocks with every probe loaded and attached, and in
// blocks without any, the blocks alternating in a shuffled order so drift hits both alike.
// Probes are loaded and unloaded between blocks, outside every timed region.
//   startup   launch to the workload's first instruction (handshake), isobench noop
//   cpu       the cpu workload's own timing of its work (bare and in a container)
//   syscall   100k getppid: the worst case, since the syscall probes run on every call
// Targets (DESIGN.md): at most +5% on startup and +2% on the cpu workload.
// Usage: probe_overhead [--blocks N] [--runs N] [--probes LIST] [--isobench PATH] [-o FILE]   (root;
// --help explains)
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/harness/harness.h"
#include "bench/statistics.h"
#include "bench/tool_arguments.h"
#include "common/file_io.h"
#include "common/system.h"
#include "probes/probe_session.h"
#include "runner/image.h"
#include "runner/vm/vm_assets.h"

namespace {

using namespace isobench;

struct Settings {
  int blocks = 10;
  int runs = 5;  ///< measured rounds per block and mode
  std::string isobench;  ///< default: the isobench next to this executable
  std::string json_path;
  probes::ProbeSet probes = probes::ProbeSet::all();
};

struct Comparison {
  std::string label;
  std::string target;
  std::string workload;
  std::string metric;  ///< startup_ms, workload_ms
  double limit = NAN;  ///< the DESIGN.md target as an on/off ratio, NaN when informative only
};

double metric_of(const bench::RunRecord& record, const std::string& metric) {
  return metric == "startup_ms" ? record.startup_ms : metric == "wall_ms" ? record.wall_ms : record.workload_ms;
}

std::vector<double> samples(const std::vector<bench::RunRecord>& records, const Comparison& comparison) {
  std::vector<double> values;
  for (const bench::RunRecord& record : records)
    if (record.ok && record.target == comparison.target && record.workload == comparison.workload)
      if (double value = metric_of(record, comparison.metric); std::isfinite(value)) values.push_back(value);
  return values;
}

/// A CLI11 check that the value names probes as ProbeSet::parse reads them.
CLI::Validator probe_list() {
  return CLI::Validator(
      [](std::string& text) {
        auto set = probes::ProbeSet::parse(text);
        return set ? std::string() : set.error().text();
      },
      "", "probe list");
}

/// The options, declared into `settings` (their defaults are its initial values).
void declare_options(bench::ToolCommandLine& command_line, Settings& settings) {
  CLI::App& app = command_line.app();
  app.add_option("--blocks", settings.blocks, "blocks per mode")
      ->type_name("N")
      ->check(bench::whole_number(1))
      ->capture_default_str();
  app.add_option("--runs", settings.runs, "measured rounds per block and mode")
      ->type_name("N")
      ->check(bench::whole_number(1))
      ->capture_default_str();
  app.add_option_function<std::string>(
         "--probes", [&settings](const std::string& text) { settings.probes = *probes::ProbeSet::parse(text); },
         "lifecycle,cpu,syscalls,memory,kvm or all")
      ->type_name("LIST")
      ->check(probe_list())
      ->default_str("all");
  command_line.add_shared_options(settings.isobench, settings.json_path,
                                  "the comparisons as JSON (isobench-probe-overhead/1)");
}

/// The isobench executable to measure: --isobench, else the one next to this executable.
Result<std::string> find_isobench(const Settings& settings) {
  if (settings.isobench.empty()) {
    auto sibling = runner::sibling_executable("isobench");
    if (!sibling) return plain_error(sibling.error().text() + "; pass --isobench PATH");
    return *sibling;
  }
  if (access(settings.isobench.c_str(), X_OK) != 0) return errno_error("--isobench " + settings.isobench);
  return settings.isobench;
}

/// The cells of every block: bare and isobench on noop, cpu and syscall.
Result<bench::HarnessOptions> harness_options(const Settings& settings) {
  bench::HarnessOptions options;
  options.targets = {"bare", "isobench"};
  for (const char* name : {"noop", "cpu", "syscall"}) {
    auto workload = bench::workload_command(name, {});
    if (!workload) return workload.error();
    options.workloads.push_back(*workload);
  }
  options.runs = settings.runs;
  options.warmup = 1;
  options.memory_runs = 0;
  return options;
}

/// Every block's records, by mode, and what the probe session said about itself.
struct Measurements {
  std::vector<bench::RunRecord> off, on;
  std::string active;  ///< the probes that were attached
  std::vector<std::string> notes;
};

/// The blocks, probes off and on in a shuffled order within each; probes are loaded and
/// unloaded between runs of the harness, outside every timed region.
Result<Measurements> run_blocks(const Settings& settings, bench::HarnessOptions options,
                                const bench::TargetContext& context) {
  Measurements measured;
  std::mt19937_64 shuffle(7);
  for (int block = 0; block < settings.blocks; ++block) {
    std::vector<bool> modes = {false, true};
    std::shuffle(modes.begin(), modes.end(), shuffle);
    for (bool probed : modes) {
      std::unique_ptr<probes::ProbeSession> session;
      if (probed) {
        session = probes::start_probe_session(settings.probes);
        measured.active = session->active().to_string();
        measured.notes = session->notes();
      }
      options.probes = session.get();
      options.seed = static_cast<uint64_t>(block) * 2 + (probed ? 1 : 0);
      auto results = bench::run_benchmark(options, context);
      if (!results) return results.error();
      auto& into = probed ? measured.on : measured.off;
      into.insert(into.end(), results->records.begin(), results->records.end());
      std::fprintf(stderr, "\rblock %d/%d", block + 1, settings.blocks);
    }
  }
  std::fprintf(stderr, "\n");
  return measured;
}

/// One table row per comparison on stdout, the same as JSON rows; false when a ratio is
/// outside its DESIGN.md target.
bool report_comparisons(const Settings& settings, const Measurements& measured, nlohmann::ordered_json& rows) {
  std::vector<Comparison> comparisons = {
      {"isobench noop: startup (handshake)", "isobench", "noop", "startup_ms", 1.05},
      {"isobench noop: launch to exit", "isobench", "noop", "wall_ms", NAN},
      {"bare cpu: workload's own time", "bare", "cpu", "workload_ms", 1.02},
      {"isobench cpu: workload's own time", "isobench", "cpu", "workload_ms", 1.02},
      {"bare syscall (100k getppid): own time", "bare", "syscall", "workload_ms", NAN},
  };
  std::printf("Observer effect of the probes (on: %s), %d blocks x %d runs per mode, interleaved\n",
              measured.active.c_str(), settings.blocks, settings.runs);
  std::printf("%-40s %11s %11s %8s %17s %8s\n", "metric (median, ms)", "probes off", "probes on", "on/off", "95% CI",
              "target");
  bool within = true;
  for (const Comparison& comparison : comparisons) {
    std::vector<double> without = samples(measured.off, comparison), with = samples(measured.on, comparison);
    double ratio = bench::ratio(bench::median(with), bench::median(without));
    bench::Interval ci = bench::ratio_of_medians_ci(with, without);
    std::string target =
        std::isfinite(comparison.limit) ? "<= " + std::to_string(comparison.limit).substr(0, 4) + "x" : "(info)";
    if (std::isfinite(comparison.limit) && !(ratio <= comparison.limit)) within = false;
    std::printf("%-40s %11.3f %11.3f %7.3fx   [%5.3f, %5.3f] %8s\n", comparison.label.c_str(), bench::median(without),
                bench::median(with), ratio, ci.low, ci.high, target.c_str());
    rows.push_back({{"metric", comparison.label},
                    {"target", comparison.target},
                    {"workload", comparison.workload},
                    {"off_median_ms", bench::median(without)},
                    {"on_median_ms", bench::median(with)},
                    {"off_runs", without.size()},
                    {"on_runs", with.size()},
                    {"ratio", ratio},
                    {"ratio_ci95", {ci.low, ci.high}},
                    {"limit", std::isfinite(comparison.limit) ? nlohmann::ordered_json(comparison.limit)
                                                              : nlohmann::ordered_json()}});
  }
  return within;
}

Result<int> measure(const Settings& settings) {
  if (geteuid() != 0) return plain_error("the probes need root: run probe_overhead as root");
  auto isobench = find_isobench(settings);
  if (!isobench) return isobench.error();
  auto rootfs = runner::builtin_image_rootfs();
  if (!rootfs) return rootfs.error();
  auto options = harness_options(settings);
  if (!options) return options.error();
  char scratch[] = "/tmp/isobench-overhead-XXXXXX";
  if (!mkdtemp(scratch)) return errno_error("mkdtemp");
  auto measured = run_blocks(settings, *options, bench::TargetContext{*isobench, *rootfs, scratch});
  std::error_code ignored;
  std::filesystem::remove_all(scratch, ignored);
  if (!measured) return measured.error();

  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  bool within = report_comparisons(settings, *measured, rows);
  for (const std::string& note : measured->notes) std::printf("note: %s\n", note.c_str());
  if (!settings.json_path.empty()) {
    nlohmann::ordered_json doc = {{"schema", "isobench-probe-overhead/1"},
                                  {"probes_active", measured->active},
                                  {"blocks", settings.blocks},
                                  {"runs_per_block", settings.runs},
                                  {"comparisons", rows}};
    ISOBENCH_TRY(write_regular_file(settings.json_path, doc.dump(2) + "\n"));
  }
  std::printf("%s\n", within ? "within the DESIGN.md targets" : "OUTSIDE the DESIGN.md targets (see above)");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  bench::ToolCommandLine command_line(
      argc, argv, "probe_overhead", "[--blocks N] [--runs N] [--probes LIST] [--isobench PATH] [-o FILE]   (root)",
      "The probes' observer effect: bare and isobench on noop, cpu and syscall, measured in blocks\n"
      "with every probe attached and in blocks without, alternating in a shuffled order.");
  declare_options(command_line, settings);
  if (auto code = command_line.parse()) return *code;
  auto code = measure(settings);
  if (!code) {
    std::fprintf(stderr, "%s: %s\n", command_line.program().c_str(), code.error().text().c_str());
    return 2;
  }
  return *code;
}
