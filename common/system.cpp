#include "common/system.h"

#include <time.h>
#include <unistd.h>

#include <cstdlib>

#include "common/file_io.h"
#include "common/subprocess.h"
#include "common/time_units.h"

namespace isobench {

int64_t monotonic_ns() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return timespec_to_ns(now);
}

int64_t realtime_ns() {
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return timespec_to_ns(now);
}

Result<std::string> own_executable() {
  char path[4096];
  ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
  if (length <= 0) return errno_error("readlink /proc/self/exe");
  return std::string(path, static_cast<size_t>(length));
}

Status make_pipe(UniqueFd& read_end, UniqueFd& write_end, int flags) {
  int ends[2];
  if (::pipe2(ends, flags) != 0) return errno_error("pipe2");
  read_end.reset(ends[0]);
  write_end.reset(ends[1]);
  return {};
}

std::vector<char*> exec_array(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  dirs += ":/usr/local/sbin:/usr/sbin:/sbin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t colon = dirs.find(':', start);
    std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!dir.empty()) {
      std::string candidate = dir + "/" + name;
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return {};
}

std::string first_output_line(const std::vector<std::string>& argv) {
  auto ran = run_command(argv);
  if (!ran) return {};
  // As fgets into 511 bytes did before: a longer first line is cut there.
  std::string line = ran->output.substr(0, ran->output.find('\n'));
  return trim(line.substr(0, 511));
}

std::string first_output_line(const std::string& command) {
  return first_output_line(std::vector<std::string>{"/bin/sh", "-c", command});
}

}  // namespace isobench
