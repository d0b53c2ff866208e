#include "common/file_io.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "common/bounded_input.h"
#include "common/unique_fd.h"

namespace isobench {

Result<std::string> read_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return errno_error("cannot open " + path);
  std::string text;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error("cannot read " + path);
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  return text;
}

static Status write_all(int fd, const std::string& path, const std::string& text) {
  ssize_t n = ::write(fd, text.data(), text.size());
  // Kernel files take short values worth quoting; a whole document is cut short.
  if (n < 0) return errno_error("cannot write '" + excerpt(trim(text)) + "' to " + path);
  if (static_cast<size_t>(n) != text.size()) return plain_error("short write to " + path);
  return {};
}

Status write_fully(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return errno_error("cannot write " + path);
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return {};
}

void write_what_fits(int fd, std::string& pending) {
  if (pending.empty()) return;
  const ssize_t written = ::write(fd, pending.data(), pending.size());
  if (written > 0) pending.erase(0, static_cast<size_t>(written));
  else if (written < 0 && errno != EAGAIN && errno != EINTR) pending.clear();
}

Status write_kernel_file(const std::string& path, const std::string& text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return errno_error("cannot open " + path);
  return write_all(fd.get(), path, text);
}

Status write_regular_file(const std::string& path, const std::string& text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) return errno_error("cannot create " + path);
  return write_all(fd.get(), path, text);
}

Status replace_file(const std::string& path, const std::string& text) {
  std::string temporary = path + ".tmp-" + std::to_string(getpid());
  Status written = write_regular_file(temporary, text);
  if (written && ::rename(temporary.c_str(), path.c_str()) != 0) written = errno_error("cannot rename onto " + path);
  if (!written) ::unlink(temporary.c_str());
  return written;
}

Status replace_file_durably(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp-" + std::to_string(getpid());
  UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd) return errno_error("cannot create " + temporary);
  Status written = write_fully(fd.get(), text, temporary);
  if (written && ::fsync(fd.get()) != 0) written = errno_error("cannot flush " + temporary);
  fd.reset();
  if (written && ::rename(temporary.c_str(), path.c_str()) != 0) written = errno_error("cannot rename onto " + path);
  if (!written) {
    ::unlink(temporary.c_str());
    return written;
  }
  const std::string directory = path.substr(0, path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/'));
  UniqueFd directory_fd(::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (directory_fd) ::fsync(directory_fd.get());
  return {};
}

std::string trim(std::string text) {
  const char* space = " \t\r\n";
  auto last = text.find_last_not_of(space);
  if (last == std::string::npos) return {};
  text.erase(last + 1);
  text.erase(0, text.find_first_not_of(space));
  return text;
}

}  // namespace isobench
