// One line of `isobench doctor`: a fact about the host, found by trying. Both the runner and
// the probes produce them; only the executable prints them.
#pragma once

#include <string>

namespace isobench {

struct HostCheck {
  enum class Verdict { kOk, kUnavailable, kUntested };
  std::string area;  ///< "namespaces", "cgroups", "tools", ...
  std::string name;  ///< "net", "memory limit", "runc", ...
  Verdict verdict = Verdict::kOk;
  std::string detail;  ///< version, path, or why it is unavailable and what to do
};

inline const char* verdict_name(HostCheck::Verdict verdict) {
  switch (verdict) {
    case HostCheck::Verdict::kOk: return "ok";
    case HostCheck::Verdict::kUnavailable: return "unavailable";
    case HostCheck::Verdict::kUntested: return "untested";
  }
  return "?";
}

}  // namespace isobench
