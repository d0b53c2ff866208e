#include "runner/image/index_lookup.h"

#include <fcntl.h>
#include <unistd.h>

#include "common/bounded_input.h"
#include "common/file_io.h"
#include "runner/image/reference.h"

namespace isobench::runner::image {

namespace {

constexpr std::string_view kLookupMagic = "isobench-index-lookup 1 ";
constexpr size_t kLookupLimit = 64 << 20;

std::string header_of(const IndexIdentity& identity) {
  return std::string(kLookupMagic) + std::to_string(identity.device) + " " + std::to_string(identity.inode) + " " +
         std::to_string(identity.size) + " " + std::to_string(identity.modified_ns) + "\n";
}

/// The rest of the line that starts with `prefix` (at a line start), if there is one.
std::optional<std::string_view> line_after(std::string_view text, std::string_view prefix) {
  for (size_t at = 0; (at = text.find(prefix, at)) != std::string_view::npos; at += prefix.size()) {
    if (at != 0 && text[at - 1] != '\n') continue;
    const size_t start = at + prefix.size();
    const size_t end = text.find('\n', start);
    if (end == std::string_view::npos) return std::nullopt;
    return text.substr(start, end - start);
  }
  return std::nullopt;
}

Result<std::string> read_held(const HeldIndex& held) {
  std::string text;
  char buffer[65536];
  for (off_t offset = 0;;) {
    const ssize_t got = ::pread(held.file.get(), buffer, sizeof buffer, offset);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return errno_error("cannot read the image store index");
    if (got == 0) return text;
    text.append(buffer, static_cast<size_t>(got));
    offset += got;
    if (text.size() > kLookupLimit) return plain_error("the image store index is larger than 64 MiB");
  }
}

}  // namespace

IndexIdentity identity_of(const struct stat& status) {
  return {static_cast<uint64_t>(status.st_dev), static_cast<uint64_t>(status.st_ino), static_cast<int64_t>(status.st_size),
          static_cast<int64_t>(status.st_mtim.tv_sec) * 1'000'000'000 + status.st_mtim.tv_nsec};
}

std::string serialize_index_lookup(const StoreIndex& index, const IndexIdentity& identity) {
  std::string text = header_of(identity);
  for (const auto& [name, id] : index.tags) text += "T " + name + " " + id + "\n";
  for (const auto& [id, record] : index.images) text += "I " + id + " " + serialize_image_record(record) + "\n";
  return text;
}

std::optional<ImageRecord> lookup_tag(std::string_view lookup, const IndexIdentity& identity, std::string_view normalised_tag) {
  const std::string header = header_of(identity);
  if (!lookup.starts_with(header)) return std::nullopt;
  auto id = line_after(lookup, "T " + std::string(normalised_tag) + " ");
  if (!id || id->size() != 64) return std::nullopt;
  auto record_text = line_after(lookup, "I " + std::string(*id) + " ");
  if (!record_text) return std::nullopt;
  auto record = parse_image_record(std::string(*id), *record_text);
  if (!record) return std::nullopt;
  return *record;
}

Result<HeldIndex> hold_index(const Store& store) {
  HeldIndex held;
  held.file = UniqueFd(::open(store.index_path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!held.file) {
    if (errno == ENOENT) return held;
    return errno_error("cannot open the image store index " + store.index_path());
  }
  struct stat status{};
  if (::fstat(held.file.get(), &status) != 0) return errno_error("cannot stat the image store index");
  if (!S_ISREG(status.st_mode)) return plain_error("the image store index " + store.index_path() + " is not a regular file");
  held.identity = identity_of(status);
  return held;
}

Result<ImageRecord> find_held_image(const Store& store, const HeldIndex& held, std::string_view name) {
  if (!held.file) return find_image(StoreIndex{}, name);
  auto reference = parse_reference(name);
  if (reference && !reference->digest && !name.starts_with("sha256:")) {
    if (auto lookup = read_bounded_file(store.lookup_path(), kLookupLimit, "the image store lookup")) {
      if (auto record = lookup_tag(*lookup, held.identity, reference->str())) return *record;
    }
  }
  auto text = read_held(held);
  if (!text) return text.error();
  auto index = parse_store_index(*text);
  if (!index) return index.error();
  return find_image(*index, name);
}

bool index_replaced(const Store& store, const HeldIndex& held) {
  struct stat status{};
  if (::stat(store.index_path().c_str(), &status) != 0) return static_cast<bool>(held.file) || errno != ENOENT;
  return !held.file || identity_of(status) != held.identity;
}

void refresh_index_lookup(const Store& store, const StoreIndex& index) {
  struct stat status{};
  if (::stat(store.index_path().c_str(), &status) != 0) return;
  // Not durable: a lookup lost in a crash only makes the next start parse the index.
  (void)replace_file(store.lookup_path(), serialize_index_lookup(index, identity_of(status)));
}

}  // namespace isobench::runner::image
