#include "runner/image/image_config.h"

#include "runner/image/json_fields.h"

namespace isobench::runner::image {

namespace {

using nlohmann::json;

/// Docker writes Entrypoint and Cmd as arrays, and its decoder also takes one string as a
/// one-item list; null means unset.
std::vector<std::string> string_or_strings(const json& config, const char* key, JsonFields& fields) {
  const auto found = config.find(key);
  if (found != config.end() && found->is_string()) return {found->get<std::string>()};
  return fields.strings(key);
}

void read_runtime_config(const json& runtime, ImageConfig& config, JsonFields& outer) {
  JsonFields fields(runtime, "image config 'config'");
  config.entrypoint = string_or_strings(runtime, "Entrypoint", fields);
  config.cmd = string_or_strings(runtime, "Cmd", fields);
  config.env = fields.strings("Env");
  config.working_dir = fields.string("WorkingDir");
  config.user = fields.string("User");
  config.stop_signal = fields.string("StopSignal");
  config.labels = fields.string_map("Labels");
  if (!fields.ok()) outer.fail(fields.error().message);
}

Status read_diff_ids(const json& rootfs, ImageConfig& config) {
  JsonFields fields(rootfs, "image config rootfs");
  const std::string type = fields.string("type", true);
  const std::vector<std::string> diff_ids = fields.strings("diff_ids");
  if (!fields.ok()) return fields.error();
  if (type != "layers") return plain_error("image config rootfs type '" + type.substr(0, 40) + "' is not 'layers'");
  for (const std::string& text : diff_ids) {
    auto digest = Digest::parse(text);
    if (!digest) return plain_error("image config diff id: " + digest.error().message);
    config.diff_ids.push_back(std::move(*digest));
  }
  return {};
}

}  // namespace

Result<ImageConfig> parse_image_config(std::string_view text) {
  auto document = parse_json_object(text, "image config");
  if (!document) return document.error();
  JsonFields fields(*document, "image config");
  ImageConfig config;
  config.architecture = fields.string("architecture");
  config.os = fields.string("os");
  config.variant = fields.string("variant");
  config.created = fields.string("created");
  if (const json* runtime = fields.object("config")) read_runtime_config(*runtime, config, fields);
  const json* rootfs = fields.object("rootfs", true);
  if (!fields.ok()) return fields.error();
  ISOBENCH_TRY(read_diff_ids(*rootfs, config));
  return config;
}

std::string serialize_image_config(const ImageConfig& config, std::string_view history_comment) {
  json runtime = json::object();
  if (!config.entrypoint.empty()) runtime["Entrypoint"] = config.entrypoint;
  if (!config.cmd.empty()) runtime["Cmd"] = config.cmd;
  if (!config.env.empty()) runtime["Env"] = config.env;
  if (!config.working_dir.empty()) runtime["WorkingDir"] = config.working_dir;
  if (!config.user.empty()) runtime["User"] = config.user;
  if (!config.stop_signal.empty()) runtime["StopSignal"] = config.stop_signal;
  if (!config.labels.empty()) runtime["Labels"] = config.labels;
  json diff_ids = json::array();
  for (const Digest& diff_id : config.diff_ids) diff_ids.push_back(diff_id.str());
  json document = {{"architecture", config.architecture},
                   {"os", config.os},
                   {"config", runtime},
                   {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}},
                   {"history", json::array({{{"created", config.created}, {"comment", history_comment}}})}};
  if (!config.created.empty()) document["created"] = config.created;
  if (!config.variant.empty()) document["variant"] = config.variant;
  return document.dump();
}

std::vector<std::string> container_argv(const ImageConfig& config, const std::vector<std::string>& override_cmd,
                                        const std::optional<std::string>& override_entrypoint) {
  std::vector<std::string> argv;
  if (override_entrypoint) {
    if (!override_entrypoint->empty()) argv.push_back(*override_entrypoint);
  } else {
    argv = config.entrypoint;
  }
  // Docker: an overridden entrypoint also drops the image's Cmd.
  const bool image_cmd = override_cmd.empty() && !override_entrypoint;
  const std::vector<std::string>& cmd = image_cmd ? config.cmd : override_cmd;
  argv.insert(argv.end(), cmd.begin(), cmd.end());
  return argv;
}

}  // namespace isobench::runner::image
