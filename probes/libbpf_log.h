// libbpf's own messages (why a program did not load, the verifier's log, probing noise) are
// worth keeping but not worth showing: they go to spdlog, at debug level.
#pragma once

namespace isobench::probes {

/// Installs the libbpf print callback for the whole process; later calls do nothing. Every
/// message goes to spdlog at debug (libbpf's warnings too: failed feature probes and switched-
/// off programs are expected here and are reported as notes instead), libbpf's own debug
/// chatter at trace. ISOBENCH_BPF_VERBOSE=1 raises libbpf's warnings and information to
/// warn, so that they show at the default log level.
void route_libbpf_messages_to_spdlog();

}  // namespace isobench::probes
