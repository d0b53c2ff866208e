#include "runner/namespaces.h"

#include <sched.h>

#include "common/text.h"

namespace isobench::runner {

std::string_view namespace_name(Namespace ns) {
  switch (ns) {
    case Namespace::kPid: return "pid";
    case Namespace::kMount: return "mnt";
    case Namespace::kUts: return "uts";
    case Namespace::kIpc: return "ipc";
    case Namespace::kNet: return "net";
    case Namespace::kCgroup: return "cgroup";
    case Namespace::kUser: return "user";
    case Namespace::kTime: return "time";
  }
  return "?";
}

uint64_t clone_flag(Namespace ns) {
  switch (ns) {
    case Namespace::kPid: return CLONE_NEWPID;
    case Namespace::kMount: return CLONE_NEWNS;
    case Namespace::kUts: return CLONE_NEWUTS;
    case Namespace::kIpc: return CLONE_NEWIPC;
    case Namespace::kNet: return CLONE_NEWNET;
    case Namespace::kCgroup: return CLONE_NEWCGROUP;
    case Namespace::kUser: return CLONE_NEWUSER;
    case Namespace::kTime: return CLONE_NEWTIME;
  }
  return 0;
}

Result<Namespace> parse_namespace(std::string_view name) {
  if (name == "mount") return Namespace::kMount;
  for (Namespace ns : kAllNamespaces)
    if (namespace_name(ns) == name) return ns;
  return plain_error("unknown namespace '" + std::string(name) +
                     "': expected one of pid, mnt, uts, ipc, net, cgroup, user, time");
}

NamespaceSet NamespaceSet::container_default() {
  NamespaceSet set;
  for (Namespace ns :
       {Namespace::kPid, Namespace::kMount, Namespace::kUts, Namespace::kIpc, Namespace::kNet, Namespace::kCgroup})
    set.add(ns);
  return set;
}

uint64_t NamespaceSet::clone_flags() const {
  uint64_t flags = 0;
  for (Namespace ns : kAllNamespaces)
    if (has(ns)) flags |= clone_flag(ns);
  return flags;
}

std::string NamespaceSet::to_string() const {
  std::vector<std::string_view> names;
  for (Namespace ns : kAllNamespaces)
    if (has(ns)) names.push_back(namespace_name(ns));
  return join(names, ",");
}

Result<NamespaceSet> parse_namespace_list(std::string_view list) {
  NamespaceSet set;
  for (const std::string& item : split_list(list, ',')) {
    if (item.empty()) return plain_error("empty namespace name in list '" + std::string(list) + "'");
    auto ns = parse_namespace(item);
    if (!ns) return ns.error();
    set.add(*ns);
  }
  return set;
}

}  // namespace isobench::runner
