// `load`: an image archive into the store. Reads an OCI image layout tar (what `save` and
// Docker 25+ write, or skopeo's oci-archive:) or an older `docker save` archive (manifest.json,
// one tar per layer, uncompressed and named by path, the config as HEX.json), optionally
// gzip or zstd compressed as a whole. Every blob named by digest is checked against it, every
// layer is unpacked and checked against the config's diff ids, and an image enters the index
// only once all of its parts are stored.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "runner/image/store_writer.h"

namespace isobench::runner::image {

struct LoadedImage {
  ImageRecord record;
  std::vector<std::string> names;  ///< normalised "repository:tag"
};

struct LoadOptions {
  bool privileged = true;  ///< UnpackOptions::privileged
  uint64_t max_entries = 100'000;  ///< archive entries (not layer entries): more is refused
};

/// Loads every image the archive read from `input_fd` holds, in its order.
Result<std::vector<LoadedImage>> load_images(int input_fd, StoreWriter& store, const LoadOptions& options = {});

}  // namespace isobench::runner::image
