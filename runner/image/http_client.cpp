#include "runner/image/http_client.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "common/unique_fd.h"
#include "common/version.h"

namespace isobench::runner::image {

namespace {

struct CurlHandle {
  CURL* curl = curl_easy_init();
  ~CurlHandle() { curl_easy_cleanup(curl); }
};

struct CurlHeaders {
  curl_slist* list = nullptr;
  ~CurlHeaders() { curl_slist_free_all(list); }
  void add(const std::string& header) { list = curl_slist_append(list, header.c_str()); }
};

/// What one transfer accumulates while curl calls back.
struct Transfer {
  CURL* curl = nullptr;
  const BodySink* sink = nullptr;
  HttpResponse response;
  Status sink_status;
  int upload_fd = -1;
  bool partial_only = false;  ///< a range request: only a 206 body is the sink's
};

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::string_view line(data, size * count);
  // A new status line (after a redirect or a 100 Continue) starts a new set of headers.
  if (line.starts_with("HTTP/")) transfer->response.headers.clear();
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string value(line.substr(colon + 1));
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
    value.erase(0, value.find_first_not_of(" \t"));
    transfer->response.headers[lowercase(std::string(line.substr(0, colon)))] = value;
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  long status = 0;
  curl_easy_getinfo(transfer->curl, CURLINFO_RESPONSE_CODE, &status);
  const bool wanted = transfer->partial_only ? status == 206 : status >= 200 && status < 300;
  if (transfer->sink && wanted) {
    transfer->sink_status = (*transfer->sink)(std::string_view(data, bytes));
    return transfer->sink_status ? bytes : 0;  // 0 aborts the transfer
  }
  std::string& body = transfer->response.body;
  body.append(data, std::min(bytes, HttpClient::kMaxBufferedBody - std::min(body.size(), HttpClient::kMaxBufferedBody)));
  return bytes;
}

size_t on_upload(char* buffer, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const ssize_t got = ::read(transfer->upload_fd, buffer, size * count);
  return got < 0 ? CURL_READFUNC_ABORT : static_cast<size_t>(got);
}

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(HttpOptions options) : options_(std::move(options)) {}

  Result<HttpResponse> send(const HttpRequest& request, const BodySink* sink) override {
    CurlHandle handle;
    if (!handle.curl) return plain_error("cannot start an HTTP transfer (curl_easy_init)");
    Transfer transfer{handle.curl, sink, {}, {}, -1, request.range_start > 0};
    CurlHeaders headers;
    for (const std::string& header : request.headers) headers.add(header);
    UniqueFd upload;
    ISOBENCH_TRY(configure(handle.curl, request, transfer, headers, upload));
    char error_text[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(handle.curl, CURLOPT_ERRORBUFFER, error_text);
    const CURLcode code = curl_easy_perform(handle.curl);
    if (!transfer.sink_status) return transfer.sink_status.error();
    if (code != CURLE_OK) {
      return plain_error(request.method + " " + request.url + ": " + (*error_text ? error_text : curl_easy_strerror(code)));
    }
    curl_easy_getinfo(handle.curl, CURLINFO_RESPONSE_CODE, &transfer.response.status);
    return std::move(transfer.response);
  }

 private:
  Status configure(CURL* curl, const HttpRequest& request, Transfer& transfer, CurlHeaders& headers, UniqueFd& upload) {
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_USERAGENT, (std::string("isobench/") + kVersion).c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_s);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, options_.stall_timeout_s);
    if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    if (request.range_start > 0) curl_easy_setopt(curl, CURLOPT_RANGE, (std::to_string(request.range_start) + "-").c_str());
    if (request.method == "HEAD") {
      curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (request.method != "GET") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      ISOBENCH_TRY(configure_body(curl, request, transfer, headers, upload));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
    return {};
  }

  static Status configure_body(CURL* curl, const HttpRequest& request, Transfer& transfer, CurlHeaders& headers,
                               UniqueFd& upload) {
    if (request.upload_path.empty()) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      return {};
    }
    upload.reset(::open(request.upload_path.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat status{};
    if (!upload || ::fstat(upload.get(), &status) != 0) return errno_error("cannot read " + request.upload_path);
    transfer.upload_fd = upload.get();
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_upload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(status.st_size));
    headers.add("Expect:");  // no 100-continue round trip per blob
    return {};
  }

  HttpOptions options_;
};

}  // namespace

Result<std::unique_ptr<HttpClient>> make_curl_http_client(const HttpOptions& options) {
  static std::once_flag initialised;
  static CURLcode global = CURLE_OK;
  std::call_once(initialised, [] { global = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (global != CURLE_OK) return plain_error(std::string("cannot initialise libcurl: ") + curl_easy_strerror(global));
  return std::unique_ptr<HttpClient>(std::make_unique<CurlHttpClient>(options));
}

}  // namespace isobench::runner::image
