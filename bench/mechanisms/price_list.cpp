#include "bench/mechanisms/price_list.h"

#include <sys/resource.h>

#include <cerrno>
#include <string>

#include "common/time_units.h"

namespace isobench::bench::mechanisms {
namespace {

double children_cpu_us() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  return timeval_to_us(usage.ru_utime) + timeval_to_us(usage.ru_stime);
}

}  // namespace

benchmark::internal::Benchmark* price(benchmark::internal::Benchmark* benchmark) {
  return benchmark->UseRealTime()->Unit(benchmark::kMicrosecond);
}

void skip(benchmark::State& state, const Error& error) {
  std::string text = error.text();
  if (error.errno_value == EPERM || error.errno_value == EACCES) text += " (run as root)";
  state.SkipWithError(text.c_str());
}

ChildCpuMeter::ChildCpuMeter() : start_us_(children_cpu_us()) {}

void ChildCpuMeter::report(benchmark::State& state) const {
  if (state.error_occurred()) return;
  state.counters["child_cpu_us"] =
      benchmark::Counter(children_cpu_us() - start_us_, benchmark::Counter::kAvgIterations);
}

}  // namespace isobench::bench::mechanisms
