/* net: TCP round trips over the loopback interface, the path a network namespace gives
 * every container (its own lo) and that a microVM replaces with virtio. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "workload_common.h"

static const char usage[] =
    "Usage: net [--count N] [--help]\n"
    "Sends N one-byte TCP messages to a child echo server on 127.0.0.1 and waits for each\n"
    "reply (default 2000 round trips).\n"
    "Prints one JSON line: workload, start_mono_ns, elapsed_ns, count, ns_per_round_trip.\n";

static int fail(const char* what) {
  fprintf(stderr, "net: %s: %s\n", what, strerror(errno));
  return WL_EXIT_FAILURE;
}

/* Echoes every byte back until the peer closes. */
static void serve(int listener) {
  int peer = accept(listener, NULL, NULL);
  if (peer < 0) _exit(1);
  int one = 1;
  setsockopt(peer, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* Nagle would hold each echo */
  char byte;
  while (read(peer, &byte, 1) == 1)
    if (write(peer, &byte, 1) != 1) break;
  _exit(0);
}

int main(int argc, char** argv) {
  const uint64_t start_ns = wl_start();
  uint64_t count = 2000;
  const WlOption options[] = {{"--count", WL_OPT_COUNT, &count}};
  wl_parse_options(argc, argv, "net", usage, options, 1);

  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0) return fail("socket");
  struct sockaddr_in address;
  memset(&address, 0, sizeof address);
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0; /* any free port: containers and the host may run this at once */
  socklen_t length = sizeof address;
  if (bind(listener, (struct sockaddr*)&address, sizeof address) != 0) return fail("bind 127.0.0.1");
  if (listen(listener, 1) != 0) return fail("listen");
  if (getsockname(listener, (struct sockaddr*)&address, &length) != 0) return fail("getsockname");

  pid_t server = fork();
  if (server < 0) return fail("fork");
  if (server == 0) serve(listener);
  close(listener);

  int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (client < 0) return fail("socket");
  if (connect(client, (struct sockaddr*)&address, sizeof address) != 0) return fail("connect 127.0.0.1");
  int one = 1;
  setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* no batching of 1-byte writes */

  const uint64_t t0 = wl_now_ns();
  char byte = 'x';
  for (uint64_t i = 0; i < count; i++) {
    if (write(client, &byte, 1) != 1) return fail("write");
    if (read(client, &byte, 1) != 1) return fail("read");
  }
  const uint64_t elapsed_ns = wl_now_ns() - t0;
  close(client);
  int status = 0;
  waitpid(server, &status, 0);

  WlJson json;
  wl_json_begin_workload(&json, "net", start_ns, elapsed_ns);
  wl_json_u64(&json, "count", count);
  wl_json_double(&json, "ns_per_round_trip", (double)elapsed_ns / (double)count);
  return wl_json_end(&json);
}
