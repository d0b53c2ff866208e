#include "cli/run_vm.h"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/bounded_input.h"
#include "common/file_io.h"
#include "common/time_units.h"
#include "runner/image.h"
#include "runner/spec.h"
#include "runner/units.h"
#include "runner/vm/kvm_probe.h"
#include "runner/vm/microvm.h"
#include "runner/vm/vm_assets.h"

namespace isobench::cli {
namespace {

using runner::Accelerator;
using Ending = runner::VmOutcome::Ending;

/// Container-only options make no sense for a VM: refuse them rather than ignore them.
Status reject_container_options(const RunOptions& options) {
  struct Use {
    bool used;
    const char* name;
  };
  for (const Use& use :
       {Use{options.read_only, "--read-only"}, Use{!options.share.empty(), "--share"}, Use{options.userns, "--userns"},
        Use{options.timens, "--timens"}, Use{!options.user.empty(), "-u/--user"},
        Use{!options.pids_limit.empty(), "--pids-limit"}, Use{!options.cpuset_cpus.empty(), "--cpuset-cpus"},
        Use{options.workdir != "/", "-w/--workdir"}, Use{!options.env.empty(), "-e/--env"}})
    if (use.used) return plain_error(std::string(use.name) + " applies to containers, not to --vm");
  return {};
}

double ms(int64_t from, int64_t to) {
  return from && to ? ms_between(from, to) : -1;
}

}  // namespace

Result<int> run_in_vm(const RunOptions& options) {
  ISOBENCH_TRY(reject_container_options(options));
  if (options.command.empty()) return plain_error("no command given");
  runner::VmSpec spec;
  if (!options.memory.empty()) {
    auto bytes = runner::parse_bytes(options.memory);
    if (!bytes) return Error{0, "--memory: " + bytes.error().message};
    if (*bytes < (64u << 20)) return plain_error("--memory: a VM needs at least 64m");
    spec.memory_mib = *bytes >> 20;
  }
  if (!options.cpus.empty()) {
    auto [end, ec] = std::from_chars(options.cpus.data(), options.cpus.data() + options.cpus.size(), spec.cpus);
    if (ec != std::errc{} || end != options.cpus.data() + options.cpus.size() || spec.cpus < 1 || spec.cpus > 64)
      return plain_error("--cpus: a VM takes a whole number of vCPUs from 1 to 64, not '" + options.cpus + "'");
  }
  if (options.timeout) ISOBENCH_TRY(runner::check_duration_option("--timeout", *options.timeout, false));
  spec.timeout_seconds = options.timeout.value_or(60);
  if (!options.stats_json.empty()) ISOBENCH_TRY(check_output_path(options.stats_json, "--stats-json"));
  auto kernel = runner::find_guest_kernel(options.kernel);
  if (!kernel) return kernel.error();
  auto qemu = runner::find_qemu();
  if (!qemu) return qemu.error();
  auto rootfs = options.rootfs.empty() ? runner::builtin_image_rootfs() : runner::canonical_rootfs(options.rootfs);
  if (!rootfs) return rootfs.error();
  auto executable = runner::resolve_command(*rootfs, options.command[0],
                                            runner::path_variable(runner::default_environment("isobench-vm")));
  if (!executable) {
    std::cerr << "isobench: error: " << executable.error().message << "\n";
    return executable.error().errno_value == ENOENT ? 127 : 126;
  }
  auto init = runner::sibling_executable("isobench-guest-init");
  if (!init) return init.error();
  auto cache = runner::cache_directory();
  if (!cache) return cache.error();
  auto initramfs = runner::cached_initramfs(*rootfs, *init, *cache);
  if (!initramfs) return initramfs.error();
  spec.qemu = *qemu;
  spec.kernel = *kernel;
  spec.initramfs = *initramfs;
  spec.command = options.command;
  spec.command[0] = *executable;

  if (options.accel == "kvm") {
    spec.accel = Accelerator::kKvm;
  } else if (options.accel == "tcg") {
    spec.accel = Accelerator::kTcg;
  } else {
    runner::KvmVerdict verdict = runner::probe_kvm(spec.qemu, spec.kernel, spec.initramfs, *cache);
    spec.accel = verdict.usable ? Accelerator::kKvm : Accelerator::kTcg;
    if (!verdict.usable) std::cerr << "isobench: KVM " << verdict.detail << "; using TCG emulation\n";
  }

  // Inside a benchmark, pass the start handshake on: the workload in the guest cannot.
  if (const char* start_fd = std::getenv("ISOBENCH_START_FD")) spec.start_fd = std::atoi(start_fd);
  auto outcome = runner::run_microvm(spec, true);
  if (!outcome) return outcome.error();
  const char* label = spec.accel == Accelerator::kKvm ? "kvm" : "tcg (software emulation, not a hardware VM)";
  int code = outcome->exit_code;
  switch (outcome->ending) {
    case Ending::kExited: break;
    case Ending::kTimedOut:
      std::cerr << "isobench: " << outcome->message << " (" << label << "); QEMU was killed\n";
      code = 124;
      break;
    case Ending::kInterrupted:
      std::cerr << "isobench: interrupted; QEMU was killed\n";
      code = 130;
      break;
    case Ending::kNoWorkload:
      std::cerr << "isobench: error: " << outcome->message << "; last console lines:\n";
      for (const std::string& line : outcome->console_tail) std::cerr << "  " << line << "\n";
      code = 125;
      break;
  }
  if (options.stats || !options.stats_json.empty()) {
    nlohmann::ordered_json stats = {
        {"target", "vm"},
        {"accelerator", outcome->accel},
        {"emulated", spec.accel == Accelerator::kTcg},
        {"exit_code", code},
        {"launch_to_init_ms", ms(outcome->launch_ns, outcome->init_ns)},
        {"launch_to_start_ms", ms(outcome->launch_ns, outcome->start_ns)},
        {"workload_ms", ms(outcome->start_ns, outcome->end_ns)},
        {"launch_to_exit_ms", ms(outcome->launch_ns, outcome->qemu_exit_ns)},
        {"guest_uptime_at_init_s", outcome->guest_uptime_at_init},
        {"qemu_cpu_ms", (outcome->qemu_usage.ru_utime.tv_sec + outcome->qemu_usage.ru_stime.tv_sec) * 1e3 +
                            (outcome->qemu_usage.ru_utime.tv_usec + outcome->qemu_usage.ru_stime.tv_usec) / 1e3},
        {"qemu_peak_rss_kib", outcome->qemu_usage.ru_maxrss},
        {"qemu_rss_kib", outcome->qemu_rss_kib},
        {"qemu_pss_kib", outcome->qemu_pss_kib},
        {"guest_used_kib", outcome->guest_used_kib},
        {"guest_resident_kib", outcome->guest_resident_kib},
        // What the VMM costs beyond the guest RAM it holds for the guest.
        {"vmm_overhead_kib", outcome->qemu_rss_kib >= 0 && outcome->guest_resident_kib >= 0
                                 ? outcome->qemu_rss_kib - outcome->guest_resident_kib
                                 : -1},
        {"kernel", spec.kernel},
        {"memory_mib", spec.memory_mib},
        {"cpus", spec.cpus}};
    if (options.stats) {
      char line[400];
      std::snprintf(line, sizeof line,
                    "isobench stats (vm, %s): guest init after %.1f ms (guest kernel uptime %.2f s), workload start "
                    "after %.1f ms, exit after %.1f ms; QEMU CPU %.1f ms, peak RSS %.1f MiB, PSS %.1f MiB (guest RAM "
                    "resident %.1f MiB, VMM overhead %.1f MiB)\n",
                    label, stats["launch_to_init_ms"].get<double>(), outcome->guest_uptime_at_init,
                    stats["launch_to_start_ms"].get<double>(), stats["launch_to_exit_ms"].get<double>(),
                    stats["qemu_cpu_ms"].get<double>(), static_cast<double>(outcome->qemu_usage.ru_maxrss) / 1024,
                    static_cast<double>(outcome->qemu_pss_kib) / 1024,
                    static_cast<double>(outcome->guest_resident_kib) / 1024,
                    static_cast<double>(stats["vmm_overhead_kib"].get<long>()) / 1024);
      std::cerr << line;
    }
    if (!options.stats_json.empty())
      if (Status written = write_output_file(options.stats_json, stats.dump(2) + "\n"); !written)
        std::cerr << "isobench: error: --stats-json: " << written.error().text() << "\n";
  }
  return code;
}

}  // namespace isobench::cli
