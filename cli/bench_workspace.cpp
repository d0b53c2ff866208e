#include "cli/bench_workspace.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "bench/targets/oci_runtime_target.h"
#include "common/system.h"
#include "runner/cgroup/stale_cgroups.h"
#include "runner/image.h"
#include "runner/image/merged_view.h"
#include "runner/image/store.h"

namespace isobench::cli {
namespace {

constexpr const char* kTmp = "/tmp";
constexpr const char* kCommands[] = {"bench", "demo", "doctor"};

/// flock(LOCK_EX) on the directory `path`, held while the descriptor is open; ENOENT when
/// `path` stopped naming that directory before the lock was ours (a cleaner removed it).
Result<UniqueFd> lock_directory(const std::string& path, bool wait) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return errno_error("cannot open " + path);
  int locked;
  do locked = flock(fd.get(), LOCK_EX | (wait ? 0 : LOCK_NB));
  while (locked != 0 && errno == EINTR);
  if (locked != 0) return errno_error("cannot lock " + path);
  struct stat held {
  }, named{};
  if (fstat(fd.get(), &held) != 0 || lstat(path.c_str(), &named) != 0 || held.st_ino != named.st_ino ||
      held.st_dev != named.st_dev)
    return Error{ENOENT, path + " was removed while it was being locked"};
  return fd;
}

bool is_scratch_name(const std::string& name) {
  for (const char* command : kCommands) {
    const std::string prefix = std::string("isobench-") + command + "-";
    if (name.size() == prefix.size() + 6 && name.compare(0, prefix.size(), prefix) == 0) return true;
  }
  return false;
}

/// Only what mkdtemp made for this user: nobody else can have put anything inside.
bool looks_like_our_scratch(const std::string& path) {
  struct stat info {};
  return lstat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode) && info.st_uid == geteuid() &&
         (info.st_mode & 07777) == 0700;
}

/// With the lock held: what the runtimes still run from it, then the directory. The image's
/// merged view is unmounted first, so that removing the directory never walks into a
/// mounted tree (read-only, but the layers are the store's).
void remove_locked_scratch(const std::string& path) {
  bench::delete_leftover_oci_containers(path);
  (void)runner::image::detach_mounts_beneath(path);
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
}

void sleep_ms(long ms) {
  timespec delay{0, ms * 1000000L};
  nanosleep(&delay, nullptr);
}

/// The cgroups of isobench runs that were killed (on a timeout, a stop, or with the harness)
/// empty as their containers die of their death signal: a little patience, then they go.
void sweep_cgroups_of_killed_runs() {
  for (int attempt = 0; geteuid() == 0 && attempt < 50; ++attempt) {
    auto sweep = runner::remove_stale_cgroups_on_host();
    if (!sweep || sweep->busy.empty()) break;
    sleep_ms(20);
  }
}

/// The guard: a fork of the harness that waits for it to exit, however it does, and then
/// removes what it leaves. It outlives what a terminal sends the whole process group.
[[noreturn]] void guard_workspace(int harness_pidfd, const std::string& scratch) {
  prctl(PR_SET_NAME, "isobench-guard", 0, 0, 0);
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE}) signal(signal_number, SIG_IGN);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  // Nothing of the harness's: its output pipes (a reader waits for their end), and its
  // lock on the scratch directory (released only when every copy of it is closed).
  if (dup2(harness_pidfd, 3) < 0) _exit(1);
  fcntl(3, F_SETFD, FD_CLOEXEC);
  close_range(4, ~0u, 0);
  int null = open("/dev/null", O_RDWR);
  if (null >= 0) {
    for (int fd = 0; fd < 3; ++fd) dup2(null, fd);
    if (null > 3) close(null);
  }

  pollfd harness{3, POLLIN, 0};
  while (poll(&harness, 1, -1) < 0 && errno == EINTR) {
  }
  // The targets died with the harness (their death signal); runc's and crun's containers did not.
  if (auto lock = lock_directory(scratch, /*wait=*/true)) remove_locked_scratch(scratch);
  sweep_cgroups_of_killed_runs();
  _exit(0);
}

/// The guard runs code of ours rather than a program, so it is forked here, not spawned; it
/// is owned like every child all the same: the workspace kills and reaps it when done.
Subprocess start_guard(const std::string& scratch) {
  UniqueFd harness(static_cast<int>(syscall(SYS_pidfd_open, getpid(), 0)));
  if (!harness) return Subprocess();
  pid_t guard = fork();
  if (guard == 0) guard_workspace(harness.get(), scratch);
  if (guard < 0) return Subprocess();
  return Subprocess(guard, UniqueFd());
}

}  // namespace

std::vector<std::string> remove_stale_workspaces(const std::string& tmp_dir) {
  std::vector<std::string> removed;
  DIR* dir = opendir(tmp_dir.c_str());
  if (!dir) return removed;
  std::vector<std::string> candidates;
  while (const dirent* entry = readdir(dir))
    if (is_scratch_name(entry->d_name)) candidates.push_back(tmp_dir + "/" + entry->d_name);
  closedir(dir);
  for (const std::string& path : candidates) {
    if (!looks_like_our_scratch(path)) continue;
    auto lock = lock_directory(path, /*wait=*/false);  // held: its bench runs
    if (!lock) continue;
    remove_locked_scratch(path);
    removed.push_back(path);
  }
  return removed;
}

Result<BenchWorkspace> BenchWorkspace::create(const std::string& command, const std::string& image) {
  auto self = own_executable();
  if (!self) return self.error();
  auto rootfs = runner::builtin_image_rootfs();
  if (!rootfs) return rootfs.error();

  (void)remove_stale_workspaces(kTmp);
  if (geteuid() == 0) (void)runner::remove_stale_cgroups_on_host();  // measuring cgroups among them

  for (int attempt = 0; attempt < 5; ++attempt) {
    std::string scratch = std::string(kTmp) + "/isobench-" + command + "-XXXXXX";
    if (!mkdtemp(scratch.data())) return errno_error("mkdtemp " + scratch);
    // Unlocked until here: another bench's sweep may have taken it for stale and removed it.
    auto lock = lock_directory(scratch, /*wait=*/false);
    if (!lock && lock.error().errno_value == ENOENT) continue;
    if (!lock) return lock.error();
    BenchWorkspace workspace(bench::TargetContext{*self, *rootfs, scratch, std::nullopt}, std::move(*lock),
                             start_guard(scratch));
    if (image.empty()) return workspace;
    // After the guard started: from the moment the view is mounted, a killed bench's guard
    // unmounts it. An error here leaves nothing (the workspace removes the scratch directory).
    auto opened =
        bench::BenchImage::open(runner::image::default_store_root(), image, scratch, *rootfs + bench::kStartStamper);
    if (!opened) return opened.error();
    workspace.context_.rootfs = (*opened)->root();
    workspace.context_.image = (*opened)->target_image();
    workspace.image_ = std::move(*opened);
    return workspace;
  }
  return plain_error("cannot keep a scratch directory in " + std::string(kTmp) + ": it keeps disappearing");
}

BenchWorkspace::BenchWorkspace(BenchWorkspace&& other) noexcept
    : context_(std::move(other.context_)),
      lock_(std::move(other.lock_)),
      guard_(std::move(other.guard_)),
      image_(std::move(other.image_)) {
  other.context_.scratch.clear();
}

BenchWorkspace::~BenchWorkspace() {
  // Before the cleanup below, which is the guard's to do only once the harness is gone.
  guard_.kill_and_reap();
  if (context_.scratch.empty()) return;  // moved from
  image_.reset();                        // its view is in the scratch directory: unmounted before that goes
  std::error_code ignored;
  std::filesystem::remove_all(context_.scratch, ignored);
  // The guard is gone, so its sweep is ours: an `isobench run` the harness SIGKILLed leaves
  // its container's cgroups behind.
  sweep_cgroups_of_killed_runs();
}

int exit_status_of_runs(const bench::BenchmarkResults& results, const std::string& where_to_look) {
  size_t failed = 0;
  for (const bench::RunRecord& record : results.records) failed += record.ok ? 0 : 1;
  if (failed == 0) return 0;
  std::cerr << "isobench: " << failed << " of " << results.records.size() << " runs failed (" << where_to_look << ")\n";
  return 1;
}

}  // namespace isobench::cli
