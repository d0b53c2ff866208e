// `isobench probe [--json FILE] -- CMD ARGS`: run any command (`isobench run ...`, `runc
// run ...`, `bwrap ...`) under the lifecycle probe and show its process tree, isolation
// syscalls and startup phases as the kernel saw them.
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/file_io.h"
#include "common/system.h"
#include "runner/cli/commands.h"

#ifdef ISOBENCH_WITH_BPF
#include "probes/lifecycle_phases.h"
#include "probes/lifecycle_probe.h"
#include "probes/tracefs.h"
#endif

namespace isobench::cli {
namespace {

#ifdef ISOBENCH_WITH_BPF
using probes::LifecycleEvent;

std::string describe(const LifecycleEvent& event) {
  char text[160];
  switch (event.kind) {
    case LifecycleEvent::Kind::kFork: std::snprintf(text, sizeof text, "fork   from %u", event.parent_pid); break;
    case LifecycleEvent::Kind::kExec: std::snprintf(text, sizeof text, "exec   %s", event.comm.c_str()); break;
    case LifecycleEvent::Kind::kExit:
      std::snprintf(text, sizeof text, "exit   status 0x%llx", static_cast<unsigned long long>(event.ret));
      break;
    case LifecycleEvent::Kind::kSyscall:
      std::snprintf(text, sizeof text, "%-10s %8.3f ms  arg0 0x%llx -> %lld%s", event.syscall_name().c_str(),
                    static_cast<double>(event.duration_ns) / 1e6, static_cast<unsigned long long>(event.arg0),
                    static_cast<long long>(event.ret), probes::creates_namespace(event) ? "  (new namespaces)" : "");
      break;
  }
  return text;
}

Result<int> probe_command(const std::vector<std::string>& command, const std::string& json_path) {
  if (command.empty()) return plain_error("no command given: isobench probe -- CMD ARGS");
  auto tracefs = probes::TracefsMount::ensure();
  if (!tracefs) return tracefs.error();
  auto probe = probes::LifecycleProbe::start();
  if (!probe) return probe.error();

  std::vector<char*> argv = exec_array(command);
  int go[2];
  if (pipe2(go, O_CLOEXEC) != 0) return errno_error("pipe2");
  pid_t child = fork();
  if (child < 0) return errno_error("fork");
  if (child == 0) {
    char byte;
    close(go[1]);
    if (read(go[0], &byte, 1) != 1) _exit(125);
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "isobench: cannot run %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  close(go[0]);
  Status tracked = (*probe)->track(child);
  int64_t launch_ns = monotonic_ns();
  (void)!write(go[1], "x", 1);  // the command starts only once it is followed
  close(go[1]);
  if (!tracked) {
    waitpid(child, nullptr, 0);
    return tracked.error();
  }
  int status = 0;
  waitpid(child, &status, 0);
  int64_t end_ns = monotonic_ns();
  std::vector<LifecycleEvent> events = (*probe)->drain();
  probes::LifecyclePhases phases = probes::lifecycle_phases(events, launch_ns, end_ns);

  std::fprintf(stderr, "isobench probe: %zu events (lifecycle probe, BPF tracepoints)\n", events.size());
  for (const LifecycleEvent& event : events)
    std::fprintf(stderr, "%10.3f ms  %7u  %-16s %s\n", static_cast<double>(event.timestamp_ns - launch_ns) / 1e6,
                 event.pid, event.comm.c_str(), describe(event).c_str());
  std::fprintf(stderr,
               "phases (ms): runtime start %.3f, namespaces %.3f (%d calls), rootfs %.3f, other setup %.3f, "
               "exec %.3f, workload %.3f, teardown %.3f; total %.3f\n",
               phases.runtime_start_ms, phases.namespaces_ms, phases.namespace_syscalls, phases.rootfs_ms,
               phases.other_setup_ms, phases.exec_ms, phases.workload_ms, phases.teardown_ms, phases.total_ms);

  if (!json_path.empty()) {
    nlohmann::ordered_json doc = {{"schema", "isobench-probe/1"}, {"source", "bpf"}, {"command", command}};
    doc["phases_ms"] = {{"runtime_start", phases.runtime_start_ms},
                        {"namespaces", phases.namespaces_ms},
                        {"rootfs", phases.rootfs_ms},
                        {"other_setup", phases.other_setup_ms},
                        {"exec", phases.exec_ms},
                        {"workload", phases.workload_ms},
                        {"teardown", phases.teardown_ms},
                        {"total", phases.total_ms}};
    doc["namespace_syscalls"] = phases.namespace_syscalls;
    doc["events"] = nlohmann::ordered_json::array();
    for (const LifecycleEvent& event : events) {
      static const char* kinds[] = {"", "fork", "exec", "exit", "syscall"};
      nlohmann::ordered_json item = {{"kind", kinds[static_cast<int>(event.kind)]},
                                     {"offset_ns", event.timestamp_ns - launch_ns},
                                     {"pid", event.pid},
                                     {"tgid", event.tgid},
                                     {"comm", event.comm}};
      if (event.kind == LifecycleEvent::Kind::kFork) item["parent_pid"] = event.parent_pid;
      if (event.kind == LifecycleEvent::Kind::kSyscall) {
        item["syscall"] = event.syscall_name();
        item["duration_ns"] = event.duration_ns;
        item["arg0"] = event.arg0;
        item["ret"] = event.ret;
        item["creates_namespace"] = probes::creates_namespace(event);
      }
      doc["events"].push_back(std::move(item));
    }
    ISOBENCH_TRY(write_regular_file(json_path, doc.dump(2) + "\n"));
  }
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
#else
Result<int> probe_command(const std::vector<std::string>&, const std::string&) {
  return plain_error("isobench was built without BPF (ISOBENCH_WITH_BPF=OFF): no probes");
}
#endif

}  // namespace

void add_probe_command(CLI::App& app, Action& action, const std::vector<std::string>& container_command) {
  auto json = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand(
      "probe", "Trace any command's process tree and isolation syscalls with BPF: isobench probe -- CMD");
  command->add_option("--json", *json, "Write the events and phases as JSON (isobench-probe/1)");
  command->callback([json, &action, &container_command] {
    action = [json, &container_command] { return probe_command(container_command, *json); };
  });
}

}  // namespace isobench::cli
