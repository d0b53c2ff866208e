#include "runner/spec.h"

#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace isobench::runner {

std::vector<std::string> isolation_warnings(const ContainerSpec& spec) {
  std::vector<std::string> warnings;
  if (!spec.namespaces.has(Namespace::kMount))
    warnings.push_back(
        "--share mnt: the container works in the host's mount namespace, with no masked paths and the host's "
        "writable /proc/sys: it is not isolated from the host's files (as docker run -v /:/host)");
  if (!spec.namespaces.has(Namespace::kPid))
    warnings.push_back(
        "--share pid: the container sees and may signal the host's processes, and reaches the host's files "
        "through /proc/PID/root of those of its uid (as docker run --pid=host)");
  if (spec.security == SecurityMode::kNone)
    warnings.push_back(
        "--security none: the container keeps every capability of root and has no seccomp filter: it can undo "
        "its own isolation, devices and masks included (as docker run --privileged)");
  return warnings;
}

std::vector<std::string> default_environment(const std::string& hostname) {
  return {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "HOSTNAME=" + hostname,
          "TERM=xterm"};
}

std::vector<std::string> merge_environment(std::vector<std::string> base, const std::vector<std::string>& overrides) {
  for (const std::string& entry : overrides) {
    std::string key = entry.substr(0, entry.find('='));
    std::erase_if(base, [&](const std::string& existing) {
      return existing.compare(0, key.size(), key) == 0 && existing.size() > key.size() && existing[key.size()] == '=';
    });
    if (entry.find('=') != std::string::npos) base.push_back(entry);
  }
  return base;
}

std::string new_container_id() {
  unsigned char bytes[6] = {};
  if (getrandom(bytes, sizeof bytes, 0) != sizeof bytes) {
    // getrandom cannot fail for 6 bytes after boot; fall back to the pid to stay unique enough.
    unsigned pid = static_cast<unsigned>(getpid());
    std::copy_n(reinterpret_cast<unsigned char*>(&pid), sizeof pid, bytes);
  }
  char text[13];
  for (int i = 0; i < 6; ++i) std::snprintf(text + 2 * i, 3, "%02x", bytes[i]);
  return std::string(text, 12);
}

}  // namespace isobench::runner
