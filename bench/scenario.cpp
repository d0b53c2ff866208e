#include "bench/scenario.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

#include "bench/harness/page_cache.h"
#include "bench/image_program.h"
#include "bench/targets/target.h"
#include "probes/probe_set.h"
#include "runner/image.h"
#include "runner/units.h"

namespace isobench::bench {

const JsonLimits kScenarioLimits{"scenario file", 1 << 20, 16};

namespace {

/// The value is quoted cut short: a scenario may hold a 100 KB string where a number belongs.
Error at(const std::string& path, const std::string& problem, const nlohmann::json& got) {
  return plain_error(path + ": " + problem + ", got " + excerpt(got.dump()));
}

/// What a workload parameter must look like, as the workload program parses it
/// (bench/workloads/workload_common.c): sizes and counts are whole positive numbers.
enum class ParamKind { kSize, kCount, kDirectory };

const std::map<std::string, std::map<std::string, ParamKind>>& workload_params() {
  static const std::map<std::string, std::map<std::string, ParamKind>> table = {
      {"noop", {}},
      {"hello", {}},
      {"cpu", {{"iterations", ParamKind::kCount}}},
      {"mem", {{"size", ParamKind::kSize}}},
      {"syscall", {{"count", ParamKind::kCount}}},
      {"fork", {{"count", ParamKind::kCount}}},
      {"io", {{"size", ParamKind::kSize}, {"dir", ParamKind::kDirectory}}},
      {"net", {{"count", ParamKind::kCount}}},
  };
  return table;
}

/// Digits (at least one, not all zeros, fitting 64 bits), then what may follow them.
bool whole_number(std::string_view& text) {
  size_t digits = 0;
  uint64_t value = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
    unsigned digit = static_cast<unsigned>(text[digits] - '0');
    if (value > (UINT64_MAX - digit) / 10) return false;
    value = value * 10 + digit;
    ++digits;
  }
  text.remove_prefix(digits);
  return digits > 0 && value > 0;
}

/// 4096, 64k, 64m, 64MiB, 1g, 4096b: wl_parse_size's spellings (no fractions).
bool workload_size(std::string_view text) {
  if (!whole_number(text)) return false;
  auto lower = [&](size_t i) { return static_cast<char>(std::tolower(static_cast<unsigned char>(text[i]))); };
  if (!text.empty() && std::string_view("kmgt").find(lower(0)) != std::string_view::npos) {
    text.remove_prefix(1);
    if (!text.empty() && lower(0) == 'i') {
      if (text.size() < 2 || lower(1) != 'b') return false;
      text.remove_prefix(1);
    }
  }
  if (!text.empty() && lower(0) == 'b') text.remove_prefix(1);
  return text.empty();
}

Status check_param(const ParamSweep& sweep) {
  const std::string name = "--param " + sweep.workload + "." + sweep.key;
  auto workload = workload_params().find(sweep.workload);
  if (workload == workload_params().end()) return {};  // an unknown workload is refused with the workloads
  auto kind = workload->second.find(sweep.key);
  if (kind == workload->second.end()) {
    std::string known;
    for (const auto& [key, ignored] : workload->second) known += (known.empty() ? "" : ", ") + key;
    return plain_error(name + ": " + sweep.workload + " takes no parameter '" + excerpt(sweep.key) + "' (" +
                       (known.empty() ? "it takes none" : "it takes: " + known) + ")");
  }
  for (const std::string& value : sweep.values) {
    std::string_view text = value;
    bool good = kind->second == ParamKind::kSize    ? workload_size(text)
                : kind->second == ParamKind::kCount ? whole_number(text) && text.empty()
                                                    : !value.empty() && value[0] == '/';
    if (!good)
      return plain_error(name + ": '" + excerpt(value) + "' is not " +
                         (kind->second == ParamKind::kSize ? "a size (a positive whole number with an optional unit: "
                                                             "4096, 64k, 64m, 1g)"
                          : kind->second == ParamKind::kCount ? "a positive whole number"
                                                              : "an absolute directory path"));
  }
  return {};
}

/// A duration setting: finite, within runner::kMaxSeconds, above 0 unless `zero_allowed`.
Status check_duration(double seconds, const std::string& name, bool zero_allowed) {
  Status checked = runner::check_seconds(seconds, zero_allowed);
  if (!checked) return plain_error(name + ": " + checked.error().message);
  return {};
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
    if (key == "cmd" && value.is_string()) {
      auto words = split_command_words(value.get<std::string>());
      if (!words) return plain_error(path + ": " + words.error().message);
      if (words->empty()) return at(path, "expected a command (a non-empty string or list of strings)", value);
      settings.cmd = std::move(*words);
    } else if (key == "targets" || key == "workloads" || key == "cmd" || key == "params") {
      auto list = string_list(value, path);
      if (!list) return list.error();
      if (key == "cmd" && (list->empty() || (*list)[0].empty()))
        return at(path, "expected a command (a non-empty string or list of strings)", value);
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
      if (!value.is_number()) return at(path, "expected a number of seconds", value);
      ISOBENCH_TRY(check_duration(value.get<double>(), path, key == "min_time"));
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
    } else if (key == "image") {
      if (!value.is_string() || value.get<std::string>().empty())
        return at(path, "expected an image name (a non-empty string)", value);
      settings.image = value.get<std::string>();
    } else if (key == "seed") {
      if (!value.is_number_unsigned()) return at(path, "expected a non-negative integer", value);
      settings.seed = value.get<uint64_t>();
    } else if (key == "cold") {
      if (!value.is_boolean()) return at(path, "expected true or false", value);
      settings.cold = value.get<bool>();
    } else {
      return at(path,
                "unknown setting (known: targets, workloads, cmd, image, params, runs, warmup, memory_runs, "
                "concurrency, min_time, timeout, seed, probes, cold)",
                value);
    }
  }
  return settings;
}

Result<ScenarioSettings> parse_scenario_text(std::string_view text, const std::string& name) {
  auto document = parse_json_text(text, name, kScenarioLimits);
  if (!document) return document.error();
  auto settings = parse_scenario(*document);
  if (!settings) return plain_error(name + ": " + settings.error().message);
  return settings;
}

Result<ScenarioSettings> load_scenario(const std::string& path) {
  const std::string name = "scenario " + path;
  auto text = read_bounded_file(path, kScenarioLimits.max_bytes, kScenarioLimits.kind);
  if (!text) return Error{text.error().errno_value, "scenario " + text.error().message};
  return parse_scenario_text(*text, name);
}

namespace {

/// --cmd as every target runs it: its program found in the image (see harness_options), run
/// by the start stamper, which writes the handshake the command does not.
Result<WorkloadCommand> image_command(const ScenarioSettings& settings, const std::string& image_root,
                                      const std::string& path_variable, bool bare_runs_from_host) {
  std::vector<std::string> argv = settings.cmd;
  if (argv[0].empty()) return plain_error("--cmd: an empty command");
  if (image_root.empty()) return plain_error("--cmd: no image to find the program in");
  for (size_t i = 0; i < argv.size(); ++i)
    if (argv[i].find('\0') != std::string::npos)
      return plain_error("--cmd: argument " + std::to_string(i) + " holds a NUL byte, which no argument can");
  auto program = find_image_program(image_root, argv[0], path_variable);
  // The message says why; an errno would only repeat it ("...: No such file or directory").
  if (!program) return plain_error("--cmd: " + program.error().message);
  const bool runs_bare = std::find(settings.targets.begin(), settings.targets.end(), "bare") != settings.targets.end();
  if (runs_bare && bare_runs_from_host) {
    auto host = host_path_of_image_program(image_root, *program);
    if (!host) return plain_error("--cmd: " + host.error().message);
  }
  auto stamper = find_image_program(image_root, kStartStamper, path_variable);
  if (!stamper)
    return plain_error("--cmd: the image has no start stamper " + std::string(kStartStamper) +
                       " (it comes with the built-in image and is added to every image from the store)");
  argv[0] = *program;
  argv.insert(argv.begin(), kStartStamper);
  return custom_command(argv);
}

/// With an image from the store: every workload's program is in it.
Status check_image_programs(const HarnessOptions& options, const TargetContext& context) {
  const std::string path = runner::path_variable(workload_environment(context));
  for (const WorkloadCommand& workload : options.workloads) {
    auto program = find_image_program(context.rootfs, workload.argv[0], path);
    if (!program)
      return plain_error("workload '" + workload.name + "' runs " + workload.argv[0] + ", which image " +
                         context.image->name + " lacks: give the command to run in it with --cmd (isobench bench --image " +
                         context.image->name + " --cmd 'PROGRAM ARGS')");
  }
  return {};
}

/// The built-in workloads of `settings`, each expanded into the cartesian product of its
/// parameter sweeps.
Status add_builtin_workloads(const ScenarioSettings& settings, HarnessOptions& options) {
  std::map<std::string, std::vector<ParamSweep>> sweeps;
  for (const std::string& text : settings.params) {
    auto sweep = parse_param_sweep(text);
    if (!sweep) return sweep.error();
    ISOBENCH_TRY(check_param(*sweep));
    sweeps[sweep->workload].push_back(*sweep);
  }
  for (const auto& [workload, list] : sweeps) {
    bool used = false;
    for (const std::string& name : settings.workloads) used = used || name == workload;
    if (!used) return plain_error("--param for '" + workload + "', which is not among the workloads");
  }
  for (const std::string& name : settings.workloads) {
    std::vector<std::map<std::string, std::string>> combinations = {{}};
    for (const ParamSweep& sweep : sweeps[name]) {
      // A few hundred bytes of sweeps would otherwise multiply into millions of commands.
      if (combinations.size() * sweep.values.size() + options.workloads.size() > 1000)
        return plain_error("--param: the sweeps make more than 1000 workload commands");
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
  return {};
}

}  // namespace

Result<HarnessOptions> harness_options(const ScenarioSettings& settings) {
  std::string image_root;
  if (!settings.cmd.empty()) {
    auto builtin = runner::builtin_image_rootfs();
    if (!builtin) return Error{builtin.error().errno_value, "--cmd: " + builtin.error().message};
    image_root = *builtin;
  }
  return harness_options(settings, image_root);
}

Result<HarnessOptions> harness_options(const ScenarioSettings& settings, const std::string& image_root) {
  return harness_options(settings, TargetContext{"", image_root, "", std::nullopt});
}

Result<HarnessOptions> harness_options(const ScenarioSettings& settings, const TargetContext& context) {
  HarnessOptions options;
  options.targets = settings.targets;
  options.concurrency = settings.concurrency;
  options.runs = settings.runs;
  options.warmup = settings.warmup;
  options.memory_runs = settings.memory_runs;
  options.min_time_seconds = settings.min_time;
  options.timeout_seconds = settings.timeout;
  options.seed = settings.seed;
  if (settings.cold) {
    ISOBENCH_TRY(check_page_cache_droppable());
    options.before_each_run = drop_page_cache;
  }
  if (options.targets.empty()) return plain_error("no targets given");
  if (options.runs < 1) return plain_error("runs must be at least 1");
  if (options.concurrency.empty()) return plain_error("no concurrency levels given");
  for (int level : options.concurrency)
    if (level < 1) return plain_error("concurrency levels must be at least 1");
  ISOBENCH_TRY(check_duration(settings.timeout, "--timeout", false));
  ISOBENCH_TRY(check_duration(settings.min_time, "--min-time", true));
  if (!settings.cmd.empty()) {
    auto command = image_command(settings, context.rootfs, runner::path_variable(workload_environment(context)),
                                 !context.image);
    if (!command && context.image) return plain_error("image " + context.image->name + ": " + command.error().message);
    if (!command) return command.error();
    options.workloads.push_back(std::move(*command));
  } else {
    ISOBENCH_TRY(add_builtin_workloads(settings, options));
  }
  if (context.image) ISOBENCH_TRY(check_image_programs(options, context));
  return options;
}

}  // namespace isobench::bench
