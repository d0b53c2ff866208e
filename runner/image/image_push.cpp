#include "runner/image/image_push.h"

#include <algorithm>

#include "runner/image/manifest.h"
#include "runner/image/pull.h"
#include "runner/image/registry_client.h"

namespace isobench::runner::image {

namespace {

/// HEAD first; the upload only when the registry lacks the blob.
Result<bool> push_blob_if_missing(RegistryClient& client, const Reference& reference, const Store& store, const Digest& digest) {
  auto present = client.has_blob(reference.path, digest);
  if (!present) return present.error();
  if (*present) return false;
  if (!store.has_blob(digest)) return plain_error("blob " + digest.short_id() + " of " + reference.str() + " is missing from the store");
  ISOBENCH_TRY(client.push_blob(reference.path, digest, store.blob_path(digest)));
  return true;
}

Status record_repo_digest(StoreWriter& store, const ImageRecord& image, const Reference& reference, const Digest& manifest) {
  const std::string repo_digest = reference.repository() + "@" + manifest.str();
  return store.update_index([&](StoreIndex& index) -> Status {
    auto found = index.images.find(image.id.hex);
    if (found == index.images.end()) return {};  // removed meanwhile: nothing to record
    std::vector<std::string>& digests = found->second.repo_digests;
    if (std::find(digests.begin(), digests.end(), repo_digest) == digests.end()) digests.push_back(repo_digest);
    return {};
  });
}

}  // namespace

std::string credentials_key(const Reference& reference) {
  return reference.domain == kDockerHubDomain ? reference.registry_host() : reference.domain;
}

Result<PushResult> push_image(const Reference& reference, const PushOptions& options, StoreWriter& store, HttpClient& http,
                              const PushReport& report) {
  if (reference.digest) return usage_error("cannot push by digest: '" + reference.str() + "' (push a tag)");
  auto index = store.store().read_index();
  if (!index) return index.error();
  auto image = find_image(*index, reference.str());
  if (!image) return plain_error("an image does not exist locally with the tag: " + reference.familiar());
  auto manifest_text = store.store().read_blob(image->manifest_digest);
  if (!manifest_text) return manifest_text.error();
  auto manifest = parse_image_manifest(*manifest_text, image->manifest_media_type);
  if (!manifest) return plain_error(reference.str() + ": the stored manifest: " + manifest.error().message);
  RegistryClientOptions client_options;
  client_options.plain_http = plain_http_registry(reference, options.insecure_registries);
  client_options.credentials = stored_credentials(credentials_key(reference));
  RegistryClient client(http, reference.registry_host(), client_options);
  for (const Descriptor& layer : manifest->layers) {
    auto pushed = push_blob_if_missing(client, reference, store.store(), layer.digest);
    if (!pushed) return pushed.error();
    report(layer.digest.short_id() + (*pushed ? ": Pushed" : ": Layer already exists"));
  }
  auto config = push_blob_if_missing(client, reference, store.store(), manifest->config.digest);
  if (!config) return config.error();
  ISOBENCH_TRY(client.push_manifest(reference.path, reference.tag, *manifest_text, image->manifest_media_type));
  ISOBENCH_TRY(record_repo_digest(store, *image, reference, image->manifest_digest));
  return PushResult{image->manifest_digest, manifest_text->size()};
}

}  // namespace isobench::runner::image
