// The tracepoints each probe's programs attach to: the one list per probe that the session's
// availability checks, the choose-programs phase of loading and doctor's lines all read.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probes/probe_set.h"

namespace isobench::probes {

/// Tracepoints as "category/name", the way tracefs lists them under events/.
struct ProbeTracepoints {
  std::vector<std::string> required;  ///< without any one of them the probe is off
  std::vector<std::string> optional;  ///< extras, loaded together or not at all
  std::string without_optional;       ///< what the probe lacks when the extras are left out

  /// required, then optional.
  std::vector<std::string> all() const;
};

ProbeTracepoints probe_tracepoints(ProbeKind kind);

/// The tracepoint among `tracepoints` that a program of ELF section `section` attaches to:
/// "tp/sched/sched_switch" (or "tracepoint/...") names it whole, "raw_tp/sys_enter" (or
/// "raw_tracepoint/...", "tp_btf/...") by its name alone. Nothing for other sections.
std::optional<std::string> tracepoint_of_section(std::string_view section, const std::vector<std::string>& tracepoints);

}  // namespace isobench::probes
