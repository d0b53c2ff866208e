#include "runner/image/registry_auth.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <vector>

#include "common/bounded_input.h"
#include "runner/image/json_fields.h"

namespace isobench::runner::image {

namespace {

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(length));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3 + 1, '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (length < 0) return std::nullopt;
  out.resize(static_cast<size_t>(length));
  // EVP_DecodeBlock counts padding as zero bytes.
  for (size_t pad = text.size(); pad > 0 && text[pad - 1] == '='; --pad) out.pop_back();
  return out;
}

std::string home_path(const char* relative) {
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/root") + relative;
}

/// The entry for `registry` in an "auths" document, if any.
std::optional<Credentials> credentials_in(const std::string& path, const std::string& registry) {
  auto text = read_bounded_file(path, 1 << 20, "a credentials file");
  if (!text) return std::nullopt;
  auto document = parse_json_object(*text, path);
  if (!document) return std::nullopt;
  const auto auths = document->find("auths");
  if (auths == document->end() || !auths->is_object()) return std::nullopt;
  std::vector<std::string> keys = {registry, "https://" + registry, "http://" + registry};
  if (registry == "registry-1.docker.io" || registry == "docker.io") {
    keys.insert(keys.end(), {"https://index.docker.io/v1/", "index.docker.io", "docker.io"});
  }
  for (const std::string& key : keys) {
    const auto entry = auths->find(key);
    if (entry == auths->end() || !entry->is_object()) continue;
    const auto auth = entry->find("auth");
    if (auth == entry->end() || !auth->is_string()) continue;
    auto decoded = base64_decode(auth->get<std::string>());
    if (!decoded) continue;
    const size_t colon = decoded->find(':');
    if (colon == std::string::npos) continue;
    return Credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
  }
  return std::nullopt;
}

}  // namespace

Result<AuthChallenge> parse_auth_challenge(std::string_view header) {
  AuthChallenge challenge;
  size_t i = header.find_first_not_of(' ');
  const size_t scheme_end = header.find(' ', i == std::string_view::npos ? header.size() : i);
  if (i == std::string_view::npos) return plain_error("registry sent an empty WWW-Authenticate header");
  for (char c : header.substr(i, scheme_end - i)) challenge.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  i = scheme_end;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ',')) ++i;
    const size_t equals = header.find('=', i);
    if (equals == std::string_view::npos) break;
    std::string name;
    for (char c : header.substr(i, equals - i)) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value;
    i = equals + 1;
    if (i < header.size() && header[i] == '"') {
      for (++i; i < header.size() && header[i] != '"'; ++i) {
        if (header[i] == '\\' && i + 1 < header.size()) ++i;
        value += header[i];
      }
      ++i;
    } else {
      const size_t end = header.find(',', i);
      value = std::string(header.substr(i, end - i));
      i = end == std::string_view::npos ? header.size() : end;
    }
    challenge.params[name] = value;
  }
  if (challenge.scheme != "bearer" && challenge.scheme != "basic") {
    return plain_error("registry asks for an unsupported authentication scheme '" + challenge.scheme.substr(0, 30) + "'");
  }
  return challenge;
}

std::string basic_authorization(const Credentials& credentials) {
  return "Basic " + base64_encode(credentials.username + ":" + credentials.password);
}

Result<std::string> token_from_response(std::string_view body) {
  auto document = parse_json_object(body, "the token endpoint's answer");
  if (!document) return document.error();
  JsonFields fields(*document, "the token endpoint's answer");
  std::string token = fields.string("token");
  if (token.empty()) token = fields.string("access_token");
  if (!fields.ok()) return fields.error();
  if (token.empty()) return plain_error("the token endpoint's answer has no token");
  return token;
}

std::string isobench_auth_file() {
  if (const char* chosen = std::getenv("ISOBENCH_AUTH_FILE"); chosen && *chosen) return chosen;
  if (const char* config = std::getenv("XDG_CONFIG_HOME"); config && *config == '/') return std::string(config) + "/isobench/auth.json";
  return home_path("/.config/isobench/auth.json");
}

std::optional<Credentials> stored_credentials(const std::string& registry) {
  if (auto ours = credentials_in(isobench_auth_file(), registry)) return ours;
  const char* docker_config = std::getenv("DOCKER_CONFIG");
  const std::string docker_file = docker_config && *docker_config ? std::string(docker_config) + "/config.json" : home_path("/.docker/config.json");
  return credentials_in(docker_file, registry);
}

}  // namespace isobench::runner::image
