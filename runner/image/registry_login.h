// `login` and `logout`: credentials checked against a registry's /v2/ (answering its
// challenge, Basic or a Bearer token) and kept in isobench's auth file (registry_auth.h's
// isobench_auth_file(), Docker's "auths" format), which only its owner can read. Passwords
// are never printed or logged, and no error message holds one.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "runner/image/http_client.h"
#include "runner/image/registry_auth.h"

namespace isobench::runner::image {

/// Where SERVER's API is and what its credentials are stored under.
struct LoginServer {
  std::string api_host;  ///< "127.0.0.1:5000", "registry-1.docker.io"
  std::string auth_key;  ///< the auth file's key: "127.0.0.1:5000", "https://index.docker.io/v1/" for Docker Hub
};

/// SERVER as the user typed it ("127.0.0.1:5000", "https://quay.io/", "docker.io"); empty is
/// Docker Hub. A scheme and a trailing path are dropped.
Result<LoginServer> parse_login_server(std::string_view server);

/// GET /v2/ with `credentials`: success when the registry answers 200 once its challenge is
/// answered; a 401 after that is "wrong username or password".
Status verify_login(HttpClient& http, const LoginServer& server, const Credentials& credentials, bool plain_http);

/// Stores `credentials` for `key` in the auth file at `path`, keeping its other entries: the
/// file is replaced atomically, mode 0600, its directory made 0700 when missing.
Status store_login(const std::string& path, const std::string& key, const Credentials& credentials);

/// Removes the entry for `key`; false when there was none.
Result<bool> remove_login(const std::string& path, const std::string& key);

}  // namespace isobench::runner::image
