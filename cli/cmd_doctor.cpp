// `isobench doctor`: what this host supports, and why not.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "probes/bpf_features.h"
#include "probes/probe_session.h"
#include "runner/cgroup/stale_cgroups.h"
#include "cli/bench_workspace.h"
#include "cli/commands.h"
#include "runner/host_checks.h"
#include "runner/image/store_checks.h"

namespace isobench::cli {
namespace {

std::string joined(const std::vector<std::string>& items, size_t most = 3) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < most; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > most) out += ", ...";
  return out;
}

/// Removes what SIGKILLed runs left (stale cgroups, bench scratch directories) and says so.
std::vector<HostCheck> leftover_checks() {
  using Verdict = HostCheck::Verdict;
  const std::string area = "leftovers of killed runs";
  if (geteuid() != 0) return {{area, "stale cgroups", Verdict::kUntested, "run as root to find and remove them"}};
  std::vector<HostCheck> checks;
  auto sweep = runner::remove_stale_cgroups_on_host();
  if (!sweep) {
    checks.push_back({area, "stale cgroups", Verdict::kUntested, sweep.error().text()});
  } else {
    std::string removed = sweep->removed.empty() ? "none found"
                                                 : "removed " + std::to_string(sweep->removed.size()) +
                                                       " cgroup directories whose isobench was gone";
    if (!sweep->killed.empty())
      removed += " (processes a killed isobench left running were killed in " + joined(sweep->killed) + ")";
    checks.push_back({area, "stale cgroups", sweep->failed.empty() ? Verdict::kOk : Verdict::kUnavailable,
                      sweep->failed.empty() ? removed : removed + "; failed: " + joined(sweep->failed)});
    if (!sweep->busy.empty())
      checks.push_back({area, "stale cgroups left", Verdict::kUnavailable,
                        std::to_string(sweep->busy.size()) +
                            " could not be emptied or hold child cgroups: " + joined(sweep->busy)});
  }
  std::vector<std::string> scratch = remove_stale_workspaces("/tmp");
  checks.push_back(
      {area, "bench scratch directories", Verdict::kOk, scratch.empty() ? "none found" : "removed " + joined(scratch)});
  return checks;
}

/// Every bench target as bench makes it, in a workspace of its own: whether it runs here,
/// with its version, or why not (the package to install when it is missing, the privilege or
/// platform it lacks). Making one starts nothing: docker's own dockerd starts at its first
/// run, never here; vm's boots a guest once for its KVM verdict, which is cached.
std::vector<HostCheck> target_checks(const Result<BenchWorkspace>& workspace) {
  using Verdict = HostCheck::Verdict;
  const std::string area = "bench targets";
  if (!workspace) return {{area, "every target", Verdict::kUntested, workspace.error().text()}};
  std::vector<HostCheck> checks;
  for (const std::string& name : bench::target_names()) {
    auto target = bench::make_target(name, workspace->context());
    if (!target) {
      checks.push_back({area, name, Verdict::kUntested, target.error().text()});
      continue;
    }
    auto found = (*target)->probe();
    const std::string family = "(" + bench::isolation_family(name) + ") ";
    checks.push_back({area, name, found ? Verdict::kOk : Verdict::kUnavailable,
                      family + (found ? *found : found.error().text())});
  }
  return checks;
}

std::vector<HostCheck> all_checks() {
  // Before the workspace, whose creation would sweep the same leftovers without a word.
  std::vector<HostCheck> leftovers = leftover_checks();
  // While doctor has a single thread: the workspace forks its guard.
  auto workspace = BenchWorkspace::create("doctor");
  std::vector<HostCheck> checks;
  for (auto part : {runner::check_kernel(), runner::check_namespaces(), runner::check_cgroups(),
                    runner::check_filesystems_and_security(), probes::check_bpf_features(), probes::check_probes(),
                    runner::check_tools(), target_checks(workspace), runner::image::check_image_store(),
                    leftovers})
    checks.insert(checks.end(), part.begin(), part.end());
  return checks;
}

std::string render_table(const std::vector<HostCheck>& checks) {
  std::string out;
  std::string area;
  for (const HostCheck& check : checks) {
    if (check.area != area) {
      area = check.area;
      out += "\n" + area + "\n";
    }
    char line[1024];
    std::snprintf(line, sizeof line, "  %-34s %-12s %s\n", check.name.c_str(), verdict_name(check.verdict),
                  check.detail.c_str());
    out += line;
  }
  return out;
}

nlohmann::json render_json(const std::vector<HostCheck>& checks) {
  nlohmann::json out = nlohmann::json::array();
  for (const HostCheck& check : checks)
    out.push_back({{"area", check.area},
                   {"name", check.name},
                   {"verdict", verdict_name(check.verdict)},
                   {"detail", check.detail}});
  return {{"schema", "isobench-doctor/1"}, {"checks", out}};
}

}  // namespace

void add_doctor_command(CLI::App& app, Action& action) {
  auto json = std::make_shared<bool>(false);
  CLI::App* command = app.add_subcommand("doctor", "Show what this host supports for containers, cgroups, BPF and VMs");
  command->add_flag("--json", *json, "Print JSON instead of a table");
  command->callback([json, &action] {
    action = [json]() -> Result<int> {
      if (geteuid() != 0) std::cerr << "isobench: note: not root: some checks will fail for lack of privileges\n";
      auto checks = all_checks();
      if (*json)
        std::cout << render_json(checks).dump(2) << "\n";
      else
        std::cout << "isobench doctor" << render_table(checks);
      return 0;
    };
  });
}

}  // namespace isobench::cli
