#include "bench/targets/oci_runtime_target.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "bench/targets/oci_bundle.h"
#include "common/file_io.h"
#include "common/subprocess.h"
#include "runner/cgroup/cgroup.h"

namespace isobench::bench {
namespace {

bool hybrid_cgroups() {
  auto layout = runner::host_cgroup_layout();
  return layout && layout->mode == runner::CgroupMode::kHybrid;
}

/// Runs `argv` to completion with its output discarded, without a shell.
void run_quietly(const std::vector<std::string>& argv) {
  std::vector<char*> args = exec_array(argv);
  pid_t child = fork();
  if (child < 0) return;
  if (child == 0) {
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
    }
    execv(args[0], args.data());
    _exit(127);
  }
  while (waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
  }
}

std::string state_dir(const std::string& scratch, const std::string& runtime) {
  return scratch + "/" + runtime + "-state";
}

}  // namespace

void delete_leftover_oci_containers(const std::string& scratch) {
  for (const char* runtime : {"runc", "crun"}) {
    const std::string state = state_dir(scratch, runtime);
    std::error_code error;
    if (!std::filesystem::is_directory(state, error)) continue;
    const std::string path = find_program(runtime);
    if (path.empty()) continue;
    // Each container's state is a directory named after it.
    for (const auto& entry : std::filesystem::directory_iterator(state, error))
      if (entry.is_directory(error))
        run_quietly({path, "--root", state, "delete", "--force", entry.path().filename().string()});
  }
}

Status OciRuntimeTarget::prepare_v1_only_namespace() {
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0) return errno_error("pipe2");
  UniqueFd ready_read(ready[0]), ready_write(ready[1]);
  pid_t child = fork();
  if (child < 0) return errno_error("fork");
  if (child == 0) {
    ready_read.reset();
    char verdict = 1;
    if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        umount2("/sys/fs/cgroup/unified", MNT_DETACH) != 0)
      verdict = 0;
    (void)!write(ready_write.get(), &verdict, 1);
    pause();  // until the parent has opened our namespace and killed us
    _exit(0);
  }
  ready_write.reset();
  char verdict = 0;
  bool ok = read(ready_read.get(), &verdict, 1) == 1 && verdict == 1;
  if (ok) mount_namespace_.reset(open(("/proc/" + std::to_string(child) + "/ns/mnt").c_str(), O_RDONLY | O_CLOEXEC));
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  if (!ok || !mount_namespace_) return plain_error("cannot prepare a mount namespace without the cgroup2 mount");
  return {};
}

Result<std::string> OciRuntimeTarget::probe() {
  path_ = find_program(runtime_);
  if (path_.empty()) return plain_error("not installed (apt-get install " + runtime_ + ")");
  if (geteuid() != 0) return plain_error("needs root");
  std::string version = first_output_line(path_ + " --version");
  if (runtime_ == "crun" && hybrid_cgroups()) {
    if (Status prepared = prepare_v1_only_namespace(); !prepared)
      return plain_error("unsupported on this host: crun refuses hybrid cgroups and " + prepared.error().text());
    version += " (in a mount namespace without the cgroup2 mount: this host is hybrid)";
  }
  return version;
}

std::vector<std::string> OciRuntimeTarget::base_argv() const {
  return {path_, "--root", state_dir(context_.scratch, runtime_)};
}

Invocation OciRuntimeTarget::run_invocation(const std::string& bundle, const std::string& run_id) const {
  Invocation invocation;
  invocation.argv = base_argv();
  // --preserve-fds 1 hands descriptor 3, the start handshake, to the container's process.
  invocation.argv.insert(invocation.argv.end(), {"run", "--preserve-fds", "1", "--bundle", bundle, run_id});
  invocation.env = workload_environment();
  invocation.mount_namespace_fd = mount_namespace_.get();
  return invocation;
}

Result<Invocation> OciRuntimeTarget::invocation(const WorkloadCommand& workload, const std::string& run_id) {
  std::string label = workload.label();
  auto bundle = bundles_.find(label);
  if (bundle == bundles_.end()) {
    std::string dir = context_.scratch + "/" + runtime_ + "-bundle-" + std::to_string(bundles_.size());
    ISOBENCH_TRY(write_bundle(dir, oci_config(context_.rootfs, workload.argv, workload_environment())));
    bundle = bundles_.emplace(label, dir).first;
  }
  return run_invocation(bundle->second, run_id);
}

Result<Invocation> OciRuntimeTarget::measured_invocation(const WorkloadCommand& workload, const std::string& run_id,
                                                         const std::string& measuring) {
  // Without cgroupsPath runc makes the container's cgroup relative to its own (inside the
  // measuring one) but crun makes /<id> at each hierarchy's root, outside it. The same
  // absolute path for both keeps their bundles identical; one bundle per run, as the path is.
  nlohmann::json config = oci_config(context_.rootfs, workload.argv, workload_environment());
  config["linux"]["cgroupsPath"] = "/" + std::string(runner::kCgroupParent) + "/" + measuring + "/" + run_id;
  const std::string dir = context_.scratch + "/" + runtime_ + "-bundle-" + run_id;
  ISOBENCH_TRY(write_bundle(dir, config));
  return run_invocation(dir, run_id);
}

void OciRuntimeTarget::after_kill(const std::string& run_id) {
  std::vector<std::string> argv = base_argv();
  argv.insert(argv.end(), {"delete", "--force", run_id});
  // Best effort, without a shell: what it prints or how it ends changes nothing here.
  CommandOptions quiet;
  quiet.output = CommandOptions::Output::kDiscard;
  quiet.null_stdin = true;
  (void)run_command(argv, quiet);
}

}  // namespace isobench::bench
