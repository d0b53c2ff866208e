#include "runner/image/pull.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "common/bounded_input.h"
#include "runner/image/image_config.h"
#include "runner/image/layer_unpack.h"
#include "runner/image/registry_client.h"

namespace isobench::runner::image {

namespace {

using LayerState = PullObserver::LayerState;

struct ResolvedImage {
  FetchedManifest manifest;
  ImageManifest parsed;
  std::string config_text;
  ImageConfig config;
  std::vector<Digest> chain_ids;
};

Result<FetchedManifest> resolve_manifest(RegistryClient& client, const Reference& reference, const Platform& platform) {
  auto top = client.fetch_manifest(reference.path, reference.manifest_key(), reference.digest);
  if (!top) return top.error();
  if (is_manifest_media_type(top->media_type)) return top;
  if (!is_index_media_type(top->media_type)) {
    return plain_error(reference.str() + ": unsupported manifest media type '" + top->media_type.substr(0, 100) + "'");
  }
  auto index = parse_image_index(top->body, top->media_type);
  if (!index) return plain_error(reference.str() + ": " + index.error().message);
  auto chosen = select_platform(*index, platform);
  if (!chosen) return plain_error(reference.str() + ": " + chosen.error().message);
  auto platform_manifest = client.fetch_manifest(reference.path, chosen->digest.str(), chosen->digest);
  // What the tag names is the index: Docker's RepoDigests record its digest.
  if (platform_manifest) platform_manifest->named_digest = top->digest;
  return platform_manifest;
}

Result<std::string> fetch_config(RegistryClient& client, const Reference& reference, const Descriptor& config,
                                 StoreWriter& store, const WorkArea& work) {
  if (store.store().has_blob(config.digest)) return store.store().read_blob(config.digest);
  if (config.size > (4 << 20)) return plain_error(reference.str() + ": the image config is larger than 4 MiB");
  const std::string path = work.path() + "/config";
  ISOBENCH_TRY(client.fetch_blob(reference.path, config, path));
  return read_bounded_file(path, 4 << 20, "an image config");
}

Result<ResolvedImage> resolve_image(RegistryClient& client, const Reference& reference, const PullOptions& options,
                                    StoreWriter& store, const WorkArea& work) {
  ResolvedImage image;
  auto manifest = resolve_manifest(client, reference, options.platform);
  if (!manifest) return manifest.error();
  image.manifest = std::move(*manifest);
  auto parsed = parse_image_manifest(image.manifest.body, image.manifest.media_type);
  if (!parsed) return plain_error(reference.str() + ": " + parsed.error().message);
  image.parsed = std::move(*parsed);
  auto config_text = fetch_config(client, reference, image.parsed.config, store, work);
  if (!config_text) return config_text.error();
  image.config_text = std::move(*config_text);
  auto config = parse_image_config(image.config_text);
  if (!config) return plain_error(reference.str() + ": " + config.error().message);
  image.config = std::move(*config);
  if (image.config.diff_ids.size() != image.parsed.layers.size()) {
    return plain_error(reference.str() + ": the config lists " + std::to_string(image.config.diff_ids.size()) +
                       " layers and the manifest " + std::to_string(image.parsed.layers.size()));
  }
  Digest chain;
  for (const Digest& diff_id : image.config.diff_ids) image.chain_ids.push_back(chain = next_chain_id(chain, diff_id));
  return image;
}

/// Downloads (unless stored), unpacks and stores layer `index`.
Status fetch_layer(RegistryClient& client, const Reference& reference, const ResolvedImage& image, size_t index,
                   StoreWriter& store, const WorkArea& work, const PullOptions& options, PullObserver& observer) {
  const Descriptor& blob = image.parsed.layers[index];
  const Store& stored = store.store();
  if (!stored.has_blob(blob.digest)) {
    const std::string download = work.path() + "/blob-" + std::to_string(index);
    ISOBENCH_TRY(client.fetch_blob(reference.path, blob, download, [&](uint64_t done, uint64_t total) {
      observer.layer(index, LayerState::kDownloading, done, total);
    }));
    observer.layer(index, LayerState::kVerifying, 0, 0);
    ISOBENCH_TRY(store.commit_blob(download, blob.digest));
  }
  observer.layer(index, LayerState::kExtracting, 0, 0);
  const std::string tree = work.path() + "/layer-" + std::to_string(index);
  if (::mkdir(tree.c_str(), 0755) != 0) return errno_error("cannot create " + tree);
  auto unpacked = unpack_layer(stored.blob_path(blob.digest), tree, UnpackOptions{.privileged = options.privileged, .user_xattrs = !options.privileged});
  if (!unpacked) return plain_error(reference.str() + ": layer " + blob.digest.short_id() + ": " + unpacked.error().text());
  if (unpacked->diff_id != image.config.diff_ids[index]) {
    return plain_error(reference.str() + ": layer " + blob.digest.short_id() + " unpacks to " + unpacked->diff_id.str() +
                       ", not the config's diff id " + image.config.diff_ids[index].str());
  }
  ISOBENCH_TRY(store.commit_layer(tree, image.chain_ids[index], unpacked->size_bytes));
  observer.layer(index, LayerState::kComplete, 0, 0);
  return {};
}

/// The layers not stored yet, fetched by `options.parallel_layers` threads; the first
/// error stops the others from starting new layers.
Status fetch_missing_layers(RegistryClient& client, const Reference& reference, const ResolvedImage& image,
                            const std::vector<size_t>& missing, StoreWriter& store, const WorkArea& work,
                            const PullOptions& options, PullObserver& observer) {
  std::atomic<size_t> next{0};
  std::mutex error_mutex;
  std::optional<Error> first_error;
  auto worker = [&] {
    for (size_t job = next++; job < missing.size(); job = next++) {
      {
        std::lock_guard lock(error_mutex);
        if (first_error) return;
      }
      Status done = fetch_layer(client, reference, image, missing[job], store, work, options, observer);
      std::lock_guard lock(error_mutex);
      if (!done && !first_error) first_error = done.error();
    }
  };
  const size_t threads = std::clamp<size_t>(static_cast<size_t>(std::max(options.parallel_layers, 1)), 1, std::max<size_t>(missing.size(), 1));
  std::vector<std::thread> pool;
  for (size_t i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (std::thread& thread : pool) thread.join();
  if (first_error) return *first_error;
  return {};
}

ImageRecord record_of(const Reference& reference, const ResolvedImage& image, const Store& store) {
  ImageRecord record;
  record.id = sha256_of(image.config_text);
  record.manifest_digest = image.manifest.digest;
  record.manifest_media_type = image.manifest.media_type;
  for (const Descriptor& layer : image.parsed.layers) record.layer_blobs.push_back(layer.digest);
  record.layer_chain_ids = image.chain_ids;
  for (const Digest& chain_id : image.chain_ids) record.size += store.layer_size(chain_id);
  record.created = image.config.created;
  record.platform = Platform{image.config.os, image.config.architecture, image.config.variant}.str();
  const Digest& named = image.manifest.named_digest.empty() ? image.manifest.digest : image.manifest.named_digest;
  record.repo_digests = {reference.repository() + "@" + named.str()};
  return record;
}

Status add_to_index(const Reference& reference, const ImageRecord& record, StoreWriter& store, bool* changed) {
  return store.update_index([&](StoreIndex& index) -> Status {
    ImageRecord merged = record;
    if (auto existing = index.images.find(record.id.hex); existing != index.images.end()) {
      merged.repo_digests = existing->second.repo_digests;
      if (std::find(merged.repo_digests.begin(), merged.repo_digests.end(), record.repo_digests[0]) == merged.repo_digests.end()) {
        merged.repo_digests.push_back(record.repo_digests[0]);
      }
    }
    *changed = index.images[record.id.hex] != merged;
    index.images[record.id.hex] = merged;
    if (!reference.tag.empty()) {
      const std::string name = reference.repository() + ":" + reference.tag;
      *changed = *changed || index.tags[name] != record.id.hex;
      index.tags[name] = record.id.hex;
    }
    return {};
  });
}

}  // namespace

bool plain_http_registry(const Reference& reference, const std::vector<std::string>& insecure_registries, bool has_own_ca) {
  if (std::find(insecure_registries.begin(), insecure_registries.end(), reference.domain) != insecure_registries.end()) return true;
  // A loopback registry is plain HTTP, as Docker assumes, unless the user installed a CA for
  // it: that says it serves TLS (and without HTTPS a TLS registry on 127.0.0.1 is unreachable).
  return reference.loopback_registry() && !has_own_ca;
}

Result<PullResult> pull_image(const Reference& reference, const PullOptions& options, StoreWriter& store, HttpClient& http,
                              PullObserver& observer) {
  RegistryClientOptions client_options;
  client_options.plain_http = plain_http_registry(reference, options.insecure_registries, !options.ca_file.empty());
  client_options.credentials = stored_credentials(reference.domain == kDockerHubDomain ? reference.registry_host() : reference.domain);
  RegistryClient client(http, reference.registry_host(), client_options);
  auto work = store.make_work_area("pull");
  if (!work) return work.error();
  auto image = resolve_image(client, reference, options, store, *work);
  if (!image) return image.error();
  observer.layers(image->parsed.layers);
  std::vector<size_t> missing;
  for (size_t i = 0; i < image->chain_ids.size(); ++i) {
    if (store.store().has_layer(image->chain_ids[i])) {
      observer.layer(i, LayerState::kAlreadyExists, 0, 0);
    } else {
      missing.push_back(i);
      observer.layer(i, LayerState::kWaiting, 0, 0);
    }
  }
  ISOBENCH_TRY(fetch_missing_layers(client, reference, *image, missing, store, *work, options, observer));
  ISOBENCH_TRY(store.write_blob(image->config_text, sha256_of(image->config_text)));
  ISOBENCH_TRY(store.write_blob(image->manifest.body, image->manifest.digest));
  PullResult result{record_of(reference, *image, store.store()), !missing.empty()};
  bool changed = false;
  ISOBENCH_TRY(add_to_index(reference, result.image, store, &changed));
  result.downloaded = result.downloaded || changed;
  return result;
}

}  // namespace isobench::runner::image
