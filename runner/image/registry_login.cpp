#include "runner/image/registry_login.h"

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "common/bounded_input.h"
#include "common/file_io.h"
#include "runner/image/json_fields.h"
#include "runner/image/reference.h"
#include "runner/image/registry_client.h"

namespace isobench::runner::image {

namespace {

using nlohmann::json;

constexpr std::string_view kDockerHubAuthKey = "https://index.docker.io/v1/";

/// The auth file's document; an empty one when there is no file yet.
Result<json> read_auths(const std::string& path) {
  if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) return json{{"auths", json::object()}};
  auto text = read_bounded_file(path, 1 << 20, "the auth file");
  if (!text) return text.error();
  auto document = parse_json_object(*text, path);
  if (!document) return plain_error(document.error().message + " (fix or remove it)");
  if (!document->contains("auths")) (*document)["auths"] = json::object();
  if (!(*document)["auths"].is_object()) return plain_error(path + ": 'auths' is not an object (fix or remove it)");
  return document;
}

Status make_private_directories(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return {};
  const std::string directory = path.substr(0, slash);
  struct stat status{};
  if (::stat(directory.c_str(), &status) == 0) return {};
  ISOBENCH_TRY(make_private_directories(directory));
  if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) return errno_error("cannot create " + directory);
  return {};
}

/// replace_file_durably makes its new file 0644 less the umask: with umask 077 the file is
/// 0600 from its creation, and never readable by others, not even before a chmod.
Status write_auths(const std::string& path, const json& document) {
  ISOBENCH_TRY(make_private_directories(path));
  const mode_t saved = ::umask(077);
  Status written = replace_file_durably(path, document.dump(1) + "\n");
  ::umask(saved);
  return written;
}

Result<HttpResponse> get_v2(HttpClient& http, const std::string& base, const std::string& authorization) {
  HttpRequest request;
  request.url = base + "/v2/";
  if (!authorization.empty()) request.headers.push_back("Authorization: " + authorization);
  return http.send(request);
}

/// The Authorization value that answers `challenge`: the credentials themselves (Basic), or a
/// token fetched with them (Bearer, no scope: a login only proves the account).
Result<std::string> answer(HttpClient& http, const AuthChallenge& challenge, const Credentials& credentials, const std::string& server) {
  if (challenge.scheme == "basic") return basic_authorization(credentials);
  const auto realm = challenge.params.find("realm");
  if (realm == challenge.params.end() || !(realm->second.starts_with("https://") || realm->second.starts_with("http://"))) {
    return plain_error("registry " + server + " sent a token realm that is not an http(s) URL");
  }
  HttpRequest token_request;
  const auto service = challenge.params.find("service");
  token_request.url = realm->second;
  if (service != challenge.params.end()) {
    token_request.url += (realm->second.find('?') == std::string::npos ? "?service=" : "&service=") + service->second;
  }
  token_request.headers.push_back("Authorization: " + basic_authorization(credentials));
  auto reply = http.send(token_request);
  if (!reply) return reply.error();
  if (reply->status == 401 || reply->status == 403) return plain_error("login to " + server + " refused: wrong username or password");
  if (reply->status != 200) return plain_error("login to " + server + ": the token endpoint answered " + std::to_string(reply->status));
  auto token = token_from_response(reply->body);
  if (!token) return token.error();
  return "Bearer " + *token;
}

}  // namespace

Result<LoginServer> parse_login_server(std::string_view server) {
  std::string host(server);
  for (std::string_view scheme : {"https://", "http://"}) {
    if (host.starts_with(scheme)) host.erase(0, scheme.size());
  }
  host = host.substr(0, host.find('/'));
  if (host.empty() || host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io") {
    return LoginServer{"registry-1.docker.io", std::string(kDockerHubAuthKey)};
  }
  if (host.find_first_of(" @\\?#") != std::string::npos) return usage_error("invalid registry '" + std::string(server.substr(0, 200)) + "'");
  return LoginServer{host, host};
}

Status verify_login(HttpClient& http, const LoginServer& server, const Credentials& credentials, bool plain_http) {
  const std::string base = (plain_http ? "http://" : "https://") + server.api_host;
  auto first = get_v2(http, base, "");
  if (!first) return plain_error("login to " + server.api_host + ": " + first.error().text());
  if (first->status == 200) return {};  // no authentication at all: any credentials do
  if (first->status != 401) return plain_error("login to " + server.api_host + ": /v2/ answered " + std::to_string(first->status));
  const auto header = first->headers.find("www-authenticate");
  if (header == first->headers.end()) return plain_error("login to " + server.api_host + ": 401 without a challenge");
  auto challenge = parse_auth_challenge(header->second);
  if (!challenge) return challenge.error();
  auto authorization = answer(http, *challenge, credentials, server.api_host);
  if (!authorization) return authorization.error();
  auto second = get_v2(http, base, *authorization);
  if (!second) return plain_error("login to " + server.api_host + ": " + second.error().text());
  if (second->status == 200) return {};
  if (second->status == 401 || second->status == 403) return plain_error("login to " + server.api_host + " refused: wrong username or password");
  return plain_error("login to " + server.api_host + ": /v2/ answered " + std::to_string(second->status));
}

Status store_login(const std::string& path, const std::string& key, const Credentials& credentials) {
  auto document = read_auths(path);
  if (!document) return document.error();
  // basic_authorization is "Basic " + base64(user:password): the auth file's own encoding.
  (*document)["auths"][key] = {{"auth", basic_authorization(credentials).substr(6)}};
  return write_auths(path, *document);
}

Result<bool> remove_login(const std::string& path, const std::string& key) {
  auto document = read_auths(path);
  if (!document) return document.error();
  json& auths = (*document)["auths"];
  bool removed = false;
  for (const std::string& name : {key, "https://" + key, "http://" + key}) removed = auths.erase(name) > 0 || removed;
  if (!removed) return false;
  ISOBENCH_TRY(write_auths(path, *document));
  return true;
}

}  // namespace isobench::runner::image
