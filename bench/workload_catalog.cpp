#include "bench/workload_catalog.h"

#include <algorithm>

#include "common/text.h"

namespace isobench::bench {

std::string WorkloadCommand::label() const {
  if (params.empty()) return name;
  std::string out = name + "(";
  bool first = true;
  for (const auto& [key, value] : params) {
    out += (first ? "" : ",") + key + "=" + value;
    first = false;
  }
  return out + ")";
}

namespace {

/// One built-in workload: the image's /bin/<name>, and the parameters it always gets unless
/// the caller gives them.
struct BuiltinWorkload {
  const char* name;
  std::map<std::string, std::string> defaults;
};

/// The built-in workloads, in the order tables show them: the one list --help, the errors
/// and workload_command use.
const std::vector<BuiltinWorkload>& workload_table() {
  static const std::vector<BuiltinWorkload> table = {
      {"noop", {}},
      {"hello", {}},
      {"cpu", {}},
      {"mem", {}},
      {"syscall", {}},
      {"fork", {}},
      // io writes into its working directory, which is read-only in some targets' images.
      {"io", {{"dir", "/tmp"}}},
      {"net", {}}};
  return table;
}

}  // namespace

const std::vector<std::string>& builtin_workloads() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> names;
    for (const BuiltinWorkload& workload : workload_table()) names.emplace_back(workload.name);
    return names;
  }();
  return names;
}

std::string known_workloads() {
  return join(builtin_workloads(), ", ");
}

Result<WorkloadCommand> workload_command(const std::string& name, const std::map<std::string, std::string>& params) {
  const auto& table = workload_table();
  auto found =
      std::find_if(table.begin(), table.end(), [&](const BuiltinWorkload& entry) { return entry.name == name; });
  if (found == table.end())
    return plain_error("unknown workload '" + name + "': expected one of " + known_workloads() + ", or --cmd");
  WorkloadCommand command{name, params, {"/bin/" + name}};
  for (const auto& [key, value] : found->defaults)
    if (!params.count(key)) command.argv.insert(command.argv.end(), {"--" + key, value});
  for (const auto& [key, value] : params) command.argv.insert(command.argv.end(), {"--" + key, value});
  return command;
}

bool runs_under_stamper(const WorkloadCommand& workload) {
  return workload.argv.size() >= 2 && workload.argv[0] == kStartStamper;
}

WorkloadCommand custom_command(const std::vector<std::string>& argv) {
  return {"cmd", {}, argv, false};
}

Result<ParamSweep> parse_param_sweep(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return plain_error("invalid --param '" + text + "': " + why + " (expected WORKLOAD.KEY=V1,V2,...)");
  };
  size_t dot = text.find('.');
  size_t equals = text.find('=');
  if (dot == std::string::npos || equals == std::string::npos || dot > equals) return bad("no WORKLOAD.KEY=");
  ParamSweep sweep{text.substr(0, dot), text.substr(dot + 1, equals - dot - 1), {}};
  if (sweep.workload.empty() || sweep.key.empty()) return bad("empty workload or key");
  for (const std::string& value : split_list(std::string_view(text).substr(equals + 1), ',')) {
    if (value.empty()) return bad("empty value");
    sweep.values.push_back(value);
  }
  return sweep;
}

}  // namespace isobench::bench
