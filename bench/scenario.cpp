#include "bench/scenario.h"

#include "probes/probe_set.h"

#include <map>

namespace isobench::bench {
namespace {

Error at(const std::string& path, const std::string& problem, const nlohmann::json& got) {
  return plain_error(path + ": " + problem + ", got " + got.dump());
}

Result<std::vector<std::string>> string_list(const nlohmann::json& value, const std::string& path) {
  if (value.is_string()) return std::vector<std::string>{value.get<std::string>()};
  if (!value.is_array()) return at(path, "expected a string or a list of strings", value);
  std::vector<std::string> out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string()) return at(path + "[" + std::to_string(i) + "]", "expected a string", value[i]);
    out.push_back(value[i].get<std::string>());
  }
  return out;
}

Result<int> positive_int(const nlohmann::json& value, const std::string& path, int minimum) {
  if (!value.is_number_integer() || value.get<long long>() < minimum || value.get<long long>() > 1000000)
    return at(path, "expected an integer of at least " + std::to_string(minimum), value);
  return value.get<int>();
}

}  // namespace

Result<ScenarioSettings> parse_scenario(const nlohmann::json& document) {
  if (!document.is_object()) return at("$", "expected an object", document);
  ScenarioSettings settings;
  for (const auto& [key, value] : document.items()) {
    std::string path = "$." + key;
    if (key == "targets" || key == "workloads" || key == "cmd" || key == "params") {
      auto list = string_list(value, path);
      if (!list) return list.error();
      (key == "targets"     ? settings.targets
       : key == "workloads" ? settings.workloads
       : key == "cmd"       ? settings.cmd
                            : settings.params) = *list;
    } else if (key == "runs" || key == "warmup" || key == "memory_runs") {
      auto number = positive_int(value, path, key == "runs" ? 1 : 0);
      if (!number) return number.error();
      (key == "runs" ? settings.runs : key == "warmup" ? settings.warmup : settings.memory_runs) = *number;
    } else if (key == "concurrency") {
      nlohmann::json list = value.is_array() ? value : nlohmann::json::array({value});
      settings.concurrency.clear();
      for (size_t i = 0; i < list.size(); ++i) {
        auto level = positive_int(list[i], path + "[" + std::to_string(i) + "]", 1);
        if (!level) return level.error();
        settings.concurrency.push_back(*level);
      }
    } else if (key == "min_time" || key == "timeout") {
      if (!value.is_number() || value.get<double>() < 0) return at(path, "expected a number of seconds", value);
      (key == "min_time" ? settings.min_time : settings.timeout) = value.get<double>();
    } else if (key == "probes") {
      std::string list;
      if (value.is_string()) {
        list = value.get<std::string>();
      } else {
        auto names = string_list(value, path);
        if (!names) return names.error();
        for (const std::string& name : *names) list += (list.empty() ? "" : ",") + name;
      }
      auto parsed = probes::ProbeSet::parse(list);
      if (!parsed) return at(path, parsed.error().message, value);
      settings.probes = parsed->to_string();
    } else if (key == "seed") {
      if (!value.is_number_unsigned()) return at(path, "expected a non-negative integer", value);
      settings.seed = value.get<uint64_t>();
    } else {
      return at(path,
                "unknown setting (known: targets, workloads, cmd, params, runs, warmup, memory_runs, concurrency, "
                "min_time, timeout, seed, probes)",
                value);
    }
  }
  return settings;
}

Result<HarnessOptions> harness_options(const ScenarioSettings& settings) {
  HarnessOptions options;
  options.targets = settings.targets;
  options.concurrency = settings.concurrency;
  options.runs = settings.runs;
  options.warmup = settings.warmup;
  options.memory_runs = settings.memory_runs;
  options.min_time_seconds = settings.min_time;
  options.timeout_seconds = settings.timeout;
  options.seed = settings.seed;
  if (options.targets.empty()) return plain_error("no targets given");
  if (options.runs < 1) return plain_error("runs must be at least 1");
  if (options.concurrency.empty()) return plain_error("no concurrency levels given");
  for (int level : options.concurrency)
    if (level < 1) return plain_error("concurrency levels must be at least 1");
  if (!settings.cmd.empty()) {
    options.workloads.push_back(custom_command(settings.cmd));
    return options;
  }
  std::map<std::string, std::vector<ParamSweep>> sweeps;
  for (const std::string& text : settings.params) {
    auto sweep = parse_param_sweep(text);
    if (!sweep) return sweep.error();
    sweeps[sweep->workload].push_back(*sweep);
  }
  for (const auto& [workload, list] : sweeps) {
    bool used = false;
    for (const std::string& name : settings.workloads) used = used || name == workload;
    if (!used) return plain_error("--param for '" + workload + "', which is not among the workloads");
  }
  for (const std::string& name : settings.workloads) {
    // The cartesian product of this workload's sweeps.
    std::vector<std::map<std::string, std::string>> combinations = {{}};
    for (const ParamSweep& sweep : sweeps[name]) {
      std::vector<std::map<std::string, std::string>> next;
      for (const auto& partial : combinations)
        for (const std::string& value : sweep.values) {
          auto extended = partial;
          extended[sweep.key] = value;
          next.push_back(extended);
        }
      combinations = std::move(next);
    }
    for (const auto& params : combinations) {
      auto command = workload_command(name, params);
      if (!command) return command.error();
      options.workloads.push_back(*command);
    }
  }
  return options;
}

}  // namespace isobench::bench
