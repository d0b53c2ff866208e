// The option values users type: sizes, CPU counts, cpusets, namespace and probe lists,
// parameter sweeps, compare's thresholds and metrics, isobench target profiles, and
// `isobench run`'s options together (build_spec). The first byte picks the parser, the rest
// is the text. Besides sanitizer reports, a value a parser accepts must keep its promise
// (a size of at least one byte, a list that reads back the same), or the fuzzer aborts.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "bench/targets/isobench_target.h"
#include "bench/workload_catalog.h"
#include "probes/probe_set.h"
#include "reports/comparison.h"
#include "runner/cli/run_options.h"
#include "runner/namespaces.h"
#include "runner/units.h"

namespace {

using namespace isobench;

void require(bool promise) {
  if (!promise) std::abort();
}

/// `isobench run` with the options given one per line; the rootfs is "/" and only read.
void run_options(std::string_view text) {
  std::vector<std::string> fields;
  for (size_t start = 0; start <= text.size();) {
    size_t end = std::min(text.find('\n', start), text.size());
    fields.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  fields.resize(10);
  cli::RunOptions options;
  options.command = {"/bin/noop"};
  options.memory = fields[0];
  options.cpus = fields[1];
  options.pids_limit = fields[2];
  options.cpuset_cpus = fields[3];
  options.user = fields[4];
  if (!fields[5].empty()) options.hostname = fields[5];
  if (!fields[6].empty()) options.workdir = fields[6];
  if (!fields[7].empty()) options.share = {fields[7]};
  if (!fields[8].empty()) options.env = {fields[8]};
  options.userns = fields[9].find('u') != std::string::npos;
  options.no_cgroup = fields[9].find('c') != std::string::npos;
  options.read_only = fields[9].find('r') != std::string::npos;
  (void)cli::build_spec(options, cli::Invoker{}, "/");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 10) {
    case 0:
      if (auto bytes = runner::parse_bytes(text)) require(*bytes >= 1);
      break;
    case 1:
      if (auto cpus = runner::parse_cpus(text)) require(std::isfinite(*cpus) && *cpus > 0 && *cpus <= 1024);
      break;
    case 2:
      if (auto cpuset = runner::parse_cpuset(text)) require(!cpuset->empty());
      break;
    case 3:
      if (auto set = runner::parse_namespace_list(text)) {
        auto again = runner::parse_namespace_list(set->to_string());
        require(again && *again == *set);
      }
      break;
    case 4:
      if (auto set = probes::ProbeSet::parse(text)) {
        auto again = probes::ProbeSet::parse(set->to_string());
        require(again && *again == *set);
      }
      break;
    case 5:
      if (auto sweep = bench::parse_param_sweep(text)) require(!sweep->values.empty());
      break;
    case 6: {
      reports::CompareOptions options;
      if (reports::parse_thresholds(text, options)) require(options.threshold > 0 && options.threshold < 10);
      break;
    }
    case 7: (void)reports::parse_metrics(text); break;
    case 8: (void)bench::isobench_profile_options(text); break;
    default: run_options(text);
  }
  return 0;
}
