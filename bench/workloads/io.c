/* io: sequential write + fsync + read of one file, to compare the container's writable
 * layer (overlay, tmpfs, bind mount) with the host's filesystem. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workload_common.h"

#define CHUNK_BYTES (1u << 20)

static const char usage[] =
    "Usage: io [--size SIZE] [--dir DIR] [--help]\n"
    "Writes a SIZE-byte file (default 16m) in 1 MiB chunks into DIR (default .), fsyncs\n"
    "it, reads it back (usually from the page cache) and unlinks it.\n"
    "Prints one JSON line: workload, start_mono_ns, elapsed_ns, bytes, chunk_bytes,\n"
    "write_ns, fsync_ns, read_ns, dir.\n";

typedef struct {
  uint64_t write_ns, fsync_ns, read_ns;
} IoTimes;

static int fail(const char* what, const char* path) {
  fprintf(stderr, "io: %s %s: %s\n", what, path, strerror(errno));
  return -1;
}

/* Returns 0 or -1 after printing what went wrong. Sets *created once the file exists, so
 * the caller unlinks it (and never a file that was there before: O_EXCL). */
static int write_file(const char* path, char* chunk, uint64_t size, IoTimes* times, bool* created) {
  const uint64_t t0 = wl_now_ns();
  const int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return fail("cannot create", path);
  *created = true;
  for (uint64_t done = 0; done < size;) {
    const size_t want = size - done < CHUNK_BYTES ? (size_t)(size - done) : CHUNK_BYTES;
    const ssize_t n = write(fd, chunk, want);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      fail("cannot write", path);
      close(fd);
      return -1;
    }
    done += (uint64_t)n;
  }
  const uint64_t t1 = wl_now_ns();
  if (fsync(fd) != 0) {
    fail("cannot fsync", path);
    close(fd);
    return -1;
  }
  const uint64_t t2 = wl_now_ns();
  if (close(fd) != 0) return fail("cannot close", path);
  times->write_ns = t1 - t0;
  times->fsync_ns = t2 - t1;
  return 0;
}

static int read_file(const char* path, char* chunk, uint64_t size, IoTimes* times) {
  const uint64_t t0 = wl_now_ns();
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail("cannot open", path);
  uint64_t done = 0;
  for (;;) {
    const ssize_t n = read(fd, chunk, CHUNK_BYTES);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      fail("cannot read", path);
      close(fd);
      return -1;
    }
    if (n == 0) break;
    done += (uint64_t)n;
  }
  close(fd);
  times->read_ns = wl_now_ns() - t0;
  if (done != size) {
    fprintf(stderr, "io: read %llu bytes back from %s, wrote %llu\n", (unsigned long long)done, path,
            (unsigned long long)size);
    return -1;
  }
  return 0;
}

int main(int argc, char** argv) {
  const uint64_t start_ns = wl_start();
  uint64_t size = 16u << 20;
  const char* dir = ".";
  const WlOption options[] = {
      {"--size", WL_OPT_SIZE, &size},
      {"--dir", WL_OPT_STRING, &dir},
  };
  wl_parse_options(argc, argv, "io", usage, options, 2);

  char path[4096];
  if (snprintf(path, sizeof path, "%s/isobench-io-%d.tmp", dir, (int)getpid()) >= (int)sizeof path) {
    wl_usage_error("io", "invalid value for --dir: path too long");
  }
  char* chunk = malloc(CHUNK_BYTES);
  if (chunk == NULL) {
    fprintf(stderr, "io: cannot allocate the 1 MiB buffer\n");
    return WL_EXIT_FAILURE;
  }
  /* Non-zero, non-repeating-per-page data, so no filesystem can store it as holes. */
  for (size_t i = 0; i < CHUNK_BYTES; i++) chunk[i] = (char)(i * 131u + (i >> 12));

  IoTimes times = {0, 0, 0};
  bool created = false;
  const uint64_t t0 = wl_now_ns();
  bool ok = write_file(path, chunk, size, &times, &created) == 0 && read_file(path, chunk, size, &times) == 0;
  if (created && unlink(path) != 0) {
    fail("cannot unlink", path);
    ok = false;
  }
  const uint64_t elapsed_ns = wl_now_ns() - t0;
  free(chunk);
  if (!ok) return WL_EXIT_FAILURE;

  WlJson json;
  wl_json_begin_workload(&json, "io", start_ns, elapsed_ns);
  wl_json_u64(&json, "bytes", size);
  wl_json_u64(&json, "chunk_bytes", CHUNK_BYTES);
  wl_json_u64(&json, "write_ns", times.write_ns);
  wl_json_u64(&json, "fsync_ns", times.fsync_ns);
  wl_json_u64(&json, "read_ns", times.read_ns);
  wl_json_string(&json, "dir", dir);
  return wl_json_end(&json);
}
