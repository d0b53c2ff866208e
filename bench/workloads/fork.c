/* fork: process creation cost, and (with --hold) how many processes the container may
 * have alive at once, which is what a pids cgroup limit caps. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "workload_common.h"

static const char usage[] =
    "Usage: fork [--count N] [--hold] [--help]\n"
    "Default: N times (default 100) fork a child that _exits at once, and wait for it.\n"
    "--hold:  fork N children that all stay alive until every fork was attempted, then\n"
    "         release and reap them (measures a pids limit).\n"
    "Prints one JSON line: workload, start_mono_ns, elapsed_ns, mode (\"sequential\" or\n"
    "\"hold\"), count, forks_ok, forks_failed, first_errno (\"EAGAIN\", or \"\" if none),\n"
    "ns_per_fork. Exits 1 if any fork failed.\n";

typedef struct {
  uint64_t ok;
  uint64_t failed;
  uint64_t ok_before_first_failure;
  int first_errno;
} ForkTally;

static void record_failure(ForkTally* tally, int err) {
  if (tally->failed++ == 0) {
    tally->first_errno = err;
    tally->ok_before_first_failure = tally->ok;
  }
}

static void wait_for(pid_t pid) {
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
  }
}

static void fork_sequential(uint64_t count, ForkTally* tally) {
  for (uint64_t i = 0; i < count; i++) {
    const pid_t pid = fork();
    if (pid == 0) _exit(0);
    if (pid < 0) {
      record_failure(tally, errno);
      continue;
    }
    tally->ok++;
    wait_for(pid);
  }
}

/* Children block reading a pipe whose write end only the parent keeps; closing it
 * releases them all at once. If the parent dies they see EOF too, so none is left over. */
static int fork_holding(uint64_t count, ForkTally* tally) {
  pid_t* children = calloc(count, sizeof *children);
  int release[2];
  if (children == NULL || pipe(release) != 0) {
    fprintf(stderr, "fork: cannot set up --hold: %s\n", strerror(errno));
    free(children);
    return -1;
  }
  for (uint64_t i = 0; i < count; i++) {
    const pid_t pid = fork();
    if (pid == 0) {
      close(release[1]);
      char byte;
      while (read(release[0], &byte, 1) < 0 && errno == EINTR) {
      }
      _exit(0);
    }
    if (pid < 0) {
      record_failure(tally, errno);
      continue;
    }
    children[tally->ok++] = pid;
  }
  close(release[1]);
  close(release[0]);
  for (uint64_t i = 0; i < tally->ok; i++) wait_for(children[i]);
  free(children);
  return 0;
}

int main(int argc, char** argv) {
  const uint64_t start_ns = wl_start();
  uint64_t count = 100;
  bool hold = false;
  const WlOption options[] = {
      {"--count", WL_OPT_COUNT, &count},
      {"--hold", WL_OPT_FLAG, &hold},
  };
  wl_parse_options(argc, argv, "fork", usage, options, 2);

  ForkTally tally = {0, 0, 0, 0};
  const uint64_t t0 = wl_now_ns();
  if (hold) {
    if (fork_holding(count, &tally) != 0) return WL_EXIT_FAILURE;
  } else {
    fork_sequential(count, &tally);
  }
  const uint64_t elapsed_ns = wl_now_ns() - t0;

  if (tally.failed > 0) {
    fprintf(stderr, "fork failed after %llu children: %s\n", (unsigned long long)tally.ok_before_first_failure,
            strerror(tally.first_errno));
  }
  WlJson json;
  wl_json_begin_workload(&json, "fork", start_ns, elapsed_ns);
  wl_json_string(&json, "mode", hold ? "hold" : "sequential");
  wl_json_u64(&json, "count", count);
  wl_json_u64(&json, "forks_ok", tally.ok);
  wl_json_u64(&json, "forks_failed", tally.failed);
  wl_json_string(&json, "first_errno", wl_errno_name(tally.first_errno));
  wl_json_double(&json, "ns_per_fork", (double)elapsed_ns / (double)count);
  const int status = wl_json_end(&json);
  return tally.failed > 0 ? WL_EXIT_FAILURE : status;
}
