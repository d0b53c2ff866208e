/* start: the start handshake for a command that does not write it itself (bench --cmd).
 *
 *   /.isobench/start PROGRAM [ARG...]
 *
 * Stamps the start the way every workload does (wl_start: ISOBENCH_START_FD, or the FIFO at
 * ISOBENCH_START_PATH, on the clock ISOBENCH_START_CLOCK asks for), then replaces itself with
 * PROGRAM, an absolute path inside the image: a target's startup for such a command is its
 * launch to this point, where the command is about to be exec'd inside the isolation; the
 * command's own start (an interpreter's, say) is in its wall time. The three variables are
 * removed first, so the command runs in the environment every target gives it, less the
 * handshake it has no use for. No option of its own: every argument after PROGRAM is the
 * command's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workload_common.h"

#define START_EXIT_CANNOT_RUN 127 /* what a shell returns for a command it cannot run */

int main(int argc, char** argv) {
  (void)wl_start();
  if (argc < 2 || argv[1][0] != '/') {
    fprintf(stderr, "Usage: start /PROGRAM [ARG...]: stamps the start handshake, then runs PROGRAM\n");
    return WL_EXIT_USAGE;
  }
  unsetenv("ISOBENCH_START_FD");
  unsetenv("ISOBENCH_START_PATH");
  unsetenv("ISOBENCH_START_CLOCK");
  execv(argv[1], argv + 1);
  fprintf(stderr, "start: cannot run %s: %s\n", argv[1], strerror(errno));
  return START_EXIT_CANNOT_RUN;
}
