#include "reports/probe_json.h"

#include <cmath>

namespace isobench::reports {

using nlohmann::ordered_json;
using probes::LifecycleEvent;

ordered_json histogram_to_json(const probes::Log2Histogram& histogram) {
  ordered_json buckets = ordered_json::array();
  for (size_t i = 0; i < histogram.buckets.size(); ++i)
    if (histogram.buckets[i] != 0)
      buckets.push_back({{"le_ns", std::ldexp(1.0, static_cast<int>(i) + 1)}, {"count", histogram.buckets[i]}});
  return buckets;
}

namespace {

ordered_json phases_to_json(const probes::LifecyclePhases& phases) {
  return {{"runtime_start", phases.runtime_start_ms},
          {"namespaces", phases.namespaces_ms},
          {"rootfs", phases.rootfs_ms},
          {"cgroup", phases.cgroup_ms},
          {"other_setup", phases.other_setup_ms},
          {"exec", phases.exec_ms},
          {"workload", phases.workload_ms},
          {"teardown", phases.teardown_ms},
          {"total", phases.total_ms}};
}

ordered_json event_to_json(const LifecycleEvent& event, int64_t launch_ns) {
  static const char* kinds[] = {"", "fork", "exec", "exit", "syscall"};
  ordered_json item = {{"kind", kinds[static_cast<int>(event.kind)]},
                       {"offset_ns", event.timestamp_ns - launch_ns},
                       {"pid", event.pid},
                       {"tgid", event.tgid},
                       {"comm", event.comm}};
  if (event.kind == LifecycleEvent::Kind::kFork) item["parent_pid"] = event.parent_pid;
  if (event.kind == LifecycleEvent::Kind::kExit) item["exit_code"] = event.ret;
  if (event.kind == LifecycleEvent::Kind::kSyscall) {
    item["syscall"] = event.syscall_name();
    item["duration_ns"] = event.duration_ns;
    item["arg0"] = event.arg0;
    item["ret"] = event.ret;
    item["creates_namespace"] = probes::creates_namespace(event);
    item["cgroup_operation"] = event.cgroup_operation;
  }
  return item;
}

ordered_json lifecycle_to_json(const probes::LifecycleFigures& lifecycle, int64_t launch_ns, bool with_events) {
  ordered_json json = {{"source", lifecycle.source},
                       {"phases_ms", phases_to_json(lifecycle.phases)},
                       {"namespace_syscalls", lifecycle.phases.namespace_syscalls},
                       {"cgroup_operations", lifecycle.phases.cgroup_operations}};
  if (with_events) {
    json["events"] = ordered_json::array();
    for (const LifecycleEvent& event : lifecycle.events) json["events"].push_back(event_to_json(event, launch_ns));
  }
  return json;
}

ordered_json cpu_to_json(const probes::CpuFigures& cpu) {
  ordered_json json = {{"source", cpu.source},
                       {"on_cpu_ns", cpu.on_cpu_ns},
                       {"voluntary_switches", cpu.voluntary_switches},
                       {"involuntary_switches", cpu.involuntary_switches}};
  if (cpu.source != probes::kSourceBpf) return json;
  json["run_queue_ns"] = cpu.run_queue_ns;
  json["run_queue_waits"] = cpu.run_queue_waits;
  json["run_queue_latency"] = histogram_to_json(cpu.run_queue_latency);
  json["tasks"] = ordered_json::array();
  for (const probes::TaskCpu& task : cpu.tasks)
    json["tasks"].push_back({{"pid", task.pid},
                             {"comm", task.comm},
                             {"on_cpu_ns", task.on_cpu_ns},
                             {"run_queue_ns", task.run_queue_ns},
                             {"run_queue_waits", task.run_queue_waits},
                             {"voluntary_switches", task.voluntary_switches},
                             {"involuntary_switches", task.involuntary_switches}});
  return json;
}

ordered_json syscalls_to_json(const probes::SyscallFigures& syscalls) {
  ordered_json json = {{"source", syscalls.source},
                       {"workload_calls", syscalls.workload_calls},
                       {"runtime_calls", syscalls.runtime_calls},
                       {"calls", ordered_json::array()}};
  for (const probes::SyscallCount& call : syscalls.calls)
    json["calls"].push_back({{"syscall", call.name},
                             {"nr", call.nr},
                             {"tgid", call.tgid},
                             {"workload", call.workload},
                             {"count", call.count},
                             {"errors", call.errors},
                             {"total_ns", call.total_ns},
                             {"max_ns", call.max_ns},
                             {"latency", histogram_to_json(call.latency)}});
  return json;
}

ordered_json memory_to_json(const probes::MemoryFigures& memory) {
  ordered_json json = {{"source", memory.source},
                       {"minor_faults", memory.minor_faults},
                       {"major_faults", memory.major_faults},
                       {"rss_high_water_kib", memory.rss_high_water_kib}};
  if (memory.workload_rss_high_water_kib) json["workload_rss_high_water_kib"] = *memory.workload_rss_high_water_kib;
  if (memory.source != probes::kSourceBpf) return json;
  json["processes"] = ordered_json::array();
  for (const probes::ProcessMemory& process : memory.processes)
    json["processes"].push_back({{"tgid", process.tgid},
                                 {"comm", process.comm},
                                 {"workload", process.workload},
                                 {"minor_faults", process.minor_faults},
                                 {"major_faults", process.major_faults},
                                 {"rss_high_water_kib", process.rss_high_water_kib}});
  return json;
}

ordered_json kvm_to_json(const probes::KvmFigures& kvm) {
  ordered_json json = {
      {"source", kvm.source}, {"total_exits", kvm.total_exits}, {"exits_by_reason", ordered_json::object()}};
  for (const auto& [reason, count] : kvm.exits_by_reason) json["exits_by_reason"][reason] = count;
  if (!kvm.note.empty()) json["note"] = kvm.note;
  return json;
}

}  // namespace

ordered_json probe_aggregate_to_json(const ProbeAggregate& aggregate) {
  ordered_json medians = ordered_json::object();
  for (const NamedMedian& entry : aggregate.medians)
    medians[entry.name] = {{"median", std::isfinite(entry.median) ? ordered_json(entry.median) : ordered_json()},
                           {"source", entry.source}};
  ordered_json syscalls = ordered_json::array();
  for (const SyscallAggregate& call : aggregate.workload_syscalls)
    syscalls.push_back({{"syscall", call.name},
                        {"median_count", call.median_count},
                        {"total_count", call.total_count},
                        {"latency", histogram_to_json(call.latency)}});
  ordered_json kvm = ordered_json::object();
  for (const auto& [reason, count] : aggregate.kvm_exits_by_reason) kvm[reason] = count;
  return {{"runs", aggregate.runs},
          {"medians", medians},
          {"run_queue_latency", histogram_to_json(aggregate.run_queue_latency)},
          {"workload_syscalls", syscalls},
          {"kvm_exits_by_reason", kvm},
          {"notes", aggregate.notes}};
}

ordered_json probe_report_to_json(const probes::ProbeReport& report, bool with_events) {
  ordered_json json = ordered_json::object();
  if (report.lifecycle) json["lifecycle"] = lifecycle_to_json(*report.lifecycle, report.launch_ns, with_events);
  if (report.cpu) json["cpu"] = cpu_to_json(*report.cpu);
  if (report.syscalls) json["syscalls"] = syscalls_to_json(*report.syscalls);
  if (report.memory) json["memory"] = memory_to_json(*report.memory);
  if (report.kvm) json["kvm"] = kvm_to_json(*report.kvm);
  json["notes"] = report.notes;
  return json;
}

}  // namespace isobench::reports
