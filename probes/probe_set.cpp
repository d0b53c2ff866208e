#include "probes/probe_set.h"

namespace isobench::probes {

std::string_view probe_name(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::kLifecycle: return "lifecycle";
    case ProbeKind::kCpu: return "cpu";
    case ProbeKind::kSyscalls: return "syscalls";
    case ProbeKind::kMemory: return "memory";
    case ProbeKind::kKvm: return "kvm";
  }
  return "?";
}

ProbeSet ProbeSet::all() {
  ProbeSet set;
  for (ProbeKind kind : kAllProbes) set.add(kind);
  return set;
}

Result<ProbeSet> ProbeSet::parse(std::string_view list) {
  if (list == "all") return all();
  if (list == "none") return none();
  ProbeSet set;
  const std::string_view whole = list;
  if (list.empty()) return plain_error("--probes needs at least one probe name (or 'none')");
  while (true) {
    size_t comma = list.find(',');
    std::string_view name = list.substr(0, comma);
    bool last = comma == std::string_view::npos;
    if (name.empty()) return plain_error("empty probe name in '" + std::string(whole) + "'");
    bool known = false;
    for (ProbeKind kind : kAllProbes) {
      if (probe_name(kind) == name) {
        set.add(kind);
        known = true;
      }
    }
    if (!known)
      return plain_error("unknown probe '" + std::string(name) +
                         "' (known: lifecycle, cpu, syscalls, memory, kvm, or all/none)");
    if (last) return set;
    list = list.substr(comma + 1);
  }
}

std::string ProbeSet::to_string() const {
  std::string text;
  for (ProbeKind kind : kAllProbes) {
    if (!has(kind)) continue;
    if (!text.empty()) text += ',';
    text += probe_name(kind);
  }
  return text.empty() ? "none" : text;
}

}  // namespace isobench::probes
