// `save`: images of the store written as one tar holding an OCI image layout and Docker's
// manifest.json (image_archive.h), blobs copied as stored, so that `load` here, `docker load`
// and skopeo's oci-archive: all read it.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "runner/image/image_archive.h"
#include "runner/image/store.h"

namespace isobench::runner::image {

/// The images `names` name (references or ids), each once; a name that is a tag in the
/// store is saved as that name, an id without one.
Result<std::vector<ArchivedImage>> images_to_save(const Store& store, const StoreIndex& index, const std::vector<std::string>& names);

/// Writes the archive of `images` to `output_fd` (a tar, uncompressed).
Status write_image_archive(const Store& store, const std::vector<ArchivedImage>& images, int output_fd);

}  // namespace isobench::runner::image
