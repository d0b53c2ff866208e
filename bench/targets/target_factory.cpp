#include <unistd.h>

#include "bench/targets/bare_target.h"
#include "bench/targets/isobench_target.h"
#include "bench/targets/oci_runtime_target.h"
#include "bench/targets/target.h"

namespace isobench::bench {

std::unique_ptr<Target> make_bwrap_target(TargetContext context);
std::unique_ptr<Target> make_vm_target(TargetContext context);

std::string known_targets() {
  return "bare, isobench[:default|ns|full|TOGGLES], runc, crun, bwrap, vm";
}

std::vector<std::string> workload_environment() {
  return {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root",
          "ISOBENCH_START_FD=" + std::to_string(kStartFd)};
}

Result<std::unique_ptr<Target>> make_target(const std::string& name, const TargetContext& context) {
  if (name == "bare") return std::unique_ptr<Target>(new BareTarget(context));
  if (name == "runc" || name == "crun") return std::unique_ptr<Target>(new OciRuntimeTarget(name, context));
  if (name == "bwrap") return make_bwrap_target(context);
  if (name == "isobench" || name.rfind("isobench:", 0) == 0) {
    std::string profile = name == "isobench" ? "default" : name.substr(9);
    auto options = isobench_profile_options(profile);
    if (!options) return options.error();
    return std::unique_ptr<Target>(new IsobenchTarget(profile, std::move(*options), context));
  }
  if (name == "vm") return make_vm_target(context);
  return plain_error("unknown target '" + name + "': expected one of " + known_targets());
}

}  // namespace isobench::bench
