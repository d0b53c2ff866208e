#include "workload_common.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

uint64_t wl_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Writes the 8 bytes of `now` to `fd`, then closes it. */
static void send_start(int fd, uint64_t now) {
  const char* p = (const char*)&now;
  size_t left = sizeof now;
  while (left > 0) {
    const ssize_t n = write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    p += n;
    left -= (size_t)n;
  }
  close(fd);
}

/* The start stamp on CLOCK_REALTIME when the target asks for it: gVisor's sentry starts its
 * own CLOCK_MONOTONIC near zero at the sandbox's boot, while its CLOCK_REALTIME is the host's. */
static uint64_t start_stamp(uint64_t monotonic_now) {
  const char* clock = getenv("ISOBENCH_START_CLOCK");
  if (clock == NULL || strcmp(clock, "realtime") != 0) return monotonic_now;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t wl_start(void) {
  const uint64_t now = wl_now_ns();
  const uint64_t stamp = start_stamp(now);
  const char* text = getenv("ISOBENCH_START_FD");
  const char* path = getenv("ISOBENCH_START_PATH");
  uint64_t fd = 0;
  /* fds 0-2 are refused: writing 8 binary bytes there would corrupt the JSON output. */
  if (text != NULL && wl_parse_count(text, &fd) && fd > 2 && fd <= INT32_MAX) {
    send_start((int)fd, stamp);
  } else if (path != NULL && path[0] == '/') {
    /* Only a FIFO, opened without waiting for a reader: a workload run by hand with the
     * variable set must neither block nor write into a file of that name. */
    const int fifo = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat info;
    if (fifo >= 0 && fstat(fifo, &info) == 0 && S_ISFIFO(info.st_mode))
      send_start(fifo, stamp);
    else if (fifo >= 0)
      close(fifo);
  }
  return now;
}

void wl_usage_error(const char* prog, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  fprintf(stderr, "%s: ", prog);
  vfprintf(stderr, fmt, args);
  fprintf(stderr, " (try --help)\n");
  va_end(args);
  exit(WL_EXIT_USAGE);
}

/* Leading decimal digits of text; strtoull alone would accept "-1", " 1" and "0x10". */
static bool parse_digits(const char** text, uint64_t* out) {
  const char* p = *text;
  uint64_t value = 0;
  if (*p < '0' || *p > '9') return false;
  for (; *p >= '0' && *p <= '9'; p++) {
    const uint64_t digit = (uint64_t)(*p - '0');
    if (value > (UINT64_MAX - digit) / 10) return false;
    value = value * 10 + digit;
  }
  *text = p;
  *out = value;
  return true;
}

bool wl_parse_count(const char* text, uint64_t* out) {
  uint64_t value;
  if (!parse_digits(&text, &value) || *text != '\0' || value == 0) return false;
  *out = value;
  return true;
}

bool wl_parse_long(const char* text, long min, long max, long* out) {
  const bool negative = text[0] == '-';
  const char* p = negative ? text + 1 : text;
  uint64_t magnitude;
  if (!parse_digits(&p, &magnitude) || *p != '\0' || magnitude > (uint64_t)LONG_MAX) {
    return false;
  }
  const long value = negative ? -(long)magnitude : (long)magnitude;
  if (value < min || value > max) return false;
  *out = value;
  return true;
}

bool wl_parse_size(const char* text, uint64_t* out) {
  uint64_t value;
  if (!parse_digits(&text, &value) || value == 0) return false;
  /* k, m, g, t: powers of 1024. strchr would also match the terminating NUL, hence the guard. */
  static const char units[] = "kmgt";
  const char* unit = *text != '\0' ? strchr(units, tolower((unsigned char)*text)) : NULL;
  unsigned shift = 0;
  if (unit != NULL) {
    shift = 10u * (unsigned)(unit - units + 1);
    text++;
  }
  /* Accept the spellings people use for the same binary unit: 64m, 64mb, 64MiB, 4096b. */
  if (shift != 0 && (*text == 'i' || *text == 'I')) {
    text++;
    if (*text != 'b' && *text != 'B') return false;
  }
  if (*text == 'b' || *text == 'B') text++;
  if (*text != '\0' || value > (UINT64_MAX >> shift)) return false;
  *out = value << shift;
  return true;
}

static void store_option(const char* prog, const WlOption* opt, const char* value) {
  bool ok = true;
  const char* expected = "";
  switch (opt->kind) {
    case WL_OPT_SIZE:
      ok = wl_parse_size(value, (uint64_t*)opt->dest);
      expected = " (expected a positive size like 4096, 64k, 64m, 1g)";
      break;
    case WL_OPT_COUNT:
      ok = wl_parse_count(value, (uint64_t*)opt->dest);
      expected = " (expected a positive integer)";
      break;
    case WL_OPT_STRING:
      ok = value[0] != '\0';
      *(const char**)opt->dest = value;
      break;
    case WL_OPT_FLAG: break;
  }
  if (!ok) wl_usage_error(prog, "invalid value for %s: '%s'%s", opt->name, value, expected);
}

void wl_parse_options(int argc, char** argv, const char* prog, const char* usage, const WlOption* options,
                      size_t option_count) {
  for (int i = 1; i < argc; i++) {
    const char* arg = argv[i];
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      fputs(usage, stdout);
      exit(0);
    }
    const char* eq = strchr(arg, '=');
    const size_t name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
    const WlOption* opt = NULL;
    for (size_t k = 0; k < option_count && arg[0] == '-'; k++) {
      if (strlen(options[k].name) == name_len && strncmp(arg, options[k].name, name_len) == 0) opt = &options[k];
    }
    if (opt == NULL) wl_usage_error(prog, "unknown argument '%s'", arg);
    if (opt->kind == WL_OPT_FLAG) {
      if (eq != NULL) wl_usage_error(prog, "%s takes no value: '%s'", opt->name, arg);
      *(bool*)opt->dest = true;
    } else if (eq != NULL) {
      store_option(prog, opt, eq + 1);
    } else if (i + 1 < argc) {
      store_option(prog, opt, argv[++i]);
    } else {
      wl_usage_error(prog, "missing value for %s", opt->name);
    }
  }
}

const char* wl_errno_name(int err) {
  static char fallback[24];
  if (err == 0) return "";
  const char* name = strerrorname_np(err);
  if (name != NULL) return name;
  snprintf(fallback, sizeof fallback, "E%d", err);
  return fallback;
}

/* Length of the valid UTF-8 sequence at s, or 0 if it is not one (RFC 3629 ranges). */
static size_t utf8_sequence_length(const unsigned char* s) {
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
  if (s[0] >= 0xC2 && s[0] <= 0xDF)
    len = 2;
  else if (s[0] >= 0xE0 && s[0] <= 0xEF)
    len = 3;
  else if (s[0] >= 0xF0 && s[0] <= 0xF4)
    len = 4;
  else
    return 0;
  if (s[0] == 0xE0) lo = 0xA0; /* overlong */
  if (s[0] == 0xED) hi = 0x9F; /* UTF-16 surrogates */
  if (s[0] == 0xF0) lo = 0x90; /* overlong */
  if (s[0] == 0xF4) hi = 0x8F; /* above U+10FFFF */
  if (s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < len; i++) {
    if (s[i] < 0x80 || s[i] > 0xBF) return 0;
  }
  return len;
}

static void put_json_string(const char* value) {
  const unsigned char* s = (const unsigned char*)value;
  putchar('"');
  while (*s != '\0') {
    if (*s == '"' || *s == '\\') {
      printf("\\%c", *s++);
    } else if (*s < 0x20) {
      printf("\\u%04x", *s++);
    } else if (*s < 0x80) {
      putchar(*s++);
    } else {
      const size_t len = utf8_sequence_length(s);
      if (len == 0) {
        fputs("\\ufffd", stdout);
        s++;
      } else {
        fwrite(s, 1, len, stdout);
        s += len;
      }
    }
  }
  putchar('"');
}

static void put_separator(WlJson* j) {
  if (j->need_comma_) putchar(',');
  j->need_comma_ = true;
}

static void put_key(WlJson* j, const char* key) {
  put_separator(j);
  put_json_string(key);
  putchar(':');
}

void wl_json_begin(WlJson* j) {
  j->need_comma_ = false;
  putchar('{');
}

/* VmHWM of this process in KiB into *kib; false where the kernel does not keep it (gVisor's
 * sentry has no VmHWM line): no figure rather than a zero. Per address space, so unlike
 * ru_maxrss it does not include the pages of whatever runtime forked us before the exec. */
static bool vm_hwm_kib(uint64_t* kib) {
  FILE* status = fopen("/proc/self/status", "re");
  if (!status) return false;
  char line[256];
  bool found = false;
  while (!found && fgets(line, sizeof line, status)) found = sscanf(line, "VmHWM: %" SCNu64, kib) == 1;
  fclose(status);
  return found;
}

void wl_json_begin_workload(WlJson* j, const char* workload, uint64_t start_mono_ns, uint64_t elapsed_ns) {
  wl_json_begin(j);
  wl_json_string(j, "workload", workload);
  wl_json_u64(j, "start_mono_ns", start_mono_ns);
  wl_json_u64(j, "elapsed_ns", elapsed_ns);
  uint64_t peak_kib = 0;
  if (vm_hwm_kib(&peak_kib)) wl_json_u64(j, "vm_hwm_kib", peak_kib);
}

void wl_json_u64(WlJson* j, const char* key, uint64_t value) {
  put_key(j, key);
  printf("%" PRIu64, value);
}

void wl_json_i64(WlJson* j, const char* key, int64_t value) {
  put_key(j, key);
  printf("%" PRId64, value);
}

void wl_json_double(WlJson* j, const char* key, double value) {
  put_key(j, key);
  if (isfinite(value))
    printf("%.3f", value);
  else
    fputs("null", stdout);
}

void wl_json_string(WlJson* j, const char* key, const char* value) {
  put_key(j, key);
  if (value != NULL)
    put_json_string(value);
  else
    fputs("null", stdout);
}

void wl_json_null(WlJson* j, const char* key) {
  put_key(j, key);
  fputs("null", stdout);
}

void wl_json_array_begin(WlJson* j, const char* key) {
  put_key(j, key);
  putchar('[');
  j->need_comma_ = false;
}

void wl_json_array_string(WlJson* j, const char* value) {
  put_separator(j);
  put_json_string(value);
}

void wl_json_array_u64(WlJson* j, uint64_t value) {
  put_separator(j);
  printf("%" PRIu64, value);
}

void wl_json_array_end(WlJson* j) {
  putchar(']');
  j->need_comma_ = true;
}

int wl_json_end(WlJson* j) {
  (void)j;
  fputs("}\n", stdout);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "cannot write result to stdout: %s\n", strerror(errno));
    return WL_EXIT_FAILURE;
  }
  return 0;
}
