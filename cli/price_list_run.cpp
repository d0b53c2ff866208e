#include "cli/price_list_run.h"

#include <fcntl.h>

#include <cstdio>
#include <sstream>
#include <vector>

#include "common/bounded_input.h"
#include "common/file_io.h"
#include "common/subprocess.h"
#include "common/unique_fd.h"
#include "reports/price_list.h"
#include "runner/vm/vm_assets.h"

namespace isobench::cli {
namespace {

/// The last lines of the log, for an error message (the scratch directory does not stay).
std::string log_tail(const std::string& path) {
  auto text = read_file(path);
  std::vector<std::string> lines;
  std::istringstream stream(text ? *text : "");
  for (std::string line; std::getline(stream, line);)
    if (!line.empty()) lines.push_back(line);
  if (lines.empty()) return "no output";
  std::string tail;
  for (size_t i = lines.size() > 3 ? lines.size() - 3 : 0; i < lines.size(); ++i)
    tail += (tail.empty() ? "" : " | ") + lines[i];
  return tail;
}

}  // namespace

Result<std::string> run_price_list(double min_time_seconds, const std::string& scratch) {
  auto program = runner::sibling_executable("mechanism_bench");
  if (!program) return program.error();
  std::string json_path = scratch + "/price-list.json", log_path = scratch + "/price-list.log";
  char min_time[64];
  std::snprintf(min_time, sizeof min_time, "--benchmark_min_time=%g", min_time_seconds);
  std::vector<std::string> argv = {*program, min_time, "--benchmark_out=" + json_path, "--benchmark_out_format=json"};
  UniqueFd log(open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!log) return errno_error("cannot create " + log_path);
  SpawnOptions options;
  options.stdout_fd = options.stderr_fd = log.get();
  auto child = spawn(argv, options);
  if (!child) return child.error();
  log.reset();
  const ExitStatus status = child->wait();
  // Google Benchmark exits 0 even when single benchmarks are skipped with an error; those
  // rows carry their error message into the report.
  if (!status.succeeded())
    return plain_error("mechanism_bench failed (" +
                       (status.exited() ? "exit status " + std::to_string(status.code)
                                        : "killed by signal " + std::to_string(status.signal)) +
                       "): " + log_tail(log_path));
  auto text = read_bounded_file(json_path, reports::kPriceListLimits.max_bytes, reports::kPriceListLimits.kind);
  if (!text) return text.error();
  auto checked = reports::check_price_list(*text, json_path);
  if (!checked) return checked.error();
  return *text;
}

}  // namespace isobench::cli
