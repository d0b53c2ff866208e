#include "cli/image_context.h"

#include <unistd.h>

#include <cstdlib>

#include "common/text.h"
#include "runner/image/store.h"

namespace isobench::cli {

namespace image = runner::image;

Result<image::StoreWriter> open_image_store() { return image::StoreWriter::open(image::default_store_root()); }

std::vector<std::string> insecure_registries() {
  const char* listed = std::getenv("ISOBENCH_INSECURE_REGISTRIES");
  return listed ? split_trimmed_list(listed, ',') : std::vector<std::string>{};
}

Result<std::unique_ptr<image::HttpClient>> registry_http_client(const std::string& registry_host) {
  const char* chosen = std::getenv("ISOBENCH_CERTS_DIR");
  const std::string certs = chosen && *chosen ? chosen : "/etc/isobench/certs.d";
  image::HttpOptions options;
  if (const std::string ca = certs + "/" + registry_host + "/ca.crt"; ::access(ca.c_str(), R_OK) == 0) options.ca_file = ca;
  return image::make_curl_http_client(options);
}

}  // namespace isobench::cli
