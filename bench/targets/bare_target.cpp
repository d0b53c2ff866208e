// `bare`: the workload as a plain child process, the baseline every ratio is taken against.
// It runs the image's program, as every other target does, only from the host: the same
// file, not whatever the host has under that name. With an image from the store that is the
// file in its merged view, and only a static one (harness_options refuses the others: a
// dynamic loader or a script's interpreter would be the host's).
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
    return {"runs the image's static program from its merged view on the host, with no isolation"};
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
  auto host = host_path_of_image_program(rootfs, *program);
  if (!host) return plain_error(host.error().message);
  Invocation invocation;
  invocation.argv = workload.argv;
  invocation.argv[0] = *host;
  invocation.env = env;
  return invocation;
}

}  // namespace

Result<std::unique_ptr<Target>> make_bare_target(const std::string&, const TargetContext& context) {
  return std::unique_ptr<Target>(std::make_unique<BareTarget>(context));
}

}  // namespace isobench::bench
