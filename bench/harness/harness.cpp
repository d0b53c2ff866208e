#include "bench/harness/harness.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <random>
#include <sstream>

#include "bench/harness/launcher.h"
#include "bench/harness/measuring_cgroup.h"
#include "bench/harness/run_launch.h"
#include "common/bounded_input.h"
#include "common/file_io.h"
#include "common/time_units.h"
#include "runner/cgroup/cgroup_dirs.h"

namespace isobench::bench {
namespace {

/// A workload's result line is a flat object of a few hundred bytes.
const JsonLimits kResultLineLimits{"result line", 1 << 20, 16};

struct Cell {
  Target* target;
  const WorkloadCommand* workload;
  int concurrency;
};

nlohmann::json last_report_line(const std::string& out) {
  std::istringstream lines(out);
  std::string line;
  nlohmann::json found;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] != '{') continue;
    // Any command may print any line: bounded like every JSON from a user (a line nested
    // 100,000 deep would crash the results' dump).
    auto parsed = parse_json_text(line, "result line", kResultLineLimits);
    if (parsed && parsed->is_object() && parsed->contains("workload")) found = std::move(*parsed);
  }
  return found;
}

/// A run's share of what the target's daemon spent while its batch ran: into its CPU time.
void charge_daemon_cpu(RunRecord& record, const CpuTimes& before, const CpuTimes& after, size_t batch) {
  const double share = 1.0 / static_cast<double>(std::max<size_t>(batch, 1));
  const double user = std::max(0.0, after.user_ms - before.user_ms) * share;
  const double system = std::max(0.0, after.system_ms - before.system_ms) * share;
  record.cpu_user_ms += user;
  record.cpu_system_ms += system;
  record.daemon_cpu_ms = user + system;
}

/// Which run of `cell` `record` is.
void label_record(RunRecord& record, const Cell& cell, int round, int slot) {
  record.target = cell.target->name();
  record.workload = cell.workload->label();
  record.concurrency = cell.concurrency;
  record.round = round;
  record.slot = slot;
}

/// Runs `cell` once: `concurrency` invocations launched back to back, then all waited for,
/// each killed after `options.timeout_seconds`; `options.before_each_run` first. With
/// `memory`, every invocation runs in a measuring cgroup of its own (untimed round); with
/// `probes`, every invocation is followed by them from its fork. Once `options.stop_fd` says
/// stop, nothing more is launched, what runs is killed and the cell records nothing.
std::vector<RunRecord> run_cell(Launcher& launcher, const Cell& cell, int round, const HarnessOptions& options,
                                uint64_t& run_counter, MeasuringCgroups* memory = nullptr,
                                probes::ProbeSession* probes = nullptr) {
  const double timeout = options.timeout_seconds;
  const int stop_fd = options.stop_fd;
  std::vector<RunRecord> records;
  if (options.before_each_run) {
    if (Status ready = options.before_each_run(); !ready) {
      for (int slot = 0; slot < cell.concurrency; ++slot) {
        records.emplace_back().error = ready.error().text();
        records.back().memory_round = memory != nullptr;
        label_record(records.back(), cell, round, slot);
      }
      return records;
    }
  }
  std::vector<std::pair<std::string, Status>> launched;
  std::vector<std::unique_ptr<MeasuringCgroup>> measuring;  // one per slot, null when not measured
  std::optional<CpuTimes> daemon_before;
  const auto self = static_cast<pid_t>(syscall(SYS_gettid));
  // Only the launches: every child this thread forks meanwhile is a run of its own.
  if (probes && !probes->add_launcher(self)) probes = nullptr;
  for (int slot = 0; slot < cell.concurrency && !stop_requested(stop_fd); ++slot) {
    std::string run_id = "isobench-" + std::to_string(getpid()) + "-" + std::to_string(run_counter++);
    std::unique_ptr<MeasuringCgroup> measured;
    if (memory) {
      auto opened = memory->open("bench-" + run_id);
      if (opened) measured = std::move(*opened);
    }
    auto invocation = measured ? cell.target->measured_invocation(*cell.workload, run_id, measured->name())
                               : cell.target->invocation(*cell.workload, run_id);
    if (invocation && measured) invocation->cgroup_join_fd = measured->join_fd();
    measuring.push_back(std::move(measured));
    if (!invocation) {
      launched.emplace_back(run_id, invocation.error());
      continue;
    }
    // After the first invocation was made: a target may start its daemon for it.
    if (!daemon_before) daemon_before = cell.target->daemon_cpu();
    launched.emplace_back(run_id, launcher.launch(*invocation));
  }
  if (probes) probes->remove_launcher(self);
  std::vector<FinishedRun> finished = launcher.wait_for_all(timeout, stop_fd);
  const std::optional<CpuTimes> daemon_after = daemon_before ? cell.target->daemon_cpu() : std::nullopt;
  // What the harness killed may leave its runtime's state behind (runc's and crun's containers).
  size_t next_killed = 0;
  for (auto& [run_id, run] : launched) {
    if (!run) continue;
    const FinishedRun& one = finished[next_killed++];
    if (one.timed_out || one.interrupted) cell.target->after_kill(run_id);
  }
  // Not one record of a cell cut short: its runs were killed, or may have died of the same
  // Ctrl-C (a terminal sends it to bare workloads too), and would count against the target.
  if (stop_requested(stop_fd)) return {};
  int64_t first_launch = INT64_MAX, last_exit = 0;
  for (const FinishedRun& one : finished) {
    first_launch = std::min(first_launch, one.launch_ns);
    last_exit = std::max(last_exit, one.exit_ns);
  }
  int slot = 0;
  size_t next_finished = 0;
  for (auto& [run_id, run] : launched) {
    RunRecord record;
    if (run) {
      const FinishedRun& one = finished[next_finished++];
      record = make_record(one, cell.workload->reports_json);
      if (daemon_after) charge_daemon_cpu(record, *daemon_before, *daemon_after, finished.size());
      if (probes) record.probes = probes->collect(one.pid, one.launch_ns, one.exit_ns, one.usage);
      record.batch_wall_ms = ms_between(first_launch, last_exit);
    } else {
      record.error = run.error().text();
    }
    if (memory) {
      record.memory_round = true;
      if (const auto& measured = measuring[static_cast<size_t>(slot)]) record.tree_peak_kib = measured->peak_kib();
    }
    label_record(record, cell, round, slot++);
    records.push_back(std::move(record));
  }
  return records;
}

/// What probing `target` says: its version and notes, or why it cannot run here.
TargetInfo probe_target(Target& target) {
  TargetInfo info;
  info.name = target.name();
  info.kind = target.kind();
  auto probed = target.probe();
  info.available = probed.ok();
  info.detail = probed ? *probed : probed.error().text();
  if (info.available) {
    info.notes = target.notes();
    info.kvm = target.kvm_verdict();
  }
  return info;
}

}  // namespace

RunRecord make_record(const FinishedRun& finished, bool expects_report) {
  RunRecord record;
  record.exit_code = finished.exit_code;
  record.timed_out = finished.timed_out;
  record.wall_ms = ms_between(finished.launch_ns, finished.exit_ns);
  if (finished.start_ns > 0) record.startup_ms = ms_between(finished.launch_ns, finished.start_ns);
  record.cpu_user_ms = timeval_to_ms(finished.usage.ru_utime);
  record.cpu_system_ms = timeval_to_ms(finished.usage.ru_stime);
  record.report = last_report_line(finished.out);
  if (record.report.is_object()) {
    // Any command may print such a line: take figures only when they are numbers.
    auto number = [&](const char* key) {
      auto found = record.report.find(key);
      return found != record.report.end() && found->is_number() ? found->get<double>() : NAN;
    };
    record.workload_ms = ns_to_ms(number("elapsed_ns"));
    record.workload_peak_kib = number("vm_hwm_kib");
  }
  // A built-in workload that never signalled its start has no startup to record: its run
  // measured nothing the tables show, so it fails, saying why (a --cmd takes no part).
  const bool handshake = !expects_report || finished.start_ns > 0;
  record.ok = !finished.timed_out && finished.exit_code == 0 && (!expects_report || record.report.is_object()) &&
              handshake;
  if (!record.ok) {
    record.error = finished.timed_out ? "timed out" : finished.err;
    if (record.error.empty() && expects_report && !record.report.is_object())
      record.error = "the workload printed no result line";
    if (record.error.empty() && !handshake) record.error = "no start handshake: the workload never wrote descriptor 3 (or the target's start FIFO)";
  }
  return record;
}

Result<BenchmarkResults> run_benchmark(const HarnessOptions& options, const TargetContext& context,
                                       const ProgressCallback& progress) {
  ProcessLauncher launcher;
  auto make = [&context](const std::string& name) { return make_target(name, context); };
  return run_benchmark(options, make, launcher, progress);
}

Result<BenchmarkResults> run_benchmark(const HarnessOptions& options, const TargetMaker& make, Launcher& launcher,
                                       const ProgressCallback& progress) {
  if (options.workloads.empty()) return plain_error("no workloads to run");
  if (options.runs < 1) return plain_error("--runs must be at least 1");
  BenchmarkResults results;
  results.runs = options.runs;
  results.warmup = options.warmup;
  results.concurrency = options.concurrency;
  results.probes_requested = options.probes ? options.probes->requested().to_string() : "none";
  results.probes_active = options.probes ? options.probes->active().to_string() : "none";
  for (const WorkloadCommand& workload : options.workloads) results.workloads.push_back(workload.label());
  // A stop request ends the benchmark between any two steps; what was measured until then is
  // the result, marked interrupted (not an error).
  auto stopped = [&] { return results.interrupted = results.interrupted || stop_requested(options.stop_fd); };

  std::vector<std::unique_ptr<Target>> targets;
  for (const std::string& name : options.targets) {
    if (stopped()) break;
    auto target = make(name);
    if (!target) return target.error();
    TargetInfo info = probe_target(**target);
    results.targets.push_back(info);
    if (info.available) targets.push_back(std::move(*target));
  }
  if (options.require_every_target && targets.size() < results.targets.size()) return results;

  std::vector<Cell> cells;
  for (const auto& target : targets)
    for (const WorkloadCommand& workload : options.workloads)
      for (int concurrency : options.concurrency) cells.push_back({target.get(), &workload, concurrency});

  uint64_t run_counter = 0;
  for (int round = 0; round < options.warmup && !stopped(); ++round)
    for (const Cell& cell : cells) run_cell(launcher, cell, -1, options, run_counter);

  std::mt19937_64 shuffle(options.seed);
  std::vector<double> cell_seconds(cells.size(), 0);
  int planned = options.runs;
  for (int round = 0; round < planned && !stopped(); ++round) {
    std::vector<size_t> order(cells.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), shuffle);
    for (size_t index : order) {
      auto records = run_cell(launcher, cells[index], round, options, run_counter, nullptr, options.probes);
      if (stopped()) break;
      for (const RunRecord& record : records)
        if (std::isfinite(record.wall_ms)) cell_seconds[index] += ms_to_s(record.wall_ms) / cells[index].concurrency;
      results.records.insert(results.records.end(), records.begin(), records.end());
      if (progress) progress(round, planned, cells[index].target->name());
    }
    // --min-time: more rounds until the slowest-accumulating cell has run long enough.
    bool short_cell = std::any_of(cell_seconds.begin(), cell_seconds.end(),
                                  [&](double seconds) { return seconds < options.min_time_seconds; });
    if (round + 1 == planned && short_cell && planned < 100000) ++planned;
  }
  if (progress && !results.interrupted) progress(planned, planned, "");

  results.memory_runs = 0;
  if (options.memory_runs > 0) {
    auto memory = MeasuringCgroups::make();
    // Without a measuring cgroup no memory round runs: the results must not say there were.
    if (memory) results.memory_runs = options.memory_runs;
    for (int round = 0; memory && round < options.memory_runs && !stopped(); ++round)
      for (const Cell& cell : cells) {
        auto records = run_cell(launcher, cell, round, options, run_counter, memory.get());
        if (stopped()) break;
        results.records.insert(results.records.end(), records.begin(), records.end());
      }
  }
  // What targets learn by running (a daemon's resting cost) goes into their notes.
  for (const auto& target : targets)
    for (TargetInfo& info : results.targets)
      if (info.name == target->name() && info.available) info.notes = target->notes();
  return results;
}

}  // namespace isobench::bench
