#include "runner/vm/microvm.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <sstream>

#include "common/subprocess.h"
#include "common/system.h"
#include "common/time_units.h"
#include "common/unique_fd.h"
#include "runner/signal_block.h"

namespace isobench::runner {
namespace {

constexpr const char* kMarkerPrefix = "@@isobench:";

/// QEMU's Rss and Pss, and the resident part of guest RAM (the anonymous mapping exactly the
/// size of the guest's memory), from /proc/PID/smaps; left at -1 when unreadable.
void read_memory(pid_t qemu, uint64_t guest_mib, VmOutcome& outcome) {
  std::FILE* smaps = std::fopen(("/proc/" + std::to_string(qemu) + "/smaps").c_str(), "re");
  if (!smaps) return;
  char line[512];
  long size = 0, rss = 0, pss = 0, total_rss = 0, total_pss = 0;
  bool in_guest_ram = false;
  while (std::fgets(line, sizeof line, smaps)) {
    if (std::sscanf(line, "Size: %ld", &size) == 1) {
      in_guest_ram = size == static_cast<long>(guest_mib * 1024);
    } else if (std::sscanf(line, "Rss: %ld", &rss) == 1) {
      total_rss += rss;
      if (in_guest_ram) outcome.guest_resident_kib = std::max(outcome.guest_resident_kib, rss);
    } else if (std::sscanf(line, "Pss: %ld", &pss) == 1) {
      total_pss += pss;
    }
  }
  std::fclose(smaps);
  outcome.qemu_rss_kib = total_rss;
  outcome.qemu_pss_kib = total_pss;
}

}  // namespace

const char* accelerator_name(Accelerator accel) {
  return accel == Accelerator::kKvm ? "kvm" : "tcg";
}

std::string console_marker(const std::string& line) {
  size_t at = line.find(kMarkerPrefix);
  if (at == std::string::npos) return {};
  std::string marker = line.substr(at + std::string(kMarkerPrefix).size());
  while (!marker.empty() && (marker.back() == '\r' || marker.back() == '\n')) marker.pop_back();
  return marker;
}

Result<std::vector<std::string>> qemu_command_line(const VmSpec& spec) {
  if (spec.command.empty()) return plain_error("no command to run in the VM");
  // reboot=t: a triple fault, which -no-reboot turns into QEMU exiting at once (the default
  // methods wait seconds for keyboard-controller and ACPI resets a microvm does not have).
  std::string append = "console=ttyS0 rdinit=/init quiet loglevel=0 panic=-1 reboot=t --";
  for (const std::string& word : spec.command) {
    if (word.empty() || word.find_first_of(" \t\n\"") != std::string::npos)
      return plain_error("cannot pass '" + word + "' to the VM: the kernel command line takes no spaces or quotes");
    append += " " + word;
  }
  std::vector<std::string> argv = {spec.qemu,
                                   "-M",
                                   "microvm,pit=on,pic=on,rtc=on,acpi=off",
                                   "-accel",
                                   accelerator_name(spec.accel),
                                   "-m",
                                   std::to_string(spec.memory_mib) + "M",
                                   "-smp",
                                   std::to_string(spec.cpus),
                                   "-nodefaults",
                                   "-no-user-config",
                                   "-display",
                                   "none",
                                   "-no-reboot",
                                   "-serial",
                                   "stdio",
                                   "-kernel",
                                   spec.kernel,
                                   "-initrd",
                                   spec.initramfs,
                                   "-append",
                                   append};
  return argv;
}

namespace {

/// What the console has said so far: markers turned into the outcome's times and figures,
/// the workload's output forwarded, and the last lines before it kept for error messages.
class ConsoleReader {
 public:
  ConsoleReader(const VmSpec& spec, bool forward_output, const Subprocess& qemu, VmOutcome& outcome)
      : spec_(spec), forward_output_(forward_output), qemu_(qemu), outcome_(outcome) {}

  /// Takes what one read gave; complete lines are handled at once.
  void feed(const char* bytes, size_t size) {
    pending_.append(bytes, size);
    size_t newline;
    while ((newline = pending_.find('\n')) != std::string::npos) {
      std::string line = pending_.substr(0, newline);
      pending_.erase(0, newline + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      handle(line);
    }
  }
  /// The workload's exit marker was seen.
  bool done() const { return done_; }
  std::vector<std::string> tail() const { return {tail_.begin(), tail_.end()}; }

 private:
  void handle(const std::string& line) {
    std::string marker = console_marker(line);
    if (marker.rfind("init ", 0) == 0) {
      outcome_.init_ns = monotonic_ns();
      std::istringstream fields(marker.substr(5));
      long long guest_ns = 0;
      fields >> guest_ns >> outcome_.guest_uptime_at_init;
    } else if (marker == "start") {
      outcome_.start_ns = monotonic_ns();
      in_workload_ = true;
      if (spec_.start_fd >= 0) {
        uint64_t at = static_cast<uint64_t>(outcome_.start_ns);
        (void)!write(spec_.start_fd, &at, sizeof at);
      }
    } else if (marker.rfind("exit ", 0) == 0) {
      outcome_.end_ns = monotonic_ns();
      std::istringstream fields(marker.substr(5));
      fields >> outcome_.exit_code >> outcome_.guest_used_kib;
      read_memory(qemu_.pid(), spec_.memory_mib, outcome_);  // now, while QEMU still holds the guest's memory
      in_workload_ = false;
      done_ = true;
    } else if (marker.rfind("error ", 0) == 0) {
      outcome_.message = "the guest init failed: " + marker.substr(6);
    } else if (in_workload_) {
      if (forward_output_ && !line.empty()) std::printf("%s\n", line.c_str());
    } else if (!line.empty()) {
      tail_.push_back(line);
      if (tail_.size() > 20) tail_.pop_front();
    }
  }

  const VmSpec& spec_;
  const bool forward_output_;
  const Subprocess& qemu_;
  VmOutcome& outcome_;
  std::string pending_;
  std::deque<std::string> tail_;
  bool in_workload_ = false;
  bool done_ = false;
};

/// Reads the console until the exit marker, the deadline, a signal or QEMU's end.
void follow_console(int console, int signals, const VmSpec& spec, ConsoleReader& reader, VmOutcome& outcome) {
  const int64_t deadline = outcome.launch_ns + s_to_ns(spec.timeout_seconds);
  while (!reader.done()) {
    int64_t left_ms = ns_to_whole_ms(deadline - monotonic_ns());
    if (left_ms <= 0) {
      outcome.ending = VmOutcome::Ending::kTimedOut;
      return;
    }
    pollfd fds[] = {{console, POLLIN, 0}, {signals, POLLIN, 0}};
    if (poll(fds, 2, static_cast<int>(left_ms)) < 0) continue;
    if (fds[1].revents) {
      outcome.ending = VmOutcome::Ending::kInterrupted;
      return;
    }
    if (!fds[0].revents) continue;
    char buffer[4096];
    ssize_t n = read(console, buffer, sizeof buffer);
    if (n <= 0) return;  // QEMU closed the console: it is gone
    reader.feed(buffer, static_cast<size_t>(n));
  }
}

/// QEMU ends here whatever happened: the guest reboots right after its exit marker, so a VM
/// that finished gets 5 s to go by itself; any other is killed at once.
ExitStatus end_qemu(Subprocess& qemu, bool finished, VmOutcome& outcome) {
  if (!finished || !qemu.exits_within(5000)) qemu.send_signal(SIGKILL);
  ExitStatus status = qemu.wait(&outcome.qemu_usage);
  outcome.qemu_exit_ns = monotonic_ns();
  return status;
}

}  // namespace

Result<VmOutcome> run_microvm(const VmSpec& spec, bool forward_output) {
  auto argv = qemu_command_line(spec);
  if (!argv) return argv.error();
  int console[2];
  if (pipe2(console, O_CLOEXEC) != 0) return errno_error("pipe2");
  UniqueFd console_read(console[0]), console_write(console[1]);
  SignalBlock held;
  UniqueFd signals(signalfd(-1, &held.blocked(), SFD_CLOEXEC));

  VmOutcome outcome;
  outcome.accel = accelerator_name(spec.accel);
  outcome.launch_ns = monotonic_ns();
  SpawnOptions options;
  options.stdin_fd = SpawnOptions::kNull;
  options.stdout_fd = options.stderr_fd = console_write.get();
  options.die_with_parent = true;  // no VM outlives isobench
  options.signal_mask = &held.original();
  auto qemu = spawn(*argv, options);
  if (!qemu) return qemu.error();
  console_write.reset();

  ConsoleReader reader(spec, forward_output, *qemu, outcome);
  follow_console(console_read.get(), signals.get(), spec, reader, outcome);
  std::fflush(stdout);
  const ExitStatus status = end_qemu(*qemu, outcome.ending == VmOutcome::Ending::kExited && reader.done(), outcome);
  outcome.console_tail = reader.tail();
  if (outcome.ending == VmOutcome::Ending::kExited && !reader.done()) {
    outcome.ending = VmOutcome::Ending::kNoWorkload;
    if (outcome.message.empty())
      outcome.message = status.exited() && status.code != 0
                            ? "QEMU failed (exit status " + std::to_string(status.code) + ")"
                            : "the guest stopped without running the workload";
  }
  if (outcome.ending == VmOutcome::Ending::kTimedOut)
    outcome.message = "the VM did not finish within " + std::to_string(static_cast<int>(spec.timeout_seconds)) + " s";
  return outcome;
}

}  // namespace isobench::runner
