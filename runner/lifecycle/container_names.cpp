#include "runner/lifecycle/container_names.h"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdint>

namespace isobench::runner::lifecycle {

namespace {

// Two short lists in the spirit of Docker's names-generator.go: 40 x 40 names, ten times
// as many with a retry digit.
constexpr std::array<std::string_view, 40> kAdjectives = {
    "admiring", "adoring", "affectionate", "amazing", "awesome",  "blissful", "bold",    "brave", "busy",    "charming",
    "clever",   "cool",    "dazzling",     "eager",   "ecstatic", "elastic",  "elegant", "epic",  "festive", "focused",
    "friendly", "gallant", "gifted",       "happy",   "hopeful",  "jolly",    "keen",    "kind",  "lucid",   "magical",
    "modest",   "nifty",   "peaceful",     "quirky",  "relaxed",  "serene",   "sharp",   "stoic", "vibrant", "zen",
};
constexpr std::array<std::string_view, 40> kSurnames = {
    "archimedes", "babbage",  "bardeen", "bohr",     "borg",    "cerf",    "curie",    "darwin",
    "dijkstra",   "einstein", "euler",   "fermi",    "feynman", "galileo", "gauss",    "hamilton",
    "hawking",    "hopper",   "hypatia", "kepler",   "knuth",   "lamarr",  "lovelace", "mccarthy",
    "meitner",    "newton",   "noether", "pascal",   "ritchie", "shannon", "thompson", "torvalds",
    "turing",     "wozniak",  "yonath",  "goldberg", "lamport", "liskov",  "perlman",  "wing",
};

Status random_bytes(void* buffer, size_t size) {
  auto* bytes = static_cast<unsigned char*>(buffer);
  while (size > 0) {
    const ssize_t got = ::getrandom(bytes, size, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return errno_error("cannot read random bytes (getrandom)");
    bytes += got;
    size -= static_cast<size_t>(got);
  }
  return {};
}

bool name_character(char c, bool first) {
  const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return alnum || (!first && (c == '_' || c == '.' || c == '-'));
}

}  // namespace

Result<std::string> generate_id() {
  static constexpr char kHex[] = "0123456789abcdef";
  for (;;) {
    std::array<unsigned char, 32> bytes{};
    ISOBENCH_TRY(random_bytes(bytes.data(), bytes.size()));
    std::string id;
    id.reserve(64);
    for (unsigned char byte : bytes) {
      id.push_back(kHex[byte >> 4]);
      id.push_back(kHex[byte & 15]);
    }
    if (id.substr(0, 12).find_first_not_of("0123456789") != std::string::npos) return id;
  }
}

Result<std::string> generate_name(int attempt) {
  std::array<uint32_t, 3> picks{};
  ISOBENCH_TRY(random_bytes(picks.data(), sizeof picks));
  std::string name = std::string(kAdjectives[picks[0] % kAdjectives.size()]) + "_" +
                     std::string(kSurnames[picks[1] % kSurnames.size()]);
  if (attempt > 0) name += std::to_string(picks[2] % 10);
  return name;
}

bool is_valid_container_name(std::string_view name) {
  if (name.size() < 2 || name.size() > 255) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (!name_character(name[i], i == 0)) return false;
  }
  return true;
}

Status check_container_name(std::string_view name) {
  if (is_valid_container_name(name)) return {};
  return plain_error("invalid container name (" + std::string(name.substr(0, 300)) +
                     "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
}

bool is_container_id(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace isobench::runner::lifecycle
