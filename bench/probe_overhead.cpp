// The probes' observer effect, side by side in one run: the same cells (bare and isobench on
// noop, cpu and syscall) measured in blocks with every probe loaded and attached, and in
// blocks without any, the blocks alternating in a shuffled order so drift hits both alike.
// Probes are loaded and unloaded between blocks, outside every timed region.
//   startup   launch to the workload's first instruction (handshake), isobench noop
//   cpu       the cpu workload's own timing of its work (bare and in a container)
//   syscall   100k getppid: the worst case, since the syscall probes run on every call
// Targets (DESIGN.md): at most +5% on startup and +2% on the cpu workload.
// Usage: probe_overhead [--blocks N] [--runs N] [--probes LIST] [--isobench PATH] [--json FILE]   (root)
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
  std::string isobench;
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

Result<Settings> parse_arguments(int argc, char** argv) {
  Settings settings;
  auto isobench = runner::sibling_executable("isobench");
  if (isobench) settings.isobench = *isobench;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= argc) return plain_error(arg + " needs a value");
      return std::string(argv[++i]);
    };
    auto number = [&](int& into) -> Status {
      auto text = value();
      if (!text) return text.error();
      into = std::atoi(text->c_str());
      if (into < 1) return plain_error(arg + " must be a positive number");
      return {};
    };
    if (arg == "--blocks") {
      ISOBENCH_TRY(number(settings.blocks));
    } else if (arg == "--runs") {
      ISOBENCH_TRY(number(settings.runs));
    } else if (arg == "--probes") {
      auto text = value();
      if (!text) return text.error();
      auto set = probes::ProbeSet::parse(*text);
      if (!set) return set.error();
      settings.probes = *set;
    } else if (arg == "--isobench" || arg == "--json") {
      auto text = value();
      if (!text) return text.error();
      (arg == "--isobench" ? settings.isobench : settings.json_path) = *text;
    } else {
      return plain_error("unknown argument " + arg +
                         " (usage: probe_overhead [--blocks N] [--runs N] [--probes LIST] [--isobench PATH] [--json FILE])");
    }
  }
  if (settings.isobench.empty())
    return plain_error("no isobench executable next to probe_overhead: pass --isobench PATH");
  return settings;
}

Result<int> measure(const Settings& settings) {
  if (geteuid() != 0) return plain_error("the probes need root: run probe_overhead as root");
  auto rootfs = runner::builtin_image_rootfs();
  if (!rootfs) return rootfs.error();
  char scratch[] = "/tmp/isobench-overhead-XXXXXX";
  if (!mkdtemp(scratch)) return errno_error("mkdtemp");
  bench::TargetContext context{settings.isobench, *rootfs, scratch};

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

  std::vector<bench::RunRecord> off, on;
  std::string active;
  std::vector<std::string> notes;
  std::mt19937_64 shuffle(7);
  for (int block = 0; block < settings.blocks; ++block) {
    std::vector<bool> modes = {false, true};
    std::shuffle(modes.begin(), modes.end(), shuffle);
    for (bool probed : modes) {
      std::unique_ptr<probes::ProbeSession> session;
      if (probed) {
        session = probes::start_probe_session(settings.probes);
        active = session->active().to_string();
        notes = session->notes();
      }
      options.probes = session.get();
      options.seed = static_cast<uint64_t>(block) * 2 + (probed ? 1 : 0);
      auto results = bench::run_benchmark(options, context);
      if (!results) {
        std::filesystem::remove_all(scratch);
        return results.error();
      }
      auto& into = probed ? on : off;
      into.insert(into.end(), results->records.begin(), results->records.end());
      std::fprintf(stderr, "\rblock %d/%d", block + 1, settings.blocks);
    }
  }
  std::fprintf(stderr, "\n");
  std::filesystem::remove_all(scratch);

  std::vector<Comparison> comparisons = {
      {"isobench noop: startup (handshake)", "isobench", "noop", "startup_ms", 1.05},
      {"isobench noop: launch to exit", "isobench", "noop", "wall_ms", NAN},
      {"bare cpu: workload's own time", "bare", "cpu", "workload_ms", 1.02},
      {"isobench cpu: workload's own time", "isobench", "cpu", "workload_ms", 1.02},
      {"bare syscall (100k getppid): own time", "bare", "syscall", "workload_ms", NAN},
  };
  std::printf("Observer effect of the probes (on: %s), %d blocks x %d runs per mode, interleaved\n", active.c_str(),
              settings.blocks, settings.runs);
  std::printf("%-40s %11s %11s %8s %17s %8s\n", "metric (median, ms)", "probes off", "probes on", "on/off", "95% CI",
              "target");
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  bool within = true;
  for (const Comparison& comparison : comparisons) {
    std::vector<double> without = samples(off, comparison), with = samples(on, comparison);
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
  for (const std::string& note : notes) std::printf("note: %s\n", note.c_str());
  if (!settings.json_path.empty()) {
    nlohmann::ordered_json doc = {{"schema", "isobench-probe-overhead/1"},
                                  {"probes_active", active},
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
  auto settings = parse_arguments(argc, argv);
  auto code = settings ? measure(*settings) : Result<int>(settings.error());
  if (!code) {
    std::fprintf(stderr, "probe_overhead: %s\n", code.error().text().c_str());
    return 2;
  }
  return *code;
}
