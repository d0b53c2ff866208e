// Which device files a container may open: runc's and Docker's default allow-list. Root in a
// container keeps CAP_MKNOD (Docker's capability set has it), so without this list it could
// create and open any host device: a disk, /dev/kmsg, /dev/mem. Creating a node stays allowed
// (images unpack device files); opening one that is not listed fails with EPERM.
//
// The list is enforced by the cgroup: on v1 through the devices controller's files, on v2
// through a BPF_PROG_TYPE_CGROUP_DEVICE program attached to the container's cgroup.
#pragma once

#include <linux/bpf.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"

namespace isobench::runner {

struct DeviceRule {
  enum Access : uint32_t { kMknod = 1, kRead = 2, kWrite = 4, kAll = 7 };
  char type = 'a';      ///< 'c' character, 'b' block, 'a' both
  int64_t major = -1;   ///< -1: any
  int64_t minor = -1;   ///< -1: any
  uint32_t access = kAll;
};

/// Allowed devices, in runc's order: mknod of anything; read, write and mknod of null,
/// zero, full, random, urandom, tty, ptmx, the pts range and fuse. Anything else is denied.
/// Stricter than runc: no console (5:1), which runc allows because it puts a pty of its own
/// there; isobench does not, so 5:1 would be the host's system console.
const std::vector<DeviceRule>& default_device_rules();

/// The v1 devices controller's spelling of a rule: "c 1:3 rwm", "b *:* m".
std::string device_rule_text(const DeviceRule& rule);

/// A cgroup v2 device program allowing exactly `rules` (default deny): a pure function,
/// so that the generated instructions can be checked without a kernel.
std::vector<bpf_insn> compile_device_program(const std::vector<DeviceRule>& rules);

/// Loads the program into the kernel (libbpf) and attaches it to the cgroup v2 directory
/// `cgroup_dir_fd`. The returned descriptor keeps the program; the attachment lives as long
/// as the cgroup.
Result<UniqueFd> attach_device_program(const std::vector<bpf_insn>& program, int cgroup_dir_fd);

}  // namespace isobench::runner
