/* cpu: a fixed, deterministic integer workload. The same --iterations always yields the
 * same checksum, so a run inside a container can be checked against one on the host. */
#include "workload_common.h"

/* Roughly 100-200 ms on a current x86-64 core at -O2 (one serial dependency chain). */
#define DEFAULT_ITERATIONS 120000000u

static const char usage[] =
    "Usage: cpu [--iterations N] [--help]\n"
    "Runs N rounds of a serial 64-bit LCG + xorshift hash (default 120000000, ~0.1-0.2 s).\n"
    "Prints one JSON line: workload, start_mono_ns, elapsed_ns, iterations, checksum.\n";

/* Each round depends on the previous one, so the loop can be neither vectorised nor
 * removed: its result is printed. */
static uint64_t hash_chain(uint64_t iterations) {
  uint64_t state = 0x9E3779B97F4A7C15u;
  uint64_t hash = 0;
  for (uint64_t i = 0; i < iterations; i++) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    hash ^= state >> 29;
    hash ^= hash << 7;
  }
  return hash ^ state;
}

int main(int argc, char** argv) {
  const uint64_t start_ns = wl_start();
  uint64_t iterations = DEFAULT_ITERATIONS;
  const WlOption options[] = {{"--iterations", WL_OPT_COUNT, &iterations}};
  wl_parse_options(argc, argv, "cpu", usage, options, 1);

  const uint64_t t0 = wl_now_ns();
  const uint64_t checksum = hash_chain(iterations);
  const uint64_t elapsed_ns = wl_now_ns() - t0;

  WlJson json;
  wl_json_begin_workload(&json, "cpu", start_ns, elapsed_ns);
  wl_json_u64(&json, "iterations", iterations);
  wl_json_u64(&json, "checksum", checksum);
  return wl_json_end(&json);
}
