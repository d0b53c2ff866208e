#include "runner/image/image_load.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "common/bounded_input.h"
#include "common/unique_fd.h"
#include "runner/image/archive_files.h"
#include "runner/image/image_archive.h"
#include "runner/image/image_config.h"
#include "runner/image/layer_unpack.h"
#include "runner/image/manifest.h"

namespace isobench::runner::image {

namespace {

using detail::ArchiveFile;
using detail::ArchiveFiles;

/// An image of the archive, its parts found and parsed, nothing stored yet.
struct ArchiveImage {
  std::string manifest_text;
  ImageManifest manifest;
  std::string config_text;
  ImageConfig config;
  std::vector<const ArchiveFile*> layers;
  std::vector<std::string> names;
};

Result<std::string> read_document(const ArchiveFile& file, const std::string& what) {
  return read_bounded_file(file.path, 4 << 20, what.c_str());
}

/// The file of blob `descriptor`; extract() has checked its digest against its name.
Result<const ArchiveFile*> blob_file(const ArchiveFiles& files, const Descriptor& descriptor) {
  auto file = files.require(archive_blob_path(descriptor.digest));
  if (!file) return file.error();
  if (static_cast<int64_t>((*file)->size) != descriptor.size) {
    return plain_error("the image archive's blob " + descriptor.digest.short_id() + " has " + std::to_string((*file)->size) +
                       " bytes, its descriptor says " + std::to_string(descriptor.size));
  }
  return file;
}

Status read_config(const ArchiveFile& file, ArchiveImage& image) {
  auto text = read_document(file, "an image config");
  if (!text) return text.error();
  auto config = parse_image_config(*text);
  if (!config) return config.error();
  image.config_text = std::move(*text);
  image.config = std::move(*config);
  if (image.config.diff_ids.size() != image.layers.size()) {
    return plain_error("image config " + file.digest.short_id() + " lists " + std::to_string(image.config.diff_ids.size()) +
                       " layers and its manifest " + std::to_string(image.layers.size()));
  }
  return {};
}

/// An index.json entry's manifest: itself, or this platform's when the entry is an index.
Result<Descriptor> manifest_entry(const ArchiveFiles& files, const Descriptor& entry) {
  if (!is_index_media_type(entry.media_type)) return entry;
  auto file = blob_file(files, entry);
  if (!file) return file.error();
  auto text = read_document(**file, "an image index");
  if (!text) return text.error();
  auto nested = parse_image_index(*text, entry.media_type);
  if (!nested) return nested.error();
  return select_platform(*nested, Platform::host());
}

Result<ArchiveImage> oci_image(const ArchiveFiles& files, const Descriptor& entry) {
  auto chosen = manifest_entry(files, entry);
  if (!chosen) return chosen.error();
  auto file = blob_file(files, *chosen);
  if (!file) return file.error();
  ArchiveImage image;
  auto text = read_document(**file, "an image manifest");
  if (!text) return text.error();
  auto manifest = parse_image_manifest(*text, chosen->media_type);
  if (!manifest) return plain_error("manifest " + chosen->digest.short_id() + ": " + manifest.error().message);
  image.manifest_text = std::move(*text);
  image.manifest = std::move(*manifest);
  for (const Descriptor& layer : image.manifest.layers) {
    auto layer_file = blob_file(files, layer);
    if (!layer_file) return layer_file.error();
    image.layers.push_back(*layer_file);
  }
  auto config_file = blob_file(files, image.manifest.config);
  if (!config_file) return config_file.error();
  ISOBENCH_TRY(read_config(**config_file, image));
  if (auto name = layout_entry_name(entry)) image.names.push_back(*name);
  return image;
}

Result<std::vector<ArchiveImage>> oci_images(const ArchiveFiles& files, const ArchiveFile& index_file) {
  auto text = read_document(index_file, "index.json");
  if (!text) return text.error();
  auto index = parse_image_index(*text, media_types::kOciIndex);
  if (!index) return plain_error("index.json: " + index.error().message);
  std::vector<ArchiveImage> images;
  for (const Descriptor& entry : index->manifests) {
    auto image = oci_image(files, entry);
    if (!image) return image.error();
    auto same = std::find_if(images.begin(), images.end(), [&](const ArchiveImage& other) { return other.config_text == image->config_text; });
    if (same == images.end()) images.push_back(std::move(*image));
    else same->names.insert(same->names.end(), image->names.begin(), image->names.end());
  }
  if (images.empty()) return plain_error("index.json lists no image");
  return images;
}

/// What `docker save` layer tars are, from their first bytes: Docker wrote them uncompressed.
Result<std::string> layer_media_type(const ArchiveFile& file) {
  UniqueFd fd(::open(file.path.c_str(), O_RDONLY | O_CLOEXEC));
  unsigned char magic[4] = {};
  if (!fd || ::read(fd.get(), magic, sizeof magic) < 0) return errno_error("cannot read " + file.path);
  if (magic[0] == 0x1f && magic[1] == 0x8b) return std::string(media_types::kOciLayerGzip);
  if (magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) return std::string(media_types::kOciLayerZstd);
  return std::string(media_types::kOciLayer);
}

/// A `docker save` entry as an OCI image: the manifest is made here from the files.
Result<ArchiveImage> docker_image(const ArchiveFiles& files, const DockerArchiveEntry& entry) {
  ArchiveImage image;
  image.names = entry.repo_tags;
  image.manifest.media_type = std::string(media_types::kOciManifest);
  for (const std::string& path : entry.layers) {
    auto file = files.require(path);
    if (!file) return file.error();
    auto media_type = layer_media_type(**file);
    if (!media_type) return media_type.error();
    image.layers.push_back(*file);
    image.manifest.layers.push_back(Descriptor{*media_type, (*file)->digest, static_cast<int64_t>((*file)->size), std::nullopt, {}});
  }
  auto config_file = files.require(entry.config);
  if (!config_file) return config_file.error();
  ISOBENCH_TRY(read_config(**config_file, image));
  image.manifest.config = Descriptor{std::string(media_types::kOciConfig), (*config_file)->digest,
                                     static_cast<int64_t>((*config_file)->size), std::nullopt, {}};
  image.manifest_text = serialize_image_manifest(image.manifest);
  return image;
}

Result<std::vector<ArchiveImage>> docker_images(const ArchiveFiles& files, const ArchiveFile& manifest_file) {
  auto text = read_document(manifest_file, "manifest.json");
  if (!text) return text.error();
  auto entries = parse_docker_archive_manifest(*text);
  if (!entries) return entries.error();
  std::vector<ArchiveImage> images;
  for (const DockerArchiveEntry& entry : *entries) {
    auto image = docker_image(files, entry);
    if (!image) return image.error();
    images.push_back(std::move(*image));
  }
  return images;
}

/// Unpacks the layers the store lacks (checking each diff id), then stores blobs, layers,
/// config and manifest, and indexes the image last.
Result<LoadedImage> store_image(const ArchiveImage& image, StoreWriter& store, const WorkArea& work, const LoadOptions& options) {
  const Store& stored = store.store();
  std::vector<Digest> chain_ids;
  std::vector<std::pair<std::string, UnpackedLayer>> unpacked(image.layers.size());
  Digest chain;
  for (size_t i = 0; i < image.layers.size(); ++i) {
    chain_ids.push_back(chain = next_chain_id(chain, image.config.diff_ids[i]));
    if (stored.has_layer(chain)) continue;
    const Digest& blob = image.manifest.layers[i].digest;
    // A blob shared with an image stored before has moved into the store.
    const std::string source = stored.has_blob(blob) ? stored.blob_path(blob) : image.layers[i]->path;
    UniqueFd fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return errno_error("cannot read layer " + blob.short_id());
    std::string tree = work.path() + "/layer-" + chain.hex;
    if (::mkdir(tree.c_str(), 0755) != 0) return errno_error("cannot create " + tree);
    auto layer = unpack_layer_from_fd(fd.get(), tree, UnpackOptions{.privileged = options.privileged, .user_xattrs = !options.privileged});
    if (!layer) return plain_error("layer " + blob.short_id() + ": " + layer.error().text());
    if (layer->diff_id != image.config.diff_ids[i]) {
      return plain_error("layer " + blob.short_id() + " unpacks to " + layer->diff_id.str() + ", not the config's diff id " +
                         image.config.diff_ids[i].str());
    }
    unpacked[i] = {std::move(tree), *layer};
  }
  for (size_t i = 0; i < image.layers.size(); ++i) {
    ISOBENCH_TRY(store.commit_blob(image.layers[i]->path, image.manifest.layers[i].digest));
    if (!unpacked[i].first.empty()) ISOBENCH_TRY(store.commit_layer(unpacked[i].first, chain_ids[i], unpacked[i].second.size_bytes));
  }
  LoadedImage loaded{{}, image.names};
  ImageRecord& record = loaded.record;
  record.id = sha256_of(image.config_text);
  record.manifest_digest = sha256_of(image.manifest_text);
  record.manifest_media_type = image.manifest.media_type;
  for (const Descriptor& layer : image.manifest.layers) record.layer_blobs.push_back(layer.digest);
  record.layer_chain_ids = chain_ids;
  for (const Digest& chain_id : chain_ids) record.size += stored.layer_size(chain_id);
  record.created = image.config.created;
  record.platform = Platform{image.config.os, image.config.architecture, image.config.variant}.str();
  ISOBENCH_TRY(store.write_blob(image.config_text, record.id));
  ISOBENCH_TRY(store.write_blob(image.manifest_text, record.manifest_digest));
  ISOBENCH_TRY(store.update_index([&](StoreIndex& index) -> Status {
    if (auto existing = index.images.find(record.id.hex); existing != index.images.end()) record.repo_digests = existing->second.repo_digests;
    index.images[record.id.hex] = record;
    for (const std::string& name : image.names) index.tags[name] = record.id.hex;
    return {};
  }));
  return loaded;
}

}  // namespace

Result<std::vector<LoadedImage>> load_images(int input_fd, StoreWriter& store, const LoadOptions& options) {
  auto work = store.make_work_area("load");
  if (!work) return work.error();
  const std::string directory = work->path() + "/files";
  if (::mkdir(directory.c_str(), 0700) != 0) return errno_error("cannot create " + directory);
  auto files = ArchiveFiles::extract(input_fd, directory, options.max_entries);
  if (!files) return files.error();
  Result<std::vector<ArchiveImage>> images = plain_error("the archive is neither an OCI image layout (index.json) nor a docker save archive (manifest.json)");
  if (const ArchiveFile* index = files->find("index.json")) images = oci_images(*files, *index);
  else if (const ArchiveFile* manifest = files->find("manifest.json")) images = docker_images(*files, *manifest);
  if (!images) return images.error();
  std::vector<LoadedImage> loaded;
  for (const ArchiveImage& image : *images) {
    auto stored = store_image(image, store, *work, options);
    if (!stored) return stored.error();
    loaded.push_back(std::move(*stored));
  }
  return loaded;
}

}  // namespace isobench::runner::image
