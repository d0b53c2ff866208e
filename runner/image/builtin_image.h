// The built-in image as a row of `isobench images`: it lives beside the executable, not in
// the store. Its record (id, size, creation time) is computed when the image is assembled
// (bench/workloads/assemble_image.cmake writes image/builtin.json beside image/rootfs), so
// that listing needs no hashing and works in the static isobench.
#pragma once

#include <string>

#include "common/result.h"
#include "runner/image/store.h"

namespace isobench::runner::image {

/// The record of the built-in image whose rootfs is `rootfs` (its builtin.json is beside
/// it): no layers of the store, platform the host's.
Result<ImageRecord> builtin_image_record(const std::string& rootfs);

}  // namespace isobench::runner::image
