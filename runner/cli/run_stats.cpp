#include "runner/cli/run_stats.h"

#include <cstdio>

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

nlohmann::json run_stats_json(const runner::ContainerOutcome& outcome, runner::CgroupMode mode) {
  auto ms = [&](int64_t at) { return static_cast<double>(at - outcome.launch_ns) / 1e6; };
  nlohmann::json stats;
  stats["ending"] = ending_name(outcome.ending);
  stats["exit_code"] = outcome.exit_code;
  if (outcome.signal) stats["signal"] = outcome.signal;
  stats["launch_to_exec_ms"] = outcome.exec_ns ? nlohmann::json(ms(outcome.exec_ns)) : nlohmann::json(nullptr);
  stats["launch_to_exit_ms"] = ms(outcome.exit_ns);

  auto timeval_ns = [](const timeval& tv) { return static_cast<uint64_t>(tv.tv_sec) * 1000000000 + tv.tv_usec * 1000; };
  const std::string cgroup_source = "cgroup " + std::string(runner::cgroup_mode_name(mode));
  const runner::CgroupStats* cgroup = outcome.cgroup ? &*outcome.cgroup : nullptr;
  if (cgroup && cgroup->cpu_user_ns && cgroup->cpu_system_ns) {
    stats["cpu"] = {{"user_ns", *cgroup->cpu_user_ns}, {"system_ns", *cgroup->cpu_system_ns}, {"source", cgroup_source}};
  } else {
    stats["cpu"] = {{"user_ns", timeval_ns(outcome.usage.ru_utime)},
                    {"system_ns", timeval_ns(outcome.usage.ru_stime)},
                    {"source", "rusage"}};
  }
  if (cgroup && cgroup->memory_peak_bytes) {
    stats["memory_peak"] = {{"bytes", *cgroup->memory_peak_bytes}, {"source", cgroup_source}};
  } else {
    // ru_maxrss is the largest single process, in KiB: a lower bound for the container.
    stats["memory_peak"] = {{"bytes", static_cast<uint64_t>(outcome.usage.ru_maxrss) * 1024}, {"source", "rusage"}};
  }
  stats["oom_kills"] = cgroup ? cgroup->oom_kills : 0;
  if (!outcome.cgroup_path.empty()) stats["cgroup"] = outcome.cgroup_path;
  return stats;
}

std::string run_stats_text(const nlohmann::json& stats) {
  char line[512];
  const auto& exec = stats["launch_to_exec_ms"];
  char exec_text[32] = "never";
  if (!exec.is_null()) std::snprintf(exec_text, sizeof exec_text, "%.3f ms", exec.get<double>());
  std::snprintf(line, sizeof line,
                "isobench stats: exec after %s, exit after %.3f ms, peak memory %.2f MiB (%s), "
                "cpu user %.3f ms system %.3f ms (%s), OOM kills %llu, %s (exit code %d)",
                exec_text, stats["launch_to_exit_ms"].get<double>(),
                static_cast<double>(stats["memory_peak"]["bytes"].get<uint64_t>()) / (1 << 20),
                stats["memory_peak"]["source"].get<std::string>().c_str(),
                static_cast<double>(stats["cpu"]["user_ns"].get<uint64_t>()) / 1e6,
                static_cast<double>(stats["cpu"]["system_ns"].get<uint64_t>()) / 1e6,
                stats["cpu"]["source"].get<std::string>().c_str(),
                static_cast<unsigned long long>(stats["oom_kills"].get<uint64_t>()),
                stats["ending"].get<std::string>().c_str(), stats["exit_code"].get<int>());
  return line;
}

}  // namespace isobench::cli
