// What the image verbs share: the store and an HTTP client fitted to a registry (its own CA
// from a certs.d directory, as Docker's /etc/docker/certs.d/HOST/ca.crt).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "runner/image/http_client.h"
#include "runner/image/store_writer.h"

namespace isobench::cli {

/// The store at its default place (runner::image::default_store_root), created when missing.
Result<runner::image::StoreWriter> open_image_store();

/// Registry hosts spoken to over plain HTTP besides loopback: $ISOBENCH_INSECURE_REGISTRIES
/// (comma-separated), as Docker's "insecure-registries".
std::vector<std::string> insecure_registries();

/// CERTS/HOST/ca.crt when it is readable, else "": CERTS is $ISOBENCH_CERTS_DIR, else
/// /etc/isobench/certs.d.
std::string registry_ca_file(const std::string& registry_host);

/// An HTTP client that also trusts registry_ca_file(HOST). $ISOBENCH_REGISTRY_TIMEOUT
/// (seconds) replaces both the connect and the stall timeout (http_client.h's defaults).
Result<std::unique_ptr<runner::image::HttpClient>> registry_http_client(const std::string& registry_host);

}  // namespace isobench::cli
