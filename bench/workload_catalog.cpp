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

const std::vector<std::string>& builtin_workloads() {
  static const std::vector<std::string> names = {"noop", "hello", "cpu", "mem", "syscall", "fork", "io", "net"};
  return names;
}

Result<WorkloadCommand> workload_command(const std::string& name, const std::map<std::string, std::string>& params) {
  const auto& known = builtin_workloads();
  if (std::find(known.begin(), known.end(), name) == known.end()) {
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    return plain_error("unknown workload '" + name + "': expected one of " + list + ", or --cmd");
  }
  WorkloadCommand command{name, params, {"/bin/" + name}};
  // io writes into its working directory, which is read-only in some targets' images.
  if (name == "io" && !params.count("dir")) command.argv.insert(command.argv.end(), {"--dir", "/tmp"});
  for (const auto& [key, value] : params) command.argv.insert(command.argv.end(), {"--" + key, value});
  return command;
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
