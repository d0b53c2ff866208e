// `isobench probe [--probes LIST] [--json FILE] [--events] -- CMD ARGS`: run any command
// (`isobench run ...`, `runc run ...`, `bwrap ...`, a VM) under the BPF probes and show
// its startup phases, CPU, syscalls, memory and KVM exits as the kernel saw them. The report
// goes to stderr: stdout stays the command's.
#include <poll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/file_io.h"
#include "common/system.h"
#include "common/unique_fd.h"
#include "probes/probe_session.h"
#include "reports/probe_json.h"
#include "reports/probe_text.h"
#include "cli/commands.h"

namespace isobench::cli {
namespace {

int exit_code(int status) {
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

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
  std::vector<char*> argv = exec_array(command);
  int64_t launch_ns = monotonic_ns();
  pid_t child = fork();
  if (child < 0) {
    session->remove_launcher(self);
    return errno_error("fork");
  }
  if (child == 0) {
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "isobench: cannot run %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  session->remove_launcher(self);
  int status = 0;
  struct rusage usage {};
  // Read the probes' events now and then while the command runs: their ring buffer is
  // bounded and never wakes us. The pidfd says when it exits, with no delay.
  UniqueFd exited(static_cast<int>(syscall(SYS_pidfd_open, child, 0)));
  if (exited) {
    pollfd ready{exited.get(), POLLIN, 0};
    for (;;) {
      int ready_count = poll(&ready, 1, 100);
      if (ready_count > 0 || (ready_count < 0 && errno != EINTR)) break;
      session->poll_events();
    }
  }
  while (wait4(child, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  int64_t end_ns = monotonic_ns();
  probes::ProbeReport report = session->collect(child, launch_ns, end_ns, usage);

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
    doc["exit_code"] = exit_code(status);
    ISOBENCH_TRY(write_regular_file(options.json_path,
                                    doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"));
  }
  return exit_code(status);
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
  command->add_option("--json", options->json_path, "Write the report and every event as JSON (isobench-probe/1)");
  command->add_flag("--events", options->events, "List the process tree's events and isolation syscalls");
  command->callback([options, &action, &container_command] {
    action = [options, &container_command] { return probe_command(container_command, *options); };
  });
}

}  // namespace isobench::cli
