#include "cli/run_stats.h"

#include <cstdio>
#include <cstdlib>

#include "common/file_io.h"
#include "common/time_units.h"

namespace isobench::cli {

using Ending = runner::ContainerOutcome::Ending;

std::string ending_name(Ending ending) {
  switch (ending) {
    case Ending::kExited: return "exited";
    case Ending::kSignaled: return "signaled";
    case Ending::kOomKilled: return "oom-killed";
    case Ending::kTimedOut: return "timed-out";
    case Ending::kSetupFailed: return "setup-failed";
  }
  return "?";
}

uint64_t own_peak_rss_bytes() {
  auto status = read_file("/proc/self/status");
  if (!status) return 0;
  size_t at = status->find("VmHWM:");
  if (at == std::string::npos) return 0;
  return std::strtoull(status->c_str() + at + 6, nullptr, 10) * 1024;
}

nlohmann::ordered_json run_stats_json(const runner::ContainerOutcome& outcome, runner::CgroupMode mode,
                                      uint64_t runner_peak_rss_bytes) {
  auto ms = [&](int64_t at) { return ms_between(outcome.launch_ns, at); };
  nlohmann::ordered_json stats;
  stats["ending"] = ending_name(outcome.ending);
  stats["exit_code"] = outcome.exit_code;
  if (outcome.signal) stats["signal"] = outcome.signal;
  stats["launch_to_exec_ms"] =
      outcome.exec_ns ? nlohmann::ordered_json(ms(outcome.exec_ns)) : nlohmann::ordered_json(nullptr);
  stats["launch_to_exit_ms"] = ms(outcome.exit_ns);
  // Where the startup time went, as seen from the runner (milliseconds per phase).
  auto span = [](int64_t from, int64_t to) {
    return from && to ? nlohmann::ordered_json(ms_between(from, to)) : nlohmann::ordered_json(nullptr);
  };
  stats["phases_ms"] = {{"prepare", span(outcome.launch_ns, outcome.prepared_ns)},
                        {"cgroup", span(outcome.prepared_ns, outcome.cgroup_ns)},
                        {"clone", span(outcome.cgroup_ns, outcome.cloned_ns)},
                        {"id_maps", span(outcome.cloned_ns, outcome.released_ns)},
                        {"child_setup_and_exec", span(outcome.released_ns, outcome.exec_ns)},
                        {"workload", span(outcome.exec_ns, outcome.exit_ns)},
                        {"teardown", span(outcome.exit_ns, outcome.cleaned_ns)}};

  const std::string cgroup_source = "cgroup " + std::string(runner::cgroup_mode_name(mode));
  const runner::CgroupStats* cgroup = outcome.cgroup ? &*outcome.cgroup : nullptr;
  if (cgroup && cgroup->cpu_user_ns && cgroup->cpu_system_ns) {
    stats["cpu"] = {{"user_ns", *cgroup->cpu_user_ns},
                    {"system_ns", *cgroup->cpu_system_ns},
                    {"total_ns", cgroup->cpu_total_ns.value_or(*cgroup->cpu_user_ns + *cgroup->cpu_system_ns)},
                    {"source", cgroup_source}};
  } else {
    stats["cpu"] = {{"user_ns", timeval_to_ns(outcome.usage.ru_utime)},
                    {"system_ns", timeval_to_ns(outcome.usage.ru_stime)},
                    {"total_ns", timeval_to_ns(outcome.usage.ru_utime) + timeval_to_ns(outcome.usage.ru_stime)},
                    {"source", "rusage"}};
  }
  if (cgroup && cgroup->memory_peak_bytes) {
    stats["memory_peak"] = {{"bytes", *cgroup->memory_peak_bytes}, {"source", cgroup_source}};
  } else {
    // ru_maxrss is the largest single process, in KiB: a lower bound for the container.
    stats["memory_peak"] = {{"bytes", static_cast<uint64_t>(outcome.usage.ru_maxrss) * 1024}, {"source", "rusage"}};
  }
  stats["oom_kills"] = cgroup ? cgroup->oom_kills : 0;
  if (runner_peak_rss_bytes) stats["runner_peak_rss_bytes"] = runner_peak_rss_bytes;
  if (!outcome.cgroup_path.empty()) stats["cgroup"] = outcome.cgroup_path;
  return stats;
}

std::string run_stats_text(const nlohmann::ordered_json& stats) {
  char line[512];
  const auto& exec = stats["launch_to_exec_ms"];
  char exec_text[32] = "never";
  if (!exec.is_null()) std::snprintf(exec_text, sizeof exec_text, "%.3f ms", exec.get<double>());
  std::snprintf(line, sizeof line,
                "isobench stats: exec after %s, exit after %.3f ms, peak memory %.2f MiB (%s), "
                "cpu %.3f ms (user %.3f, system %.3f; %s), OOM kills %llu, %s (exit code %d)",
                exec_text, stats["launch_to_exit_ms"].get<double>(),
                static_cast<double>(stats["memory_peak"]["bytes"].get<uint64_t>()) / (1 << 20),
                stats["memory_peak"]["source"].get<std::string>().c_str(),
                ns_to_ms(stats["cpu"]["total_ns"].get<uint64_t>()), ns_to_ms(stats["cpu"]["user_ns"].get<uint64_t>()),
                ns_to_ms(stats["cpu"]["system_ns"].get<uint64_t>()),
                stats["cpu"]["source"].get<std::string>().c_str(),
                static_cast<unsigned long long>(stats["oom_kills"].get<uint64_t>()),
                stats["ending"].get<std::string>().c_str(), stats["exit_code"].get<int>());
  std::string text = line;
  text += "\nisobench phases (ms):";
  for (const auto& [phase, value] : stats["phases_ms"].items()) {
    char item[64];
    std::snprintf(item, sizeof item, " %s %.3f", phase.c_str(), value.is_null() ? 0.0 : value.get<double>());
    text += item;
  }
  if (stats.contains("runner_peak_rss_bytes")) {
    char item[64];
    std::snprintf(item, sizeof item, "; isobench peak RSS %.2f MiB",
                  static_cast<double>(stats["runner_peak_rss_bytes"].get<uint64_t>()) / (1 << 20));
    text += item;
  }
  return text;
}

}  // namespace isobench::cli
