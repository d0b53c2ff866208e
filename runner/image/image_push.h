// `push`: an image of the store to the registry its name points at, as `docker push` does it:
// each layer blob asked for first (HEAD) and uploaded only when missing, then the config,
// then the manifest exactly as stored (so its digest is the one pulls already know), under
// the name's tag. What it does is reported line by line, in Docker's words.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "runner/image/http_client.h"
#include "runner/image/reference.h"
#include "runner/image/store_writer.h"

namespace isobench::runner::image {

struct PushOptions {
  std::vector<std::string> insecure_registries;  ///< hosts spoken to over plain HTTP (besides loopback)
};

struct PushResult {
  Digest manifest_digest;
  uint64_t manifest_size = 0;
};

/// One line of progress: "LAYERID: Layer already exists", "LAYERID: Pushed".
using PushReport = std::function<void(const std::string& line)>;

/// Pushes the image `reference` names in the store (its tag, "latest" unless given) to
/// reference.domain. The store records the pushed name's repo digest afterwards.
Result<PushResult> push_image(const Reference& reference, const PushOptions& options, StoreWriter& store, HttpClient& http,
                              const PushReport& report);

/// The key credentials are stored under for `reference`'s registry (Docker Hub's API host
/// for docker.io), as pull and push look them up.
std::string credentials_key(const Reference& reference);

}  // namespace isobench::runner::image
