#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "common/system.h"
#include "common/time_units.h"

namespace isobench::cli {

bool progress_wanted(bool quiet) {
  return !quiet && isatty(2) && !std::getenv("CI");
}

bench::ProgressCallback progress_bar(bool enabled, const std::string& label) {
  if (!enabled) return {};
  auto started_ns = std::make_shared<int64_t>(0);
  return [started_ns, label](int done, int planned, const std::string& current) {
    if (*started_ns == 0) *started_ns = monotonic_ns();
    double elapsed = ns_to_s(monotonic_ns() - *started_ns);
    double eta = done > 0 ? elapsed / done * (planned - done) : 0;
    int width = 30, filled = planned ? width * done / planned : width;
    std::fprintf(stderr, "\r%s[%s%s] %d/%d rounds  ETA %4.0fs  %-24s", label.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, '-').c_str(), done, planned, eta, current.c_str());
    if (done >= planned) std::fprintf(stderr, "\n");
  };
}

}  // namespace isobench::cli
