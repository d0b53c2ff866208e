// The namespace kinds a container can get, their names on the command line and their
// clone flags.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace isobench::runner {

enum class Namespace { kPid, kMount, kUts, kIpc, kNet, kCgroup, kUser, kTime };

inline constexpr std::array<Namespace, 8> kAllNamespaces = {Namespace::kPid,  Namespace::kMount, Namespace::kUts,
                                                            Namespace::kIpc,  Namespace::kNet,   Namespace::kCgroup,
                                                            Namespace::kUser, Namespace::kTime};

/// "pid", "mnt", "uts", "ipc", "net", "cgroup", "user", "time" (the names of /proc/PID/ns).
std::string_view namespace_name(Namespace ns);
uint64_t clone_flag(Namespace ns);
/// Accepts the /proc/PID/ns names and "mount" as an alias of "mnt".
Result<Namespace> parse_namespace(std::string_view name);

/// A set of namespaces, small enough to copy around.
class NamespaceSet {
 public:
  NamespaceSet() = default;
  static NamespaceSet container_default();  ///< pid, mnt, uts, ipc, net, cgroup

  bool has(Namespace ns) const { return bits_ & bit(ns); }
  void add(Namespace ns) { bits_ |= bit(ns); }
  void remove(Namespace ns) { bits_ &= ~bit(ns); }
  bool empty() const { return bits_ == 0; }
  /// OR of the clone flags of all members.
  uint64_t clone_flags() const;
  /// Names in kAllNamespaces order, joined by ','.
  std::string to_string() const;
  bool operator==(const NamespaceSet&) const = default;

 private:
  static unsigned bit(Namespace ns) { return 1u << static_cast<unsigned>(ns); }
  unsigned bits_ = 0;
};

/// "net,ipc" -> {net, ipc}. Empty items and unknown names are errors naming the item.
Result<NamespaceSet> parse_namespace_list(std::string_view list);

}  // namespace isobench::runner
