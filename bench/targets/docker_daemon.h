// A Docker daemon of the bench's own, for the docker target: dockerd (which starts its own
// containerd) with every directory in the bench's scratch directory, started only when the
// docker target first runs and stopped when the target goes, leaving nothing on the host.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "bench/targets/target.h"
#include "common/subprocess.h"

namespace isobench::bench {

/// What a daemon costs while nothing runs: measured once, after it started.
struct DaemonAtRest {
  double rss_kib = 0;  ///< resident set of the daemon's processes, summed
  double cpu_percent = 0;  ///< of one core, over the idle window
  double window_s = 0;
};

struct DockerDaemonOptions {
  std::string dockerd;        ///< the executable
  /// tini, which dockerd runs below as a child subreaper: containerd's shims outlive their
  /// parent, and without one they would go to the host's PID 1, their CPU (and the
  /// containers' they reaped) with them, and linger as its zombies.
  std::string reaper;
  std::string dir;            ///< data root, exec root, socket and config go here (short: a socket path)
  std::string cgroup_parent;  ///< the containers' cgroups go below it ("/isobench/...")
  int mount_namespace_fd = -1;  ///< where the daemon runs (a private /run for containerd's shims)
};

class DockerDaemon {
 public:
  /// Starts dockerd and waits (at most 60 s) until its API socket answers. No bridge, no
  /// iptables rules, no userland proxy: containers get no network (--network none), and the
  /// host's firewall and interfaces stay as they were. The host's /etc/docker/daemon.json is
  /// not read.
  static Result<std::unique_ptr<DockerDaemon>> start(const DockerDaemonOptions& options);
  /// SIGTERM, and SIGKILL for the daemon and what it started after 20 s.
  ~DockerDaemon();
  DockerDaemon(const DockerDaemon&) = delete;
  DockerDaemon& operator=(const DockerDaemon&) = delete;

  /// For the docker CLI's -H.
  std::string host() const { return "unix://" + socket_; }
  /// The CPU of the daemon's whole tree (tini, dockerd, containerd, the shims alive), each
  /// one's own time and that of the children it reaped (tini reaps the shims, a shim its
  /// container), from /proc: 10 ms ticks.
  CpuTimes cpu() const;
  /// cpu() once the shims of the containers that ran are gone (at most `most`): a shim and
  /// the container it reaped are in containerd's figures only after containerd reaps the
  /// shim, which exits a little after `docker run --rm` returns.
  CpuTimes settled_cpu(std::chrono::milliseconds most) const;
  /// RSS of dockerd and its children now.
  double rss_kib() const;
  /// Sampled over `seconds` of idleness, after a second for its start to settle.
  DaemonAtRest measure_rest(double seconds) const;
  pid_t pid() const { return process_.pid(); }

 private:
  DockerDaemon(Subprocess process, std::string socket) : process_(std::move(process)), socket_(std::move(socket)) {}
  std::vector<pid_t> processes() const;  ///< tini and every process below it

  Subprocess process_;
  std::string socket_;
};

}  // namespace isobench::bench
