// `run IMAGE` finds its image without parsing the whole index. The index (index.json) is the
// truth, and parsing it costs about 1.5 ms per 100 images here, twice per start (before and
// after the image is marked in use): more than the whole budget of `run IMAGE` over
// `--rootfs`. So every index update also writes index.lookup: a header naming the exact
// index file it was made from (device, inode, size, modification time), then one line per
// tag ("T NAME ID") and per image ("I ID {record}"). A reader holds index.json open, and
// uses the lookup only when its header names that very file; anything else (no lookup, a
// stale one, a name that is not a tag) falls back to the whole index.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/unique_fd.h"
#include "runner/image/store.h"

namespace isobench::runner::image {

/// Which file an index is: while a reader holds it open, no other file can have it.
struct IndexIdentity {
  uint64_t device = 0;
  uint64_t inode = 0;
  int64_t size = 0;
  int64_t modified_ns = 0;
  bool operator==(const IndexIdentity&) const = default;
};
IndexIdentity identity_of(const struct stat& status);

/// The lookup text for `index`, whose file is `identity`.
std::string serialize_index_lookup(const StoreIndex& index, const IndexIdentity& identity);

/// The record the tag `normalised_tag` ("docker.io/library/busybox:latest") names, when
/// `lookup` was made from the index `identity`; empty when the lookup cannot say (another
/// index, a malformed line, a tag it lacks: the whole index answers those).
std::optional<ImageRecord> lookup_tag(std::string_view lookup, const IndexIdentity& identity, std::string_view normalised_tag);

/// index.json as it is now, held open; `file` is empty when the store has no index yet.
struct HeldIndex {
  UniqueFd file;
  IndexIdentity identity;
};
Result<HeldIndex> hold_index(const Store& store);

/// find_image over the held index: through the lookup when it matches, else the whole index.
Result<ImageRecord> find_held_image(const Store& store, const HeldIndex& held, std::string_view name);

/// Whether index.json is no longer the file `held` holds (an update replaced it since).
bool index_replaced(const Store& store, const HeldIndex& held);

/// After an index update (under the store's lock): the lookup for the index now in place.
/// Best effort: without a lookup, readers parse the index.
void refresh_index_lookup(const Store& store, const StoreIndex& index);

}  // namespace isobench::runner::image
