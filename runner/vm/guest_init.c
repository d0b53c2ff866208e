/* The init of isobench's microVM guests: mounts what a workload expects, runs the command
 * given on the kernel command line after "--", and reports on the serial console in lines
 * the host recognises, then powers the VM off. Static C: the initramfs has no libc.
 *
 * Markers (each on a line of its own, on the console):
 *   @@isobench:init <guest CLOCK_MONOTONIC ns> <uptime seconds>   init reached
 *   @@isobench:start                                              workload about to exec
 *   @@isobench:exit <code> <used KiB>                             workload ended (128+N on signal N);
 *                                                                 guest memory in use (MemTotal-MemAvailable)
 *   @@isobench:error <message>                                    init could not run it
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void marker(const char* text) {
  /* One write per line so that marker lines never interleave with workload output. */
  char line[512];
  int length = snprintf(line, sizeof line, "\n@@isobench:%s\n", text);
  if (length > 0) (void)!write(1, line, (size_t)length);
}

/* MemTotal - MemAvailable, in KiB: what the guest itself uses, for the VMM overhead. */
static long guest_used_kib(void) {
  FILE* meminfo = fopen("/proc/meminfo", "re");
  if (!meminfo) return -1;
  char line[128];
  long total = -1, available = -1;
  while (fgets(line, sizeof line, meminfo)) {
    sscanf(line, "MemTotal: %ld", &total);
    sscanf(line, "MemAvailable: %ld", &available);
  }
  fclose(meminfo);
  return total >= 0 && available >= 0 ? total - available : -1;
}

static void power_off(void) {
  sync();
  /* QEMU runs with -no-reboot: a reboot request ends it, with or without ACPI. */
  reboot(RB_AUTOBOOT);
  for (;;) pause();
}

static void fail(const char* what) {
  char text[400];
  snprintf(text, sizeof text, "error %s: %s", what, strerror(errno));
  marker(text);
  power_off();
}

int main(int argc, char** argv) {
  mkdir("/proc", 0555);
  mkdir("/sys", 0555);
  mkdir("/dev", 0755);
  mkdir("/tmp", 01777);
  if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) fail("mount /proc");
  mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
  mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");

  /* The console is our stdio (the kernel opened /dev/console for init). */
  char uptime[64] = "0";
  int fd = open("/proc/uptime", O_RDONLY);
  if (fd >= 0) {
    ssize_t n = read(fd, uptime, sizeof uptime - 1);
    uptime[n > 0 ? n : 0] = 0;
    char* space = strchr(uptime, ' ');
    if (space) *space = 0;
    close(fd);
  }
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  char text[128];
  snprintf(text, sizeof text, "init %lld %s", (long long)now.tv_sec * 1000000000LL + now.tv_nsec, uptime);
  marker(text);

  /* The kernel passes the words after "--" on its command line to init as arguments. */
  if (argc < 2) {
    errno = EINVAL;
    fail("no command after -- on the kernel command line");
  }
  char* envp[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root",
                  "HOSTNAME=isobench-vm", "TERM=linux", NULL};
  sethostname("isobench-vm", 11);
  marker("start");
  pid_t child = fork();
  if (child < 0) fail("fork");
  if (child == 0) {
    execvpe(argv[1], argv + 1, envp);
    fprintf(stderr, "isobench guest: cannot run %s: %s\n", argv[1], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
  }
  int status = 0;
  /* As pid 1 we also reap orphans; only our child's status matters. */
  for (;;) {
    pid_t done = wait(&status);
    if (done == child) break;
    if (done < 0 && errno != EINTR) fail("wait");
  }
  int code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  snprintf(text, sizeof text, "exit %d %ld", code, guest_used_kib());
  marker(text);
  power_off();
  return 0;
}
