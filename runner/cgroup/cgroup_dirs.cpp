#include "runner/cgroup/cgroup_dirs.h"

#include <signal.h>
#include <time.h>

#include <sstream>

#include "common/time_units.h"
#include "runner/cgroup/cgroup.h"

namespace isobench::runner {
namespace {

void sleep_ms(long ms) {
  timespec delay{0, whole_ms_to_ns(ms)};
  nanosleep(&delay, nullptr);
}

}  // namespace

Result<CgroupDir> create_cgroup_dir(CgroupFs& fs, const std::string& root, const std::string& name,
                                    const std::function<Status(const std::string&)>& prepare_parent) {
  std::string parent = root + "/" + kCgroupParent;
  std::string dir = parent + "/" + name;
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (auto made = fs.make_dir(parent); !made && made.error().errno_value != EEXIST) return made.error();
    if (prepare_parent) ISOBENCH_TRY(prepare_parent(parent));
    auto made = fs.make_dir(dir);
    if (!made) {
      if (made.error().errno_value != ENOENT) return made.error();
      // Nested (<parent>/<leaf>): a parent that is not there is the caller's mistake, not a race.
      const std::string nested_parent = dir.substr(0, dir.rfind('/'));
      if (nested_parent != parent && !fs.exists(nested_parent))
        return Error{ENOENT, "cgroup parent " + nested_parent + " does not exist"};
      continue;
    }
    // Until the lock is ours the directory looks stale; a cleaner that removed it in that
    // window makes lock_dir fail with ENOENT, and the name is free to make again.
    // Not a blocking wait: anyone who may open the directory may flock it, and a start must
    // not hang on them. A cleaner holds it for one rmdir.
    auto lock = fs.lock_dir(dir, /*wait=*/false);
    for (int retry = 0; !lock && lock.error().errno_value == EWOULDBLOCK && retry < 1000; ++retry) {
      sleep_ms(1);
      lock = fs.lock_dir(dir, /*wait=*/false);
    }
    if (lock) return CgroupDir{dir, std::move(*lock)};
    if (lock.error().errno_value != ENOENT) {
      (void)fs.remove_dir(dir);
      return lock.error();
    }
  }
  return plain_error("cannot create cgroup " + dir + ": it keeps disappearing");
}

Status kill_cgroup_procs(CgroupFs& fs, const std::string& dir) {
  for (int round = 0; round < 200; ++round) {
    auto procs = fs.read(dir + "/cgroup.procs");
    if (!procs) return procs.error().errno_value == ENOENT ? Status{} : Status{procs.error()};
    std::istringstream pids(*procs);
    pid_t pid = 0;
    bool any = false;
    while (pids >> pid) {
      any = true;
      ::kill(pid, SIGKILL);
    }
    if (!any) return {};
    sleep_ms(5);
  }
  return plain_error("processes in " + dir + " survive SIGKILL");
}

Status remove_cgroup_dir(CgroupFs& fs, const std::string& dir) {
  Status removed;
  for (int attempt = 0; attempt < 200; ++attempt) {
    removed = fs.remove_dir(dir);
    if (removed || removed.error().errno_value == ENOENT) break;
    if (removed.error().errno_value != EBUSY) return removed;
    sleep_ms(5);
  }
  if (!removed && removed.error().errno_value != ENOENT) return removed;
  return {};
}

}  // namespace isobench::runner
