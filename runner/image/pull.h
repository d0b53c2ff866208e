// `pull`: a reference in, an image in the store out. Resolves the manifest (choosing the
// platform from an index), fetches the config and the layers that are not stored yet (in
// parallel, each verified while it streams), unpacks each into its own layer directory,
// checks every diff id against the config, and only then adds the image to the index.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "runner/image/http_client.h"
#include "runner/image/manifest.h"
#include "runner/image/reference.h"
#include "runner/image/store_writer.h"

namespace isobench::runner::image {

/// What a progress display hears about each layer, Docker's words in brackets.
class PullObserver {
 public:
  enum class LayerState { kWaiting, kAlreadyExists, kDownloading, kVerifying, kExtracting, kComplete };
  virtual ~PullObserver() = default;
  /// The layers of the image, bottom first, once the manifest is known.
  virtual void layers(const std::vector<Descriptor>& layers) { (void)layers; }
  /// Called from download threads: implementations lock.
  virtual void layer(size_t index, LayerState state, uint64_t done, uint64_t total) {
    (void)index, (void)state, (void)done, (void)total;
  }
};

struct PullOptions {
  Platform platform = Platform::host();
  std::vector<std::string> insecure_registries;  ///< hosts spoken to over plain HTTP (besides loopback)
  std::string ca_file;                           ///< the registry's own CA, if any: HTTPS even on loopback
  int parallel_layers = 3;                       ///< Docker's default max-concurrent-downloads
  bool privileged = true;                        ///< see UnpackOptions
};

struct PullResult {
  ImageRecord image;
  bool downloaded = false;  ///< false: every part was present already ("Image is up to date")
};

Result<PullResult> pull_image(const Reference& reference, const PullOptions& options, StoreWriter& store, HttpClient& http,
                              PullObserver& observer);

/// Whether `reference`'s registry is spoken to over plain HTTP: named insecure, or loopback
/// without a CA of its own (`has_own_ca`: the user installed one, so it serves TLS).
bool plain_http_registry(const Reference& reference, const std::vector<std::string>& insecure_registries,
                         bool has_own_ca = false);

}  // namespace isobench::runner::image
