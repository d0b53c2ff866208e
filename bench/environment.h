// What every result carries about where it was measured, so that results from different
// hosts are never compared unknowingly.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/harness/run_record.h"

namespace isobench::bench {

/// Kernel, CPU model, cores, memory, cgroup mode, BTF, KVM status, isobench version and
/// commit, date (UTC, ISO 8601), the exact command line, and each target's version.
nlohmann::json collect_environment(const std::vector<std::string>& command_line, const std::string& isobench_version,
                                   const std::vector<TargetInfo>& targets);

}  // namespace isobench::bench
