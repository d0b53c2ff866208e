#include "runner/image/image_removal.h"

#include "runner/image/reference.h"

namespace isobench::runner::image {

namespace {

/// The tag `name` itself names, if it is a reference to a tag in the index.
std::optional<std::string> named_tag(const StoreIndex& index, const std::string& name) {
  auto reference = parse_reference(name);
  if (!reference || reference->digest) return std::nullopt;
  const std::string tag = reference->repository() + ":" + reference->tag;
  if (!index.tags.contains(tag)) return std::nullopt;
  return tag;
}

Status delete_image(StoreIndex& index, const ImageRecord& image, const Store& store, RemovalReport& report) {
  if (image_in_use(store, image.id)) {
    return plain_error("image " + image.id.short_id() + " cannot be removed (cannot be forced): a running container uses it");
  }
  if (const std::vector<std::string> users = store.kept_users(image.id); !users.empty()) {
    return plain_error("image " + image.id.short_id() + " cannot be removed: container " + users.front().substr(0, 12) +
                       " uses it (remove the container first: isobench rm)");
  }
  for (const std::string& tag : index.tags_of(image.id.hex)) {
    index.tags.erase(tag);
    report.untagged.push_back(familiar_name(tag));
  }
  index.images.erase(image.id.hex);
  report.deleted.push_back(image.id.str());
  return {};
}

}  // namespace

Result<RemovalReport> remove_image(StoreWriter& store, const std::string& name, bool force) {
  RemovalReport report;
  ISOBENCH_TRY(store.update_index([&](StoreIndex& index) -> Status {
    auto image = find_image(index, name);
    if (!image) return image.error();
    const std::vector<std::string> tags = index.tags_of(image->id.hex);
    if (auto tag = named_tag(index, name); tag && tags.size() > 1) {
      index.tags.erase(*tag);
      report.untagged.push_back(familiar_name(*tag));
      return {};
    }
    if (!named_tag(index, name) && tags.size() > 1 && !force) {
      return plain_error("image " + image->id.short_id() + " has " + std::to_string(tags.size()) +
                         " names; remove them one by one, or force with -f");
    }
    return delete_image(index, *image, store.store(), report);
  }));
  auto pruned = store.remove_unreferenced();
  if (!pruned) return pruned.error();
  report.pruned = *pruned;
  return report;
}

Status tag_image(StoreWriter& store, const std::string& source, const std::string& target) {
  auto reference = parse_reference(target);
  if (!reference) return reference.error();
  if (reference->digest) return usage_error("cannot tag with a digest: '" + target + "' (a tag names a manifest the registry has not made)");
  return store.update_index([&](StoreIndex& index) -> Status {
    auto image = find_image(index, source);
    if (!image) return image.error();
    index.tags[reference->repository() + ":" + reference->tag] = image->id.hex;
    return {};
  });
}

Result<RemovalReport> prune_images(StoreWriter& store) {
  RemovalReport report;
  ISOBENCH_TRY(store.update_index([&](StoreIndex& index) -> Status {
    std::vector<ImageRecord> dangling;
    for (const auto& [id, image] : index.images) {
      if (index.tags_of(id).empty() && !image_in_use(store.store(), image.id) && store.store().kept_users(image.id).empty())
        dangling.push_back(image);
    }
    for (const ImageRecord& image : dangling) ISOBENCH_TRY(delete_image(index, image, store.store(), report));
    return {};
  }));
  auto pruned = store.remove_unreferenced();
  if (!pruned) return pruned.error();
  report.pruned = *pruned;
  return report;
}

}  // namespace isobench::runner::image
