#include "probes/probe_report.h"

#include <seccomp.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>

#include "common/time_units.h"

namespace isobench::probes {

std::string syscall_name(int64_t nr) {
  // libseccomp carries the kernel's syscall table: no hand-kept copy here.
  char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, static_cast<int>(nr));
  if (!name) return "syscall " + std::to_string(nr);
  std::string result(name);
  std::free(name);
  return result;
}

std::string LifecycleEvent::syscall_name() const {
  return probes::syscall_name(syscall_nr);
}

void Log2Histogram::add(size_t bucket, uint64_t count) {
  if (count == 0) return;
  if (buckets.size() <= bucket) buckets.resize(bucket + 1, 0);
  buckets[bucket] += count;
}

void Log2Histogram::merge(const Log2Histogram& other) {
  for (size_t i = 0; i < other.buckets.size(); ++i) add(i, other.buckets[i]);
}

uint64_t Log2Histogram::total() const {
  return std::accumulate(buckets.begin(), buckets.end(), uint64_t{0});
}

double Log2Histogram::quantile_upper_ns(double q) const {
  uint64_t count = total();
  if (count == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // The rank of the q-quantile among `count` values, 1-based.
  auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count)));
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    seen += buckets[i];
    if (seen >= rank) return std::ldexp(1.0, static_cast<int>(i) + 1);
  }
  return std::ldexp(1.0, static_cast<int>(buckets.size()));
}

CpuFigures cpu_from_rusage(const struct rusage& usage) {
  CpuFigures cpu;
  cpu.source = kSourceRusage;
  cpu.on_cpu_ns = timeval_to_ns(usage.ru_utime) + timeval_to_ns(usage.ru_stime);
  cpu.voluntary_switches = static_cast<uint64_t>(usage.ru_nvcsw);
  cpu.involuntary_switches = static_cast<uint64_t>(usage.ru_nivcsw);
  return cpu;
}

MemoryFigures memory_from_rusage(const struct rusage& usage) {
  MemoryFigures memory;
  memory.source = kSourceRusage;
  memory.minor_faults = static_cast<uint64_t>(usage.ru_minflt);
  memory.major_faults = static_cast<uint64_t>(usage.ru_majflt);
  memory.rss_high_water_kib = static_cast<uint64_t>(usage.ru_maxrss);
  return memory;
}

}  // namespace isobench::probes
