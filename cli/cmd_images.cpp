// isobench images [-q] [--digests] [--no-trunc] [--json] [REPOSITORY[:TAG]]
#include <cstdio>
#include <ctime>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/image_listing.h"
#include "cli/image_verbs.h"
#include "runner/image.h"
#include "runner/image/builtin_image.h"
#include "runner/image/digest.h"
#include "runner/image/image_rootfs.h"
#include "runner/image/manifest.h"
#include "runner/image/reference.h"
#include "runner/image/store.h"

namespace isobench::cli {

namespace {

namespace image = runner::image;

struct ImagesArguments {
  std::string repository;
  ImageListOptions list;
  bool json = false;
};

/// The index limited to the images that `filter` ("busybox", "busybox:1") names.
Result<image::StoreIndex> filtered(const image::StoreIndex& index, const std::string& filter) {
  if (filter.empty()) return index;
  auto wanted = image::parse_reference(filter);
  if (!wanted) return wanted.error();
  const bool any_tag = filter.find(':', filter.rfind('/') == std::string::npos ? 0 : filter.rfind('/')) == std::string::npos;
  image::StoreIndex kept;
  for (const auto& [name, id] : index.tags) {
    auto reference = image::parse_reference(name);
    if (!reference || reference->repository() != wanted->repository() || (!any_tag && reference->tag != wanted->tag)) continue;
    kept.tags[name] = id;
    kept.images[id] = index.images.at(id);
  }
  return kept;
}

nlohmann::json images_json(const image::StoreIndex& index) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [id, record] : index.images) {
    std::vector<std::string> tags;
    for (const std::string& tag : index.tags_of(id)) tags.push_back(image::familiar_name(tag));
    list.push_back({{"Id", record.id.str()}, {"RepoTags", tags}, {"RepoDigests", record.repo_digests}, {"Created", record.created},
                    {"Size", record.size}, {"Platform", record.platform}, {"Layers", record.layer_chain_ids.size()}});
  }
  return list;
}

Result<int> list_images(const ImagesArguments& arguments) {
  auto index = image::Store(image::default_store_root()).read_index();
  if (!index) return index.error();
  auto rootfs = runner::builtin_image_rootfs();
  if (auto builtin = rootfs ? image::builtin_image_record(*rootfs) : Result<image::ImageRecord>(rootfs.error())) {
    index->images[builtin->id.hex] = *builtin;
    index->tags["docker.io/" + std::string(image::kBuiltinImageName) + ":latest"] = builtin->id.hex;
  }
  auto shown = filtered(*index, arguments.repository);
  if (!shown) return shown.error();
  if (arguments.json) {
    std::printf("%s\n", images_json(*shown).dump(2).c_str());
  } else {
    std::fputs(render_image_list(*shown, arguments.list, std::time(nullptr)).c_str(), stdout);
  }
  return 0;
}

}  // namespace

void add_images_command(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<ImagesArguments>();
  CLI::App* command = app.add_subcommand("images", "List the images in the store");
  command->add_option("REPOSITORY", arguments->repository, "Only this repository (and tag, when given)");
  command->add_flag("-q,--quiet", arguments->list.quiet, "Only the image ids");
  command->add_flag("--digests", arguments->list.digests, "Show the manifest digests");
  command->add_flag("--no-trunc", arguments->list.no_trunc, "Full image ids");
  command->add_flag("--json", arguments->json, "Print the images as JSON on stdout");
  command->callback([&action, arguments] { action = [arguments] { return list_images(*arguments); }; });
}

}  // namespace isobench::cli
