/* inspect: looks at isolation from inside the container, for integration tests.
 * Each subcommand is tiny and does one observable thing; the harness checks the result. */
#include "inspect.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "workload_common.h"

static const char usage_text[] =
    "Usage: inspect SUBCOMMAND [ARGS]\n"
    "  status               print one JSON object: pid, ppid, uid, gid, hostname, cwd,\n"
    "                       cap_eff, cap_bnd, cap_prm, no_new_privs, seccomp, pids,\n"
    "                       interfaces, cgroup, mounts, namespaces, uid_map, gid_map, env\n"
    "  write PATH TEXT      create/truncate PATH and write TEXT (no newline added)\n"
    "  read PATH            copy PATH to stdout\n"
    "  exists PATH          exit 0 if PATH exists (symlinks not followed), else 1\n"
    "  syscall [--dry] NAME|NUMBER [ARG...]\n"
    "                       try a syscall and print {\"syscall\",\"nr\",\"args\",\"mode\",\"ret\",\n"
    "                       \"errno\",\"errno_name\"}. Really called, with harmless arguments:\n"
    "                       %s\n"
    "                       Any other syscall (or any, with --dry) is called with ARGs (default 0)\n"
    "                       behind one more seccomp filter that stops it once the sandbox's filter\n"
    "                       let it through: then it fails with ENOSYS and nothing ran\n"
    "  sleep SECONDS        sleep (fractions allowed); SIGTERM keeps its default action\n"
    "  exit CODE            exit with CODE (0-255)\n"
    "  kill-self SIGNUM     raise SIGNUM with its default action\n"
    "Failures print a message on stderr and exit 1; bad usage exits 2.\n";

static int fail(const char* what, const char* path) {
  fprintf(stderr, "inspect: %s %s: %s\n", what, path, strerror(errno));
  return WL_EXIT_FAILURE;
}

static int write_all(int fd, const char* data, size_t len) {
  while (len > 0) {
    const ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

static int cmd_write(const char* path, const char* text) {
  const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail("write", path);
  if (write_all(fd, text, strlen(text)) != 0) {
    const int err = errno;
    close(fd);
    errno = err;
    return fail("write", path);
  }
  if (close(fd) != 0) return fail("write", path);
  return 0;
}

static int cmd_read(const char* path) {
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail("read", path);
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      close(fd);
      errno = err;
      return fail("read", path);
    }
    if (n == 0) break;
    if (write_all(STDOUT_FILENO, buf, (size_t)n) != 0) {
      close(fd);
      return fail("read: cannot write to stdout while copying", path);
    }
  }
  close(fd);
  return 0;
}

static int cmd_exists(const char* path) {
  struct stat st;
  return lstat(path, &st) == 0 ? 0 : 1;
}

static int cmd_sleep(const char* text) {
  char* end = NULL;
  const double seconds = strtod(text, &end);
  if (end == text || *end != '\0' || !isfinite(seconds) || seconds < 0 || seconds > 1e9) {
    wl_usage_error("inspect", "invalid SECONDS for sleep: '%s'", text);
  }
  const time_t whole = (time_t)seconds;
  struct timespec left = {whole, (long)((seconds - (double)whole) * 1e9)};
  while (nanosleep(&left, &left) != 0 && errno == EINTR) {
  }
  return 0;
}

static int cmd_exit(const char* text) {
  long code;
  if (!wl_parse_long(text, 0, 255, &code)) {
    wl_usage_error("inspect", "invalid CODE for exit (0-255): '%s'", text);
  }
  exit((int)code);
}

static int cmd_kill_self(const char* text) {
  long signum;
  if (!wl_parse_long(text, 1, SIGRTMAX, &signum)) {
    wl_usage_error("inspect", "invalid SIGNUM for kill-self (1-%d): '%s'", SIGRTMAX, text);
  }
  const int sig = (int)signum;
  /* Whatever the parent left us (ignored or blocked), the default action must apply. */
  signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  raise(sig);
  /* Still here: the default action is to ignore (SIGCHLD, ...), or we are PID 1 of a PID
   * namespace, to which the kernel does not deliver default-action signals from inside. */
  fprintf(stderr, "inspect: signal %d did not terminate the process (pid %d)\n", sig, (int)getpid());
  return WL_EXIT_FAILURE;
}

static void expect_args(int argc, int wanted, const char* synopsis) {
  if (argc != wanted) wl_usage_error("inspect", "usage: inspect %s", synopsis);
}

int main(int argc, char** argv) {
  wl_start();
  if (argc < 2) wl_usage_error("inspect", "missing SUBCOMMAND");
  const char* cmd = argv[1];
  if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
    printf(usage_text, inspect_syscall_names);
    return 0;
  }
  if (strcmp(cmd, "status") == 0) {
    expect_args(argc, 2, "status");
    return inspect_status();
  }
  if (strcmp(cmd, "write") == 0) {
    expect_args(argc, 4, "write PATH TEXT");
    return cmd_write(argv[2], argv[3]);
  }
  if (strcmp(cmd, "read") == 0) {
    expect_args(argc, 3, "read PATH");
    return cmd_read(argv[2]);
  }
  if (strcmp(cmd, "exists") == 0) {
    expect_args(argc, 3, "exists PATH");
    return cmd_exists(argv[2]);
  }
  if (strcmp(cmd, "syscall") == 0) {
    return inspect_syscall(argc - 2, argv + 2);
  }
  if (strcmp(cmd, "sleep") == 0) {
    expect_args(argc, 3, "sleep SECONDS");
    return cmd_sleep(argv[2]);
  }
  if (strcmp(cmd, "exit") == 0) {
    expect_args(argc, 3, "exit CODE");
    return cmd_exit(argv[2]);
  }
  if (strcmp(cmd, "kill-self") == 0) {
    expect_args(argc, 3, "kill-self SIGNUM");
    return cmd_kill_self(argv[2]);
  }
  wl_usage_error("inspect", "unknown subcommand '%s'", cmd);
}
