// isobench image inspect IMAGE... | image prune | image ls/rm/pull/tag (Docker's aliases)
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/image_context.h"
#include "cli/image_listing.h"
#include "cli/image_verbs.h"
#include "runner/image/image_removal.h"
#include "runner/image/reference.h"
#include "runner/image/store.h"

namespace isobench::cli {

namespace {

namespace image = runner::image;
using nlohmann::json;

json strings_or_null(const std::vector<std::string>& items) { return items.empty() ? json(nullptr) : json(items); }

Result<json> inspect_one(const image::Store& store, const image::StoreIndex& index, const std::string& name) {
  auto record = image::find_image(index, name);
  if (!record) return record.error();
  auto config = store.read_config(*record);
  if (!config) return config.error();
  std::vector<std::string> tags;
  for (const std::string& tag : index.tags_of(record->id.hex)) tags.push_back(image::familiar_name(tag));
  json layers = json::array();
  for (size_t i = 0; i < record->layer_chain_ids.size(); ++i) {
    layers.push_back({{"Blob", record->layer_blobs[i].str()}, {"DiffID", config->diff_ids[i].str()}, {"ChainID", record->layer_chain_ids[i].str()},
                      {"Size", store.layer_size(record->layer_chain_ids[i])}, {"Path", store.layer_tree(record->layer_chain_ids[i])}});
  }
  json diff_ids = json::array();
  for (const auto& diff_id : config->diff_ids) diff_ids.push_back(diff_id.str());
  return json{{"Id", record->id.str()},
              {"RepoTags", tags},
              {"RepoDigests", record->repo_digests},
              {"Created", record->created},
              {"Size", record->size},
              {"Architecture", config->architecture},
              {"Os", config->os},
              {"Config",
               {{"Entrypoint", strings_or_null(config->entrypoint)}, {"Cmd", strings_or_null(config->cmd)}, {"Env", strings_or_null(config->env)},
                {"WorkingDir", config->working_dir}, {"User", config->user}, {"StopSignal", config->stop_signal}, {"Labels", config->labels}}},
              {"RootFS", {{"Type", "layers"}, {"Layers", diff_ids}}},
              {"Manifest", {{"Digest", record->manifest_digest.str()}, {"MediaType", record->manifest_media_type}}},
              {"Layers", layers}};
}

Result<int> inspect(const std::vector<std::string>& names) {
  image::Store store(image::default_store_root());
  auto index = store.read_index();
  if (!index) return index.error();
  json list = json::array();
  for (const std::string& name : names) {
    auto one = inspect_one(store, *index, name);
    if (!one) return one.error();
    list.push_back(std::move(*one));
  }
  std::printf("%s\n", list.dump(4).c_str());
  return 0;
}

Result<int> prune() {
  auto store = open_image_store();
  if (!store) return store.error();
  auto report = image::prune_images(*store);
  if (!report) return report.error();
  if (!report->deleted.empty()) std::printf("Deleted Images:\n");
  for (const std::string& name : report->untagged) std::printf("untagged: %s\n", name.c_str());
  for (const std::string& id : report->deleted) std::printf("deleted: %s\n", id.c_str());
  std::printf("Total reclaimed space: %s (%d layers, %d blobs)\n", docker_size_text(report->pruned.bytes_freed).c_str(),
              report->pruned.layers_removed, report->pruned.blobs_removed);
  return 0;
}

}  // namespace

void add_image_command(CLI::App& app, Action& action) {
  CLI::App* command = app.add_subcommand("image", "Manage images: inspect, prune, ls, rm, pull, tag");
  command->require_subcommand(1);
  auto names = std::make_shared<std::vector<std::string>>();
  CLI::App* inspect_command = command->add_subcommand("inspect", "Show images' configs, layers and sizes as JSON");
  inspect_command->add_option("IMAGE", *names, "Names or ids of the images")->required();
  inspect_command->callback([&action, names] { action = [names] { return inspect(*names); }; });
  CLI::App* prune_command = command->add_subcommand("prune", "Remove images without a name, and layers and blobs no image uses");
  prune_command->callback([&action] { action = [] { return prune(); }; });
  // Docker's long forms of the top-level verbs.
  add_images_command(*command, action);
  command->get_subcommand("images")->alias("ls")->alias("list");
  add_rmi_command(*command, action);
  command->get_subcommand("rmi")->alias("rm")->alias("remove");
  add_pull_command(*command, action);
  add_tag_command(*command, action);
}

}  // namespace isobench::cli
