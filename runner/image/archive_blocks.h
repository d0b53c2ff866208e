// The data of one libarchive entry, block by block: shared by the layer unpacker (which
// writes blocks at their offsets, keeping holes) and the image archive reader (which hashes
// and copies them).
#pragma once

#include <archive.h>
#include <sys/types.h>

#include <cstddef>
#include <string>

#include "common/result.h"

namespace isobench::runner::image {

/// Calls `take(data, size, offset)` for each data block of `reader`'s current entry, until
/// the entry ends or `take` fails. A read error is an error "WHAT: libarchive's reason".
template <typename Take>
Status for_each_data_block(archive* reader, const std::string& what, Take&& take) {
  for (;;) {
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    const int rc = archive_read_data_block(reader, &block, &size, &offset);
    if (rc == ARCHIVE_EOF) return {};
    if (rc < ARCHIVE_WARN) {
      const char* why = archive_error_string(reader);
      return plain_error(what + ": " + (why ? why : "unreadable"));
    }
    ISOBENCH_TRY(take(static_cast<const char*>(block), size, static_cast<off_t>(offset)));
  }
}

}  // namespace isobench::runner::image
