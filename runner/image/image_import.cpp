#include "runner/image/image_import.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <ctime>

#include "common/unique_fd.h"
#include "runner/image/config_change.h"
#include "runner/image/image_config.h"
#include "runner/image/layer_blob.h"
#include "runner/image/layer_unpack.h"

namespace isobench::runner::image {

namespace {

/// What the import writes, ready to be stored.
struct ImportedImage {
  LayerBlob blob;
  UnpackedLayer layer;
  std::string config_text;
  std::string manifest_text;
  ImageConfig config;
};

Result<ImageConfig> base_config(const ImportOptions& options) {
  ImageConfig config;
  config.os = options.platform.os;
  config.architecture = options.platform.architecture;
  config.variant = options.platform.variant;
  config.created = options.created.empty() ? rfc3339_now() : options.created;
  for (const std::string& change : options.changes) ISOBENCH_TRY(apply_config_change(change, config));
  return config;
}

void describe(ImportedImage& image, const ImportOptions& options) {
  image.config.diff_ids = {image.layer.diff_id};
  image.config_text = serialize_image_config(image.config, "isobench import " + options.source.substr(0, 200));
  ImageManifest manifest;
  manifest.media_type = std::string(media_types::kOciManifest);
  manifest.config = Descriptor{std::string(media_types::kOciConfig), sha256_of(image.config_text),
                               static_cast<int64_t>(image.config_text.size()), std::nullopt, {}};
  manifest.layers.push_back(Descriptor{std::string(media_types::kOciLayerGzip), image.blob.digest,
                                       static_cast<int64_t>(image.blob.size), std::nullopt, {}});
  image.manifest_text = serialize_image_manifest(manifest);
}

ImageRecord record_of(const ImportedImage& image, const Store& store) {
  ImageRecord record;
  record.id = sha256_of(image.config_text);
  record.manifest_digest = sha256_of(image.manifest_text);
  record.manifest_media_type = std::string(media_types::kOciManifest);
  record.layer_blobs = {image.blob.digest};
  record.layer_chain_ids = {image.layer.diff_id};  // one layer: its chain id is its diff id
  record.size = store.layer_size(image.layer.diff_id);
  record.created = image.config.created;
  record.platform = Platform{image.config.os, image.config.architecture, image.config.variant}.str();
  return record;
}

/// Blob, layer, config and manifest in place, then the index: only the index makes the image
/// visible, so a failure before it leaves complete, unreferenced parts for prune at most.
Status store_image(const ImportedImage& image, const std::string& blob_path, const std::string& tree,
                   const std::optional<Reference>& name, StoreWriter& store, ImageRecord& record) {
  ISOBENCH_TRY(store.commit_blob(blob_path, image.blob.digest));
  ISOBENCH_TRY(store.commit_layer(tree, image.layer.diff_id, image.layer.size_bytes));
  ISOBENCH_TRY(store.write_blob(image.config_text, sha256_of(image.config_text)));
  ISOBENCH_TRY(store.write_blob(image.manifest_text, sha256_of(image.manifest_text)));
  record = record_of(image, store.store());
  return store.update_index([&](StoreIndex& index) -> Status {
    if (auto existing = index.images.find(record.id.hex); existing != index.images.end()) {
      record.repo_digests = existing->second.repo_digests;
    }
    index.images[record.id.hex] = record;
    if (name) index.tags[name->repository() + ":" + name->tag] = record.id.hex;
    return {};
  });
}

}  // namespace

std::string rfc3339_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

Result<ImageRecord> import_image(int input_fd, const std::optional<Reference>& name, const ImportOptions& options,
                                 StoreWriter& store) {
  if (name && name->digest) return usage_error("cannot import as a digest: '" + name->str() + "' (name it NAME[:TAG])");
  ImportedImage image;
  auto config = base_config(options);
  if (!config) return config.error();
  image.config = std::move(*config);
  auto work = store.make_work_area("import");
  if (!work) return work.error();
  const std::string blob_path = work->path() + "/layer.tar.gz", tree = work->path() + "/layer";
  auto blob = write_gzip_layer_blob(input_fd, blob_path);
  if (!blob) return plain_error("import of " + options.source + ": " + blob.error().text());
  image.blob = *blob;
  if (::mkdir(tree.c_str(), 0755) != 0) return errno_error("cannot create " + tree);
  const UnpackOptions unpack{.privileged = options.privileged, .user_xattrs = !options.privileged};
  UniqueFd blob_fd(::open(blob_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!blob_fd) return errno_error("cannot read " + blob_path);
  auto layer = unpack_layer_from_fd(blob_fd.get(), tree, unpack);
  if (!layer) return plain_error("import of " + options.source + ": " + layer.error().text());
  image.layer = *layer;
  describe(image, options);
  ImageRecord record;
  ISOBENCH_TRY(store_image(image, blob_path, tree, name, store, record));
  return record;
}

}  // namespace isobench::runner::image
