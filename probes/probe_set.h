// Which probes a command asked for: `--probes lifecycle,cpu,syscalls,memory,kvm`.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "common/result.h"

namespace isobench::probes {

enum class ProbeKind { kLifecycle, kCpu, kSyscalls, kMemory, kKvm };
inline constexpr std::array<ProbeKind, 5> kAllProbes = {ProbeKind::kLifecycle, ProbeKind::kCpu, ProbeKind::kSyscalls,
                                                        ProbeKind::kMemory, ProbeKind::kKvm};

std::string_view probe_name(ProbeKind kind);

class ProbeSet {
 public:
  static ProbeSet all();
  static ProbeSet none() { return {}; }
  /// "lifecycle,cpu", "all" or "none"; an unknown name is an error naming it.
  static Result<ProbeSet> parse(std::string_view list);

  bool has(ProbeKind kind) const { return (bits_ >> static_cast<int>(kind)) & 1U; }
  void add(ProbeKind kind) { bits_ |= 1U << static_cast<int>(kind); }
  void remove(ProbeKind kind) { bits_ &= ~(1U << static_cast<int>(kind)); }
  bool empty() const { return bits_ == 0; }
  /// "lifecycle,cpu" (in canonical order), "none" when empty.
  std::string to_string() const;
  bool operator==(const ProbeSet&) const = default;

 private:
  unsigned bits_ = 0;
};

}  // namespace isobench::probes
