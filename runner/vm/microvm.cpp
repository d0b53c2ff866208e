#include "runner/vm/microvm.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <sstream>

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

Result<VmOutcome> run_microvm(const VmSpec& spec, bool forward_output) {
  auto argv_strings = qemu_command_line(spec);
  if (!argv_strings) return argv_strings.error();
  std::vector<char*> argv;
  for (std::string& word : *argv_strings) argv.push_back(word.data());
  argv.push_back(nullptr);

  int console[2];
  if (pipe2(console, O_CLOEXEC) != 0) return errno_error("pipe2");
  UniqueFd console_read(console[0]), console_write(console[1]);
  SignalBlock held;
  UniqueFd signals(signalfd(-1, &held.blocked(), SFD_CLOEXEC));

  VmOutcome outcome;
  outcome.accel = accelerator_name(spec.accel);
  outcome.launch_ns = monotonic_ns();
  pid_t qemu = fork();
  if (qemu < 0) return errno_error("fork");
  if (qemu == 0) {
    sigprocmask(SIG_SETMASK, &held.original(), nullptr);
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // no VM outlives isobench
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(console_write.get(), 1);
    dup2(console_write.get(), 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  console_write.reset();
  UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, qemu, 0)));

  std::deque<std::string> tail;
  std::string pending;
  bool in_workload = false, done = false;
  const int64_t deadline = outcome.launch_ns + s_to_ns(spec.timeout_seconds);
  while (!done) {
    int64_t left_ms = ns_to_whole_ms(deadline - monotonic_ns());
    if (left_ms <= 0) {
      outcome.ending = VmOutcome::Ending::kTimedOut;
      break;
    }
    pollfd fds[] = {{console_read.get(), POLLIN, 0}, {signals.get(), POLLIN, 0}};
    if (poll(fds, 2, static_cast<int>(left_ms)) < 0) continue;
    if (fds[1].revents) {
      outcome.ending = VmOutcome::Ending::kInterrupted;
      break;
    }
    if (!fds[0].revents) continue;
    char buffer[4096];
    ssize_t n = read(console_read.get(), buffer, sizeof buffer);
    if (n <= 0) break;  // QEMU closed the console: it is gone
    pending.append(buffer, static_cast<size_t>(n));
    size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, newline);
      pending.erase(0, newline + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      std::string marker = console_marker(line);
      if (marker.rfind("init ", 0) == 0) {
        outcome.init_ns = monotonic_ns();
        std::istringstream fields(marker.substr(5));
        long long guest_ns = 0;
        fields >> guest_ns >> outcome.guest_uptime_at_init;
      } else if (marker == "start") {
        outcome.start_ns = monotonic_ns();
        in_workload = true;
        if (spec.start_fd >= 0) {
          uint64_t at = static_cast<uint64_t>(outcome.start_ns);
          (void)!write(spec.start_fd, &at, sizeof at);
        }
      } else if (marker.rfind("exit ", 0) == 0) {
        outcome.end_ns = monotonic_ns();
        std::istringstream fields(marker.substr(5));
        fields >> outcome.exit_code >> outcome.guest_used_kib;
        read_memory(qemu, spec.memory_mib, outcome);  // now, while QEMU still holds the guest's memory
        in_workload = false;
        done = true;
      } else if (marker.rfind("error ", 0) == 0) {
        outcome.message = "the guest init failed: " + marker.substr(6);
      } else if (in_workload) {
        if (forward_output && !line.empty()) std::printf("%s\n", line.c_str());
      } else if (!line.empty()) {
        tail.push_back(line);
        if (tail.size() > 20) tail.pop_front();
      }
    }
  }
  std::fflush(stdout);
  // The guest reboots right after its exit marker; whatever happened, QEMU ends here.
  if (outcome.ending != VmOutcome::Ending::kExited || !done) {
    kill(qemu, SIGKILL);
  } else {
    pollfd exit_wait{pidfd.get(), POLLIN, 0};
    if (poll(&exit_wait, 1, 5000) <= 0) kill(qemu, SIGKILL);
  }
  int status = 0;
  while (wait4(qemu, &status, 0, &outcome.qemu_usage) < 0 && errno == EINTR) {
  }
  outcome.qemu_exit_ns = monotonic_ns();
  outcome.console_tail.assign(tail.begin(), tail.end());
  if (outcome.ending == VmOutcome::Ending::kExited && !done) {
    outcome.ending = VmOutcome::Ending::kNoWorkload;
    if (outcome.message.empty())
      outcome.message = WIFEXITED(status) && WEXITSTATUS(status) != 0
                            ? "QEMU failed (exit status " + std::to_string(WEXITSTATUS(status)) + ")"
                            : "the guest stopped without running the workload";
  }
  if (outcome.ending == VmOutcome::Ending::kTimedOut)
    outcome.message = "the VM did not finish within " + std::to_string(static_cast<int>(spec.timeout_seconds)) + " s";
  return outcome;
}

}  // namespace isobench::runner
