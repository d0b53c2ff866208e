// The fixed text every report format shares, in English and Korean: what each metric and
// each startup phase is called. One table, so the Markdown and HTML reports never disagree.
#pragma once

#include <string>

namespace isobench::reports {

/// Picks the English or the Korean of each fixed text: words("startup", "시작").
struct Words {
  bool ko;
  std::string operator()(const char* english, const char* korean) const { return ko ? korean : english; }
};

struct MetricText {
  const char* metric;
  const char* unit;
  const char* english;
  const char* korean;
};

/// The metrics every report tables, with one definition each (cell_summary.h); `unit` as
/// shown (memory in MiB).
inline constexpr MetricText kMetricTexts[] = {
    {"startup_ms", "ms", "Startup latency (launch to the workload's first instruction)",
     "시작 지연 (실행부터 워크로드의 첫 명령까지)"},
    {"wall_ms", "ms", "Launch to exit", "실행부터 종료까지"},
    {"cpu_ms", "ms", "CPU time of everything the target started, the workload included",
     "대상이 시작한 모든 것(워크로드 포함)의 CPU 시간"},
    {"workload_peak_kib", "MiB", "The workload's own peak memory (VmHWM)", "워크로드 자체의 최대 메모리 (VmHWM)"},
    {"tree_peak_kib", "MiB", "Whole target's peak memory, the workload included (memory runs)",
     "워크로드를 포함한 대상 전체의 최대 메모리 (메모리 측정 실행)"},
    {"overhead_kib", "MiB", "What the target adds: its whole peak minus bare's for the same workload",
     "대상이 더하는 메모리: 대상 전체의 최대치에서 같은 워크로드의 bare 최대치를 뺀 값"},
};

/// The columns of a metric's table (metric_table_row), English then Korean.
inline constexpr const char* kMetricColumns[2][8] = {
    {"target", "workload", "concurrency", "runs", "median", "95% CI", "p90", "vs bare"},
    {"대상", "워크로드", "동시 실행", "실행 수", "중앙값", "95% 신뢰구간", "p90", "베어 대비"},
};

struct PhaseText {
  const char* phase;  ///< as in the probes' medians: "phase.<phase>_ms"
  const char* english;
  const char* korean;
};

inline constexpr PhaseText kPhaseTexts[] = {
    {"runtime_start", "runtime start", "런타임 시작"},
    {"namespaces", "namespaces", "네임스페이스"},
    {"rootfs", "rootfs", "rootfs"},
    {"cgroup", "cgroup", "cgroup"},
    {"other_setup", "other setup", "기타 준비"},
    {"exec", "exec", "exec"},
    {"workload", "workload", "워크로드"},
    {"teardown", "teardown", "정리"},
};

}  // namespace isobench::reports
