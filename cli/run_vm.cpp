#include "cli/run_vm.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/bounded_input.h"
#include "common/file_io.h"
#include "common/time_units.h"
#include "runner/vm/microvm.h"
#include "runner/vm/vm_request.h"

namespace isobench::cli {
namespace {

using runner::Accelerator;
using Ending = runner::VmOutcome::Ending;

double ms(int64_t from, int64_t to) {
  return from && to ? ms_between(from, to) : -1;
}

const char* accelerator_label(const runner::VmSpec& spec) {
  return spec.accel == Accelerator::kKvm ? "kvm" : "tcg (software emulation, not a hardware VM)";
}

/// The run's exit code: the workload's, or why the VM ended without it.
Result<int> vm_exit_code(const runner::VmOutcome& outcome, const runner::VmSpec& spec) {
  switch (outcome.ending) {
    case Ending::kExited: return outcome.exit_code;
    case Ending::kTimedOut:
      std::cerr << "isobench: " << outcome.message << " (" << accelerator_label(spec) << "); QEMU was killed\n";
      return exit_codes::kTimedOut;
    case Ending::kInterrupted: std::cerr << "isobench: interrupted; QEMU was killed\n"; return 128 + SIGINT;
    case Ending::kNoWorkload: break;
  }
  std::string message = outcome.message + "; last console lines:";
  for (const std::string& line : outcome.console_tail) message += "\n  " + line;
  return plain_error(message);
}

nlohmann::ordered_json vm_stats_json(const runner::VmOutcome& outcome, const runner::VmSpec& spec, int code) {
  const rusage& usage = outcome.qemu_usage;
  // User plus system time, seconds and microseconds summed apart (not carried), so the
  // figure is the same to the last bit as when it was written out by hand.
  const timeval cpu{usage.ru_utime.tv_sec + usage.ru_stime.tv_sec, usage.ru_utime.tv_usec + usage.ru_stime.tv_usec};
  return {{"target", "vm"},
          {"accelerator", outcome.accel},
          {"emulated", spec.accel == Accelerator::kTcg},
          {"exit_code", code},
          {"launch_to_init_ms", ms(outcome.launch_ns, outcome.init_ns)},
          {"launch_to_start_ms", ms(outcome.launch_ns, outcome.start_ns)},
          {"workload_ms", ms(outcome.start_ns, outcome.end_ns)},
          {"launch_to_exit_ms", ms(outcome.launch_ns, outcome.qemu_exit_ns)},
          {"guest_uptime_at_init_s", outcome.guest_uptime_at_init},
          {"qemu_cpu_ms", timeval_to_ms(cpu)},
          {"qemu_peak_rss_kib", usage.ru_maxrss},
          {"qemu_rss_kib", outcome.qemu_rss_kib},
          {"qemu_pss_kib", outcome.qemu_pss_kib},
          {"guest_used_kib", outcome.guest_used_kib},
          {"guest_resident_kib", outcome.guest_resident_kib},
          // What the VMM costs beyond the guest RAM it holds for the guest.
          {"vmm_overhead_kib", outcome.qemu_rss_kib >= 0 && outcome.guest_resident_kib >= 0
                                   ? outcome.qemu_rss_kib - outcome.guest_resident_kib
                                   : -1},
          {"kernel", spec.kernel},
          {"memory_mib", spec.memory_mib},
          {"cpus", spec.cpus}};
}

std::string vm_stats_text(const nlohmann::ordered_json& stats, const runner::VmOutcome& outcome,
                          const runner::VmSpec& spec) {
  char line[400];
  std::snprintf(line, sizeof line,
                "isobench stats (vm, %s): guest init after %.1f ms (guest kernel uptime %.2f s), workload start "
                "after %.1f ms, exit after %.1f ms; QEMU CPU %.1f ms, peak RSS %.1f MiB, PSS %.1f MiB (guest RAM "
                "resident %.1f MiB, VMM overhead %.1f MiB)\n",
                accelerator_label(spec), stats["launch_to_init_ms"].get<double>(), outcome.guest_uptime_at_init,
                stats["launch_to_start_ms"].get<double>(), stats["launch_to_exit_ms"].get<double>(),
                stats["qemu_cpu_ms"].get<double>(), static_cast<double>(outcome.qemu_usage.ru_maxrss) / 1024,
                static_cast<double>(outcome.qemu_pss_kib) / 1024, static_cast<double>(outcome.guest_resident_kib) / 1024,
                static_cast<double>(stats["vmm_overhead_kib"].get<long>()) / 1024);
  return line;
}

}  // namespace

Result<int> run_in_vm(const RunOptions& options) {
  if (!options.stats_json.empty()) ISOBENCH_TRY(check_output_path(options.stats_json, "--stats-json"));
  auto planned = runner::build_vm_spec(options, options.kernel, options.accel);
  if (!planned) return planned.error();
  runner::VmSpec& spec = planned->spec;
  if (!planned->accelerator_note.empty()) std::cerr << "isobench: " << planned->accelerator_note << "\n";

  // Inside a benchmark, pass the start handshake on: the workload in the guest cannot.
  if (const char* start_fd = std::getenv("ISOBENCH_START_FD")) spec.start_fd = std::atoi(start_fd);
  auto outcome = runner::run_microvm(spec, true);
  if (!outcome) return outcome.error();
  Result<int> code = vm_exit_code(*outcome, spec);
  if (options.stats || !options.stats_json.empty()) {
    nlohmann::ordered_json stats = vm_stats_json(*outcome, spec, code ? *code : exit_codes::kFailed);
    if (options.stats) std::cerr << vm_stats_text(stats, *outcome, spec);
    // The workload ran: its exit code stays the run's even when the file cannot be written.
    if (!options.stats_json.empty())
      if (Status written = write_output_file(options.stats_json, stats.dump(2) + "\n"); !written)
        spdlog::error("--stats-json: {}", written.error().text());
  }
  return code;
}

}  // namespace isobench::cli
