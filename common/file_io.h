// Small whole-file helpers for procfs, sysfs and cgroupfs, where files are tiny and a
// failed read or write must name the path.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace isobench {

/// Reads the whole file. Errors name the path.
Result<std::string> read_file(const std::string& path);

/// Writes `text` with a single write(2), as kernel interface files require; no O_CREAT.
Status write_kernel_file(const std::string& path, const std::string& text);

/// Writes all of `bytes` to `fd` (a file or pipe), retrying short writes and EINTR; errors
/// name `path`.
Status write_fully(int fd, std::string_view bytes, const std::string& path);

/// One write of `pending` to the non-blocking `fd`, and what it took erased: what waits for
/// a reader that is slow (EAGAIN) stays; all of it goes when the reader is gone.
void write_what_fits(int fd, std::string& pending);

/// Creates or truncates a regular file and writes `text` to it.
Status write_regular_file(const std::string& path, const std::string& text);

/// Writes `text` to a temporary file next to `path` and renames it over `path`: readers see
/// the old file or the whole new one, and a failure leaves no partial file behind.
Status replace_file(const std::string& path, const std::string& text);

/// replace_file, with the new file and its directory flushed to disk (fsync) before and after
/// the rename: for state that must survive a crash or a full disk whole (the image store).
Status replace_file_durably(const std::string& path, const std::string& text);

/// Trims ASCII whitespace at both ends.
std::string trim(std::string text);

}  // namespace isobench
