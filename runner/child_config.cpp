#include "runner/child_config.h"

#include <linux/capability.h>

#include "runner/security/capabilities.h"

namespace isobench::runner {

ChildConfig child_config_for(const ContainerSpec& spec, const ChildResources& resources) {
  const bool default_security = spec.security == SecurityMode::kDefault;
  const bool has_mount_ns = spec.namespaces.has(Namespace::kMount);
  ChildConfig config;
  config.cgroup_dir_fd = resources.cgroup_dir_fd;
  config.cgroup_join_fds = resources.cgroup_join_fds;
  config.cgroup_join_count = resources.cgroup_join_count;
  config.sync_fd = resources.sync_fd;
  config.error_fd = resources.error_fd;
  config.runner_pidfd = resources.runner_pidfd;
  config.original_mask = resources.original_mask;
  config.become_root = spec.namespaces.has(Namespace::kUser);
  config.unshare_cgroup = spec.namespaces.has(Namespace::kCgroup);
  config.hostname = spec.namespaces.has(Namespace::kUts) ? spec.hostname.c_str() : nullptr;
  config.rootfs = has_mount_ns ? resources.rootfs_plan : nullptr;
  config.rootfs_fd = resources.rootfs_fd;
  config.loopback_up = spec.namespaces.has(Namespace::kNet);
  config.cwd = spec.cwd.c_str();
  config.preserve_fds = spec.preserve_fds;
  config.console_fd = spec.terminal ? resources.console_fd : -1;
  config.terminal_size = spec.terminal_size;
  config.set_ids = spec.uid != 0 || spec.gid != 0;
  config.clear_groups = !spec.deny_setgroups;
  config.uid = spec.uid;
  config.gid = spec.gid;
  config.limit_capabilities = default_security;
  config.keep_capabilities = docker_default_capabilities();
  if (!resources.devices_guarded) config.keep_capabilities &= ~(uint64_t{1} << CAP_MKNOD);
  config.last_capability = resources.last_capability;
  config.no_new_privs = default_security;
  config.seccomp = default_security ? resources.seccomp : nullptr;
  config.executable = spec.executable.c_str();
  config.argv = resources.argv;
  config.envp = resources.envp;
  return config;
}

}  // namespace isobench::runner
