// mechanism_bench: what each isolation mechanism costs on this host (README: "Benchmarks").
// Google Benchmark's own flags apply: --benchmark_filter, --benchmark_format=json,
// --benchmark_out=FILE, ...
#include <benchmark/benchmark.h>

#include "bench/mechanisms/price_list.h"

int main(int argc, char** argv) {
  namespace mechanisms = isobench::bench::mechanisms;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  // First, before any benchmark mounts anything: from here on this process's mounts are
  // its own and vanish with it, however it ends.
  const isobench::Status private_mounts = mechanisms::enter_private_mount_namespace();

  mechanisms::register_clone_benchmarks();
  mechanisms::register_netns_benchmarks();
  mechanisms::register_cgroup_benchmarks();
  mechanisms::register_mount_benchmarks(private_mounts);
  mechanisms::register_security_benchmarks();
  mechanisms::register_container_benchmarks();

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
