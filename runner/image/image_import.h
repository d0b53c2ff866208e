// `import`: a root filesystem tarball (plain, gzip or zstd) becomes a one-layer image, as
// `docker import` makes one: the layer stored as tar+gzip, unpacked once (which checks it and
// gives its diff id), an OCI config and manifest written here, and the image indexed last.
// Bad input (not an archive, a truncated stream, a name escaping the root, a device node in
// a rootless store) fails before anything enters the store.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "runner/image/manifest.h"
#include "runner/image/reference.h"
#include "runner/image/store_writer.h"

namespace isobench::runner::image {

struct ImportOptions {
  std::vector<std::string> changes;  ///< --change instructions (config_change.h), in order
  std::string source;                ///< what the tarball was ("busybox.tar", "-"), for the history
  Platform platform = Platform::host();
  /// UnpackOptions::privileged: owners and device nodes kept. Off for a rootless store.
  bool privileged = true;
  std::string created;  ///< RFC 3339; empty: now
};

/// Imports the tarball read from `input_fd` to its end. `name`, when given, tags the image
/// (replacing what the tag named before).
Result<ImageRecord> import_image(int input_fd, const std::optional<Reference>& name, const ImportOptions& options,
                                 StoreWriter& store);

/// Now, as RFC 3339 in UTC ("2026-12-02T05:20:00Z").
std::string rfc3339_now();

}  // namespace isobench::runner::image
