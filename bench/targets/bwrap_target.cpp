// bubblewrap with every namespace it can unshare, on the same image, read-only like runc's,
// the workload as the pid namespace's init like in the other containers.
#include "bench/targets/prepared_target.h"
#include "common/system.h"

namespace isobench::bench {
namespace {

class BwrapTarget final : public PreparedTarget {
 public:
  /// `path`: where bwrap is, empty when it is not installed.
  BwrapTarget(TargetContext context, std::string path)
      : PreparedTarget("bwrap", "container", std::move(context), version_of(path)), path_(std::move(path)) {}

  Result<Invocation> invocation(const WorkloadCommand& workload, const std::string&) override {
    Invocation invocation;
    // --as-pid-1: the workload is pid 1 of its namespace, as in isobench, runc and crun. By
    // default bwrap puts a reaper of its own there, and its outer process exits as soon as
    // that reaper reports the workload's status, without waiting for it: the reaper, and with
    // it the workload's CPU time, would be reaped by someone else, outside the target's tree.
    invocation.argv = {path_,       "--unshare-all",  "--as-pid-1", "--die-with-parent",
                       "--ro-bind", context().rootfs, "/",          "--proc",
                       "/proc",     "--dev",          "/dev",       "--tmpfs",
                       "/tmp",      "--hostname",     "isobench",   "--"};
    invocation.argv.insert(invocation.argv.end(), workload.argv.begin(), workload.argv.end());
    invocation.env = workload_environment(context());  // bwrap passes its environment and fds on
    return invocation;
  }

 private:
  static Result<std::string> version_of(const std::string& path) {
    if (path.empty()) return plain_error("not installed (apt-get install bubblewrap)");
    return first_output_line(std::vector<std::string>{path, "--version"});
  }

  std::string path_;
};

}  // namespace

Result<std::unique_ptr<Target>> make_bwrap_target(const std::string&, const TargetContext& context) {
  return std::unique_ptr<Target>(std::make_unique<BwrapTarget>(context, find_program("bwrap")));
}

}  // namespace isobench::bench
