#include "bench/targets/private_mount_namespace.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <string>

#include "common/subprocess.h"
#include "common/system.h"

namespace isobench::bench {
namespace {

/// Runs in the forked child, which has its own mount namespace: mount calls only.
bool change_mounts(PrivateMounts mounts) {
  switch (mounts) {
    case PrivateMounts::kWithoutCgroup2:
      return umount2("/sys/fs/cgroup/unified", MNT_DETACH) == 0;
    case PrivateMounts::kPrivateRun:
      return mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=16m") == 0;
  }
  return false;
}

const char* description(PrivateMounts mounts) {
  switch (mounts) {
    case PrivateMounts::kWithoutCgroup2:
      return "a mount namespace without the cgroup2 mount";
    case PrivateMounts::kPrivateRun:
      return "a mount namespace with a private /run";
  }
  return "a mount namespace";
}

}  // namespace

Result<UniqueFd> private_mount_namespace(PrivateMounts mounts) {
  UniqueFd ready_read, ready_write;
  ISOBENCH_TRY(make_pipe(ready_read, ready_write));
  // A fork that runs code of ours (no exec), owned from the moment it exists.
  pid_t pid = fork();
  if (pid < 0) return errno_error("fork");
  if (pid == 0) {
    ready_read.reset();
    char verdict = 1;
    if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        !change_mounts(mounts))
      verdict = 0;
    (void)!write(ready_write.get(), &verdict, 1);
    pause();  // until the parent has opened our namespace and killed us
    _exit(0);
  }
  Subprocess child(pid, UniqueFd());
  ready_write.reset();
  char verdict = 0;
  bool ok = read(ready_read.get(), &verdict, 1) == 1 && verdict == 1;
  UniqueFd mount_namespace;
  if (ok) mount_namespace.reset(open(("/proc/" + std::to_string(pid) + "/ns/mnt").c_str(), O_RDONLY | O_CLOEXEC));
  child.kill_and_reap();
  if (!ok || !mount_namespace) return plain_error(std::string("cannot prepare ") + description(mounts));
  return mount_namespace;
}

}  // namespace isobench::bench
