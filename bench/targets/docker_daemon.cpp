#include "bench/targets/docker_daemon.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <cstring>
#include <sstream>
#include <thread>

#include "bench/harness/run_launch.h"
#include "common/file_io.h"
#include "common/system.h"
#include "common/unique_fd.h"

namespace isobench::bench {
namespace {

/// Fields 14 to 17 of /proc/PID/stat (utime, stime, cutime, cstime), in clock ticks.
bool read_process_times(pid_t pid, CpuTimes& total) {
  auto text = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return false;
  // The command name (field 2) may hold spaces and parentheses: fields after the last ')'.
  const size_t close = text->rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(text->substr(close + 2));
  std::string field;
  double ticks[4] = {0, 0, 0, 0};
  for (int number = 3; number <= 17 && fields >> field; ++number)
    if (number >= 14) ticks[number - 14] = std::strtod(field.c_str(), nullptr);
  const double ms_per_tick = 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
  total.user_ms += (ticks[0] + ticks[2]) * ms_per_tick;
  total.system_ms += (ticks[1] + ticks[3]) * ms_per_tick;
  return true;
}

/// The children of every thread of `pid`: Go forks from whichever thread runs the goroutine,
/// and the kernel lists a child under the thread that made it.
std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> pids;
  std::error_code error;
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& task : std::filesystem::directory_iterator(tasks, error)) {
    auto children = read_file(task.path().string() + "/children");
    if (!children) continue;
    std::istringstream list(*children);
    for (pid_t child; list >> child;) pids.push_back(child);
  }
  return pids;
}

double read_rss_kib(pid_t pid) {
  auto text = read_file("/proc/" + std::to_string(pid) + "/status");
  if (!text) return 0;
  const size_t line = text->find("\nVmRSS:");
  return line == std::string::npos ? 0 : std::strtod(text->c_str() + line + 7, nullptr);
}

/// Whether something accepts connections on the unix socket at `path`.
bool socket_answers(const std::string& path) {
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (!fd || path.size() >= sizeof address.sun_path) return false;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
}

/// Whether `pid` is a containerd shim (its comm, which the kernel cuts at 15 characters).
bool is_shim(pid_t pid) {
  auto comm = read_file("/proc/" + std::to_string(pid) + "/comm");
  return comm && comm->rfind("containerd-shim", 0) == 0;
}

std::vector<std::string> dockerd_argv(const DockerDaemonOptions& options, const std::string& socket) {
  return {options.reaper, "-s", "--", options.dockerd,
          "--config-file=" + options.dir + "/daemon.json",
          "--data-root=" + options.dir + "/data",
          "--exec-root=" + options.dir + "/exec",
          "--pidfile=" + options.dir + "/docker.pid",
          "--host=unix://" + socket,
          "--iptables=false",
          "--ip6tables=false",
          "--ip-forward=false",
          "--ip-masq=false",
          "--bridge=none",
          "--userland-proxy=false",
          "--exec-opt=native.cgroupdriver=cgroupfs",
          "--cgroup-parent=" + options.cgroup_parent,
          "--storage-driver=overlay2",
          "--log-level=error"};
}

}  // namespace

Result<std::unique_ptr<DockerDaemon>> DockerDaemon::start(const DockerDaemonOptions& options) {
  if (mkdir(options.dir.c_str(), 0700) != 0 && errno != EEXIST) return errno_error("mkdir " + options.dir);
  // An empty configuration: the host's /etc/docker/daemon.json is the host daemon's.
  ISOBENCH_TRY(write_regular_file(options.dir + "/daemon.json", "{}\n"));
  const std::string socket = options.dir + "/docker.sock";
  Invocation invocation;
  invocation.argv = dockerd_argv(options, socket);
  invocation.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  invocation.mount_namespace_fd = options.mount_namespace_fd;
  auto launched = launch(invocation);  // dies with us (PR_SET_PDEATHSIG), as every target does
  if (!launched) return launched.error();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!socket_answers(socket)) {
    if (launched->process.exits_within(50)) {
      FinishedRun ended = wait_for(*launched, 1);
      return plain_error("dockerd exited (status " + std::to_string(ended.exit_code) + ") before it answered: " +
                         ended.err.substr(0, 600));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      launched->process.kill_and_reap();
      return plain_error("dockerd did not answer on " + socket + " within 60 s");
    }
  }
  return std::unique_ptr<DockerDaemon>(new DockerDaemon(std::move(launched->process), socket));
}

DockerDaemon::~DockerDaemon() {
  if (!process_.running()) return;
  const std::vector<pid_t> started = processes();
  process_.send_signal(SIGTERM);
  // It stops its containerd itself; what outlives it is killed by pid, ours alone.
  if (!process_.exits_within(20000)) process_.send_signal(SIGKILL);
  process_.wait();
  for (pid_t child : started)
    if (child != process_.pid()) kill(child, SIGKILL);
}

std::vector<pid_t> DockerDaemon::processes() const {
  std::vector<pid_t> pids = {process_.pid()};
  for (size_t next = 0; next < pids.size(); ++next)
    for (pid_t child : children_of(pids[next])) pids.push_back(child);
  return pids;
}

CpuTimes DockerDaemon::cpu() const {
  CpuTimes total;
  for (pid_t pid : processes()) read_process_times(pid, total);
  return total;
}

CpuTimes DockerDaemon::settled_cpu(std::chrono::milliseconds most) const {
  const auto deadline = std::chrono::steady_clock::now() + most;
  auto shims_running = [&] {
    const std::vector<pid_t> tree = processes();
    return std::any_of(tree.begin(), tree.end(), is_shim);
  };
  while (shims_running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return cpu();
}

double DockerDaemon::rss_kib() const {
  double total = 0;
  for (pid_t pid : processes()) total += read_rss_kib(pid);
  return total;
}

DaemonAtRest DockerDaemon::measure_rest(double seconds) const {
  DaemonAtRest rest;
  // Its start's own work (containerd's plugins, the first garbage collections) settles first.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const CpuTimes before = cpu();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const CpuTimes after = cpu();
  rest.window_s = seconds;
  rest.cpu_percent = (after.user_ms + after.system_ms - before.user_ms - before.system_ms) / (seconds * 1000) * 100;
  rest.rss_kib = rss_kib();
  return rest;
}

}  // namespace isobench::bench
