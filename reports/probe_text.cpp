#include "reports/probe_text.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>

#include "common/time_units.h"

namespace isobench::reports {
namespace {

using probes::LifecycleEvent;

void append(std::string& out, const char* format, ...) __attribute__((format(printf, 2, 3)));
void append(std::string& out, const char* format, ...) {
  char line[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(line, sizeof line, format, args);
  va_end(args);
  out += line;
}

/// A histogram bound in the unit that keeps it readable: 512 ns, 16 us, 4.2 ms.
std::string duration_text(double ns) {
  char text[32];
  if (ns < 1e3)
    std::snprintf(text, sizeof text, "%.0f ns", ns);
  else if (ns < 1e6)
    std::snprintf(text, sizeof text, "%.0f us", ns_to_us(ns));
  else
    std::snprintf(text, sizeof text, "%.1f ms", ns_to_ms(ns));
  return text;
}

std::string describe(const LifecycleEvent& event) {
  char text[200];
  switch (event.kind) {
    case LifecycleEvent::Kind::kFork: std::snprintf(text, sizeof text, "fork   from %u", event.parent_pid); break;
    case LifecycleEvent::Kind::kExec: std::snprintf(text, sizeof text, "exec   %s", event.comm.c_str()); break;
    case LifecycleEvent::Kind::kExit:
      std::snprintf(text, sizeof text, "exit   status 0x%llx", static_cast<unsigned long long>(event.ret));
      break;
    case LifecycleEvent::Kind::kSyscall:
      std::snprintf(text, sizeof text, "%-12s %8.3f ms  arg0 0x%llx -> %lld%s", event.syscall_name().c_str(),
                    ns_to_ms(static_cast<uint64_t>(event.duration_ns)), static_cast<unsigned long long>(event.arg0),
                    static_cast<long long>(event.ret),
                    probes::creates_namespace(event) ? "  (new namespaces)"
                    : event.cgroup_operation         ? "  (cgroup)"
                                                     : "");
      break;
  }
  return text;
}

void render_lifecycle(std::string& out, const probes::ProbeReport& report, bool with_events) {
  const probes::LifecycleFigures& lifecycle = *report.lifecycle;
  if (with_events && !lifecycle.events.empty()) {
    append(out, "Process tree and isolation syscalls (%zu events, source: %s)\n", lifecycle.events.size(),
           lifecycle.source.c_str());
    for (const LifecycleEvent& event : lifecycle.events)
      append(out, "%10.3f ms  %7u  %-16s %s\n", ns_to_ms(static_cast<uint64_t>(event.timestamp_ns - report.launch_ns)),
             event.pid, event.comm.c_str(), describe(event).c_str());
  }
  const probes::LifecyclePhases& p = lifecycle.phases;
  append(out, "Startup phases (ms, source: %s)\n", lifecycle.source.c_str());
  if (lifecycle.source != probes::kSourceBpf) {
    append(out, "  total %.3f\n", p.total_ms);
    return;
  }
  append(out,
         "  runtime start %.3f | namespaces %.3f (%d calls) | rootfs %.3f | cgroup %.3f (%d ops) | other setup %.3f\n"
         "  exec %.3f | workload %.3f | teardown %.3f | total %.3f\n",
         p.runtime_start_ms, p.namespaces_ms, p.namespace_syscalls, p.rootfs_ms, p.cgroup_ms, p.cgroup_operations,
         p.other_setup_ms, p.exec_ms, p.workload_ms, p.teardown_ms, p.total_ms);
}

void render_cpu(std::string& out, const probes::CpuFigures& cpu) {
  append(out, "CPU (source: %s)\n  on-CPU %.3f ms, %llu voluntary and %llu involuntary context switches\n",
         cpu.source.c_str(), ns_to_ms(cpu.on_cpu_ns), static_cast<unsigned long long>(cpu.voluntary_switches),
         static_cast<unsigned long long>(cpu.involuntary_switches));
  if (cpu.source != probes::kSourceBpf) return;
  append(out, "  run queue: %.3f ms waiting over %llu waits; latency p50 <= %s, p99 <= %s\n", ns_to_ms(cpu.run_queue_ns),
         static_cast<unsigned long long>(cpu.run_queue_waits),
         duration_text(cpu.run_queue_latency.quantile_upper_ns(0.5)).c_str(),
         duration_text(cpu.run_queue_latency.quantile_upper_ns(0.99)).c_str());
  size_t shown = std::min<size_t>(cpu.tasks.size(), 6);
  for (size_t i = 0; i < shown; ++i) {
    const probes::TaskCpu& task = cpu.tasks[i];
    append(out, "  %7u %-16s on-CPU %9.3f ms  run queue %8.3f ms  switches %llu/%llu\n", task.pid, task.comm.c_str(),
           ns_to_ms(task.on_cpu_ns), ns_to_ms(task.run_queue_ns), static_cast<unsigned long long>(task.voluntary_switches),
           static_cast<unsigned long long>(task.involuntary_switches));
  }
  if (cpu.tasks.size() > shown) append(out, "  ... and %zu more threads\n", cpu.tasks.size() - shown);
}

void render_syscalls(std::string& out, const probes::SyscallFigures& syscalls) {
  append(out, "Syscalls (source: %s): workload %llu calls, runtime and other processes %llu\n", syscalls.source.c_str(),
         static_cast<unsigned long long>(syscalls.workload_calls),
         static_cast<unsigned long long>(syscalls.runtime_calls));
  int shown = 0;
  for (const probes::SyscallCount& call : syscalls.calls) {
    if (!call.workload) continue;
    if (shown++ == 10) break;
    append(out, "  %-18s %10llu calls %6llu errors  mean %9.3f us  max %9.3f us  p99 <= %s\n", call.name.c_str(),
           static_cast<unsigned long long>(call.count), static_cast<unsigned long long>(call.errors),
           call.count ? ns_to_us(static_cast<double>(call.total_ns) / static_cast<double>(call.count)) : 0.0,
           ns_to_us(call.max_ns), duration_text(call.latency.quantile_upper_ns(0.99)).c_str());
  }
}

void render_memory(std::string& out, const probes::MemoryFigures& memory) {
  append(out, "Memory (source: %s)\n  page faults %llu minor, %llu major; RSS high-water %.1f MiB (largest process)\n",
         memory.source.c_str(), static_cast<unsigned long long>(memory.minor_faults),
         static_cast<unsigned long long>(memory.major_faults), static_cast<double>(memory.rss_high_water_kib) / 1024);
  for (const probes::ProcessMemory& process : memory.processes)
    append(out, "  %7u %-16s %8llu minor %5llu major  RSS high-water %8.1f MiB%s\n", process.tgid, process.comm.c_str(),
           static_cast<unsigned long long>(process.minor_faults), static_cast<unsigned long long>(process.major_faults),
           static_cast<double>(process.rss_high_water_kib) / 1024, process.workload ? "  (workload)" : "");
}

void render_kvm(std::string& out, const probes::KvmFigures& kvm) {
  append(out, "KVM exits (source: %s): %llu\n", kvm.source.c_str(), static_cast<unsigned long long>(kvm.total_exits));
  for (const auto& [reason, count] : kvm.exits_by_reason)
    append(out, "  %-22s %10llu\n", reason.c_str(), static_cast<unsigned long long>(count));
  if (!kvm.note.empty()) append(out, "  %s\n", kvm.note.c_str());
}

}  // namespace

std::string render_probe_report(const probes::ProbeReport& report, bool with_events) {
  std::string out;
  if (report.lifecycle) render_lifecycle(out, report, with_events);
  if (report.cpu) render_cpu(out, *report.cpu);
  if (report.syscalls) render_syscalls(out, *report.syscalls);
  if (report.memory) render_memory(out, *report.memory);
  if (report.kvm) render_kvm(out, *report.kvm);
  for (const std::string& note : report.notes) append(out, "note: %s\n", note.c_str());
  return out;
}

}  // namespace isobench::reports
