// `bare`: the workload as a plain child process, the baseline every ratio is taken against.
#include "bench/targets/bare_target.h"

namespace isobench::bench {

Result<Invocation> BareTarget::invocation(const WorkloadCommand& workload, const std::string&) {
  Invocation invocation;
  invocation.argv = workload.argv;
  // Built-in workloads live in the image; run the same binaries from the host.
  if (workload.reports_json) invocation.argv[0] = context_.rootfs + workload.argv[0];
  invocation.env = workload_environment();
  return invocation;
}

}  // namespace isobench::bench
