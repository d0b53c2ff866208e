// bubblewrap with every namespace it can unshare, on the same image, read-only like runc's,
// the workload as the pid namespace's init like in the other containers.
#include <unistd.h>

#include <cstdio>

#include "bench/targets/target.h"
#include "common/file_io.h"

namespace isobench::bench {
namespace {

class BwrapTarget final : public Target {
 public:
  explicit BwrapTarget(TargetContext context) : context_(std::move(context)) {}
  std::string name() const override { return "bwrap"; }
  std::string kind() const override { return "container"; }

  Result<std::string> probe() override {
    path_ = find_program("bwrap");
    if (path_.empty()) return plain_error("not installed (apt-get install bubblewrap)");
    return first_output_line(path_ + " --version");
  }

  Result<Invocation> invocation(const WorkloadCommand& workload, const std::string&) override {
    Invocation invocation;
    // --as-pid-1: the workload is pid 1 of its namespace, as in isobench, runc and crun. By
    // default bwrap puts a reaper of its own there, and its outer process exits as soon as
    // that reaper reports the workload's status, without waiting for it: the reaper, and with
    // it the workload's CPU time, would be reaped by someone else, outside the target's tree.
    invocation.argv = {
        path_,   "--unshare-all", "--as-pid-1", "--die-with-parent", "--ro-bind", context_.rootfs, "/",        "--proc",
        "/proc", "--dev",         "/dev",       "--tmpfs",           "/tmp",      "--hostname",    "isobench", "--"};
    invocation.argv.insert(invocation.argv.end(), workload.argv.begin(), workload.argv.end());
    invocation.env = workload_environment();  // bwrap passes its environment and fds on
    return invocation;
  }

 private:
  TargetContext context_;
  std::string path_;
};

}  // namespace

std::unique_ptr<Target> make_bwrap_target(TargetContext context) {
  return std::make_unique<BwrapTarget>(std::move(context));
}

}  // namespace isobench::bench
