// The image store as every verb reads it: where it is, its layout, and its index of images
// and names. Content-addressed: blobs by digest, unpacked layers by chain id, so layers are
// shared between images and nothing is stored twice.
//
//   ROOT/index.json                  images and tags (replaced atomically; readers take no lock)
//   ROOT/index.lookup                tags and records, one per line, made from index.json
//   ROOT/lock                        held exclusively while the index changes
//   ROOT/gc.lock                     shared by pulls and imports in progress, exclusive for removal
//   ROOT/blobs/sha256/HEX            manifests, configs, compressed layers (verified on arrival)
//   ROOT/layers/sha256/CHAINID/diff  an unpacked layer: an overlayfs lower directory
//   ROOT/in-use/IMAGEID              shared-locked by every container running the image
//   ROOT/in-use/IMAGEID.users/CID    one empty file per kept container made from the image
//   ROOT/tmp/                        work in progress, each entry locked by its owner
//
// Changing the store (pull, import, rmi, ...) is store_writer.h's, linked only into the image
// verbs' executable; this part is all `run IMAGE` needs, and pulls in no network or archive
// library.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"
#include "runner/image/digest.h"
#include "runner/image/image_config.h"

namespace isobench::runner::image {

/// $ISOBENCH_STORE when set; else /var/lib/isobench for root and $XDG_DATA_HOME/isobench
/// (~/.local/share/isobench) for anyone else.
std::string default_store_root();

struct ImageRecord {
  Digest id;  ///< the config's digest: Docker's IMAGE ID
  Digest manifest_digest;
  std::string manifest_media_type;
  std::vector<Digest> layer_blobs;      ///< the manifest's layer blobs, bottom first
  std::vector<Digest> layer_chain_ids;  ///< their unpacked layers, bottom first
  int64_t size = 0;                     ///< bytes of the unpacked layers
  std::string created;                  ///< from the config (RFC 3339)
  std::string platform;                 ///< "linux/amd64"
  std::vector<std::string> repo_digests;  ///< "docker.io/library/busybox@sha256:..." (the manifest it came as)
  bool operator==(const ImageRecord&) const = default;
};

struct StoreIndex {
  std::map<std::string, ImageRecord> images;  ///< by id hex
  std::map<std::string, std::string> tags;    ///< normalised "repository:tag" -> id hex

  /// The names of image `id_hex`, sorted.
  std::vector<std::string> tags_of(const std::string& id_hex) const;
};

Result<StoreIndex> parse_store_index(std::string_view json);
std::string serialize_store_index(const StoreIndex& index);
/// One image's entry of the index, as one line of compact JSON (index_lookup.h), and back.
std::string serialize_image_record(const ImageRecord& record);
Result<ImageRecord> parse_image_record(const std::string& id_hex, std::string_view text);

/// What a name the user typed resolves to: a reference ("busybox", "x:1", "r@sha256:.."),
/// a full or unique short image id, or "sha256:<id>". Ambiguous prefixes are refused, as
/// Docker does.
Result<ImageRecord> find_image(const StoreIndex& index, std::string_view name);

class Store {
 public:
  /// The store at `root`; nothing is created. A missing store is an empty one.
  explicit Store(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  std::string blob_path(const Digest& digest) const { return root_ + "/blobs/sha256/" + digest.hex; }
  std::string layer_dir(const Digest& chain_id) const { return root_ + "/layers/sha256/" + chain_id.hex; }
  /// The overlay lower directory of a layer.
  std::string layer_tree(const Digest& chain_id) const { return layer_dir(chain_id) + "/diff"; }
  std::string index_path() const { return root_ + "/index.json"; }
  /// A digest of the index for `run IMAGE` (index_lookup.h); the index stays the truth.
  std::string lookup_path() const { return root_ + "/index.lookup"; }
  std::string in_use_path(const Digest& image_id) const { return root_ + "/in-use/" + image_id.hex; }

  bool has_blob(const Digest& digest) const;
  bool has_layer(const Digest& chain_id) const;
  /// The bytes of file content in a stored layer, as recorded when it was unpacked.
  int64_t layer_size(const Digest& chain_id) const;
  /// A blob of at most `limit` bytes (manifests and configs are small; a bigger one is refused).
  Result<std::string> read_blob(const Digest& digest, size_t limit = 4 << 20) const;
  /// The index; an empty one when the store does not exist yet.
  Result<StoreIndex> read_index() const;
  Result<ImageConfig> read_config(const ImageRecord& image) const;

  /// Marks `image` as used by a container for as long as the returned descriptor is open
  /// (close-on-exec: the container never holds it). `rmi` refuses an image in use.
  Result<UniqueFd> hold_in_use(const ImageRecord& image) const;

  /// A kept container (`run -d`) uses its image until it is removed, running or not, as in
  /// Docker: ROOT/in-use/IMAGEID.users/CONTAINERID says so. `rmi` refuses the image while any
  /// is there.
  Status add_kept_user(const Digest& image_id, const std::string& container_id) const;
  /// Removes the mark; none there is no error.
  void drop_kept_user(const Digest& image_id, const std::string& container_id) const;
  /// The containers that keep the image (their ids); none when nobody does.
  std::vector<std::string> kept_users(const Digest& image_id) const;

 private:
  std::string root_;
};

}  // namespace isobench::runner::image
