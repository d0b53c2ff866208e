// `isobench probe [--probes LIST] [-o FILE] [--events] -- CMD ARGS`: run any command
// (`isobench run ...`, `runc run ...`, `bwrap ...`, a VM) under the BPF probes and show
// its startup phases, CPU, syscalls, memory and KVM exits as the kernel saw them. The report
// goes to stderr: stdout stays the command's.
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/file_io.h"
#include "common/subprocess.h"
#include "common/system.h"
#include "common/unique_fd.h"
#include "probes/probe_session.h"
#include "reports/probe_json.h"
#include "reports/probe_text.h"
#include "cli/commands.h"

namespace isobench::cli {
namespace {

struct ProbeOptions {
  std::string probes = "all";
  std::string json_path;
  bool events = false;
};

Result<int> probe_command(const std::vector<std::string>& command, const ProbeOptions& options) {
  if (command.empty()) return plain_error("no command given: isobench probe -- CMD ARGS");
  auto wanted = probes::ProbeSet::parse(options.probes);
  if (!wanted) return wanted.error();
  std::unique_ptr<probes::ProbeSession> session = probes::start_probe_session(*wanted);

  // Every child this thread forks is followed from its first instruction.
  auto self = static_cast<pid_t>(syscall(SYS_gettid));
  ISOBENCH_TRY(session->add_launcher(self));
  SpawnOptions spawning;
  spawning.search_path = true;
  spawning.report_exec_failure = true;
  int64_t launch_ns = monotonic_ns();
  auto child = spawn(command, spawning);
  session->remove_launcher(self);
  if (!child) return child.error();
  // Read the probes' events now and then while the command runs: their ring buffer is
  // bounded and never wakes us. The pidfd says when it exits, with no delay.
  if (child->pidfd() >= 0)
    while (!child->exits_within(100)) session->poll_events();
  struct rusage usage {};
  const int status = child->wait(&usage).shell_code();
  int64_t end_ns = monotonic_ns();
  probes::ProbeReport report = session->collect(child->pid(), launch_ns, end_ns, usage);

  std::fputs(reports::render_probe_report(report, options.events).c_str(), stderr);
  if (!options.json_path.empty()) {
    nlohmann::ordered_json doc = {{"schema", reports::kProbeSchema},
                                  {"command", command},
                                  {"probes_requested", wanted->to_string()},
                                  {"probes_active", session->active().to_string()}};
    doc.update(reports::probe_report_to_json(report, true));
    // The same run from wait4, next to the probes' figures: a cross-check for the reader.
    probes::CpuFigures cpu = probes::cpu_from_rusage(usage);
    probes::MemoryFigures memory = probes::memory_from_rusage(usage);
    doc["rusage"] = {{"source", probes::kSourceRusage},
                     {"on_cpu_ns", cpu.on_cpu_ns},
                     {"voluntary_switches", cpu.voluntary_switches},
                     {"involuntary_switches", cpu.involuntary_switches},
                     {"minor_faults", memory.minor_faults},
                     {"major_faults", memory.major_faults},
                     {"max_rss_kib", memory.rss_high_water_kib}};
    doc["exit_code"] = status;
    ISOBENCH_TRY(write_regular_file(options.json_path,
                                    doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"));
  }
  return status;
}

}  // namespace

void add_probe_command(CLI::App& app, Action& action, const std::vector<std::string>& container_command) {
  auto options = std::make_shared<ProbeOptions>();
  CLI::App* command =
      app.add_subcommand("probe",
                         "Trace any command with the BPF probes (startup phases, CPU, syscalls, memory, KVM exits): "
                         "isobench probe -- CMD");
  command->add_option("--probes", options->probes,
                      "Probes to run: lifecycle,cpu,syscalls,memory,kvm, or all (default all)");
  command->add_option("-o,--output", options->json_path,
                      "Write the report and every event as JSON (isobench-probe/1) to FILE");
  command->add_flag("--events", options->events, "List the process tree's events and isolation syscalls");
  command->callback([options, &action, &container_command] {
    action = [options, &container_command] { return probe_command(container_command, *options); };
  });
}

}  // namespace isobench::cli
