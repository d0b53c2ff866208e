// Internal to `load` (image_load.h): the regular files of an image archive, extracted into a
// work area under flat names of our own (never the archive's), each hashed as it is written.
// Entry names are only keys: no name from the archive becomes a path.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/result.h"
#include "runner/image/digest.h"

namespace isobench::runner::image::detail {

struct ArchiveFile {
  std::string path;  ///< where it was written
  Digest digest;     ///< sha256 of its bytes
  uint64_t size = 0;
};

class ArchiveFiles {
 public:
  /// Reads the tar from `input_fd` (plain, gzip or zstd) into `directory`. A name with a ".."
  /// component is refused; a file named blobs/sha256/HEX must have that digest; symlinks and
  /// hard links between entries are kept as aliases; other entry types are skipped.
  static Result<ArchiveFiles> extract(int input_fd, const std::string& directory, uint64_t max_entries);

  /// The file named `name` ("./" and links resolved), or null.
  const ArchiveFile* find(const std::string& name) const;
  /// The file `name`, or an error naming it.
  Result<const ArchiveFile*> require(const std::string& name) const;

 private:
  std::map<std::string, ArchiveFile> files_;
  std::map<std::string, std::string> aliases_;  ///< link name -> target name
};

/// "a/b" from "./a//b"; "" for a name that climbs out ("..") or is empty.
std::string archive_entry_key(std::string_view name);

}  // namespace isobench::runner::image::detail
