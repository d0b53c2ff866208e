// What `bench` and `demo` share around the harness: the targets' context (this executable,
// which targets re-enter as `isobench run`, the built-in image, and a scratch directory for
// OCI bundles and the price list's files, removed however the command ends), and the exit
// status of a benchmark with failed runs.
//
// However the command ends includes SIGKILL: the scratch directory is locked (flock) for
// the workspace's life, a guard process cleans up as soon as the harness is gone (the OCI
// containers runc and crun leave running, the scratch directory, stale cgroups), and the
// next bench or demo removes whatever an unlocked scratch directory still holds.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "bench/bench_image.h"
#include "bench/harness/run_record.h"
#include "bench/targets/target.h"
#include "common/result.h"
#include "common/subprocess.h"
#include "common/unique_fd.h"

namespace isobench::cli {

class BenchWorkspace {
 public:
  /// First removes what killed benchmarks left (stale scratch directories and the
  /// containers still listed in them, stale cgroups), then makes and locks the scratch
  /// directory /tmp/isobench-`command`-XXXXXX and starts the guard. Call it while the
  /// process has a single thread (the guard is forked). With `image` (bench --image), opens
  /// it in the store, held in use for the workspace's life, with its layers merged in a
  /// directory of the scratch directory (the guard unmounts it if the benchmark is killed):
  /// the context's rootfs and image.
  static Result<BenchWorkspace> create(const std::string& command, const std::string& image = "");
  BenchWorkspace(BenchWorkspace&& other) noexcept;
  BenchWorkspace& operator=(BenchWorkspace&&) = delete;
  BenchWorkspace(const BenchWorkspace&) = delete;
  BenchWorkspace& operator=(const BenchWorkspace&) = delete;
  /// Stops the guard and does its cleanup instead: the image's merged view, the scratch directory, and the cgroups
  /// the isobench runs that were killed (timeouts, an interrupted benchmark) left.
  ~BenchWorkspace();

  const bench::TargetContext& context() const { return context_; }
  /// The guard process, or -1 when it could not be started (cleanup then waits for the next run).
  pid_t guard() const { return guard_.pid(); }

 private:
  BenchWorkspace(bench::TargetContext context, UniqueFd lock, Subprocess guard)
      : context_(std::move(context)), lock_(std::move(lock)), guard_(std::move(guard)) {}
  bench::TargetContext context_;
  UniqueFd lock_;                             ///< flock on the scratch directory: held means its bench is alive
  Subprocess guard_;                          ///< not running when it could not be started
  std::unique_ptr<bench::BenchImage> image_;  ///< bench --image; its view lives in the scratch directory
};

/// Removes, in `tmp_dir`, the scratch directories of bench, demo and doctor
/// (isobench-bench-XXXXXX, isobench-demo-XXXXXX, isobench-doctor-XXXXXX) that nobody holds
/// locked, after detaching what is mounted in them (an image's merged view) and force-deleting the OCI containers their state directories list. Only directories of
/// this user with mkdtemp's 0700 mode are touched. Returns the paths removed.
std::vector<std::string> remove_stale_workspaces(const std::string& tmp_dir);

/// Like hyperfine, a failed run fails the command (its record is in the results all the
/// same): 1 after saying how many failed and `where_to_look`, 0 when none did.
int exit_status_of_runs(const bench::BenchmarkResults& results, const std::string& where_to_look);

}  // namespace isobench::cli
