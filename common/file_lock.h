// Advisory whole-file locks (flock(2)) held by a descriptor: the lock lives exactly as long as
// the owner, and the kernel drops it when a process dies, so a crashed holder never leaves a
// stale lock behind.
#pragma once

#include <string>

#include "common/result.h"
#include "common/unique_fd.h"

namespace isobench {

enum class LockKind { kShared, kExclusive };
enum class LockWait { kBlock, kTry };

/// Opens (creating it, mode 0600) and locks the file at `path`. With LockWait::kTry a held
/// lock is an error with errno EWOULDBLOCK, which callers test with lock_is_busy().
Result<UniqueFd> lock_file(const std::string& path, LockKind kind, LockWait wait = LockWait::kBlock);

/// The error lock_file returns for a lock somebody else holds.
bool lock_is_busy(const Error& error);

}  // namespace isobench
