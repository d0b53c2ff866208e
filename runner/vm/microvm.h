// Running a command from an image in a QEMU microVM and reading its markers from the serial
// console (runner/vm/guest_init.c writes them).
#pragma once

#include <sys/resource.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace isobench::runner {

enum class Accelerator { kKvm, kTcg };
const char* accelerator_name(Accelerator accel);

struct VmSpec {
  std::string qemu;
  std::string kernel;
  std::string initramfs;
  uint64_t memory_mib = 256;
  int cpus = 1;
  Accelerator accel = Accelerator::kTcg;
  std::vector<std::string> command;  ///< inside the guest; words may not contain whitespace
  double timeout_seconds = 60;
  /// When >= 0, the host's CLOCK_MONOTONIC time (8 bytes) is written here at the workload's
  /// start marker: the benchmark harness's start handshake, carried across the VM boundary.
  int start_fd = -1;
};

/// QEMU's command line for `spec`: -M microvm with PIT, PIC and RTC (without them a guest
/// kernel under TCG finds no clock source and stalls) and no ACPI, serial console on stdio,
/// -no-reboot so that the guest's reboot ends QEMU. Pure. Whitespace in a command word is an
/// error: the kernel command line cannot carry it.
Result<std::vector<std::string>> qemu_command_line(const VmSpec& spec);

struct VmOutcome {
  enum class Ending { kExited, kTimedOut, kInterrupted, kNoWorkload };
  Ending ending = Ending::kExited;
  int exit_code = 0;
  std::string accel;
  int64_t launch_ns = 0;  ///< CLOCK_MONOTONIC on the host, as all *_ns here
  int64_t init_ns = 0;    ///< the guest init's first marker seen
  int64_t start_ns = 0;   ///< the workload about to exec (its start marker seen)
  int64_t end_ns = 0;     ///< the workload's exit marker seen
  int64_t qemu_exit_ns = 0;
  double guest_uptime_at_init = 0;  ///< seconds since the guest kernel started, as init saw it
  long guest_used_kib = -1;         ///< MemTotal - MemAvailable in the guest at the workload's end
  long qemu_rss_kib = -1;           ///< QEMU's RSS and PSS at the workload's end (smaps_rollup)
  long qemu_pss_kib = -1;
  long guest_resident_kib = -1;  ///< guest RAM that QEMU holds resident: the guest's real footprint
  rusage qemu_usage{};
  std::string message;                    ///< why the workload did not run or end
  std::vector<std::string> console_tail;  ///< the last console lines before the workload
};

/// Boots the VM, passes the workload's output to our stdout when `forward_output`, and
/// always ends QEMU: at the exit marker, on timeout, or when SIGINT/SIGTERM reach us.
Result<VmOutcome> run_microvm(const VmSpec& spec, bool forward_output);

/// The marker of one console line ("init 123 0.91" for "@@isobench:init 123 0.91"), or "".
std::string console_marker(const std::string& line);

}  // namespace isobench::runner
