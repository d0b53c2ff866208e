#include "runner/lifecycle/container_control.h"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/system.h"
#include "runner/lifecycle/container_liveness.h"

namespace isobench::runner::lifecycle {

namespace {

std::string upper(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(), [](unsigned char c) { return std::toupper(c); });
  return result;
}

std::optional<int> parse_number(std::string_view text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Error not_running(const std::string& id) {
  return plain_error("container " + id + " is not running");
}

/// Whether `pidfd` becomes readable (its process ended) within `timeout_ms` (-1: no limit).
bool exits_within(int pidfd, int timeout_ms) {
  const int64_t deadline = monotonic_ns() + int64_t{timeout_ms} * 1'000'000;
  for (;;) {
    int left = timeout_ms < 0 ? -1 : static_cast<int>(std::max<int64_t>(0, (deadline - monotonic_ns()) / 1'000'000));
    pollfd process{pidfd, POLLIN, 0};
    int ready = ::poll(&process, 1, left);
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR) return false;
  }
}

}  // namespace

Result<int> parse_signal(std::string_view text) {
  if (auto number = parse_number(text)) {
    if (*number >= 1 && *number <= SIGRTMAX) return *number;
    return usage_error("invalid signal: " + std::string(text));
  }
  std::string name = upper(text);
  if (name.starts_with("SIG")) name.erase(0, 3);
  for (int signal = 1; signal < SIGRTMIN; ++signal)
    if (const char* abbreviation = sigabbrev_np(signal); abbreviation && name == abbreviation) return signal;
  for (const auto& [base, origin] : {std::pair{std::string("RTMIN"), SIGRTMIN}, std::pair{std::string("RTMAX"), SIGRTMAX}}) {
    if (name == base) return origin;
    if (name.size() > base.size() + 1 && name.starts_with(base) && (name[base.size()] == '+' || name[base.size()] == '-')) {
      auto offset = parse_number(std::string_view(name).substr(base.size() + 1));
      int signal = offset ? origin + (name[base.size()] == '+' ? *offset : -*offset) : 0;
      if (offset && signal >= SIGRTMIN && signal <= SIGRTMAX) return signal;
    }
  }
  return usage_error("invalid signal: " + std::string(text));
}

Result<StoredContainer> read_observed(const ContainerStore& store, const std::string& id) {
  auto stored = store.read(id);
  if (!stored) return stored.error();
  stored->state = observed_state(stored->state, store.monitor_alive(id));
  return stored;
}

Status signal_container(const ContainerStore& store, const std::string& id, int signal) {
  auto stored = read_observed(store, id);
  if (!stored) return stored.error();
  if (stored->state.status != ContainerStatus::kRunning) return not_running(id);
  auto process = open_process(stored->state.pid, stored->state.pid_start_time);
  if (!process) return not_running(id);
  if (::syscall(SYS_pidfd_send_signal, process->get(), signal, nullptr, 0) != 0) {
    if (errno == ESRCH) return not_running(id);
    return errno_error("cannot send signal " + std::to_string(signal) + " to container " + id);
  }
  return {};
}

bool wait_for_monitor(const ContainerStore& store, const std::string& id, int timeout_ms) {
  auto stored = store.read(id);
  if (!stored) return true;  // removed (--rm): its monitor is done with it
  // The pidfd first, then the lock: if the lock is still held after the pidfd was opened, the
  // pid is the live monitor's and cannot be recycled while we hold its pidfd.
  const pid_t monitor = stored->state.monitor_pid;
  UniqueFd pidfd(monitor > 0 ? static_cast<int>(::syscall(SYS_pidfd_open, monitor, 0)) : -1);
  if (!store.monitor_alive(id)) return true;
  if (pidfd) return exits_within(pidfd.get(), timeout_ms);
  // No pidfd (the monitor lives in another pid namespace): watch the lock.
  const int64_t deadline = monotonic_ns() + int64_t{timeout_ms} * 1'000'000;
  while (store.monitor_alive(id)) {
    if (timeout_ms >= 0 && monotonic_ns() >= deadline) return false;
    ::usleep(2000);
  }
  return true;
}

Status stop_container(const ContainerStore& store, const std::string& id, int timeout_seconds) {
  auto stored = read_observed(store, id);
  if (!stored) return stored.error();
  if (stored->state.status != ContainerStatus::kRunning) return {};
  auto process = open_process(stored->state.pid, stored->state.pid_start_time);
  if (process) {
    (void)::syscall(SYS_pidfd_send_signal, process->get(), stored->config.stop_signal, nullptr, 0);
    const int grace_ms = timeout_seconds < 0 ? -1 : timeout_seconds * 1000;
    if (!exits_within(process->get(), grace_ms)) (void)::syscall(SYS_pidfd_send_signal, process->get(), SIGKILL, nullptr, 0);
  }
  // The monitor records the end, tears the cgroup down and may remove the container (--rm).
  if (!wait_for_monitor(store, id, 30'000))
    return plain_error("container " + id + " was killed, but its monitor has not recorded the end after 30 s");
  return {};
}

Result<std::optional<int>> wait_container(const ContainerStore& store, const std::string& id) {
  auto stored = store.read(id);
  if (!stored) return stored.error();
  (void)wait_for_monitor(store, id, -1);
  auto ended = read_observed(store, id);
  // Removed meanwhile (--rm): how it ended went with it.
  if (!ended) return std::optional<int>();
  return ended->state.exit_code;
}

}  // namespace isobench::runner::lifecycle
