#include "runner/image/store.h"

#include <dirent.h>
#include <fcntl.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "common/bounded_input.h"
#include "common/file_lock.h"
#include "runner/image/json_fields.h"
#include "runner/image/reference.h"

namespace isobench::runner::image {

namespace {

using nlohmann::json;

constexpr int kIndexVersion = 1;
constexpr size_t kIndexLimit = 64 << 20;

bool is_hex(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

json digests_json(const std::vector<Digest>& digests) {
  json list = json::array();
  for (const Digest& digest : digests) list.push_back(digest.str());
  return list;
}

Result<std::vector<Digest>> read_digests(JsonFields& fields, const char* key) {
  std::vector<Digest> digests;
  for (const std::string& text : fields.strings(key)) {
    auto digest = Digest::parse(text);
    if (!digest) return plain_error("image store index: " + digest.error().message);
    digests.push_back(std::move(*digest));
  }
  return digests;
}

Result<ImageRecord> read_record(const std::string& id_hex, const json& item) {
  if (!item.is_object()) return plain_error("image store index: image " + id_hex.substr(0, 12) + " is not an object");
  JsonFields fields(item, "image store index: image " + id_hex.substr(0, 12));
  ImageRecord record;
  auto id = Digest::parse("sha256:" + id_hex);
  auto manifest = Digest::parse(fields.string("manifest", true));
  record.manifest_media_type = fields.string("manifest_media_type");
  auto blobs = read_digests(fields, "layer_blobs");
  auto chain_ids = read_digests(fields, "layer_chain_ids");
  record.size = fields.integer("size");
  record.created = fields.string("created");
  record.platform = fields.string("platform");
  record.repo_digests = fields.strings("repo_digests");
  if (!fields.ok()) return fields.error();
  for (auto* part : {&id, &manifest}) {
    if (!*part) return plain_error("image store index: " + part->error().message);
  }
  if (!blobs) return blobs.error();
  if (!chain_ids) return chain_ids.error();
  if (blobs->size() != chain_ids->size()) return plain_error("image store index: image " + id_hex.substr(0, 12) + " has unmatched layer lists");
  record.id = std::move(*id);
  record.manifest_digest = std::move(*manifest);
  record.layer_blobs = std::move(*blobs);
  record.layer_chain_ids = std::move(*chain_ids);
  return record;
}

}  // namespace

std::string default_store_root() {
  if (const char* chosen = std::getenv("ISOBENCH_STORE"); chosen && *chosen) return chosen;
  if (geteuid() == 0) return "/var/lib/isobench";
  if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data == '/') return std::string(data) + "/isobench";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/tmp") + "/.local/share/isobench";
}

std::vector<std::string> StoreIndex::tags_of(const std::string& id_hex) const {
  std::vector<std::string> names;
  for (const auto& [name, id] : tags) {
    if (id == id_hex) names.push_back(name);
  }
  return names;
}

Result<StoreIndex> parse_store_index(std::string_view text) {
  auto document = parse_json_object(text, "image store index");
  if (!document) return document.error();
  JsonFields fields(*document, "image store index");
  if (fields.integer("version", true) != kIndexVersion && fields.ok()) fields.fail("unknown version");
  const json* images = fields.object("images", true);
  StoreIndex index;
  index.tags = fields.string_map("tags");
  if (!fields.ok()) return fields.error();
  for (const auto& [id_hex, item] : images->items()) {
    auto record = read_record(id_hex, item);
    if (!record) return record.error();
    index.images.emplace(id_hex, std::move(*record));
  }
  for (const auto& [name, id] : index.tags) {
    if (!index.images.contains(id)) return plain_error("image store index: tag " + name + " names a missing image");
  }
  return index;
}

static json record_json(const ImageRecord& record) {
  return {{"manifest", record.manifest_digest.str()},   {"manifest_media_type", record.manifest_media_type},
          {"layer_blobs", digests_json(record.layer_blobs)}, {"layer_chain_ids", digests_json(record.layer_chain_ids)},
          {"size", record.size},                       {"created", record.created},
          {"platform", record.platform},               {"repo_digests", record.repo_digests}};
}

std::string serialize_store_index(const StoreIndex& index) {
  json images = json::object();
  for (const auto& [id_hex, record] : index.images) images[id_hex] = record_json(record);
  return json{{"version", kIndexVersion}, {"images", images}, {"tags", index.tags}}.dump(1);
}

std::string serialize_image_record(const ImageRecord& record) { return record_json(record).dump(); }

Result<ImageRecord> parse_image_record(const std::string& id_hex, std::string_view text) {
  auto document = parse_json_object(text, "image store record");
  if (!document) return document.error();
  return read_record(id_hex, *document);
}

Result<ImageRecord> find_image(const StoreIndex& index, std::string_view name) {
  std::string_view id_text = name;
  if (id_text.starts_with("sha256:")) id_text.remove_prefix(7);
  if (auto reference = parse_reference(name); reference && !name.starts_with("sha256:")) {
    if (reference->digest) {
      const std::string wanted = reference->repository() + "@" + reference->digest->str();
      for (const auto& [id, record] : index.images) {
        for (const std::string& repo_digest : record.repo_digests) {
          if (repo_digest == wanted) return record;
        }
      }
    } else if (auto tagged = index.tags.find(reference->str()); tagged != index.tags.end()) {
      return index.images.at(tagged->second);
    }
  }
  if (is_hex(id_text) && id_text.size() <= 64) {
    const ImageRecord* match = nullptr;
    for (const auto& [id, record] : index.images) {
      if (!id.starts_with(id_text)) continue;
      if (match) return plain_error("image id prefix '" + std::string(id_text) + "' is ambiguous: more than one image has it");
      match = &record;
    }
    if (match) return *match;
  }
  return with_exit_code(plain_error("no such image: " + std::string(name.substr(0, 200))), exit_codes::kFailed);
}

bool Store::has_blob(const Digest& digest) const {
  struct stat status{};
  return ::lstat(blob_path(digest).c_str(), &status) == 0 && S_ISREG(status.st_mode);
}

bool Store::has_layer(const Digest& chain_id) const {
  struct stat status{};
  return ::lstat(layer_tree(chain_id).c_str(), &status) == 0 && S_ISDIR(status.st_mode);
}

int64_t Store::layer_size(const Digest& chain_id) const {
  auto text = read_bounded_file(layer_dir(chain_id) + "/size", 64, "a layer size file");
  if (!text) return 0;
  return std::strtoll(text->c_str(), nullptr, 10);
}

Result<std::string> Store::read_blob(const Digest& digest, size_t limit) const {
  return read_bounded_file(blob_path(digest), limit, "an image blob");
}

Result<StoreIndex> Store::read_index() const {
  if (::access(index_path().c_str(), F_OK) != 0 && errno == ENOENT) return StoreIndex{};
  auto text = read_bounded_file(index_path(), kIndexLimit, "the image store index");
  if (!text) return text.error();
  return parse_store_index(*text);
}

Result<ImageConfig> Store::read_config(const ImageRecord& image) const {
  auto text = read_blob(image.id);
  if (!text) return text.error();
  return parse_image_config(*text);
}

Result<UniqueFd> Store::hold_in_use(const ImageRecord& image) const {
  ::mkdir((root_ + "/in-use").c_str(), 0700);
  return lock_file(in_use_path(image.id), LockKind::kShared, LockWait::kBlock);
}

Status Store::add_kept_user(const Digest& image_id, const std::string& container_id) const {
  const std::string users = root_ + "/in-use/" + image_id.hex + ".users";
  for (const std::string& dir : {root_, root_ + "/in-use", users})
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return errno_error("cannot create " + dir);
  UniqueFd mark(::open((users + "/" + container_id).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!mark) return errno_error("cannot mark image " + image_id.short_id() + " as used by container " + container_id);
  return {};
}

void Store::drop_kept_user(const Digest& image_id, const std::string& container_id) const {
  const std::string users = root_ + "/in-use/" + image_id.hex + ".users";
  ::unlink((users + "/" + container_id).c_str());
  ::rmdir(users.c_str());  // fails while other containers keep it: as it should
}

std::vector<std::string> Store::kept_users(const Digest& image_id) const {
  std::vector<std::string> users;
  DIR* dir = ::opendir((root_ + "/in-use/" + image_id.hex + ".users").c_str());
  if (!dir) return users;
  while (const dirent* entry = ::readdir(dir))
    if (entry->d_name[0] != '.') users.emplace_back(entry->d_name);
  ::closedir(dir);
  return users;
}

}  // namespace isobench::runner::image
