// What this kernel lets BPF do, tried rather than assumed: the probes' half of
// `isobench doctor`, and later the switchboard that turns programs off.
#pragma once

#include <vector>

#include "common/host_check.h"

namespace isobench::probes {

/// BTF, tracefs (mounted, or mountable), and whether tracepoint, raw tracepoint programs and
/// ring buffers load on this kernel.
std::vector<HostCheck> check_bpf_features();

}  // namespace isobench::probes
