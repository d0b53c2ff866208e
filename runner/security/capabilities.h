// Capability sets for the container: Docker's default set, as a bit mask.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"

namespace isobench::runner {

/// CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP,
/// NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE: what `docker run` keeps.
uint64_t docker_default_capabilities();

/// The highest capability number this kernel knows (/proc/sys/kernel/cap_last_cap).
Result<int> last_capability();

/// Hex as /proc/PID/status prints CapEff: 16 digits, lowercase.
std::string capability_mask_hex(uint64_t mask);

/// Child side, async-signal-safe: drops every capability outside `keep` from the bounding
/// set and clears the ambient set. Needs CAP_SETPCAP, so it runs before changing uid.
/// Returns 0 or an errno.
int limit_bounding_set(uint64_t keep, int last_cap) noexcept;

/// Child side, async-signal-safe: sets permitted, effective and inheritable to `keep`.
/// Only for uid 0: a non-root uid already lost them all when it was set. Returns 0 or an errno.
int set_process_capabilities(uint64_t keep) noexcept;

}  // namespace isobench::runner
