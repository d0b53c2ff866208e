#include "runner/security/capabilities.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "common/file_io.h"

namespace isobench::runner {

uint64_t docker_default_capabilities() {
  uint64_t mask = 0;
  for (int cap : {CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD, CAP_NET_RAW, CAP_SETGID, CAP_SETUID,
                  CAP_SETFCAP, CAP_SETPCAP, CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE})
    mask |= 1ULL << cap;
  return mask;
}

Result<int> last_capability() {
  auto text = read_file("/proc/sys/kernel/cap_last_cap");
  if (!text) return text.error();
  try {
    return std::stoi(*text);
  } catch (const std::exception&) {
    return plain_error("unexpected /proc/sys/kernel/cap_last_cap: " + *text);
  }
}

std::string capability_mask_hex(uint64_t mask) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(mask));
  return text;
}

int limit_bounding_set(uint64_t keep, int last_cap) noexcept {
  for (int cap = 0; cap <= last_cap; ++cap) {
    if (keep & (1ULL << cap)) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) return errno;
  }
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) return errno;
  return 0;
}

int set_process_capabilities(uint64_t keep) noexcept {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  for (int word = 0; word < 2; ++word) {
    auto bits = static_cast<uint32_t>(keep >> (32 * word));
    data[word].effective = data[word].permitted = data[word].inheritable = bits;
  }
  if (syscall(SYS_capset, &header, data) != 0) return errno;
  return 0;
}

}  // namespace isobench::runner
