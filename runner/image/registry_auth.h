// The registry's authentication handshake (distribution spec, "token authentication"): a 401
// names a scheme in WWW-Authenticate; Bearer sends us to a token endpoint with a service and
// scope, Basic wants the credentials directly. Credentials come from isobench's own auth file
// or Docker's ~/.docker/config.json; they are never printed or logged.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace isobench::runner::image {

struct Credentials {
  std::string username;
  std::string password;
  bool empty() const { return username.empty() && password.empty(); }
};

struct AuthChallenge {
  std::string scheme;                         ///< "bearer" or "basic", lowercase
  std::map<std::string, std::string> params;  ///< realm, service, scope, ... (names lowercase)
};

/// Parses one WWW-Authenticate value: `Bearer realm="https://x/token",service="x",scope="..."`.
Result<AuthChallenge> parse_auth_challenge(std::string_view header);

/// "Basic base64(user:password)".
std::string basic_authorization(const Credentials& credentials);

/// The token in a token endpoint's JSON answer ("token", or OAuth2's "access_token").
Result<std::string> token_from_response(std::string_view body);

/// isobench's auth file: $ISOBENCH_AUTH_FILE, else $XDG_CONFIG_HOME/isobench/auth.json
/// (~/.config/isobench/auth.json); the same "auths" format as Docker's config.json.
std::string isobench_auth_file();

/// The credentials stored for `registry` (a host[:port]): isobench's auth file first, then
/// $DOCKER_CONFIG/config.json or ~/.docker/config.json. Docker Hub is also found under
/// "https://index.docker.io/v1/". None stored: nullopt.
std::optional<Credentials> stored_credentials(const std::string& registry);

}  // namespace isobench::runner::image
