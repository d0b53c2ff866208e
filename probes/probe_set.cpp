#include "probes/probe_set.h"

#include "common/text.h"

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
  if (list.empty()) return plain_error("--probes needs at least one probe name (or 'none')");
  for (const std::string& name : split_list(list, ',')) {
    if (name.empty()) return plain_error("empty probe name in '" + std::string(list) + "'");
    bool known = false;
    for (ProbeKind kind : kAllProbes) {
      if (probe_name(kind) == name) {
        set.add(kind);
        known = true;
      }
    }
    if (!known)
      return plain_error("unknown probe '" + name + "' (known: lifecycle, cpu, syscalls, memory, kvm, or all/none)");
  }
  return set;
}

std::string ProbeSet::to_string() const {
  std::vector<std::string_view> names;
  for (ProbeKind kind : kAllProbes)
    if (has(kind)) names.push_back(probe_name(kind));
  return names.empty() ? "none" : join(names, ",");
}

}  // namespace isobench::probes
