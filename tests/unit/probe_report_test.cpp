// ProbeReport's pieces: the log2 latency histogram, the rusage fallbacks (which must say they
// are rusage), and syscall numbers turned into names.
#include "probes/probe_report.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <string>

namespace isobench::probes {
namespace {

TEST(Log2Histogram, AddGrowsTheBucketsAndCountsIntoTheGivenOne) {
  Log2Histogram histogram;
  histogram.add(3, 2);
  histogram.add(3, 5);
  histogram.add(1, 1);
  ASSERT_EQ(histogram.buckets.size(), 4u);
  EXPECT_EQ(histogram.buckets[0], 0u);
  EXPECT_EQ(histogram.buckets[1], 1u);
  EXPECT_EQ(histogram.buckets[2], 0u);
  EXPECT_EQ(histogram.buckets[3], 7u);
  EXPECT_EQ(histogram.total(), 8u);
}

TEST(Log2Histogram, AddingNothingLeavesItUntouched) {
  Log2Histogram histogram;
  histogram.add(20, 0);
  EXPECT_TRUE(histogram.buckets.empty());
  EXPECT_EQ(histogram.total(), 0u);
}

TEST(Log2Histogram, MergeAddsBucketByBucketWhateverTheLengths) {
  Log2Histogram shorter;
  shorter.add(0, 1);
  shorter.add(1, 2);
  Log2Histogram longer;
  longer.add(1, 10);
  longer.add(4, 3);

  shorter.merge(longer);
  ASSERT_EQ(shorter.buckets.size(), 5u);
  EXPECT_EQ(shorter.buckets[0], 1u);
  EXPECT_EQ(shorter.buckets[1], 12u);
  EXPECT_EQ(shorter.buckets[4], 3u);
  EXPECT_EQ(shorter.total(), 16u);
  EXPECT_EQ(longer.total(), 13u);  // the source is not changed
}

TEST(Log2Histogram, AnEmptyHistogramHasQuantileZero) {
  Log2Histogram histogram;
  EXPECT_EQ(histogram.quantile_upper_ns(0.5), 0.0);
  EXPECT_EQ(histogram.quantile_upper_ns(0.99), 0.0);
}

TEST(Log2Histogram, AQuantileIsTheUpperBoundOfTheBucketHoldingIt) {
  // 90 values in [2^3, 2^4), 9 in [2^10, 2^11), 1 in [2^20, 2^21).
  Log2Histogram histogram;
  histogram.add(3, 90);
  histogram.add(10, 9);
  histogram.add(20, 1);
  EXPECT_DOUBLE_EQ(histogram.quantile_upper_ns(0.0), 16.0);
  EXPECT_DOUBLE_EQ(histogram.quantile_upper_ns(0.5), 16.0);
  EXPECT_DOUBLE_EQ(histogram.quantile_upper_ns(0.9), 16.0);  // the 90th value is the last in bucket 3
  EXPECT_DOUBLE_EQ(histogram.quantile_upper_ns(0.91), 2048.0);
  EXPECT_DOUBLE_EQ(histogram.quantile_upper_ns(0.99), 2048.0);
  EXPECT_DOUBLE_EQ(histogram.quantile_upper_ns(1.0), 2097152.0);  // 2^21
}

TEST(Log2Histogram, LeadingEmptyBucketsDoNotCount) {
  Log2Histogram histogram;
  histogram.add(5, 1);
  EXPECT_DOUBLE_EQ(histogram.quantile_upper_ns(0.0), 64.0);
  EXPECT_DOUBLE_EQ(histogram.quantile_upper_ns(1.0), 64.0);
}

struct rusage sample_rusage() {
  struct rusage usage {};
  usage.ru_utime.tv_sec = 1;
  usage.ru_utime.tv_usec = 250'000;
  usage.ru_stime.tv_sec = 0;
  usage.ru_stime.tv_usec = 500;
  usage.ru_nvcsw = 12;
  usage.ru_nivcsw = 3;
  usage.ru_minflt = 4000;
  usage.ru_majflt = 7;
  usage.ru_maxrss = 20480;
  return usage;
}

TEST(ProbeRusageFallback, CpuIsUserPlusSystemTimeWithTheContextSwitches) {
  CpuFigures cpu = cpu_from_rusage(sample_rusage());
  EXPECT_EQ(cpu.source, kSourceRusage);
  EXPECT_EQ(cpu.on_cpu_ns, 1'250'000'000u + 500'000u);
  EXPECT_EQ(cpu.voluntary_switches, 12u);
  EXPECT_EQ(cpu.involuntary_switches, 3u);
}

TEST(ProbeRusageFallback, CpuHasNoFiguresOnlyBpfCanGive) {
  CpuFigures cpu = cpu_from_rusage(sample_rusage());
  EXPECT_EQ(cpu.run_queue_ns, 0u);
  EXPECT_EQ(cpu.run_queue_waits, 0u);
  EXPECT_EQ(cpu.run_queue_latency.total(), 0u);
  EXPECT_TRUE(cpu.tasks.empty());
}

TEST(ProbeRusageFallback, MemoryIsTheFaultCountsAndMaxRssInKib) {
  MemoryFigures memory = memory_from_rusage(sample_rusage());
  EXPECT_EQ(memory.source, kSourceRusage);
  EXPECT_EQ(memory.minor_faults, 4000u);
  EXPECT_EQ(memory.major_faults, 7u);
  EXPECT_EQ(memory.rss_high_water_kib, 20480u);
  EXPECT_FALSE(memory.workload_rss_high_water_kib.has_value());
  EXPECT_TRUE(memory.processes.empty());
}

TEST(ProbeRusageFallback, AZeroRusageGivesZeroFigures) {
  struct rusage usage {};
  EXPECT_EQ(cpu_from_rusage(usage).on_cpu_ns, 0u);
  EXPECT_EQ(memory_from_rusage(usage).rss_high_water_kib, 0u);
}

TEST(ProbeSyscallName, KnownNumbersGetTheirX8664Names) {
  EXPECT_EQ(syscall_name(0), "read");
  EXPECT_EQ(syscall_name(59), "execve");
  EXPECT_EQ(syscall_name(435), "clone3");
  EXPECT_EQ(syscall_name(165), "mount");
}

TEST(ProbeSyscallName, AnUnknownNumberIsSpelledOut) {
  EXPECT_EQ(syscall_name(9999), "syscall 9999");
}

TEST(ProbeSyscallName, ALifecycleEventNamesItsSyscall) {
  LifecycleEvent event;
  event.kind = LifecycleEvent::Kind::kSyscall;
  event.syscall_nr = 272;
  EXPECT_EQ(event.syscall_name(), "unshare");
}

}  // namespace
}  // namespace isobench::probes
