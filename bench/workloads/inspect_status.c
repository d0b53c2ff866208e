/* inspect status: what the process can see of itself and its surroundings. Everything is
 * read from /proc and plain syscalls, so the same binary works on the host for comparison. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "inspect.h"
#include "workload_common.h"

/* Whole contents of a (small, possibly size-0 /proc) file, NUL-terminated; NULL on error. */
static char* read_text_file(const char* path) {
  FILE* f = fopen(path, "re");
  if (f == NULL) return NULL;
  size_t cap = 4096, len = 0;
  char* buf = malloc(cap);
  while (buf != NULL) {
    len += fread(buf + len, 1, cap - len - 1, f);
    if (len < cap - 1) break;
    char* bigger = realloc(buf, cap * 2);
    if (bigger == NULL) free(buf);
    buf = bigger;
    cap *= 2;
  }
  const int failed = ferror(f);
  fclose(f);
  if (buf == NULL || failed) {
    free(buf);
    return NULL;
  }
  buf[len] = '\0';
  return buf;
}

/* Value of "Key:\tvalue" in /proc/self/status text, copied into out; false if absent. */
static bool status_field(const char* status, const char* key, char* out, size_t out_size) {
  const size_t key_len = strlen(key);
  for (const char* line = status; line != NULL && *line != '\0';) {
    const char* eol = strchr(line, '\n');
    const size_t line_len = eol != NULL ? (size_t)(eol - line) : strlen(line);
    if (line_len > key_len && strncmp(line, key, key_len) == 0 && line[key_len] == ':') {
      const char* value = line + key_len + 1;
      while (*value == ' ' || *value == '\t') value++;
      const size_t value_len = (size_t)(line + line_len - value);
      if (value_len >= out_size) return false;
      memcpy(out, value, value_len);
      out[value_len] = '\0';
      return true;
    }
    line = eol != NULL ? eol + 1 : NULL;
  }
  return false;
}

static void json_status_string(WlJson* j, const char* status, const char* key, const char* json_key) {
  char value[256];
  const bool found = status != NULL && status_field(status, key, value, sizeof value);
  wl_json_string(j, json_key, found ? value : NULL);
}

static void json_status_int(WlJson* j, const char* status, const char* key, const char* json_key) {
  char value[64];
  long number;
  if (status != NULL && status_field(status, key, value, sizeof value) &&
      wl_parse_long(value, LONG_MIN + 1, LONG_MAX, &number)) {
    wl_json_i64(j, json_key, number);
  } else {
    wl_json_null(j, json_key);
  }
}

/* Array of the file's non-empty lines; runs of blanks collapsed when asked (uid_map pads
 * its columns). null if the file cannot be read. */
static void json_lines(WlJson* j, const char* key, const char* path, bool collapse_blanks) {
  char* text = read_text_file(path);
  if (text == NULL) {
    wl_json_null(j, key);
    return;
  }
  wl_json_array_begin(j, key);
  for (char* line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
    if (collapse_blanks) {
      char* out = line;
      for (char* in = line; *in != '\0'; in++) {
        if (*in == ' ' && (out == line || out[-1] == ' ')) continue;
        *out++ = *in;
      }
      while (out > line && out[-1] == ' ') out--;
      *out = '\0';
    }
    wl_json_array_string(j, line);
  }
  wl_json_array_end(j);
  free(text);
}

static int compare_u64(const void* a, const void* b) {
  const uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
  return (x > y) - (x < y);
}

static int compare_strings(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

/* PIDs visible in /proc, ascending: shows whether a PID namespace hides the host. */
static void json_pids(WlJson* j) {
  DIR* dir = opendir("/proc");
  size_t count = 0, cap = 256;
  uint64_t* pids = malloc(cap * sizeof *pids);
  if (dir == NULL || pids == NULL) {
    if (dir != NULL) closedir(dir);
    free(pids);
    wl_json_null(j, "pids");
    return;
  }
  for (struct dirent* e; (e = readdir(dir)) != NULL;) {
    uint64_t pid;
    if (!wl_parse_count(e->d_name, &pid)) continue;
    if (count == cap) {
      uint64_t* bigger = realloc(pids, 2 * cap * sizeof *pids);
      if (bigger == NULL) break;
      pids = bigger;
      cap *= 2;
    }
    pids[count++] = pid;
  }
  closedir(dir);
  qsort(pids, count, sizeof *pids, compare_u64);
  wl_json_array_begin(j, "pids");
  for (size_t i = 0; i < count; i++) wl_json_array_u64(j, pids[i]);
  wl_json_array_end(j);
  free(pids);
}

/* Interface names from /proc/net/dev (two header lines, then "  name: counters..."). */
static void json_interfaces(WlJson* j) {
  char* text = read_text_file("/proc/net/dev");
  if (text == NULL) {
    wl_json_null(j, "interfaces");
    return;
  }
  wl_json_array_begin(j, "interfaces");
  int line_no = 0;
  for (char* line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
    char* colon = strchr(line, ':');
    if (++line_no <= 2 || colon == NULL) continue;
    *colon = '\0';
    while (*line == ' ') line++;
    wl_json_array_string(j, line);
  }
  wl_json_array_end(j);
  free(text);
}

/* "pid:[4026531836]" etc., sorted: equal inode numbers mean a shared namespace. */
static void json_namespaces(WlJson* j) {
  DIR* dir = opendir("/proc/self/ns");
  if (dir == NULL) {
    wl_json_null(j, "namespaces");
    return;
  }
  char* links[64];
  size_t count = 0;
  for (struct dirent* e; count < 64 && (e = readdir(dir)) != NULL;) {
    char path[PATH_MAX], target[256];
    if (e->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "/proc/self/ns/%s", e->d_name);
    const ssize_t n = readlink(path, target, sizeof target - 1);
    if (n <= 0) continue;
    target[n] = '\0';
    if ((links[count] = strdup(target)) != NULL) count++;
  }
  closedir(dir);
  qsort(links, count, sizeof links[0], compare_strings);
  wl_json_array_begin(j, "namespaces");
  for (size_t i = 0; i < count; i++) {
    wl_json_array_string(j, links[i]);
    free(links[i]);
  }
  wl_json_array_end(j);
}

static void json_line_count(WlJson* j, const char* key, const char* path) {
  char* text = read_text_file(path);
  if (text == NULL) {
    wl_json_null(j, key);
    return;
  }
  uint64_t lines = 0;
  for (const char* p = text; *p != '\0'; p++) lines += *p == '\n';
  wl_json_u64(j, key, lines);
  free(text);
}

int inspect_status(void) {
  WlJson j;
  wl_json_begin(&j);
  wl_json_i64(&j, "pid", getpid());
  wl_json_i64(&j, "ppid", getppid());
  wl_json_i64(&j, "uid", getuid());
  wl_json_i64(&j, "gid", getgid());

  char hostname[HOST_NAME_MAX + 1] = "";
  const bool have_hostname = gethostname(hostname, sizeof hostname) == 0;
  hostname[sizeof hostname - 1] = '\0';
  wl_json_string(&j, "hostname", have_hostname ? hostname : NULL);
  char cwd[PATH_MAX];
  wl_json_string(&j, "cwd", getcwd(cwd, sizeof cwd));

  char* status = read_text_file("/proc/self/status");
  json_status_string(&j, status, "CapEff", "cap_eff");
  json_status_string(&j, status, "CapBnd", "cap_bnd");
  json_status_string(&j, status, "CapPrm", "cap_prm");
  if (status != NULL) {
    json_status_int(&j, status, "NoNewPrivs", "no_new_privs");
  } else {
    /* prctl needs no /proc, and a container without /proc is exactly when we want it. */
    const int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    if (nnp >= 0)
      wl_json_i64(&j, "no_new_privs", nnp);
    else
      wl_json_null(&j, "no_new_privs");
  }
  json_status_int(&j, status, "Seccomp", "seccomp");
  free(status);

  json_pids(&j);
  json_interfaces(&j);
  json_lines(&j, "cgroup", "/proc/self/cgroup", false);
  json_line_count(&j, "mounts", "/proc/self/mountinfo");
  json_namespaces(&j);
  json_lines(&j, "uid_map", "/proc/self/uid_map", true);
  json_lines(&j, "gid_map", "/proc/self/gid_map", true);

  wl_json_array_begin(&j, "env");
  for (char** e = environ; *e != NULL; e++) wl_json_array_string(&j, *e);
  wl_json_array_end(&j);
  return wl_json_end(&j);
}
