#include "runner/child.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "runner/security/capabilities.h"
#include "runner/terminal.h"

namespace isobench::runner {

/// execvpe's search without its allocation or its shell fallback: each PATH directory in
/// turn; the error is EACCES when some candidate existed but could not be run, else the
/// last one. Returns only on failure.
int exec_searching_path(char* const* argv, char* const* envp) noexcept {
  const char* name = argv[0];
  if (std::strchr(name, '/')) {
    execve(name, argv, envp);
    return errno;
  }
  const char* path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (char* const* entry = envp; *entry; ++entry)
    if (std::strncmp(*entry, "PATH=", 5) == 0) path = *entry + 5;
  const size_t name_length = std::strlen(name);
  int error = ENOENT;
  bool denied = false;
  for (const char* dir = path;; ++dir) {
    const char* end = std::strchr(dir, ':');
    if (!end) end = dir + std::strlen(dir);
    char candidate[4096];
    const size_t dir_length = static_cast<size_t>(end - dir);
    if (dir_length + name_length + 2 <= sizeof candidate) {
      std::memcpy(candidate, dir, dir_length);
      size_t at = dir_length;
      if (at == 0) candidate[at++] = '.';  // an empty entry is the working directory
      candidate[at++] = '/';
      std::memcpy(candidate + at, name, name_length + 1);
      execve(candidate, argv, envp);
      error = errno;
      if (error == EACCES) denied = true;
    }
    if (*end == '\0') break;
    dir = end;
  }
  return denied ? EACCES : error;
}

const char* child_stage_name(ChildStage stage) {
  switch (stage) {
    case ChildStage::kJoinCgroup: return "joining the container's cgroup";
    case ChildStage::kWaitForParent: return "waiting for the runner";
    case ChildStage::kSession: return "starting a session without a controlling terminal";
    case ChildStage::kBecomeRoot: return "becoming root in the user namespace";
    case ChildStage::kCgroupNamespace: return "creating the cgroup namespace";
    case ChildStage::kHostname: return "setting the hostname";
    case ChildStage::kRootfs: return "setting up the root filesystem";
    case ChildStage::kLoopback: return "bringing up the loopback interface";
    case ChildStage::kWorkingDirectory: return "changing to the working directory";
    case ChildStage::kBoundingSet: return "limiting the capability bounding set";
    case ChildStage::kGroups: return "clearing supplementary groups";
    case ChildStage::kUserIds: return "setting the user and group";
    case ChildStage::kCapabilities: return "setting capabilities";
    case ChildStage::kTerminal: return "making the container's pseudo-terminal";
    case ChildStage::kNoNewPrivileges: return "setting no_new_privs";
    case ChildStage::kSeccomp: return "installing the seccomp filter";
    case ChildStage::kDescriptors: return "closing the runner's descriptors";
    case ChildStage::kExec: return "starting the command";
  }
  return "?";
}

namespace {

[[noreturn]] void fail(const ChildConfig& config, ChildStage stage, int error, int32_t step = -1) noexcept {
  ChildFailure failure{stage, step, error};
  ssize_t ignored = write(config.error_fd, &failure, sizeof failure);
  (void)ignored;
  _exit(125);
}

int bring_loopback_up() noexcept {
  int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) return errno;
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  int error = 0;
  if (ioctl(sock, SIOCGIFFLAGS, &request) != 0) {
    error = errno;
  } else {
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
    if (ioctl(sock, SIOCSIFFLAGS, &request) != 0) error = errno;
  }
  close(sock);
  return error;
}

/// chdir to `path` resolved inside our root: a working directory such as
/// /proc/self/fd/N (a descriptor the runner holds on a host directory) must not lead out
/// (CVE-2024-21626), so magic links are refused; ordinary symlinks stay inside the root.
int change_directory_in_root(const char* path) noexcept {
  open_how how{};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  // The root is "/" itself, not the current directory: without a mount namespace that is
  // still the runner's own.
  int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return errno;
  long fd = syscall(SYS_openat2, root, path, &how, sizeof how);
  int saved = errno;
  close(root);
  if (fd < 0) return saved;
  int error = fchdir(static_cast<int>(fd)) == 0 ? 0 : errno;
  close(static_cast<int>(fd));
  return error;
}

/// Creates the directories of absolute `path` that are missing (mode 0755), as Docker does
/// for a working directory the image lacks. Each existing prefix is resolved inside our root
/// as change_directory_in_root resolves it, and a missing component is made by mkdirat in
/// its resolved parent, under a name without slashes: nothing is created outside the root,
/// whatever symlinks the image holds. No allocation: runs between clone and exec.
int make_directories_in_root(const char* path) noexcept {
  char prefix[PATH_MAX];
  const size_t length = std::strlen(path);
  if (length == 0 || length >= sizeof prefix || path[0] != '/') return ENAMETOOLONG;
  open_how how{};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return errno;
  int parent = dup(root);
  int error = parent < 0 ? errno : 0;
  size_t start = 1;
  while (error == 0 && start < length) {
    size_t end = start;
    while (end < length && path[end] != '/') ++end;
    if (end > start) {
      std::memcpy(prefix, path, end);
      prefix[end] = '\0';
      long next = syscall(SYS_openat2, root, prefix, &how, sizeof how);
      if (next < 0 && errno == ENOENT) {
        char name[NAME_MAX + 1];
        const size_t name_length = end - start;
        if (name_length > NAME_MAX) {
          error = ENAMETOOLONG;
          break;
        }
        std::memcpy(name, path + start, name_length);
        name[name_length] = '\0';
        if (mkdirat(parent, name, 0755) != 0 && errno != EEXIST) {
          error = errno;
          break;
        }
        next = syscall(SYS_openat2, root, prefix, &how, sizeof how);
      }
      if (next < 0) {
        error = errno;
        break;
      }
      close(parent);
      parent = static_cast<int>(next);
    }
    start = end + 1;
  }
  if (parent >= 0) close(parent);
  close(root);
  return error;
}

/// chdir to the working directory inside our root, made first when it is missing.
int enter_working_directory(const char* path) noexcept {
  int error = change_directory_in_root(path);
  if (error == ENOENT && (error = make_directories_in_root(path)) == 0) error = change_directory_in_root(path);
  return error;
}

/// Closes every descriptor but 0, 1, 2, the preserved ones and `keep` (the error pipe, which
/// closes itself at exec), so that nothing of the runner's crosses into the container.
int close_other_descriptors(int preserve, int keep) noexcept {
  const unsigned first = 3u + static_cast<unsigned>(preserve);
  for (unsigned fd = 3; fd < first; ++fd)
    if (fcntl(static_cast<int>(fd), F_SETFD, 0) != 0) return errno;  // passed on: not close-on-exec
  if (keep < static_cast<int>(first)) return EBADF;
  if (static_cast<unsigned>(keep) > first && close_range(first, static_cast<unsigned>(keep) - 1, 0) != 0) return errno;
  return close_range(static_cast<unsigned>(keep) + 1, ~0u, 0) == 0 ? 0 : errno;
}

/// SIGKILL when the runner dies from now on, and _exit if it has died already: the signal
/// only covers deaths after the prctl, and getppid() cannot tell (0 in a new pid namespace),
/// but the runner's pidfd is readable once it exited. A runner dying between the two is
/// seen by one or the other.
void die_with_runner(const ChildConfig& config) noexcept {
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (config.runner_pidfd < 0) return;
  pollfd runner{config.runner_pidfd, POLLIN, 0};
  if (poll(&runner, 1, 0) != 0) _exit(125);  // gone (or the pidfd broken): nobody to report to
}

/// The workload's bounding set, ids and capabilities, in the order that keeps the privilege
/// each step needs until it is done.
void take_workload_credentials(const ChildConfig& config) noexcept {
  if (config.limit_capabilities)
    if (int error = limit_bounding_set(config.keep_capabilities, config.last_capability))
      fail(config, ChildStage::kBoundingSet, error);
  if (config.set_ids) {
    if (config.clear_groups && syscall(SYS_setgroups, 0, nullptr) != 0) fail(config, ChildStage::kGroups, errno);
    if (syscall(SYS_setresgid, config.gid, config.gid, config.gid) != 0) fail(config, ChildStage::kUserIds, errno);
    if (syscall(SYS_setresuid, config.uid, config.uid, config.uid) != 0) fail(config, ChildStage::kUserIds, errno);
  }
  if (config.limit_capabilities && config.uid == 0)
    if (int error = set_process_capabilities(config.keep_capabilities)) fail(config, ChildStage::kCapabilities, error);
}

}  // namespace

void run_child(const ChildConfig& config) noexcept {
  // If the runner dies, so does the container (the pid namespace takes the rest with it).
  die_with_runner(config);
  // A session of our own: no controlling terminal, so the caller's terminal cannot be fed
  // keystrokes with TIOCSTI (CVE-2017-5226); signals reach us through the runner instead.
  if (setsid() < 0) fail(config, ChildStage::kSession, errno);
  sigprocmask(SIG_SETMASK, &config.original_mask, nullptr);
  // A directory of the host's cgroup tree: we are in it already and need it no more.
  if (config.cgroup_dir_fd >= 0) close(config.cgroup_dir_fd);

  // First, before anything is charged to the runner's cgroup. A single-threaded process
  // moving itself through `tasks` skips the thread-group lock that cgroup.procs takes.
  for (size_t i = 0; i < config.cgroup_join_count; ++i) {
    if (write(config.cgroup_join_fds[i], "0", 1) != 1) fail(config, ChildStage::kJoinCgroup, errno);
    close(config.cgroup_join_fds[i]);
  }
  if (config.sync_fd >= 0) {
    char go = 0;
    ssize_t got;
    do got = read(config.sync_fd, &go, 1);
    while (got < 0 && errno == EINTR);
    if (got != 1) _exit(125);  // the runner gave up on us; it reports why
    close(config.sync_fd);
  }

  // Our ids are still the host's, which the new maps may not contain: switch to the
  // namespace's root so that files we create get a mapped owner. Raw syscalls: glibc's
  // wrappers would try to synchronise threads that are not ours.
  if (config.become_root) {
    if (syscall(SYS_setresgid, 0, 0, 0) != 0) fail(config, ChildStage::kBecomeRoot, errno);
    if (syscall(SYS_setresuid, 0, 0, 0) != 0) fail(config, ChildStage::kBecomeRoot, errno);
  }

  // Inside our cgroup now, which must become the namespace's root.
  if (config.unshare_cgroup && unshare(CLONE_NEWCGROUP) != 0) fail(config, ChildStage::kCgroupNamespace, errno);
  if (config.hostname && sethostname(config.hostname, std::strlen(config.hostname)) != 0)
    fail(config, ChildStage::kHostname, errno);
  if (config.rootfs) {
    size_t step = 0;
    if (int error = apply_rootfs_plan(*config.rootfs, &step))
      fail(config, ChildStage::kRootfs, error, static_cast<int32_t>(step));
  }
  // The overlay holds its own reference; the workload must not get a handle on the host path.
  if (config.rootfs_fd >= 0) close(config.rootfs_fd);
  if (config.loopback_up)
    if (int error = bring_loopback_up()) fail(config, ChildStage::kLoopback, error);
  if (config.cwd)
    if (int error = enter_working_directory(config.cwd)) fail(config, ChildStage::kWorkingDirectory, error);

  take_workload_credentials(config);
  // With our final ids, so that the pty's slave is the workload's own (owner and mode 0620).
  if (config.console_fd >= 0)
    if (int error = make_controlling_terminal(config.console_fd, config.terminal_size))
      fail(config, ChildStage::kTerminal, error);
  // Changing credentials (our own ids above, or the namespace root's) cleared the death
  // signal; the runner may have died while it was off.
  die_with_runner(config);
  if (config.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    fail(config, ChildStage::kNoNewPrivileges, errno);
  umask(022);
  // Nothing from here on opens a descriptor. execve resolves the executable's path after
  // this, so a /proc/self/fd/N in it (or in a symlink of the image) finds nothing of ours.
  if (int error = close_other_descriptors(config.preserve_fds, config.error_fd))
    fail(config, ChildStage::kDescriptors, error);
  // Last: the filter forbids much of what the steps above needed.
  if (config.seccomp)
    if (int error = install_seccomp_program(*config.seccomp)) fail(config, ChildStage::kSeccomp, error);

  if (config.executable && *config.executable) {
    execve(config.executable, config.argv, config.envp);
    fail(config, ChildStage::kExec, errno);
  }
  fail(config, ChildStage::kExec, exec_searching_path(config.argv, config.envp));
}

}  // namespace isobench::runner
