// The option values users type: sizes, CPU counts, cpusets (and whether a host has them),
// durations, namespace and probe lists, parameter sweeps, compare's thresholds and metrics,
// isobench target profiles, and `isobench run`'s options together (build_spec). The first
// byte picks the parser, the rest is the text. Besides sanitizer reports, a value a parser
// accepts must keep its promise (a size of at least one byte, a list that reads back the
// same), or the fuzzer aborts.
#include <algorithm>
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
#include "runner/container_request.h"
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
  fields.resize(13);
  runner::ContainerRequest options;
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
  options.layer_size = fields[10];
  if (!fields[12].empty()) options.timeout = std::strtod(fields[12].c_str(), nullptr);
  runner::Invoker invoker;
  invoker.online_cpus = fields[11];
  (void)runner::build_spec(options, invoker, "/");
}

/// A cpuset, then on the next line the CPUs a host has: the two parsers of a list agree, and
/// the check never passes a list the parser refuses.
void cpuset_within(std::string_view text) {
  size_t newline = std::min(text.find('\n'), text.size());
  std::string_view requested = text.substr(0, newline);
  std::string_view available = text.substr(std::min(newline + 1, text.size()));
  auto ranges = runner::parse_cpu_ranges(requested);
  require(ranges.ok() == runner::parse_cpuset(requested).ok());
  if (ranges)
    for (const runner::CpuRange& range : *ranges) require(range.first <= range.last);
  if (runner::check_cpuset_within(requested, available)) require(ranges.ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 12) {
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
    case 9: run_options(text); break;
    case 10: cpuset_within(text); break;
    default: {
      // Durations as the option parsers see them (strtod, as CLI11 does).
      double seconds = std::strtod(text.c_str(), nullptr);
      if (runner::check_seconds(seconds, true)) require(std::isfinite(seconds) && seconds <= runner::kMaxSeconds);
    }
  }
  return 0;
}
