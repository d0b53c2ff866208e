#include "runner/image/registry_client.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <thread>

#include "common/file_io.h"
#include "common/unique_fd.h"
#include "runner/image/json_fields.h"

namespace isobench::runner::image {

namespace {

constexpr size_t kMaxManifestBytes = 4 << 20;

bool transient_status(long status) { return status == 429 || status >= 500; }

std::string url_escape(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':' || c == '/') {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

/// The file a blob is being downloaded into, with the hash of what it already holds.
struct PartialBlob {
  UniqueFd fd;
  Sha256 hasher;
  uint64_t bytes = 0;
};

Result<PartialBlob> open_partial(const std::string& path, uint64_t expected_size) {
  PartialBlob partial;
  partial.fd.reset(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!partial.fd) return errno_error("cannot create " + path);
  std::vector<char> buffer(1 << 16);
  for (;;) {
    const ssize_t got = ::read(partial.fd.get(), buffer.data(), buffer.size());
    if (got < 0) return errno_error("cannot read " + path);
    if (got == 0) break;
    partial.hasher.update(buffer.data(), static_cast<size_t>(got));
    partial.bytes += static_cast<uint64_t>(got);
  }
  if (partial.bytes > expected_size) {
    // More than the blob can hold: nothing of it is worth keeping.
    if (::ftruncate(partial.fd.get(), 0) != 0 || ::lseek(partial.fd.get(), 0, SEEK_SET) != 0) return errno_error("cannot truncate " + path);
    partial.hasher = Sha256();
    partial.bytes = 0;
  }
  return partial;
}

}  // namespace

std::string repository_scope(const std::string& repository, bool push) {
  return "repository:" + repository + (push ? ":pull,push" : ":pull");
}

std::string registry_error_message(std::string_view body) {
  auto document = parse_json_object(body, "registry error");
  if (!document) return {};
  const auto errors = document->find("errors");
  if (errors == document->end() || !errors->is_array() || errors->empty() || !(*errors)[0].is_object()) return {};
  const nlohmann::json& first = (*errors)[0];
  std::string text;
  if (auto code = first.find("code"); code != first.end() && code->is_string()) text = code->get<std::string>();
  if (auto message = first.find("message"); message != first.end() && message->is_string()) {
    text += (text.empty() ? "" : ": ") + message->get<std::string>();
  }
  return text.substr(0, 300);
}

RegistryClient::RegistryClient(HttpClient& http, std::string host, RegistryClientOptions options)
    : http_(http), host_(std::move(host)), options_(std::move(options)) {}

bool RegistryClient::is_registry_url(const std::string& url) const {
  return url.starts_with((options_.plain_http ? "http://" : "https://") + host_ + "/");
}

std::string RegistryClient::url(const std::string& path) const {
  return (options_.plain_http ? "http://" : "https://") + host_ + "/v2/" + url_escape(path);
}

Error RegistryClient::status_error(const HttpResponse& response, const std::string& what) const {
  std::string text = what + ": registry " + host_ + " answered " + std::to_string(response.status);
  if (const std::string said = registry_error_message(response.body); !said.empty()) text += " (" + said + ")";
  // Go's TLS servers answer plain HTTP with a 400 saying so: the registry wants HTTPS.
  if (options_.plain_http && response.status == 400 && response.body.find("HTTPS server") != std::string::npos) {
    text += "; the registry speaks HTTPS: install its CA as certs.d/" + host_ + "/ca.crt ($ISOBENCH_CERTS_DIR, default /etc/isobench/certs.d)";
  }
  if (response.status == 401 || response.status == 403) {
    text += options_.credentials ? "; the credentials were refused" : "; log in first: isobench login " + host_;
  }
  return plain_error(text);
}

std::optional<std::string> RegistryClient::authorization_for(const std::string& scope) {
  std::lock_guard lock(mutex_);
  if (auto found = authorizations_.find(scope); found != authorizations_.end()) return found->second;
  if (auto basic = authorizations_.find(""); basic != authorizations_.end()) return basic->second;
  return std::nullopt;
}

Status RegistryClient::answer_challenge(const HttpResponse& refused, const std::string& scope, bool* retryable) {
  *retryable = false;
  const auto header = refused.headers.find("www-authenticate");
  if (header == refused.headers.end()) return status_error(refused, "access refused without a challenge");
  auto challenge = parse_auth_challenge(header->second);
  if (!challenge) return challenge.error();
  if (challenge->scheme == "basic") {
    if (!options_.credentials) return status_error(refused, "authentication required");
    std::lock_guard lock(mutex_);
    authorizations_[""] = basic_authorization(*options_.credentials);
    return {};
  }
  const std::string realm = challenge->params["realm"];
  if (!realm.starts_with("https://") && !realm.starts_with("http://")) return plain_error("registry " + host_ + " sent a token realm that is not an http(s) URL");
  HttpRequest token_request;
  token_request.url = realm + (realm.find('?') == std::string::npos ? "?" : "&") + "service=" + url_escape(challenge->params["service"]) +
                      "&scope=" + url_escape(challenge->params.contains("scope") ? challenge->params["scope"] : scope);
  if (options_.credentials) token_request.headers.push_back("Authorization: " + basic_authorization(*options_.credentials));
  auto answer = http_.send(token_request);
  if (!answer) {
    *retryable = answer.error().errno_value == 0;  // the token endpoint is unreachable for now
    return answer.error();
  }
  if (answer->status != 200) return status_error(*answer, "token request to " + realm.substr(0, 100));
  auto token = token_from_response(answer->body);
  if (!token) return token.error();
  std::lock_guard lock(mutex_);
  authorizations_[scope] = "Bearer " + *token;
  return {};
}

Result<HttpResponse> RegistryClient::send_once(HttpRequest request, const std::string& scope, const BodySink* sink,
                                               bool* retryable) {
  *retryable = true;
  const size_t plain_headers = request.headers.size();
  for (int round = 0; round < 2; ++round) {
    request.headers.resize(plain_headers);
    if (auto authorization = authorization_for(scope); authorization && is_registry_url(request.url))
      request.headers.push_back("Authorization: " + *authorization);
    auto response = http_.send(request, sink);
    if (!response || response->status != 401 || round == 1) return response;
    // Unauthorised: with no token yet, or with one that expired. Ask (again) and retry once.
    {
      std::lock_guard lock(mutex_);
      authorizations_.erase(scope);
    }
    ISOBENCH_TRY(answer_challenge(*response, scope, retryable));
  }
  return plain_error("unreachable");
}

Result<HttpResponse> RegistryClient::send(HttpRequest request, const std::string& scope, const BodySink* sink,
                                          bool* retryable_out) {
  int delay_ms = options_.first_retry_delay_ms;
  for (int attempt = 1;; ++attempt) {
    bool retryable = true;
    auto response = send_once(request, scope, sink, &retryable);
    if (retryable_out) *retryable_out = retryable;
    const bool transient =
        response ? transient_status(response->status) : retryable && response.error().errno_value == 0;
    if (!transient || attempt >= options_.attempts || sink) return response;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    delay_ms *= 2;
  }
}

Result<FetchedManifest> RegistryClient::fetch_manifest(const std::string& repository, const std::string& key,
                                                       const std::optional<Digest>& expected) {
  HttpRequest request;
  request.url = url(repository + "/manifests/" + key);
  request.headers.push_back("Accept: " + std::string(media_types::kAcceptManifests));
  auto response = send(request, repository_scope(repository, false));
  const std::string what = "manifest " + host_ + "/" + repository + (key.starts_with("sha256:") ? "@" : ":") + key;
  if (!response) return plain_error(what + ": " + response.error().text());
  if (response->status == 404) return status_error(*response, what + " not found");
  if (response->status != 200) return status_error(*response, what);
  if (response->body.size() > kMaxManifestBytes) return plain_error(what + " is larger than 4 MiB");
  FetchedManifest manifest{response->body, "", sha256_of(response->body)};
  auto media_type = manifest_media_type(manifest.body, response->headers["content-type"]);
  if (!media_type) return plain_error(what + ": " + media_type.error().message);
  manifest.media_type = *media_type;
  if (expected && manifest.digest != *expected) {
    return plain_error(what + ": digest mismatch: the registry sent " + manifest.digest.str());
  }
  return manifest;
}

Status RegistryClient::fetch_blob(const std::string& repository, const Descriptor& blob, const std::string& path,
                                  const BlobProgress& progress) {
  const std::string what = "blob " + blob.digest.short_id() + " of " + host_ + "/" + repository;
  const uint64_t size = static_cast<uint64_t>(blob.size);
  int delay_ms = options_.first_retry_delay_ms;
  for (int attempt = 1;; ++attempt) {
    auto partial = open_partial(path, size);
    if (!partial) return partial.error();
    Status written;
    BodySink sink = [&](std::string_view bytes) -> Status {
      if (partial->bytes + bytes.size() > size) return written = plain_error(what + ": the registry sent more than its " + std::to_string(size) + " bytes");
      if (written = write_fully(partial->fd.get(), bytes, path); !written) return written;
      partial->hasher.update(bytes);
      partial->bytes += bytes.size();
      if (progress) progress(partial->bytes, size);
      return {};
    };
    HttpRequest request;
    request.url = url(repository + "/blobs/" + blob.digest.str());
    request.range_start = partial->bytes;
    bool retryable = true;
    Result<HttpResponse> response = partial->bytes == size ? Result<HttpResponse>(HttpResponse{200, {}, {}})
                                                           : send(request, repository_scope(repository, false), &sink, &retryable);
    if (!written) {
      ::unlink(path.c_str());
      return written.error();
    }
    if (response && response->status >= 200 && response->status < 300) {
      if (partial->bytes == size && partial->hasher.finish() == blob.digest) return {};
      ::unlink(path.c_str());
      if (partial->bytes != size) return plain_error(what + ": truncated: " + std::to_string(partial->bytes) + " of " + std::to_string(size) + " bytes");
      return plain_error(what + ": digest mismatch: the bytes received are not " + blob.digest.str());
    }
    if (response && response->status == 200 && request.range_start > 0) {
      // The registry ignored the range and sent the whole blob, which the transport kept
      // from the sink: start again from the first byte.
      if (::ftruncate(partial->fd.get(), 0) != 0) return errno_error("cannot truncate " + path);
      continue;
    }
    const bool transient = response ? transient_status(response->status) : retryable;
    if (!transient || attempt >= options_.attempts) {
      if (!response) return plain_error(what + ": " + response.error().text());
      ::unlink(path.c_str());
      return status_error(*response, what);
    }
    // A dropped connection keeps what arrived: the next attempt resumes from there.
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    delay_ms *= 2;
  }
}

Result<bool> RegistryClient::has_blob(const std::string& repository, const Digest& digest) {
  HttpRequest request;
  request.method = "HEAD";
  request.url = url(repository + "/blobs/" + digest.str());
  auto response = send(request, repository_scope(repository, true));
  if (!response) return response.error();
  if (response->status == 200) return true;
  if (response->status == 404) return false;
  return status_error(*response, "blob " + digest.short_id());
}

Status RegistryClient::push_blob(const std::string& repository, const Digest& digest, const std::string& path) {
  const std::string what = "upload of blob " + digest.short_id() + " to " + host_ + "/" + repository;
  HttpRequest start;
  start.method = "POST";
  start.url = url(repository + "/blobs/uploads/");
  auto started = send(start, repository_scope(repository, true));
  if (!started) return plain_error(what + ": " + started.error().text());
  if (started->status != 202) return status_error(*started, what);
  std::string location = started->headers["location"];
  if (location.empty()) return plain_error(what + ": the registry gave no upload location");
  if (location.starts_with("/")) location = (options_.plain_http ? "http://" : "https://") + host_ + location;
  HttpRequest put;
  put.method = "PUT";
  put.url = location + (location.find('?') == std::string::npos ? "?" : "&") + "digest=" + url_escape(digest.str());
  put.upload_path = path;
  put.headers.push_back("Content-Type: application/octet-stream");
  auto finished = send(put, repository_scope(repository, true));
  if (!finished) return plain_error(what + ": " + finished.error().text());
  if (finished->status != 201) return status_error(*finished, what);
  return {};
}

Status RegistryClient::push_manifest(const std::string& repository, const std::string& key, const std::string& body,
                                     const std::string& media_type) {
  HttpRequest put;
  put.method = "PUT";
  put.url = url(repository + "/manifests/" + key);
  put.body = body;
  put.headers.push_back("Content-Type: " + media_type);
  auto response = send(put, repository_scope(repository, true));
  const std::string what = "manifest upload to " + host_ + "/" + repository + ":" + key;
  if (!response) return plain_error(what + ": " + response.error().text());
  if (response->status != 201) return status_error(*response, what);
  return {};
}

}  // namespace isobench::runner::image
