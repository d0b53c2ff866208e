// The OCI distribution API (v2) as a client needs it to pull and push: manifests by tag or
// digest, blobs with verification while they stream, resumption with range requests, retries
// of transient failures, and the 401 challenge answered with a token or basic credentials.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/result.h"
#include "runner/image/digest.h"
#include "runner/image/http_client.h"
#include "runner/image/manifest.h"
#include "runner/image/registry_auth.h"

namespace isobench::runner::image {

struct FetchedManifest {
  std::string body;
  std::string media_type;
  Digest digest;  ///< sha256 of the body, checked against any digest the request pinned
  Digest named_digest;  ///< the index's, when this manifest was chosen from one; else empty
};

struct RegistryClientOptions {
  bool plain_http = false;  ///< loopback registries and those named insecure
  std::optional<Credentials> credentials;
  int attempts = 4;                ///< tries per request for transient failures (5xx, 429, network)
  int first_retry_delay_ms = 250;  ///< doubled after each failed try
};

/// Bytes of a blob received so far (resumed bytes included) and its size.
using BlobProgress = std::function<void(uint64_t done, uint64_t total)>;

class RegistryClient {
 public:
  /// `host` is "registry-1.docker.io", "127.0.0.1:5000", ...; `http` outlives the client.
  RegistryClient(HttpClient& http, std::string host, RegistryClientOptions options);

  const std::string& host() const { return host_; }

  /// The manifest `key` (a tag or "sha256:...") of `repository` ("library/busybox").
  /// `expected`, when given, must be the body's digest.
  Result<FetchedManifest> fetch_manifest(const std::string& repository, const std::string& key,
                                         const std::optional<Digest>& expected = std::nullopt);

  /// Downloads `blob` into `path`. An existing partial file is resumed with a range request.
  /// The size and the sha256 are checked as the bytes arrive; a mismatch removes the file.
  Status fetch_blob(const std::string& repository, const Descriptor& blob, const std::string& path,
                    const BlobProgress& progress = {});

  /// Whether the registry has the blob (HEAD), for push.
  Result<bool> has_blob(const std::string& repository, const Digest& digest);
  /// Uploads the file `path`, whose digest is `digest`, as a blob (POST then PUT, monolithic).
  Status push_blob(const std::string& repository, const Digest& digest, const std::string& path);
  /// PUT the manifest `body` of `media_type` under `key` (a tag).
  Status push_manifest(const std::string& repository, const std::string& key, const std::string& body,
                       const std::string& media_type);

 private:
  /// `retryable`, when given, is false after a failure that trying again cannot mend (a
  /// refused or impossible authentication handshake).
  Result<HttpResponse> send(HttpRequest request, const std::string& scope, const BodySink* sink = nullptr,
                            bool* retryable = nullptr);
  /// Our Authorization header goes only to the registry itself, never to a storage host that
  /// a redirect or an upload Location names.
  bool is_registry_url(const std::string& url) const;
  /// `*retryable` says whether a failure may pass on a later try: a network failure may, a
  /// refused handshake (no credentials, refused credentials, a bad challenge) may not.
  Result<HttpResponse> send_once(HttpRequest request, const std::string& scope, const BodySink* sink, bool* retryable);
  Status answer_challenge(const HttpResponse& refused, const std::string& scope, bool* retryable);
  std::string url(const std::string& path) const;
  Error status_error(const HttpResponse& response, const std::string& what) const;
  std::optional<std::string> authorization_for(const std::string& scope);

  HttpClient& http_;
  std::string host_;
  RegistryClientOptions options_;
  std::mutex mutex_;  ///< guards authorizations_: layers download in parallel
  std::map<std::string, std::string> authorizations_;  ///< scope -> "Authorization: ..." value
};

/// "repository:NAME:pull" (and ",push"), the scope a token is asked for.
std::string repository_scope(const std::string& repository, bool push);

/// The registry's own words from an error body ({"errors":[{"code","message"}]}), or "".
std::string registry_error_message(std::string_view body);

}  // namespace isobench::runner::image
