// `bare`: the workload as a plain child process, the baseline every ratio is taken against.
// It runs the image's program, as every other target does: the same file, not whatever the
// host has under that name. The built-in image's programs are static and run from the host
// by their path in it. An image from the store holds dynamically linked programs and
// scripts whose loader, libraries and interpreter must be the image's too, so bare chroots
// into its merged view: one system call, and no namespace, cgroup limit or dropped
// privilege (chroot is no isolation; bare is the absence of it).
#include "bench/image_program.h"
#include "bench/targets/prepared_target.h"
#include "runner/image.h"

namespace isobench::bench {
namespace {

class BareTarget final : public PreparedTarget {
 public:
  explicit BareTarget(TargetContext context)
      : PreparedTarget("bare", "process", std::move(context), std::string("host kernel")) {}
  Result<Invocation> invocation(const WorkloadCommand& workload, const std::string& run_id) override;
  std::vector<std::string> notes() const override {
    if (!context().image) return {};
    return {"chroot into the image's merged view, nothing else: no namespaces (the host's pids, network and "
            "mounts; no /proc inside), no cgroup limits, root with every capability"};
  }
};

Result<Invocation> BareTarget::invocation(const WorkloadCommand& workload, const std::string&) {
  if (workload.argv.empty()) return plain_error("bare: an empty command");
  // harness_options has already found --cmd's program; looking again each run costs a few
  // system calls outside the timed part and catches an image changed since.
  const std::string& rootfs = context().rootfs;
  const std::vector<std::string> env = workload_environment(context());
  auto program = find_image_program(rootfs, workload.argv[0], runner::path_variable(env));
  if (!program) return plain_error(program.error().message);  // says why: no errno text after it
  Invocation invocation;
  invocation.argv = workload.argv;
  invocation.env = env;
  if (context().image) {
    invocation.root_directory = rootfs;
    invocation.argv[0] = *program;
    return invocation;
  }
  // The built-in image's static programs from the host, by their paths in it; under the
  // stamper the command's too, since the stamper execs it as it is given.
  const size_t programs = runs_under_stamper(workload) ? 2 : 1;
  for (size_t i = 0; i < programs; ++i) {
    auto in_image = i == 0 ? program : find_image_program(rootfs, workload.argv[i], runner::path_variable(env));
    if (!in_image) return plain_error(in_image.error().message);
    auto host = host_path_of_image_program(rootfs, *in_image);
    if (!host) return plain_error(host.error().message);
    invocation.argv[i] = *host;
  }
  return invocation;
}

}  // namespace

Result<std::unique_ptr<Target>> make_bare_target(const std::string&, const TargetContext& context) {
  return std::unique_ptr<Target>(std::make_unique<BareTarget>(context));
}

}  // namespace isobench::bench
