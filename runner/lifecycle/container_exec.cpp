#include "runner/lifecycle/container_exec.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <cstring>

#include "common/file_io.h"
#include "common/system.h"
#include "runner/cgroup/cgroup.h"
#include "runner/child.h"
#include "runner/lifecycle/container_cgroups.h"
#include "runner/lifecycle/container_liveness.h"
#include "runner/security/capabilities.h"
#include "runner/security/seccomp_filter.h"
#include "runner/signal_block.h"
#include "runner/spec_codec.h"

namespace isobench::runner::lifecycle {

namespace {

/// Everything the joining process needs, prepared before the fork.
struct JoinPlan {
  UniqueFd init_pidfd;
  uint64_t namespace_flags = 0;
  std::vector<std::string> cgroup_procs;  ///< host paths of the init's cgroups' cgroup.procs
  ProcessPrivileges privileges;
  int last_capability = 0;
  uint32_t uid = 0, gid = 0;
  bool clear_groups = true;
  std::string cwd;
  std::vector<std::string> args, env;
};

/// Why the joining process failed, written to the error pipe: the step and errno.
struct JoinFailure {
  int32_t step = 0;
  int32_t error = 0;
};
constexpr const char* kStepNames[] = {"join the container's cgroup", "join the container's namespaces", "fork",
                                      "enter the working directory", "limit capabilities", "set user ids",
                                      "set no_new_privs", "close descriptors", "install the seccomp filter", "exec"};
enum Step : int32_t { kCgroup, kNamespaces, kFork, kCwd, kBounding, kIds, kNoNewPrivs, kDescriptors, kSeccomp, kExec };

Result<uint64_t> hex_field(const std::string& status, const char* key) {
  const size_t at = status.find(std::string("\n") + key + ":");
  if (at == std::string::npos) return plain_error(std::string("no ") + key + " in /proc/PID/status");
  size_t begin = status.find_first_not_of(" \t", at + std::strlen(key) + 2);
  uint64_t value = 0;
  const char* first = status.data() + begin;
  const auto [end, error] = std::from_chars(first, status.data() + status.size(), value, 16);
  if (error != std::errc() || end == first) return plain_error(std::string("cannot parse ") + key);
  return value;
}

/// The init's cgroups as host paths of their cgroup.procs files (only isobench's own).
std::vector<std::string> cgroup_procs_of(pid_t pid) {
  std::vector<std::string> procs;
  for (const auto& [controller, dir] : container_cgroup_dirs(pid)) procs.push_back(dir + "/cgroup.procs");
  return procs;
}

Status parse_user(const std::string& user, uint32_t& uid, uint32_t& gid) {
  const size_t colon = user.find(':');
  auto number = [](std::string_view text, uint32_t& out) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size() && !text.empty() && out != UINT32_MAX;
  };
  if (!number(std::string_view(user).substr(0, colon), uid)) return usage_error("-u " + user + ": expected a numeric uid[:gid]");
  if (colon == std::string::npos) return {};
  if (!number(std::string_view(user).substr(colon + 1), gid)) return usage_error("-u " + user + ": expected a numeric uid[:gid]");
  return {};
}

Result<JoinPlan> plan_join(const ContainerStore& store, const std::string& id, const ExecRequest& request) {
  auto container = store.read(id);
  if (!container) return container.error();
  const ContainerState state = observed_state(container->state, store.monitor_alive(id));
  if (state.status != ContainerStatus::kRunning) return Error{0, "container " + id + " is not running", 1};
  auto init = open_process(state.pid, state.pid_start_time);
  if (!init) return Error{0, "container " + id + " is not running", 1};
  auto text = read_file(store.spec_path(id));
  if (!text) return text.error();
  auto spec = parse_spec(*text, "container " + id.substr(0, 12) + " spec.json");
  if (!spec) return spec.error();
  auto status = read_file("/proc/" + std::to_string(state.pid) + "/status");
  if (!status) return Error{0, "container " + id + " is not running", 1};
  auto privileges = parse_process_privileges(*status);
  if (!privileges) return privileges.error();
  auto last = last_capability();
  if (!last) return last.error();
  JoinPlan plan;
  plan.init_pidfd = std::move(*init);
  plan.namespace_flags = spec->namespaces.clone_flags();
  plan.cgroup_procs = cgroup_procs_of(state.pid);
  plan.privileges = *privileges;
  plan.last_capability = *last;
  plan.uid = spec->uid;
  plan.gid = spec->gid;
  if (!request.user.empty()) {
    plan.gid = 0;
    ISOBENCH_TRY(parse_user(request.user, plan.uid, plan.gid));
  }
  plan.clear_groups = !spec->deny_setgroups;
  plan.cwd = request.workdir.empty() ? spec->cwd : request.workdir;
  plan.args = request.args;
  plan.env = merge_environment(spec->env, request.env);
  return plan;
}

[[noreturn]] void fail_join(int error_fd, Step step, int error) {
  JoinFailure failure{step, error};
  (void)!::write(error_fd, &failure, sizeof failure);
  ::_exit(step == kExec ? (error == ENOENT ? 127 : 126) : 125);
}

/// The process in the container, from fork to exec: the init's privileges, no more.
[[noreturn]] void become_joined(const JoinPlan& plan, int error_fd, bool interactive, char* const* argv,
                                char* const* envp, const sigset_t& mask) {
  ::setsid();  // no controlling terminal: no TIOCSTI into the caller's
  sigprocmask(SIG_SETMASK, &mask, nullptr);
  if (!interactive) {
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null >= 0) ::dup2(null, 0);
  }
  if (::chdir(plan.cwd.c_str()) != 0) fail_join(error_fd, kCwd, errno);
  if (int error = limit_bounding_set(plan.privileges.bounding, plan.last_capability)) fail_join(error_fd, kBounding, error);
  if (plan.clear_groups && ::syscall(SYS_setgroups, 0, nullptr) != 0) fail_join(error_fd, kIds, errno);
  if (::syscall(SYS_setresgid, plan.gid, plan.gid, plan.gid) != 0) fail_join(error_fd, kIds, errno);
  if (::syscall(SYS_setresuid, plan.uid, plan.uid, plan.uid) != 0) fail_join(error_fd, kIds, errno);
  if (plan.uid == 0)
    if (int error = set_process_capabilities(plan.privileges.effective)) fail_join(error_fd, kBounding, error);
  if (plan.privileges.no_new_privs && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail_join(error_fd, kNoNewPrivs, errno);
  if ((error_fd > 3 && ::close_range(3, static_cast<unsigned>(error_fd) - 1, 0) != 0) ||
      ::close_range(static_cast<unsigned>(error_fd) + 1, ~0u, 0) != 0)
    fail_join(error_fd, kDescriptors, errno);
  if (plan.privileges.seccomp)
    if (int error = install_seccomp_program(default_seccomp_program())) fail_join(error_fd, kSeccomp, error);
  fail_join(error_fd, kExec, exec_searching_path(argv, envp));
}

/// The intermediate process: joins, forks the joined one (a pid namespace takes effect for
/// children only), tells the CLI its pid, and passes its exit status on.
[[noreturn]] void join_and_wait(const JoinPlan& plan, int error_fd, int pid_fd, bool interactive, char* const* argv,
                                char* const* envp, const sigset_t& mask) {
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);  // until exec: no ptrace, no /proc/PID from inside
  for (const std::string& procs : plan.cgroup_procs) {
    int fd = ::open(procs.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ::write(fd, "0", 1) != 1) fail_join(error_fd, kCgroup, errno);
    ::close(fd);
  }
  if (::setns(plan.init_pidfd.get(), static_cast<int>(plan.namespace_flags)) != 0) fail_join(error_fd, kNamespaces, errno);
  const pid_t joined = ::fork();
  if (joined < 0) fail_join(error_fd, kFork, errno);
  if (joined == 0) become_joined(plan, error_fd, interactive, argv, envp, mask);
  (void)!::write(pid_fd, &joined, sizeof joined);
  int status = 0;
  while (::waitpid(joined, &status, 0) < 0 && errno == EINTR) {
  }
  ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

Status open_cloexec_pipe(UniqueFd& read_end, UniqueFd& write_end) {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) return errno_error("pipe2");
  read_end.reset(ends[0]);
  write_end.reset(ends[1]);
  return {};
}

/// Waits for the intermediate, forwarding the signals SignalBlock holds to the joined process.
int wait_forwarding(pid_t intermediate, int pid_read, const SignalBlock& signals) {
  UniqueFd signal_fd(::signalfd(-1, &signals.blocked(), SFD_CLOEXEC));
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, intermediate, 0)));
  pid_t joined = 0;
  for (;;) {
    pollfd fds[] = {{pidfd.get(), POLLIN, 0}, {signal_fd.get(), POLLIN, 0}, {pid_read, POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0 && errno != EINTR) break;
    if (fds[2].revents && joined == 0 && ::read(pid_read, &joined, sizeof joined) != sizeof joined) joined = -1;
    if (fds[1].revents) {
      signalfd_siginfo info;
      if (::read(signal_fd.get(), &info, sizeof info) == sizeof info && joined > 0)
        ::kill(joined, static_cast<int>(info.ssi_signo));  // unreaped by the intermediate: still ours
    }
    if (fds[0].revents) break;
  }
  int status = 0;
  while (::waitpid(intermediate, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

Result<ProcessPrivileges> parse_process_privileges(const std::string& status) {
  const std::string text = "\n" + status;
  ProcessPrivileges privileges;
  auto bounding = hex_field(text, "CapBnd");
  auto effective = hex_field(text, "CapEff");
  if (!bounding) return bounding.error();
  if (!effective) return effective.error();
  privileges.bounding = *bounding;
  privileges.effective = *effective;
  auto no_new_privs = hex_field(text, "NoNewPrivs");
  auto seccomp = hex_field(text, "Seccomp");
  if (!no_new_privs || !seccomp) return plain_error("no NoNewPrivs or Seccomp in /proc/PID/status");
  privileges.no_new_privs = *no_new_privs != 0;
  privileges.seccomp = *seccomp != 0;
  return privileges;
}

Result<int> exec_in_container(const ContainerStore& store, const std::string& id, const ExecRequest& request) {
  if (request.args.empty()) return usage_error("exec needs a command");
  auto plan = plan_join(store, id, request);
  if (!plan) return plan.error();
  std::vector<std::string> argv_storage = plan->args;
  std::vector<char*> argv = exec_array(argv_storage);
  std::vector<char*> envp = exec_array(plan->env);
  UniqueFd error_read, error_write, pid_read, pid_write;
  ISOBENCH_TRY(open_cloexec_pipe(error_read, error_write));
  ISOBENCH_TRY(open_cloexec_pipe(pid_read, pid_write));
  SignalBlock signals;
  const pid_t intermediate = ::fork();
  if (intermediate < 0) return errno_error("fork");
  if (intermediate == 0)
    join_and_wait(*plan, error_write.get(), pid_write.get(), request.interactive, argv.data(), envp.data(),
                  signals.original());
  error_write.reset();
  pid_write.reset();
  const int code = wait_forwarding(intermediate, pid_read.get(), signals);
  JoinFailure failure;
  if (::read(error_read.get(), &failure, sizeof failure) == sizeof failure && failure.step >= 0 && failure.step <= kExec) {
    const std::string what = failure.step == kExec ? "cannot run '" + plan->args[0] + "'" : kStepNames[failure.step];
    return Error{0, what + ": " + std::strerror(failure.error), code};
  }
  return code;
}

}  // namespace isobench::runner::lifecycle
