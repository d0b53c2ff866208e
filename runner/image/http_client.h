// HTTP for the registry client: one small interface (so the registry protocol is unit-tested
// against a scripted fake) and its libcurl implementation (TLS with the system's CA store,
// timeouts, redirects that never carry our Authorization header to another host).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace isobench::runner::image {

struct HttpRequest {
  std::string method = "GET";  ///< GET, HEAD, PUT, POST, PATCH
  std::string url;
  std::vector<std::string> headers;  ///< "Name: value"
  /// "Range: bytes=N-" when non-zero (resuming a blob). Only a 206 answer's body then goes to
  /// the sink: a 200 is the whole entity, which the caller must take from the start.
  uint64_t range_start = 0;
  std::string body;                  ///< sent with PUT, POST and PATCH
  std::string upload_path;           ///< a file sent as the body instead (a blob being pushed)
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  ///< names in lowercase; a repeated header keeps the last
  std::string body;                            ///< the body unless a sink took it (bounded)
};

/// Receives a successful (2xx) response's body as it arrives; an error aborts the transfer.
using BodySink = std::function<Status(std::string_view bytes)>;

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  /// Performs `request`. With a sink, a 2xx body goes to it; otherwise (and for every other
  /// status) into HttpResponse::body, of which at most `kMaxBufferedBody` bytes are kept.
  /// Fails only when no response arrived (refused, unreachable, timed out, TLS) or the sink
  /// failed; an HTTP error status is a response, for the caller to judge.
  virtual Result<HttpResponse> send(const HttpRequest& request, const BodySink* sink = nullptr) = 0;

  static constexpr size_t kMaxBufferedBody = 8 << 20;
};

struct HttpOptions {
  std::string ca_file;         ///< extra CA bundle (a registry's own CA); empty: the system store only
  long connect_timeout_s = 15;
  /// A transfer slower than 1 byte/s for this long is abandoned: a registry that hangs is an
  /// error, not a stuck command.
  long stall_timeout_s = 30;
};

Result<std::unique_ptr<HttpClient>> make_curl_http_client(const HttpOptions& options = {});

}  // namespace isobench::runner::image
