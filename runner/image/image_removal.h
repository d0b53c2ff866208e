// rmi, tag and prune as operations on the store, in Docker's terms: removing a name that
// shares its image with other names only untags; removing the last name (or the id) deletes
// the image, and its layers and blobs when no other image uses them. An image that a running
// container uses is never deleted, forced or not ("cannot be forced").
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "runner/image/store_writer.h"

namespace isobench::runner::image {

struct RemovalReport {
  std::vector<std::string> untagged;  ///< "busybox:latest" as the user would write it
  std::vector<std::string> deleted;   ///< "sha256:..." image ids
  PruneReport pruned;
};

/// Removes `name` (a reference or an id prefix). `force` lets an id with several names go.
Result<RemovalReport> remove_image(StoreWriter& store, const std::string& name, bool force);

/// Makes `target` (a reference with a tag) name the image `source` names.
Status tag_image(StoreWriter& store, const std::string& source, const std::string& target);

/// Deletes images without names that no container uses, then what nothing references.
Result<RemovalReport> prune_images(StoreWriter& store);

}  // namespace isobench::runner::image
