// The container engines, Docker (dockerd + containerd + runc) and podman (conmon + runc), on
// the same image as every target: its tree imported once into the engine's own store (a
// one-layer image, as `docker import` makes), before anything is timed, then `run --rm`
// of it with the same command, environment and isolation as the others: no network, a
// read-only root with a tmpfs /tmp, root from /.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "bench/harness/measuring_cgroup.h"
#include "bench/targets/docker_daemon.h"
#include "bench/targets/prepared_target.h"
#include "bench/targets/private_mount_namespace.h"
#include "common/file_io.h"
#include "common/subprocess.h"
#include "common/system.h"
#include "runner/cgroup/cgroup.h"

namespace isobench::bench {
namespace {

enum class Engine { kDocker, kPodman };

/// Where a container without a descriptor of ours finds the harness's start FIFO.

std::string one_decimal(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

/// What an engine target found on this host.
struct EngineHost {
  Result<std::string> found = plain_error("not probed");
  std::string cli;
  std::string dockerd;       ///< docker with a daemon of the bench's own
  std::string reaper;        ///< tini, which that daemon runs below (DockerDaemonOptions::reaper)
  std::string docker_host;   ///< docker: $DOCKER_HOST, a daemon the user runs
  UniqueFd mount_namespace;  ///< a private /run for podman and our dockerd (runc's, containerd's state)
};

/// The docker CLI that came with dockerd (Debian's docker.io puts both in /usr), else any.
std::string docker_cli_beside(const std::string& dockerd) {
  const std::string prefix = std::filesystem::path(dockerd).parent_path().parent_path().string();
  const std::string beside = prefix + "/bin/docker";
  return access(beside.c_str(), X_OK) == 0 ? beside : find_program("docker");
}

Status need_root_and_namespace(EngineHost& host) {
  if (geteuid() != 0) return plain_error("needs root");
  auto mount_namespace = private_mount_namespace(PrivateMounts::kPrivateRun);
  if (!mount_namespace) return mount_namespace.error();
  host.mount_namespace = std::move(*mount_namespace);
  return {};
}

EngineHost find_docker() {
  EngineHost host;
  const char* remote = std::getenv("DOCKER_HOST");
  if (remote && *remote) host.docker_host = remote;
  host.dockerd = host.docker_host.empty() ? find_program("dockerd") : "";
  host.cli = host.dockerd.empty() ? find_program("docker") : docker_cli_beside(host.dockerd);
  if (host.cli.empty() || (host.docker_host.empty() && host.dockerd.empty())) {
    host.found = plain_error("not installed (apt-get install docker.io)");
    return host;
  }
  if (!host.dockerd.empty()) {
    host.reaper = find_program("tini");
    if (host.reaper.empty()) {
      host.found = plain_error("tini is not installed (apt-get install tini): the bench's dockerd runs below it");
      return host;
    }
  }
  if (Status ready = need_root_and_namespace(host); !ready) {
    host.found = ready.error();
    return host;
  }
  std::string version = first_output_line(std::vector<std::string>{host.cli, "--version"});
  if (!host.dockerd.empty()) {
    version = first_output_line(std::vector<std::string>{host.dockerd, "--version"}) + " (the bench's own dockerd)";
  } else {
    version += " (the daemon at DOCKER_HOST=" + host.docker_host + ")";
  }
  host.found = version;
  return host;
}

EngineHost find_podman() {
  EngineHost host;
  host.cli = find_program("podman");
  if (host.cli.empty()) {
    host.found = plain_error("not installed (apt-get install podman)");
    return host;
  }
  if (Status ready = need_root_and_namespace(host); !ready) {
    host.found = ready.error();
    return host;
  }
  host.found = first_output_line(std::vector<std::string>{host.cli, "--version"}) + " with runc";
  return host;
}

/// podman on this host: the limits the machine grants (its defaults exceed them), no network,
/// cgroupfs (no systemd), runc (crun refuses hybrid cgroups), events in a file.
constexpr const char* kPodmanConfig =
    "[containers]\n"
    "default_ulimits = [\"nofile=1024:1024\", \"nproc=4096:4096\"]\n"
    "netns = \"none\"\n"
    "[engine]\n"
    "cgroup_manager = \"cgroupfs\"\n"
    "events_logger = \"file\"\n"
    "runtime = \"runc\"\n";

class EngineTarget final : public PreparedTarget {
 public:
  EngineTarget(Engine engine, TargetContext context, EngineHost host)
      : PreparedTarget(engine == Engine::kDocker ? "docker" : "podman", "container", std::move(context), host.found),
        engine_(engine),
        host_(std::move(host)) {}

  Result<Invocation> invocation(const WorkloadCommand& workload, const std::string& run_id) override {
    ISOBENCH_TRY(prepare(run_id));
    return run_invocation(workload, run_id, "/" + std::string(runner::kCgroupParent) + "/" + area_->name());
  }
  Result<Invocation> measured_invocation(const WorkloadCommand& workload, const std::string& run_id,
                                         const std::string& measuring) override {
    ISOBENCH_TRY(prepare(run_id));
    return run_invocation(workload, run_id, "/" + std::string(runner::kCgroupParent) + "/" + measuring);
  }
  std::optional<CpuTimes> daemon_cpu() const override {
    if (daemon_) return daemon_->settled_cpu(std::chrono::seconds(2));
    if (engine_ == Engine::kPodman && area_) return monitor_and_container_cpu();
    return std::nullopt;
  }
  std::vector<std::string> notes() const override;
  void after_kill(const std::string& run_id) override {
    std::vector<std::string> remove = engine_command({"rm", "--force", run_id});
    CommandOptions quiet;
    quiet.output = CommandOptions::Output::kDiscard;
    quiet.null_stdin = true;
    (void)run_command(remove, quiet);
  }

 private:
  Status prepare(const std::string& run_id);
  /// podman: conmon detaches from the podman process, which never reaps it, so its work and
  /// the container's (runc, the workload) are not in the launched tree's rusage. Both are in
  /// cgroups below the target's: its CPU, the scheduler's exact total split by the coarser
  /// user and system counters.
  std::optional<CpuTimes> monitor_and_container_cpu() const;
  Status import_image();
  std::vector<std::string> cli_env() const;
  std::vector<std::string> cli_argv() const;
  /// The CLI with `args`, through env(1) for commands outside the timed runs.
  std::vector<std::string> engine_command(const std::vector<std::string>& args) const;
  Result<Invocation> run_invocation(const WorkloadCommand& workload, const std::string& run_id,
                                    const std::string& cgroup_parent);
  Result<std::string> start_fifo(const std::string& run_id);
  std::string dir() const { return context().scratch + "/" + name(); }

  const Engine engine_;
  EngineHost host_;
  std::optional<Error> prepare_failed_;  ///< sticky: every run says the same
  bool prepared_ = false;
  std::unique_ptr<MeasuringCgroups> cgroups_;  ///< outlives area_, declared first
  std::unique_ptr<MeasuringCgroup> area_;      ///< the containers' cgroups of timed runs
  std::unique_ptr<DockerDaemon> daemon_;       ///< after area_: stopped before it is removed
  std::optional<DaemonAtRest> rest_;
  std::string image_;
  std::string last_fifo_;
};

Status EngineTarget::prepare(const std::string& run_id) {
  if (prepare_failed_) return *prepare_failed_;
  if (prepared_) return {};
  Status done = [&]() -> Status {
    std::error_code error;
    std::filesystem::create_directories(dir(), error);
    if (error) return plain_error("cannot make " + dir() + ": " + error.message());
    cgroups_ = MeasuringCgroups::make();
    if (!cgroups_) return plain_error(name() + ": this host has no cgroups to keep the containers' in");
    auto area = cgroups_->open(name() + "-" + run_id);
    if (!area) return area.error();
    area_ = std::move(*area);
    if (engine_ == Engine::kPodman) {
      ISOBENCH_TRY(write_regular_file(dir() + "/containers.conf", kPodmanConfig));
      ISOBENCH_TRY(write_regular_file(dir() + "/registries.conf", ""));
    }
    if (!host_.dockerd.empty()) {
      DockerDaemonOptions options{host_.dockerd, host_.reaper, dir() + "/d",
                                  "/" + std::string(runner::kCgroupParent) + "/" + area_->name(),
                                  host_.mount_namespace.get()};
      auto daemon = DockerDaemon::start(options);
      if (!daemon) return daemon.error();
      daemon_ = std::move(*daemon);
      rest_ = daemon_->measure_rest(2.0);
    }
    return import_image();
  }();
  if (!done) {
    prepare_failed_ = done.error();
    return done;
  }
  prepared_ = true;
  return {};
}

std::optional<CpuTimes> EngineTarget::monitor_and_container_cpu() const {
  auto stats = area_->stats();
  if (!stats || !stats->cpu_total_ns) return std::nullopt;
  const double total_ms = static_cast<double>(*stats->cpu_total_ns) / 1e6;
  const double user = static_cast<double>(stats->cpu_user_ns.value_or(0));
  const double system = static_cast<double>(stats->cpu_system_ns.value_or(0));
  const double user_share = user + system > 0 ? user / (user + system) : 1;
  return CpuTimes{total_ms * user_share, total_ms * (1 - user_share)};
}

/// The image's tree as a tar, imported: a one-layer image in the engine's store, by id.
Status EngineTarget::import_image() {
  const std::string tar = dir() + "/rootfs.tar";
  const std::string tar_program = find_program("tar");
  if (tar_program.empty()) return plain_error("tar is not installed");
  auto packed = run_command({tar_program, "--create", "--file", tar, "--numeric-owner", "--directory",
                             context().rootfs, "."});
  if (!packed) return packed.error();
  if (!packed->status.succeeded()) return plain_error("tar of the image failed: " + packed->output.substr(0, 400));
  std::vector<std::string> args = {"import"};
  if (engine_ == Engine::kPodman) args.push_back("--quiet");
  args.insert(args.end(), {tar, "isobench-bench/" + name() + ":image"});
  auto imported = run_command(engine_command(args));
  std::error_code ignored;
  std::filesystem::remove(tar, ignored);
  if (!imported) return imported.error();
  const std::string id = trim(imported->output);
  if (!imported->status.succeeded() || id.empty() || id.find('\n') != std::string::npos)
    return plain_error(name() + " import of the image failed: " + imported->output.substr(0, 400));
  image_ = id;
  return {};
}

std::vector<std::string> EngineTarget::cli_env() const {
  std::vector<std::string> env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"};
  if (engine_ == Engine::kPodman) {
    env.push_back("CONTAINERS_CONF=" + dir() + "/containers.conf");
    env.push_back("CONTAINERS_REGISTRIES_CONF=" + dir() + "/registries.conf");
  }
  return env;
}

std::vector<std::string> EngineTarget::cli_argv() const {
  if (engine_ == Engine::kDocker) {
    const std::string daemon = daemon_ ? daemon_->host() : host_.docker_host;
    return {host_.cli, "--host", daemon, "--config", dir() + "/cli"};
  }
  return {host_.cli,         "--root",    dir() + "/root",  "--runroot",          dir() + "/run",
          "--tmpdir",        dir() + "/tmp", "--storage-driver", "overlay",        "--cgroup-manager",
          "cgroupfs",        "--events-backend", "file",       "--runtime",        "runc"};
}

std::vector<std::string> EngineTarget::engine_command(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {find_program("env"), "-i"};
  for (const std::string& variable : cli_env()) argv.push_back(variable);
  for (const std::string& word : cli_argv()) argv.push_back(word);
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

/// A FIFO of its own for each run, bind-mounted into the container; the last run's goes.
Result<std::string> EngineTarget::start_fifo(const std::string& run_id) {
  if (!last_fifo_.empty()) unlink(last_fifo_.c_str());
  last_fifo_ = dir() + "/start-" + run_id;
  if (mkfifo(last_fifo_.c_str(), 0600) != 0) return errno_error("mkfifo " + last_fifo_);
  return last_fifo_;
}

Result<Invocation> EngineTarget::run_invocation(const WorkloadCommand& workload, const std::string& run_id,
                                                const std::string& cgroup_parent) {
  Invocation invocation;
  invocation.argv = cli_argv();
  invocation.argv.insert(invocation.argv.end(),
                         {"run", "--rm", "--pull=never", "--network=none", "--read-only", "--name=" + run_id,
                          "--user=0:0", "--workdir=/", "--cgroup-parent=" + cgroup_parent});
  std::vector<std::string> workload_env = workload_environment(context());
  if (engine_ == Engine::kPodman) {
    // conmon and runc pass descriptor 3 on; podman mounts a tmpfs on /tmp of a read-only root.
    invocation.argv.push_back("--preserve-fds=1");
  } else {
    // No descriptor reaches a Docker container: the handshake is a FIFO of the harness's.
    invocation.argv.push_back("--tmpfs=/tmp");
    auto fifo = start_fifo(run_id);
    if (!fifo) return fifo.error();
    invocation.argv.push_back("--mount=type=bind,source=" + *fifo + ",target=" + kStartFifoInside);
    invocation.start_fifo = *fifo;
    workload_env = fifo_workload_environment(context(), kStartFifoInside);
  }
  for (const std::string& variable : workload_env) invocation.argv.insert(invocation.argv.end(), {"--env", variable});
  invocation.argv.push_back(image_);
  invocation.argv.insert(invocation.argv.end(), workload.argv.begin(), workload.argv.end());
  invocation.env = cli_env();
  invocation.mount_namespace_fd = engine_ == Engine::kPodman ? host_.mount_namespace.get() : -1;
  return invocation;
}

/// The eBPF probes follow the tree the harness launched, and an engine's container is not in it.
constexpr const char* kProbesMissTheContainer =
    "the eBPF probes (--probes) follow the processes the launched CLI forks: the container, which containerd's shim "
    "(docker) or conmon (podman) starts, is not among them, so the probes' startup phases and system calls leave it "
    "out; its CPU and memory come from its cgroups";

std::vector<std::string> EngineTarget::notes() const {
  if (engine_ == Engine::kPodman)
    return {"podman with runc and cgroupfs (no systemd), its store and state in the bench's scratch directory, in a "
            "mount namespace with a private /run; the image's tree imported once as a one-layer image",
            "whole memory holds the container and conmon, whose cgroups are below the measuring one",
            "conmon detaches from podman, which never reaps it or the container: cpu adds their CPU over each batch "
            "of runs (conmon, runc and the workload), from the cgroups below the target's, to podman's own",
            kProbesMissTheContainer};
  std::vector<std::string> notes;
  notes.push_back(daemon_ || !host_.dockerd.empty()
                      ? "dockerd and its containerd started by the bench for this target, in the bench's scratch "
                        "directory and a private /run, no bridge or iptables; stopped afterwards"
                      : "the Docker daemon at DOCKER_HOST, the user's own");
  notes.push_back("no descriptor passes into a Docker container: the start handshake is a FIFO of the harness's "
                  "bind-mounted at /run/isobench-start (ISOBENCH_START_PATH)");
  notes.push_back("whole memory is the container's cgroup only: dockerd's, containerd's and the shim's pages are not "
                  "in it (their resting cost is below)");
  if (daemon_)
    notes.push_back("cpu includes the daemons' CPU during each batch of runs (dockerd and containerd, and the shims and "
                    "runc they reaped), from /proc in 10 ms ticks");
  notes.push_back(kProbesMissTheContainer);
  if (rest_)
    notes.push_back("dockerd and containerd at rest, a second after they started: RSS " +
                    one_decimal(rest_->rss_kib / 1024) + " MiB, CPU " + one_decimal(rest_->cpu_percent) +
                    " % of a core over " + one_decimal(rest_->window_s) + " s");
  return notes;
}

}  // namespace

Result<std::unique_ptr<Target>> make_engine_target(const std::string& name, const TargetContext& context) {
  const Engine engine = name == "docker" ? Engine::kDocker : Engine::kPodman;
  EngineHost host = engine == Engine::kDocker ? find_docker() : find_podman();
  return std::unique_ptr<Target>(std::make_unique<EngineTarget>(engine, context, std::move(host)));
}

}  // namespace isobench::bench
