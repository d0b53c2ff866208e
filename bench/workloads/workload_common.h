/* Shared helpers for the static workload programs that run inside isobench containers.
 *
 * Every workload follows one contract so the harness can treat them alike:
 *   - main() calls wl_start() first; it returns the CLOCK_MONOTONIC start time and performs
 *     the ISOBENCH_START_FD (or ISOBENCH_START_PATH) handshake.
 *   - On success exactly one JSON object is printed on stdout as a single line, beginning
 *     with "workload", "start_mono_ns" and "elapsed_ns"; exit status 0.
 *   - --help prints usage on stdout and exits 0; a bad argument is named on stderr, exit 2.
 *   - Runtime failures print a message on stderr and exit 1.
 * inspect, a probe tool rather than a benchmark, does the handshake but prints its own
 * formats.
 */
#ifndef ISOBENCH_WORKLOAD_COMMON_H
#define ISOBENCH_WORKLOAD_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WL_EXIT_FAILURE 1
#define WL_EXIT_USAGE 2

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t wl_now_ns(void);

/* Reads the clock, then, if ISOBENCH_START_FD names a descriptor (> 2, so stdio is never
 * clobbered), writes the 8-byte native-endian timestamp to it and closes it. Without it,
 * ISOBENCH_START_PATH may name a FIFO to write it to instead: the handshake for targets
 * that pass no descriptor in (Docker, gVisor), which bind-mount the harness's FIFO there.
 * Handshake errors are ignored: the workload must behave the same with or without a
 * harness. Returns the timestamp. */
uint64_t wl_start(void);

/* Prints "<prog>: <message>\n" on stderr and exits with WL_EXIT_USAGE. */
void wl_usage_error(const char* prog, const char* fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* "4096", "64k", "64m", "1g", "2T", "64MiB", "64mb" -> bytes (binary multiples).
 * Must be a positive integer; returns false on syntax error, zero or overflow. */
bool wl_parse_size(const char* text, uint64_t* out);

/* Plain positive decimal integer. */
bool wl_parse_count(const char* text, uint64_t* out);

/* Decimal integer (optionally negative) within [min, max]. */
bool wl_parse_long(const char* text, long min, long max, long* out);

typedef enum {
  WL_OPT_SIZE,   /* dest: uint64_t*, parsed with wl_parse_size */
  WL_OPT_COUNT,  /* dest: uint64_t*, parsed with wl_parse_count */
  WL_OPT_FLAG,   /* dest: bool*, set to true; takes no value */
  WL_OPT_STRING, /* dest: const char**, points into argv */
} WlOptKind;

typedef struct {
  const char* name; /* including the dashes, e.g. "--size" */
  WlOptKind kind;
  void* dest;
} WlOption;

/* Parses argv[1..] as "--name value" or "--name=value". Handles -h/--help (prints usage
 * on stdout, exits 0). Any unknown, positional or malformed argument: exit 2. */
void wl_parse_options(int argc, char** argv, const char* prog, const char* usage, const WlOption* options,
                      size_t option_count);

/* Symbolic errno name ("EAGAIN"), "" for 0, "E<number>" if unknown. */
const char* wl_errno_name(int err);

/* Streams one JSON object to stdout. Strings are escaped and invalid UTF-8 replaced, so
 * the line is always valid JSON whatever the environment or files contain. */
typedef struct {
  bool need_comma_;
} WlJson;

void wl_json_begin(WlJson* j);
/* wl_json_begin() plus the three fields every workload line starts with. */
void wl_json_begin_workload(WlJson* j, const char* workload, uint64_t start_mono_ns, uint64_t elapsed_ns);
void wl_json_u64(WlJson* j, const char* key, uint64_t value);
void wl_json_i64(WlJson* j, const char* key, int64_t value);
void wl_json_double(WlJson* j, const char* key, double value);      /* non-finite -> null */
void wl_json_string(WlJson* j, const char* key, const char* value); /* NULL -> null */
void wl_json_null(WlJson* j, const char* key);
void wl_json_array_begin(WlJson* j, const char* key);
void wl_json_array_string(WlJson* j, const char* value);
void wl_json_array_u64(WlJson* j, uint64_t value);
void wl_json_array_end(WlJson* j);
/* Closes the object, ends the line and flushes. Returns 0, or WL_EXIT_FAILURE (with a
 * message on stderr) if stdout could not be written, e.g. a closed pipe. */
int wl_json_end(WlJson* j);

#endif
