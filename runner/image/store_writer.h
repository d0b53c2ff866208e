// Changing the image store: work areas for pulls and imports, moving verified blobs and
// unpacked layers into place, updating the index, and removing what no image references.
//
// Crash safety comes from the order of steps, not from cleanup code: a blob or layer enters
// its content-addressed name by rename(2) only once it is verified and complete, and the
// index, which alone makes an image visible, is replaced (durably) last. A pull killed at any
// point leaves at most a locked-then-abandoned work area (removed by the next writer) and
// complete but unreferenced blobs and layers (reused by the next pull, removed by prune).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/unique_fd.h"
#include "runner/image/digest.h"
#include "runner/image/store.h"

namespace isobench::runner::image {

/// A private directory under ROOT/tmp, locked by its owner; removed when the owner lets go.
class WorkArea {
 public:
  WorkArea(std::string path, UniqueFd lock) : path_(std::move(path)), lock_(std::move(lock)) {}
  WorkArea(WorkArea&&) = default;
  WorkArea& operator=(WorkArea&&) = delete;
  WorkArea(const WorkArea&) = delete;
  ~WorkArea();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  UniqueFd lock_;
};

struct PruneReport {
  int layers_removed = 0;
  int blobs_removed = 0;
  int64_t bytes_freed = 0;
};

class StoreWriter {
 public:
  /// Creates the store's directories when missing (mode 0700 for the root) and takes the
  /// shared "writer" lock that keeps removal from racing a pull in progress.
  static Result<StoreWriter> open(const std::string& root);

  const Store& store() const { return store_; }

  /// A fresh work area; abandoned ones (their owner died) are removed first.
  Result<WorkArea> make_work_area(std::string_view purpose);
  /// Moves the verified file `path` to the blob `digest`; an existing blob wins.
  Status commit_blob(const std::string& path, const Digest& digest);
  /// Writes `bytes` (already known to have digest `digest`) as a blob.
  Status write_blob(std::string_view bytes, const Digest& digest);
  /// Moves the unpacked tree `tree_dir` to the layer `chain_id`, recording its size in bytes;
  /// an existing layer wins.
  Status commit_layer(const std::string& tree_dir, const Digest& chain_id, uint64_t size_bytes);

  /// Locks the index, lets `change` edit it, writes it back durably. An error from `change`
  /// leaves the index as it was.
  Status update_index(const std::function<Status(StoreIndex&)>& change);

  /// Removes layers and blobs that no image in the index references. Waits for pulls and
  /// imports in progress (they may be about to reference what looks unused).
  Result<PruneReport> remove_unreferenced();

 private:
  StoreWriter(Store store, UniqueFd writer_lock) : store_(std::move(store)), writer_lock_(std::move(writer_lock)) {}
  Status clean_abandoned_work_areas();

  Store store_;
  UniqueFd writer_lock_;  ///< shared on ROOT/gc.lock while this writer lives
};

/// Whether image `id` is used by a running container (someone holds its in-use lock).
bool image_in_use(const Store& store, const Digest& id);

}  // namespace isobench::runner::image
