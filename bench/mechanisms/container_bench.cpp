// The whole container: what `isobench run -- /bin/noop` does without executing the isobench
// binary. Default isolation, and the same with --no-cgroup. Each iteration runs the
// launcher from preparation to the last cleanup (cgroup removed), so nothing remains
// between iterations.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "bench/mechanisms/price_list.h"
#include "common/file_io.h"
#include "common/unique_fd.h"
#include "runner/cgroup/cgroup.h"
#include "runner/cgroup/cgroup_fs.h"
#include "runner/container_request.h"
#include "runner/container.h"
#include "runner/image.h"

namespace isobench::bench::mechanisms {
namespace {

/// Points this process's stdout at /dev/null while it lives, so the workloads' JSON lines
/// do not land in the benchmark's table. Stdout is restored afterwards.
class QuietStdout {
 public:
  static Result<std::unique_ptr<QuietStdout>> make() {
    std::cout.flush();
    std::fflush(stdout);
    UniqueFd saved(fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0));
    if (!saved) return errno_error("saving stdout");
    UniqueFd null(open("/dev/null", O_WRONLY | O_CLOEXEC));
    if (!null) return errno_error("/dev/null");
    if (dup2(null.get(), STDOUT_FILENO) < 0) return errno_error("pointing stdout at /dev/null");
    return std::unique_ptr<QuietStdout>(new QuietStdout(std::move(saved)));
  }
  ~QuietStdout() {
    std::fflush(stdout);
    dup2(saved_.get(), STDOUT_FILENO);
  }
  QuietStdout(const QuietStdout&) = delete;
  QuietStdout& operator=(const QuietStdout&) = delete;

 private:
  explicit QuietStdout(UniqueFd saved) : saved_(std::move(saved)) {}
  UniqueFd saved_;
};

/// The spec `isobench run [--no-cgroup] -- /bin/noop` builds on the built-in image, found
/// the way isobench finds it, so an installed mechanism_bench runs the installed image.
Result<runner::ContainerSpec> noop_spec(bool use_cgroup) {
  auto rootfs = runner::builtin_image_rootfs();
  if (!rootfs) return rootfs.error();
  runner::ContainerRequest options;
  options.command = {"/bin/noop"};
  options.no_cgroup = !use_cgroup;
  auto spec = runner::build_spec(options, {geteuid(), getegid()}, *rootfs);
  if (!spec) return Error{spec.error().errno_value, "building the container spec: " + spec.error().message};
  if (Status found = runner::resolve_executable(*spec); !found)
    return Error{found.error().errno_value,
                 "/bin/noop in " + *rootfs + " (build the image target): " + found.error().message};
  return spec;
}

void container_start(benchmark::State& state, bool use_cgroup) {
  if (geteuid() != 0) {
    return skip(state, plain_error("needs root: for other users isobench runs rootless (a user namespace and no "
                                   "cgroup), which is another container"));
  }
  auto spec = noop_spec(use_cgroup);
  if (!spec) return skip(state, spec.error());
  // Declared before the launcher: cgroups it creates must not outlive the manager and fs.
  runner::HostCgroupFs cgroup_fs;
  std::unique_ptr<runner::CgroupManager> cgroups;
  if (spec->use_cgroup) {
    auto manager = runner::host_cgroup_manager(cgroup_fs);
    if (!manager) return skip(state, manager.error());
    cgroups = std::move(*manager);
  }
  auto quiet = QuietStdout::make();
  if (!quiet) return skip(state, quiet.error());
  runner::ContainerLauncher launcher(cgroups.get());

  ChildCpuMeter meter;
  for (auto _ : state) {
    spec->id = runner::new_container_id();
    auto outcome = launcher.run(*spec);
    if (!outcome) {
      skip(state, outcome.error());
      break;
    }
    if (outcome->exit_code != 0) {
      skip(state, plain_error("/bin/noop exited with " + std::to_string(outcome->exit_code) +
                              (outcome->message.empty() ? "" : ": " + outcome->message)));
      break;
    }
  }
  meter.report(state);
}

}  // namespace

void register_container_benchmarks() {
  price(benchmark::RegisterBenchmark("BM_Container/noop_default", container_start, true));
  price(benchmark::RegisterBenchmark("BM_Container/noop_no_cgroup", container_start, false));
}

}  // namespace isobench::bench::mechanisms
