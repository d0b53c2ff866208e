// The container store's small file-system steps (container_store.cpp's helpers; not for
// other callers).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"

namespace isobench::runner::lifecycle::detail {

/// "no such container: X", ending isobench with exit code kFailed.
Error no_such_container(std::string_view name_or_id);

/// The names in `directory` ("." and ".." left out); none when it cannot be read.
std::vector<std::string> entries_of(const std::string& directory);

bool exists(const std::string& path);

/// Whether `path` was last modified more than `seconds` ago (false when it is gone).
bool older_than(const std::string& path, int seconds);

/// The target of the symlink `path`; "" when there is none.
std::string link_target(const std::string& path);

/// mkdir -p, each missing directory made with mode 0700.
Status make_directories(const std::string& path);

/// A container's directory being built: ROOT/.tmp-ID, locked (ID/lock) by its creator from
/// before it had that name. Removed, unless `path` was cleared, when it goes out of scope.
struct StagedDirectory {
  std::string path;
  UniqueFd lock;
  StagedDirectory(std::string staged, UniqueFd held) : path(std::move(staged)), lock(std::move(held)) {}
  StagedDirectory(StagedDirectory&& other) noexcept;
  StagedDirectory& operator=(StagedDirectory&&) = delete;
  ~StagedDirectory();
};

/// Makes ROOT/.new-ID, locks its lock file, then renames it to ROOT/.tmp-ID: a cleaner only
/// looks at .tmp- directories, so it never finds one whose lock is not yet held.
Result<StagedDirectory> stage_directory(const std::string& root, const std::string& id);

/// Renames `staged` to `target` (never over an existing one), so that readers see the
/// container whole or not at all.
Status move_into_place(const std::string& staged, const std::string& target);

}  // namespace isobench::runner::lifecycle::detail
