#include "cli/image_context.h"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>

#include "common/text.h"
#include "runner/image/store.h"

namespace isobench::cli {

namespace image = runner::image;

Result<image::StoreWriter> open_image_store() { return image::StoreWriter::open(image::default_store_root()); }

std::vector<std::string> insecure_registries() {
  const char* listed = std::getenv("ISOBENCH_INSECURE_REGISTRIES");
  return listed ? split_trimmed_list(listed, ',') : std::vector<std::string>{};
}

std::string registry_ca_file(const std::string& registry_host) {
  const char* chosen = std::getenv("ISOBENCH_CERTS_DIR");
  const std::string certs = chosen && *chosen ? chosen : "/etc/isobench/certs.d";
  const std::string ca = certs + "/" + registry_host + "/ca.crt";
  return ::access(ca.c_str(), R_OK) == 0 ? ca : std::string();
}

Result<std::unique_ptr<image::HttpClient>> registry_http_client(const std::string& registry_host) {
  image::HttpOptions options;
  options.ca_file = registry_ca_file(registry_host);
  if (const char* timeout = std::getenv("ISOBENCH_REGISTRY_TIMEOUT"); timeout && *timeout) {
    long seconds = 0;
    const char* end = timeout + std::strlen(timeout);
    auto [stop, failure] = std::from_chars(timeout, end, seconds);
    if (failure != std::errc{} || stop != end || seconds < 1) {
      return usage_error("ISOBENCH_REGISTRY_TIMEOUT must be a whole number of seconds, at least 1, not '" + std::string(timeout).substr(0, 40) + "'");
    }
    options.connect_timeout_s = options.stall_timeout_s = seconds;
  }
  return image::make_curl_http_client(options);
}

}  // namespace isobench::cli
