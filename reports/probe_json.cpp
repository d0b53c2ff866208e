#include "reports/probe_json.h"

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <utility>

#include "common/bounded_input.h"

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

// ---- The way back: JSON from anyone to a ProbeReport ----
//
// Every value is type-checked before nlohmann is asked for it (get<T> on the wrong type
// throws), only numbers are dumped into messages (dump throws on invalid UTF-8 in a string
// built in memory, and strings may be long), and no size is taken from a number in the
// input: arrays become vectors of their own length, a histogram has at most kMaxBuckets.

namespace isobench::reports {
namespace {

using nlohmann::json;

/// le_ns 2^1..2^63: buckets 0..62.
constexpr int kMaxBuckets = 63;

/// What a refused value was, short and without quoting strings back.
std::string describe(const json& value) {
  if (value.is_number() || value.is_boolean() || value.is_null()) return value.dump();
  return std::string("a JSON ") + value.type_name();
}

Error not_a(const std::string& path, const char* expected, const json& value) {
  return plain_error(path + " is not " + expected + " (got " + describe(value) + ")");
}

Result<uint64_t> to_unsigned(const json& value, const std::string& path) {
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_number_integer() && value.get<int64_t>() >= 0) return static_cast<uint64_t>(value.get<int64_t>());
  return not_a(path, "a non-negative integer", value);
}

/// Pids and tgids: the kernel's are 32 bits.
Result<uint32_t> to_id(const json& value, const std::string& path) {
  auto number = to_unsigned(value, path);
  if (!number || *number > std::numeric_limits<uint32_t>::max())
    return not_a(path, "an integer from 0 to 4294967295", value);
  return static_cast<uint32_t>(*number);
}

Result<int> to_count(const json& value, const std::string& path) {
  auto number = to_unsigned(value, path);
  if (!number || *number > static_cast<uint64_t>(std::numeric_limits<int>::max()))
    return not_a(path, "an integer from 0 to 2147483647", value);
  return static_cast<int>(*number);
}

/// A syscall number: any int64, as the probe took it from the kernel.
Result<int64_t> to_int64(const json& value, const std::string& path) {
  if (value.is_number_unsigned()) {
    if (value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return static_cast<int64_t>(value.get<uint64_t>());
  } else if (value.is_number_integer()) {
    return value.get<int64_t>();
  }
  return not_a(path, "a 64-bit integer", value);
}

/// Phase durations: lifecycle_phases never gives a negative or non-finite one.
Result<double> to_milliseconds(const json& value, const std::string& path) {
  if (value.is_number()) {
    double number = value.get<double>();
    if (std::isfinite(number) && number >= 0) return number;
  }
  return not_a(path, "a non-negative number of milliseconds", value);
}

Result<std::string> to_text(const json& value, const std::string& path) {
  if (value.is_string()) return value.get<std::string>();
  return not_a(path, "a string", value);
}

Result<bool> to_bool(const json& value, const std::string& path) {
  if (value.is_boolean()) return value.get<bool>();
  return not_a(path, "true or false", value);
}

Result<const json*> to_object(const json& value, const std::string& path) {
  if (value.is_object()) return &value;
  return not_a(path, "an object", value);
}

Result<const json*> to_array(const json& value, const std::string& path) {
  if (value.is_array()) return &value;
  return not_a(path, "an array", value);
}

template <typename T>
using Converter = Result<T> (*)(const json&, const std::string&);

/// `object[key]` converted into `out`; an Error when it is missing and `required`, and
/// `out` untouched when it is missing and not.
template <typename T>
Status read_field(const json& object, const std::string& path, const char* key, Converter<T> convert, T& out,
                  bool required = true) {
  std::string field = path + "." + key;
  auto member = object.find(key);
  if (member == object.end()) {
    if (required) return plain_error(field + " is missing");
    return {};
  }
  auto value = convert(*member, field);
  if (!value) return value.error();
  out = std::move(*value);
  return {};
}

template <typename T>
using UnsignedFields = std::initializer_list<std::pair<const char*, uint64_t T::*>>;

template <typename T>
Status read_unsigned_fields(const json& object, const std::string& path, UnsignedFields<T> fields, T& out,
                            bool required = true) {
  for (const auto& [key, member] : fields)
    ISOBENCH_TRY(read_field(object, path, key, to_unsigned, out.*member, required));
  return {};
}

/// The objects of the array `object[key]`, each decoded by `decode(item, path)`.
template <typename T, typename Decode>
Status read_objects(const json& object, const std::string& path, const char* key, std::vector<T>& out, Decode decode,
                    bool required) {
  const json* array = nullptr;
  ISOBENCH_TRY(read_field<const json*>(object, path, key, to_array, array, required));
  if (!array) return {};
  out.clear();
  out.reserve(array->size());
  for (size_t i = 0; i < array->size(); ++i) {
    std::string item_path = path + "." + key + "[" + std::to_string(i) + "]";
    const json& item = (*array)[i];
    if (!item.is_object()) return not_a(item_path, "an object", item);
    Result<T> decoded = decode(item, item_path);
    if (!decoded) return decoded.error();
    out.push_back(std::move(*decoded));
  }
  return {};
}

/// Bucket i ends at 2^(i+1) ns. Integers are checked as integers: 2^63 + 1 would round to a
/// power of two as a double.
Result<size_t> bucket_index(const json& value, const std::string& path) {
  int exponent = 0;
  if (value.is_number_unsigned() || (value.is_number_integer() && value.get<int64_t>() > 0)) {
    uint64_t bound = value.is_number_unsigned() ? value.get<uint64_t>() : static_cast<uint64_t>(value.get<int64_t>());
    if (std::has_single_bit(bound)) exponent = std::countr_zero(bound);
  } else if (value.is_number_float()) {
    double bound = value.get<double>();
    int binary_exponent = 0;
    if (std::isfinite(bound) && bound > 0 && std::frexp(bound, &binary_exponent) == 0.5) exponent = binary_exponent - 1;
  }
  if (exponent < 1 || exponent > kMaxBuckets) return not_a(path, "a power of two from 2 to 2^63", value);
  return static_cast<size_t>(exponent - 1);
}

Result<probes::LifecycleFigures> lifecycle_from_json(const json& value, const std::string& path) {
  probes::LifecycleFigures lifecycle;
  probes::LifecyclePhases& phases = lifecycle.phases;
  ISOBENCH_TRY(read_field(value, path, "source", to_text, lifecycle.source));
  const json* phases_ms = nullptr;
  ISOBENCH_TRY(read_field(value, path, "phases_ms", to_object, phases_ms));
  std::string phases_path = path + ".phases_ms";
  using Phases = probes::LifecyclePhases;
  const std::pair<const char*, double Phases::*> durations[] = {{"runtime_start", &Phases::runtime_start_ms},
                                                                {"namespaces", &Phases::namespaces_ms},
                                                                {"rootfs", &Phases::rootfs_ms},
                                                                {"cgroup", &Phases::cgroup_ms},
                                                                {"other_setup", &Phases::other_setup_ms},
                                                                {"exec", &Phases::exec_ms},
                                                                {"workload", &Phases::workload_ms},
                                                                {"teardown", &Phases::teardown_ms},
                                                                {"total", &Phases::total_ms}};
  for (const auto& [key, member] : durations)
    ISOBENCH_TRY(read_field(*phases_ms, phases_path, key, to_milliseconds, phases.*member));
  ISOBENCH_TRY(read_field(value, path, "namespace_syscalls", to_count, phases.namespace_syscalls));
  ISOBENCH_TRY(read_field(value, path, "cgroup_operations", to_count, phases.cgroup_operations));
  return lifecycle;
}

Result<probes::TaskCpu> task_from_json(const json& value, const std::string& path) {
  probes::TaskCpu task;
  ISOBENCH_TRY(read_field(value, path, "pid", to_id, task.pid));
  ISOBENCH_TRY(read_field(value, path, "comm", to_text, task.comm));
  ISOBENCH_TRY(read_unsigned_fields<probes::TaskCpu>(value, path,
                                                     {{"on_cpu_ns", &probes::TaskCpu::on_cpu_ns},
                                                      {"run_queue_ns", &probes::TaskCpu::run_queue_ns},
                                                      {"run_queue_waits", &probes::TaskCpu::run_queue_waits},
                                                      {"voluntary_switches", &probes::TaskCpu::voluntary_switches},
                                                      {"involuntary_switches", &probes::TaskCpu::involuntary_switches}},
                                                     task));
  return task;
}

Result<probes::CpuFigures> cpu_from_json(const json& value, const std::string& path) {
  probes::CpuFigures cpu;
  ISOBENCH_TRY(read_field(value, path, "source", to_text, cpu.source));
  ISOBENCH_TRY(
      read_unsigned_fields<probes::CpuFigures>(value, path,
                                               {{"on_cpu_ns", &probes::CpuFigures::on_cpu_ns},
                                                {"voluntary_switches", &probes::CpuFigures::voluntary_switches},
                                                {"involuntary_switches", &probes::CpuFigures::involuntary_switches}},
                                               cpu));
  // The encoder writes these for BPF figures only; when another source has them, they are
  // still checked.
  bool bpf = cpu.source == probes::kSourceBpf;
  ISOBENCH_TRY(read_unsigned_fields<probes::CpuFigures>(
      value, path,
      {{"run_queue_ns", &probes::CpuFigures::run_queue_ns}, {"run_queue_waits", &probes::CpuFigures::run_queue_waits}},
      cpu, bpf));
  ISOBENCH_TRY(read_field<probes::Log2Histogram>(value, path, "run_queue_latency", histogram_from_json,
                                                 cpu.run_queue_latency, bpf));
  ISOBENCH_TRY(read_objects(value, path, "tasks", cpu.tasks, task_from_json, bpf));
  return cpu;
}

Result<probes::SyscallCount> call_from_json(const json& value, const std::string& path) {
  probes::SyscallCount call;
  ISOBENCH_TRY(read_field(value, path, "syscall", to_text, call.name));
  ISOBENCH_TRY(read_field(value, path, "nr", to_int64, call.nr));
  ISOBENCH_TRY(read_field(value, path, "tgid", to_id, call.tgid));
  ISOBENCH_TRY(read_field(value, path, "workload", to_bool, call.workload));
  ISOBENCH_TRY(read_unsigned_fields<probes::SyscallCount>(value, path,
                                                          {{"count", &probes::SyscallCount::count},
                                                           {"errors", &probes::SyscallCount::errors},
                                                           {"total_ns", &probes::SyscallCount::total_ns},
                                                           {"max_ns", &probes::SyscallCount::max_ns}},
                                                          call));
  ISOBENCH_TRY(read_field<probes::Log2Histogram>(value, path, "latency", histogram_from_json, call.latency));
  return call;
}

Result<probes::SyscallFigures> syscalls_from_json(const json& value, const std::string& path) {
  probes::SyscallFigures syscalls;
  ISOBENCH_TRY(read_field(value, path, "source", to_text, syscalls.source));
  ISOBENCH_TRY(
      read_unsigned_fields<probes::SyscallFigures>(value, path,
                                                   {{"workload_calls", &probes::SyscallFigures::workload_calls},
                                                    {"runtime_calls", &probes::SyscallFigures::runtime_calls}},
                                                   syscalls));
  ISOBENCH_TRY(read_objects(value, path, "calls", syscalls.calls, call_from_json, true));
  return syscalls;
}

Result<probes::ProcessMemory> process_from_json(const json& value, const std::string& path) {
  probes::ProcessMemory process;
  ISOBENCH_TRY(read_field(value, path, "tgid", to_id, process.tgid));
  ISOBENCH_TRY(read_field(value, path, "comm", to_text, process.comm));
  ISOBENCH_TRY(read_field(value, path, "workload", to_bool, process.workload));
  ISOBENCH_TRY(
      read_unsigned_fields<probes::ProcessMemory>(value, path,
                                                  {{"minor_faults", &probes::ProcessMemory::minor_faults},
                                                   {"major_faults", &probes::ProcessMemory::major_faults},
                                                   {"rss_high_water_kib", &probes::ProcessMemory::rss_high_water_kib}},
                                                  process));
  return process;
}

Result<probes::MemoryFigures> memory_from_json(const json& value, const std::string& path) {
  probes::MemoryFigures memory;
  ISOBENCH_TRY(read_field(value, path, "source", to_text, memory.source));
  ISOBENCH_TRY(
      read_unsigned_fields<probes::MemoryFigures>(value, path,
                                                  {{"minor_faults", &probes::MemoryFigures::minor_faults},
                                                   {"major_faults", &probes::MemoryFigures::major_faults},
                                                   {"rss_high_water_kib", &probes::MemoryFigures::rss_high_water_kib}},
                                                  memory));
  if (value.contains("workload_rss_high_water_kib")) {
    uint64_t workload_kib = 0;
    ISOBENCH_TRY(read_field(value, path, "workload_rss_high_water_kib", to_unsigned, workload_kib));
    memory.workload_rss_high_water_kib = workload_kib;
  }
  ISOBENCH_TRY(
      read_objects(value, path, "processes", memory.processes, process_from_json, memory.source == probes::kSourceBpf));
  return memory;
}

Result<probes::KvmFigures> kvm_from_json(const json& value, const std::string& path) {
  probes::KvmFigures kvm;
  ISOBENCH_TRY(read_field(value, path, "source", to_text, kvm.source));
  ISOBENCH_TRY(read_field(value, path, "total_exits", to_unsigned, kvm.total_exits));
  const json* reasons = nullptr;
  ISOBENCH_TRY(read_field(value, path, "exits_by_reason", to_object, reasons));
  for (const auto& [reason, count] : reasons->items()) {
    // The key is the input's: cut, so a megabyte of name does not become the message.
    auto exits = to_unsigned(count, path + ".exits_by_reason." + excerpt(reason));
    if (!exits) return exits.error();
    kvm.exits_by_reason[reason] = *exits;
  }
  ISOBENCH_TRY(read_field(value, path, "note", to_text, kvm.note, false));
  return kvm;
}

/// `object[key]` decoded into `out` when it is there; left std::nullopt when it is not.
template <typename T>
Status read_section(const json& object, const std::string& path, const char* key, Converter<T> decode,
                    std::optional<T>& out) {
  auto member = object.find(key);
  if (member == object.end()) return {};
  std::string section = path + "." + key;
  if (!member->is_object()) return not_a(section, "an object", *member);
  auto decoded = decode(*member, section);
  if (!decoded) return decoded.error();
  out = std::move(*decoded);
  return {};
}

}  // namespace

Result<probes::Log2Histogram> histogram_from_json(const json& value, const std::string& where) {
  if (!value.is_array()) return not_a(where, "an array of histogram buckets", value);
  probes::Log2Histogram histogram;
  std::array<bool, kMaxBuckets> seen{};
  for (size_t i = 0; i < value.size(); ++i) {
    std::string path = where + "[" + std::to_string(i) + "]";
    const json& bucket = value[i];
    if (!bucket.is_object()) return not_a(path, "an object", bucket);
    auto bound = bucket.find("le_ns");
    if (bound == bucket.end()) return plain_error(path + ".le_ns is missing");
    auto index = bucket_index(*bound, path + ".le_ns");
    if (!index) return index.error();
    // Twice the same bucket is no histogram_to_json output; adding the two could overflow.
    if (seen[*index]) return plain_error(path + ".le_ns " + describe(*bound) + " appears twice in " + where);
    seen[*index] = true;
    uint64_t count = 0;
    ISOBENCH_TRY(read_field(bucket, path, "count", to_unsigned, count));
    // add() grows the vector to the bucket (at most kMaxBuckets) and skips a zero count, as
    // histogram_to_json leaves those out.
    histogram.add(*index, count);
  }
  return histogram;
}

Result<probes::ProbeReport> probe_report_from_json(const json& value, const std::string& where) {
  if (!value.is_object()) return not_a(where, "an object", value);
  probes::ProbeReport report;
  ISOBENCH_TRY(read_section(value, where, "lifecycle", lifecycle_from_json, report.lifecycle));
  ISOBENCH_TRY(read_section(value, where, "cpu", cpu_from_json, report.cpu));
  ISOBENCH_TRY(read_section(value, where, "syscalls", syscalls_from_json, report.syscalls));
  ISOBENCH_TRY(read_section(value, where, "memory", memory_from_json, report.memory));
  ISOBENCH_TRY(read_section(value, where, "kvm", kvm_from_json, report.kvm));
  const json* notes = nullptr;
  ISOBENCH_TRY(read_field(value, where, "notes", to_array, notes));
  report.notes.reserve(notes->size());
  for (size_t i = 0; i < notes->size(); ++i) {
    auto note = to_text((*notes)[i], where + ".notes[" + std::to_string(i) + "]");
    if (!note) return note.error();
    report.notes.push_back(std::move(*note));
  }
  return report;
}

}  // namespace isobench::reports
