#include "runner/lifecycle/container_liveness.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "common/file_io.h"

namespace isobench::runner::lifecycle {

bool lock_is_held(const std::string& lock_path) {
  // Not lock_file(): that creates a missing file, and a probe must leave no trace.
  UniqueFd fd(::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return false;
  int result = 0;
  do result = ::flock(fd.get(), LOCK_SH | LOCK_NB);
  while (result != 0 && errno == EINTR);
  return result != 0 && errno == EWOULDBLOCK;
}

ContainerState observed_state(const ContainerState& recorded, bool monitor_alive) {
  if (recorded.status != ContainerStatus::kRunning || monitor_alive) return recorded;
  ContainerState observed = recorded;
  observed.status = ContainerStatus::kExited;
  observed.exit_code.reset();
  return observed;
}

Result<uint64_t> process_start_time(pid_t pid) {
  if (pid <= 0) return Error{ESRCH, "no process " + std::to_string(pid)};
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  auto text = read_file(path);
  if (!text) return Error{ESRCH, "no process " + std::to_string(pid)};
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const size_t close = text->rfind(')');
  if (close == std::string::npos) return plain_error("cannot parse " + path);
  size_t position = close + 1;
  for (int field = 3; field < 22; ++field) {
    position = text->find(' ', position + 1);
    if (position == std::string::npos) return plain_error("cannot parse " + path);
  }
  const char* begin = text->data() + position + 1;
  uint64_t start = 0;
  const auto [end, error] = std::from_chars(begin, text->data() + text->size(), start);
  if (error != std::errc() || end == begin) return plain_error("cannot parse " + path);
  return start;
}

bool is_same_process(pid_t pid, uint64_t start_time) {
  auto start = process_start_time(pid);
  return start && *start == start_time;
}

Result<UniqueFd> open_process(pid_t pid, uint64_t start_time) {
  if (pid <= 0) return Error{ESRCH, "no process " + std::to_string(pid)};
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd) return errno_error("cannot open process " + std::to_string(pid));
  if (!is_same_process(pid, start_time)) {
    return Error{ESRCH, "process " + std::to_string(pid) + " is gone (its pid now names another process)"};
  }
  return pidfd;
}

}  // namespace isobench::runner::lifecycle
