#include "common/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

namespace isobench {

Result<UniqueFd> lock_file(const std::string& path, LockKind kind, LockWait wait) {
  UniqueFd fd(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) return errno_error("cannot open lock file " + path);
  const int operation = (kind == LockKind::kShared ? LOCK_SH : LOCK_EX) | (wait == LockWait::kTry ? LOCK_NB : 0);
  int result = 0;
  do result = flock(fd.get(), operation);
  while (result != 0 && errno == EINTR);
  if (result != 0) return errno_error("cannot lock " + path);
  return fd;
}

bool lock_is_busy(const Error& error) { return error.errno_value == EWOULDBLOCK; }

}  // namespace isobench
