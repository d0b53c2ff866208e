#include "runner/cli/bench_workspace.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "common/system.h"
#include "runner/image.h"

namespace isobench::cli {

Result<BenchWorkspace> BenchWorkspace::create(const std::string& command) {
  auto self = own_executable();
  if (!self) return self.error();
  auto rootfs = runner::builtin_image_rootfs();
  if (!rootfs) return rootfs.error();
  std::string scratch = "/tmp/isobench-" + command + "-XXXXXX";
  if (!mkdtemp(scratch.data())) return errno_error("mkdtemp " + scratch);
  return BenchWorkspace(bench::TargetContext{*self, *rootfs, scratch});
}

BenchWorkspace::BenchWorkspace(BenchWorkspace&& other) noexcept : context_(std::move(other.context_)) {
  other.context_.scratch.clear();
}

BenchWorkspace::~BenchWorkspace() {
  std::error_code ignored;
  if (!context_.scratch.empty()) std::filesystem::remove_all(context_.scratch, ignored);
}

int exit_status_of_runs(const bench::BenchmarkResults& results, const std::string& where_to_look) {
  size_t failed = 0;
  for (const bench::RunRecord& record : results.records) failed += record.ok ? 0 : 1;
  if (failed == 0) return 0;
  std::cerr << "isobench: " << failed << " of " << results.records.size() << " runs failed (" << where_to_look << ")\n";
  return 1;
}

}  // namespace isobench::cli
