#include "runner/lifecycle/container_exec.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/openat2.h>

#include <algorithm>
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
#include "runner/image/image_rootfs.h"
#include "runner/spec_codec.h"
#include "runner/terminal.h"

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
  int console_fd = -1;  ///< the joined process's end of the console socket with -t
  TerminalSize terminal_size;
};

/// Why the joining process failed, written to the error pipe: the step and errno.
struct JoinFailure {
  int32_t step = 0;
  int32_t error = 0;
};
constexpr const char* kStepNames[] = {"join the container's cgroup", "join the container's namespaces", "fork",
                                      "enter the working directory", "limit capabilities", "set user ids",
                                      "make the pseudo-terminal", "set no_new_privs", "close descriptors", "install the seccomp filter", "exec"};
enum Step : int32_t { kCgroup, kNamespaces, kFork, kCwd, kBounding, kIds, kTerminal, kNoNewPrivs, kDescriptors, kSeccomp, kExec };

Result<uint64_t> hex_field(const std::string& status, const char* key) {
  const size_t at = status.find(std::string("\n") + key + ":");
  if (at == std::string::npos) return plain_error(std::string("no ") + key + " in /proc/PID/status");
  const size_t begin = status.find_first_not_of(" \t", at + std::strlen(key) + 2);
  if (begin == std::string::npos) return plain_error(std::string("cannot parse ") + key);
  uint64_t value = 0;
  const char* first = status.data() + begin;
  const auto [end, error] = std::from_chars(first, status.data() + status.size(), value, 16);
  if (error != std::errc() || end == first) return plain_error(std::string("cannot parse ") + key);
  return value;
}

Status parse_user(const std::string& user, uint32_t& uid, uint32_t& gid) {
  const size_t colon = user.find(':');
  auto number = [](std::string_view text, uint32_t& out) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size() && !text.empty() && out != UINT32_MAX;
  };
  if (!number(std::string_view(user).substr(0, colon), uid)) return usage_error("-u " + user + ": expected a uid[:gid]");
  if (colon == std::string::npos) return {};
  if (!number(std::string_view(user).substr(colon + 1), gid)) return usage_error("-u " + user + ": expected a uid[:gid]");
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
  // A joiner outside any of the init's cgroups would escape its limits and, worse, its device
  // cgroup (which lets the container keep CAP_MKNOD): every one is found, or no exec.
  auto cgroups = container_cgroup_dirs(state.pid);
  if (!cgroups) return plain_error("container " + id + ": " + cgroups.error().text() + ": not joining");
  for (const auto& [controller, dir] : *cgroups) plan.cgroup_procs.push_back(dir + "/cgroup.procs");
  // Read by pid: still the init (the pidfd holds it, but the pid could have been reused in between)?
  if (!is_same_process(state.pid, state.pid_start_time)) return Error{0, "container " + id + " is not running", 1};
  plan.privileges = *privileges;
  plan.last_capability = *last;
  plan.uid = spec->uid;
  plan.gid = spec->gid;
  if (!request.user.empty()) {
    // Names as the container's own /etc/passwd and /etc/group say now, read beneath its root,
    // which is opened first and is the init's if the init still lives after (its pid unreused).
    UniqueFd root(::open(("/proc/" + std::to_string(state.pid) + "/root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root || ::syscall(SYS_pidfd_send_signal, plan.init_pidfd.get(), 0, nullptr, 0) != 0)
      return Error{0, "container " + id + " is not running", 1};
    auto numeric = image::resolve_image_user({"/proc/self/fd/" + std::to_string(root.get())}, request.user);
    if (!numeric) return usage_error("-u " + request.user + ": " + numeric.error().text());
    plan.gid = 0;
    ISOBENCH_TRY(parse_user(*numeric, plan.uid, plan.gid));
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

/// Enters `path` inside the container's root (the process's root after setns), never through
/// a magic link such as /proc/self/fd/N: an image's working directory is the container's to
/// make a symlink of. Returns 0 or an errno.
int enter_directory_in_root(const char* path) noexcept {
  int root = ::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return errno;
  open_how how{};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const int dir = static_cast<int>(::syscall(SYS_openat2, root, path, &how, sizeof how));
  const int error = dir < 0 ? errno : (::fchdir(dir) == 0 ? 0 : errno);
  ::close(root);
  if (dir >= 0) ::close(dir);
  return error;
}

/// The process in the container, from fork to exec: the init's privileges, no more. Its
/// descriptors are stdio and the error pipe alone already (join_and_wait closed the rest).
[[noreturn]] void become_joined(const JoinPlan& plan, int error_fd, char* const* argv, char* const* envp,
                                const sigset_t& mask) {
  ::setsid();  // no controlling terminal: no TIOCSTI into the caller's
  sigprocmask(SIG_SETMASK, &mask, nullptr);
  // Never wider than what the init may use: the bounding set is what root's permitted set
  // becomes at execve.
  const uint64_t allowed = plan.privileges.bounding & plan.privileges.effective;
  if (int error = limit_bounding_set(allowed, plan.last_capability)) fail_join(error_fd, kBounding, error);
  if (plan.clear_groups && ::syscall(SYS_setgroups, 0, nullptr) != 0) fail_join(error_fd, kIds, errno);
  if (::syscall(SYS_setresgid, plan.gid, plan.gid, plan.gid) != 0) fail_join(error_fd, kIds, errno);
  if (::syscall(SYS_setresuid, plan.uid, plan.uid, plan.uid) != 0) fail_join(error_fd, kIds, errno);
  // Root keeps the init's set; any other uid keeps none, inheritable included.
  if (int error = set_process_capabilities(plan.uid == 0 ? allowed : 0)) fail_join(error_fd, kBounding, error);
  // As the container's user, from the container's devpts: nothing of the host's.
  if (plan.console_fd >= 0)
    if (int error = make_controlling_terminal(plan.console_fd, plan.terminal_size)) fail_join(error_fd, kTerminal, error);
  if (int error = enter_directory_in_root(plan.cwd.c_str())) fail_join(error_fd, kCwd, error);
  if (plan.privileges.no_new_privs && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail_join(error_fd, kNoNewPrivs, errno);
  if (plan.privileges.seccomp)
    if (int error = install_seccomp_program(default_seccomp_program())) fail_join(error_fd, kSeccomp, error);
  fail_join(error_fd, kExec, exec_searching_path(argv, envp));
}

/// Closes every descriptor above 2 but those in `keep` (sorted). Returns 0 or an errno.
int close_all_but(std::vector<int> keep) noexcept {
  std::sort(keep.begin(), keep.end());
  unsigned next = 3;
  for (int fd : keep) {
    if (fd < static_cast<int>(next)) continue;
    if (static_cast<unsigned>(fd) > next && ::close_range(next, static_cast<unsigned>(fd) - 1, 0) != 0) return errno;
    next = static_cast<unsigned>(fd) + 1;
  }
  return ::close_range(next, ~0u, 0) == 0 ? 0 : errno;
}

/// The intermediate process: on the host side it closes every descriptor it does not need
/// (one the caller passed must never cross) and puts /dev/null on stdin; it joins the cgroups,
/// then the namespaces, forks the joined process (a pid namespace takes effect for children
/// only), and forwards signals to it until it ends (it is unreaped until then, so its pid
/// names nobody else), then passes its exit status on.
[[noreturn]] void join_and_wait(const JoinPlan& plan, int error_fd, bool interactive, char* const* argv,
                                char* const* envp, const SignalBlock& signals) {
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);  // until exec: no ptrace, no /proc/PID from inside
  if (!interactive) {
    const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0 || ::dup2(null, 0) < 0) fail_join(error_fd, kDescriptors, errno);
    ::close(null);
  }
  if (int error = close_all_but({error_fd, plan.init_pidfd.get(), plan.console_fd})) fail_join(error_fd, kDescriptors, error);
  for (const std::string& procs : plan.cgroup_procs) {
    int fd = ::open(procs.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ::write(fd, "0", 1) != 1) fail_join(error_fd, kCgroup, errno);
    ::close(fd);
  }
  if (::setns(plan.init_pidfd.get(), static_cast<int>(plan.namespace_flags)) != 0) fail_join(error_fd, kNamespaces, errno);
  ::close(plan.init_pidfd.get());
  const int signal_fd = ::signalfd(-1, &signals.blocked(), SFD_CLOEXEC);
  const pid_t joined = ::fork();
  if (joined < 0) fail_join(error_fd, kFork, errno);
  if (joined == 0) {
    if (signal_fd >= 0) ::close(signal_fd);
    become_joined(plan, error_fd, argv, envp, signals.original());
  }
  ::close(error_fd);
  if (plan.console_fd >= 0) ::close(plan.console_fd);
  const int joined_fd = static_cast<int>(::syscall(SYS_pidfd_open, joined, 0));
  for (bool ended = false; !ended && joined_fd >= 0 && signal_fd >= 0;) {
    pollfd fds[] = {{joined_fd, POLLIN, 0}, {signal_fd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
    signalfd_siginfo info;
    if (fds[1].revents && ::read(signal_fd, &info, sizeof info) == sizeof info) ::kill(joined, static_cast<int>(info.ssi_signo));
    ended = fds[0].revents != 0;
  }
  int status = 0;
  while (::waitpid(joined, &status, 0) < 0 && errno == EINTR) {
  }
  ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/// The joined process's pty master, once it arrives on `console`, to `on_terminal`; a
/// descriptor that is not one hangs the command up (SIGHUP, which the intermediate forwards).
void take_terminal(UniqueFd& console, pid_t intermediate, const ExecRequest& request, std::string& error) {
  auto master = receive_terminal(console.get());
  console.reset();
  if (!master) {
    error = master.error().text();
    ::kill(intermediate, SIGHUP);
  } else if (request.on_terminal) {
    request.on_terminal(std::move(*master));
  }
}

/// Waits for the intermediate, our unreaped child, forwarding the signals SignalBlock holds to
/// it (it passes them on to the joined process), and hands on the terminal with -t.
int wait_forwarding(pid_t intermediate, const SignalBlock& signals, UniqueFd& console, const ExecRequest& request,
                    std::string& terminal_error) {
  UniqueFd signal_fd(::signalfd(-1, &signals.blocked(), SFD_CLOEXEC));
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, intermediate, 0)));
  while (signal_fd && pidfd) {
    pollfd fds[] = {{pidfd.get(), POLLIN, 0}, {signal_fd.get(), POLLIN, 0}, {console.get(), POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0 && errno != EINTR) break;
    signalfd_siginfo info;
    if (fds[1].revents && ::read(signal_fd.get(), &info, sizeof info) == sizeof info)
      ::kill(intermediate, static_cast<int>(info.ssi_signo));
    if (fds[2].revents) take_terminal(console, intermediate, request, terminal_error);
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
  UniqueFd error_read, error_write, console_host, console_child;
  ISOBENCH_TRY(make_pipe(error_read, error_write));
  if (request.tty) {
    ISOBENCH_TRY(open_console_socket(console_host, console_child));
    plan->console_fd = console_child.get();
    plan->terminal_size = request.terminal_size;
  }
  SignalBlock signals;
  const pid_t intermediate = ::fork();
  if (intermediate < 0) return errno_error("fork");
  if (intermediate == 0)
    join_and_wait(*plan, error_write.get(), request.interactive, argv.data(), envp.data(), signals);
  error_write.reset();
  console_child.reset();
  std::string terminal_error;
  const int code = wait_forwarding(intermediate, signals, console_host, request, terminal_error);
  JoinFailure failure;
  if (::read(error_read.get(), &failure, sizeof failure) == sizeof failure && failure.step >= 0 && failure.step <= kExec) {
    const std::string what = failure.step == kExec ? "cannot run '" + plan->args[0] + "'" : kStepNames[failure.step];
    return Error{0, what + ": " + std::strerror(failure.error), code};
  }
  if (!terminal_error.empty()) return Error{0, terminal_error, 125};
  return code;
}

}  // namespace isobench::runner::lifecycle
