// Mounts: overlayfs mount+umount, and pivot_root in a child's new mount namespace.
// The benchmark process runs in its own mount namespace with every mount private
// (enter_private_mount_namespace, called from main), so the host never sees these mounts.
// Scratch directories live under /tmp and are removed when each benchmark finishes. The
// overlay layers sit on a tmpfs, as in isobench: with the upper layer on a disk file
// system, every umount would also sync that file system.
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/mechanisms/child_process.h"
#include "bench/mechanisms/price_list.h"
#include "common/file_io.h"

namespace isobench::bench::mechanisms {
namespace {

/// A fresh directory under /tmp, removed with everything in it when the owner goes. Mounts
/// inside must be undone first: their owners are declared after it.
class ScratchDir {
 public:
  static Result<std::unique_ptr<ScratchDir>> make() {
    char path[] = "/tmp/isobench-mechanisms-XXXXXX";
    if (!mkdtemp(path)) return errno_error("mkdtemp in /tmp");
    return std::unique_ptr<ScratchDir>(new ScratchDir(path));
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  /// Creates <scratch>/<name> and returns its path.
  Result<std::string> make_dir(const std::string& name) const {
    std::string path = path_ + "/" + name;
    if (mkdir(path.c_str(), 0755) != 0) return errno_error("mkdir " + path);
    return path;
  }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

/// A mount this process made. It is detached when the owner goes unless it was unmounted
/// before.
class Mount {
 public:
  static Result<Mount> make(const char* source, const std::string& target, const char* fstype,
                            const std::string& data) {
    if (mount(source, target.c_str(), fstype, 0, data.c_str()) != 0)
      return errno_error(std::string("mount ") + fstype + " on " + target);
    return Mount(target);
  }
  Mount(Mount&& other) noexcept : target_(std::exchange(other.target_, {})) {}
  Mount& operator=(Mount&&) = delete;
  Mount(const Mount&) = delete;
  Mount& operator=(const Mount&) = delete;
  ~Mount() {
    if (!target_.empty()) umount2(target_.c_str(), MNT_DETACH);
  }

  /// umount2 without MNT_DETACH: the synchronous unmount is part of the price.
  Status unmount() {
    if (umount2(target_.c_str(), 0) != 0) return errno_error("umount " + target_);
    target_.clear();
    return {};
  }

 private:
  explicit Mount(std::string target) : target_(std::move(target)) {}
  std::string target_;
};

Status overlay_cycle(const std::string& target, const std::string& options) {
  auto overlay = Mount::make("overlay", target, "overlay", options);
  if (!overlay) return overlay.error();
  return overlay->unmount();
}

/// What a container's root costs in isobench: a fresh tmpfs holding the writable layer,
/// upper/work/root made in it, the overlay on root. Then everything is undone.
Status tmpfs_and_overlay_cycle(const std::string& layer, const std::vector<std::string>& layer_dirs,
                               const std::string& root, const std::string& options) {
  auto tmpfs = Mount::make("isobench", layer, "tmpfs", "mode=0755");
  if (!tmpfs) return tmpfs.error();
  for (const std::string& dir : layer_dirs)
    if (mkdir(dir.c_str(), 0755) != 0) return errno_error("mkdir " + dir);
  ISOBENCH_TRY(overlay_cycle(root, options));
  return tmpfs->unmount();
}

void overlay_benchmark(benchmark::State& state, const Status& private_mounts, bool with_tmpfs_layer) {
  if (!private_mounts) return skip(state, private_mounts.error());
  auto scratch = ScratchDir::make();
  if (!scratch) return skip(state, scratch.error());
  auto scratch_tmpfs = Mount::make("isobench-mechanisms", (*scratch)->path(), "tmpfs", "mode=0755");
  if (!scratch_tmpfs) return skip(state, scratch_tmpfs.error());
  std::vector<std::string> dirs;
  for (const char* name : {"lower", "upper", "work", "merged", "layer"}) {
    auto dir = (*scratch)->make_dir(name);
    if (!dir) return skip(state, dir.error());
    dirs.push_back(*dir);
  }
  const std::string &lower = dirs[0], &upper = dirs[1], &work = dirs[2], &merged = dirs[3], &layer = dirs[4];
  if (Status file = write_regular_file(lower + "/hello", "from the lower layer\n"); !file)
    return skip(state, file.error());
  const std::string options = with_tmpfs_layer
                                  ? "lowerdir=" + lower + ",upperdir=" + layer + "/upper,workdir=" + layer + "/work"
                                  : "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work;
  const std::vector<std::string> layer_dirs = {layer + "/upper", layer + "/work", layer + "/root"};

  for (auto _ : state) {
    Status cycled = with_tmpfs_layer ? tmpfs_and_overlay_cycle(layer, layer_dirs, layer + "/root", options)
                                     : overlay_cycle(merged, options);
    if (!cycled) {
      skip(state, cycled.error());
      break;
    }
  }
}

/// A child in a new mount namespace stops propagation, as isobench's plan does first, then
/// bind-mounts `root` onto itself and enters it. With `pivot`, it also makes `root` its root
/// and detaches the old one. The child's exit tears the mount namespace down.
void pivot_root_benchmark(benchmark::State& state, bool pivot) {
  auto scratch = ScratchDir::make();
  if (!scratch) return skip(state, scratch.error());
  auto new_root = (*scratch)->make_dir("root");
  if (!new_root) return skip(state, new_root.error());
  const char* root = new_root->c_str();
  auto body = [root, pivot]() noexcept -> int {
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return errno;
    if (mount(root, root, nullptr, MS_BIND, nullptr) != 0) return errno;
    if (chdir(root) != 0) return errno;
    if (!pivot) return 0;
    if (syscall(SYS_pivot_root, ".", ".") != 0) return errno;
    if (umount2(".", MNT_DETACH) != 0) return errno;
    return 0;
  };
  const std::string what = pivot ? "pivot_root in a new mount namespace" : "bind mount in a new mount namespace";

  ChildCpuMeter meter;
  for (auto _ : state) {
    if (Status done = run_child({CLONE_NEWNS}, body, what); !done) {
      skip(state, done.error());
      break;
    }
  }
  meter.report(state);
}

}  // namespace

Status enter_private_mount_namespace() {
  if (unshare(CLONE_NEWNS) != 0) return errno_error("unshare(CLONE_NEWNS) for the benchmark's own mount namespace");
  // Until this succeeds, the new namespace's mounts are still peers of the host's.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return errno_error("making the benchmark's mounts private");
  return {};
}

void register_mount_benchmarks(const Status& private_mounts) {
  price(benchmark::RegisterBenchmark("BM_Overlay/mount_umount", overlay_benchmark, private_mounts, false));
  price(benchmark::RegisterBenchmark("BM_Overlay/tmpfs_layer_and_overlay", overlay_benchmark, private_mounts, true));
  price(benchmark::RegisterBenchmark("BM_PivotRoot/child_without_pivot", pivot_root_benchmark, false));
  price(benchmark::RegisterBenchmark("BM_PivotRoot/child_with_pivot", pivot_root_benchmark, true));
}

}  // namespace isobench::bench::mechanisms
