// The mechanism price list: one Google Benchmark per isolation mechanism, each iteration a
// whole create+destroy cycle, so nothing accumulates between iterations.
#pragma once

#include <benchmark/benchmark.h>

#include "common/result.h"

namespace isobench::bench::mechanisms {

/// The shared settings: wall-clock time, because most of the work happens in children or in
/// the kernel, outside this process's CPU clock (the names end in /real_time), and
/// microseconds. The run length is Google Benchmark's --benchmark_min_time (0.5 s each),
/// which keeps the whole suite under a minute on two cores.
benchmark::internal::Benchmark* price(benchmark::internal::Benchmark* benchmark);

/// Stops the benchmark with the error's text and a hint when it is a missing privilege.
/// The caller must leave the measurement loop right after.
void skip(benchmark::State& state, const Error& error);

/// The children's CPU time, which the CPU column (this process's own clock) misses: the
/// per-iteration counter child_cpu_us, their user+system time from RUSAGE_CHILDREN (counted
/// when they are reaped). Kernel work deferred past a child's exit (kworkers, RCU
/// callbacks) is in neither column.
class ChildCpuMeter {
 public:
  ChildCpuMeter();
  /// Call after the measurement loop.
  void report(benchmark::State& state) const;

 private:
  double start_us_;
};

// Registration, one function per file, called from main in price-list order.
void register_clone_benchmarks();
void register_netns_benchmarks();
void register_cgroup_benchmarks();
/// `private_mounts` is the result of enter_private_mount_namespace(); mount benchmarks are
/// skipped with its error when it failed.
void register_mount_benchmarks(const Status& private_mounts);
void register_security_benchmarks();
void register_container_benchmarks();

/// Moves this process into its own mount namespace with every mount private, so that
/// nothing the mount benchmarks do can reach the host. The mounts die with the process.
Status enter_private_mount_namespace();

}  // namespace isobench::bench::mechanisms
