#include "runner/image/reference.h"

#include <arpa/inet.h>

#include <cctype>
#include <vector>

#include "common/text.h"

namespace isobench::runner::image {

namespace {

constexpr size_t kMaxNameLength = 255;  // the distribution project's limit on a repository name
constexpr size_t kMaxTagLength = 128;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/// [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
bool valid_path_component(std::string_view component) {
  if (component.empty() || !is_lower_alnum(component.front()) || !is_lower_alnum(component.back())) return false;
  for (size_t i = 0; i < component.size();) {
    if (is_lower_alnum(component[i])) {
      ++i;
      continue;
    }
    size_t run = i;
    while (run < component.size() && !is_lower_alnum(component[run])) ++run;
    const std::string_view separator = component.substr(i, run - i);
    const bool dashes = separator.find_first_not_of('-') == std::string_view::npos;
    if (!(separator == "." || separator == "_" || separator == "__" || dashes)) return false;
    i = run;
  }
  return true;
}

/// A registry host: DNS labels or an IP, an optional port; or a bracketed IPv6 address.
bool valid_domain(std::string_view domain) {
  if (domain.empty()) return false;
  std::string_view host = domain;
  if (host.front() == '[') {
    const size_t close = host.find(']');
    if (close == std::string_view::npos) return false;
    std::string_view rest = host.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || rest.size() < 2)) return false;
    for (char c : rest.substr(rest.empty() ? 0 : 1)) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
  }
  if (const size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    const std::string_view port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5) return false;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    host = host.substr(0, colon);
  }
  for (std::string_view label : split_list(host, '.')) {
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
  }
  return true;
}

bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > kMaxTagLength) return false;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (!word(tag.front())) return false;
  for (char c : tag) {
    if (!word(c) && c != '.' && c != '-') return false;
  }
  return true;
}

/// The first component names a registry when it looks like a host: a dot, a port, or
/// "localhost" (Docker's rule; anything else is a Docker Hub namespace).
bool names_registry(std::string_view first) {
  return first.find_first_of(".:") != std::string_view::npos || first == "localhost" || first.front() == '[';
}

Error reference_error(std::string_view text, const std::string& why) {
  return usage_error("invalid image reference '" + std::string(text.substr(0, 120)) + "': " + why);
}

}  // namespace

Result<Reference> parse_reference(std::string_view text) {
  if (text.empty()) return reference_error(text, "it is empty");
  Reference reference;
  std::string_view rest = text;
  if (const size_t at = rest.find('@'); at != std::string_view::npos) {
    auto digest = Digest::parse(rest.substr(at + 1));
    if (!digest) return reference_error(text, digest.error().message);
    reference.digest = std::move(*digest);
    rest = rest.substr(0, at);
  }
  // A tag's colon comes after the last '/', which tells it from a registry's port.
  const size_t slash = rest.rfind('/');
  if (const size_t colon = rest.rfind(':'); colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    reference.tag = std::string(rest.substr(colon + 1));
    if (!valid_tag(reference.tag)) return reference_error(text, "invalid tag '" + reference.tag + "'");
    rest = rest.substr(0, colon);
  }
  std::vector<std::string> components = split_list(rest, '/');
  if (components.size() > 1 && names_registry(components.front())) {
    reference.domain = components.front();
    if (!valid_domain(reference.domain)) return reference_error(text, "invalid registry '" + reference.domain + "'");
    components.erase(components.begin());
  } else {
    reference.domain = std::string(kDockerHubDomain);
  }
  if (reference.domain == "index.docker.io") reference.domain = std::string(kDockerHubDomain);
  for (const std::string& component : components) {
    if (component.empty()) return reference_error(text, "empty path component");
    for (char c : component) {
      if (std::isupper(static_cast<unsigned char>(c))) return reference_error(text, "repository name must be lowercase");
    }
    if (!valid_path_component(component)) return reference_error(text, "invalid path component '" + component + "'");
  }
  if (reference.domain == kDockerHubDomain && components.size() == 1) components.insert(components.begin(), "library");
  reference.path = join(components, "/");
  if (reference.repository().size() > kMaxNameLength) return reference_error(text, "repository name is longer than 255 characters");
  if (reference.tag.empty() && !reference.digest) reference.tag = "latest";
  return reference;
}

std::string familiar_name(const std::string& name) {
  auto reference = parse_reference(name);
  return reference ? reference->familiar() : name;
}

std::string Reference::str() const {
  std::string text = repository();
  if (!tag.empty()) text += ":" + tag;
  if (digest) text += "@" + digest->str();
  return text;
}

std::string Reference::familiar_repository() const {
  if (domain != kDockerHubDomain) return repository();
  if (path.starts_with("library/") && path.find('/', 8) == std::string::npos) return path.substr(8);
  return path;
}

std::string Reference::registry_host() const {
  return domain == kDockerHubDomain ? "registry-1.docker.io" : domain;
}

bool Reference::loopback_registry() const {
  std::string host = domain;
  if (host.starts_with('[')) {
    host = host.substr(1, host.find(']') - 1);
  } else if (const size_t colon = host.rfind(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace isobench::runner::image
