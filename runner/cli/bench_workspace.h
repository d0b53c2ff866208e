// What `bench` and `demo` share around the harness: the targets' context (this executable,
// which targets re-enter as `isobench run`, the built-in image, and a scratch directory for
// OCI bundles and the price list's files, removed however the command ends), and the exit
// status of a benchmark with failed runs.
#pragma once

#include <string>

#include "bench/harness/run_record.h"
#include "bench/targets/target.h"
#include "common/result.h"

namespace isobench::cli {

class BenchWorkspace {
 public:
  /// The scratch directory is /tmp/isobench-`command`-XXXXXX.
  static Result<BenchWorkspace> create(const std::string& command);
  BenchWorkspace(BenchWorkspace&& other) noexcept;
  BenchWorkspace& operator=(BenchWorkspace&&) = delete;
  BenchWorkspace(const BenchWorkspace&) = delete;
  BenchWorkspace& operator=(const BenchWorkspace&) = delete;
  ~BenchWorkspace();

  const bench::TargetContext& context() const { return context_; }

 private:
  explicit BenchWorkspace(bench::TargetContext context) : context_(std::move(context)) {}
  bench::TargetContext context_;
};

/// Like hyperfine, a failed run fails the command (its record is in the results all the
/// same): 1 after saying how many failed and `where_to_look`, 0 when none did.
int exit_status_of_runs(const bench::BenchmarkResults& results, const std::string& where_to_look);

}  // namespace isobench::cli
