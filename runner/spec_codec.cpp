#include "runner/spec_codec.h"

#include <nlohmann/json.hpp>

#include <cstdint>

#include "runner/image/json_fields.h"

namespace isobench::runner {

namespace {

using image::JsonFields;
using nlohmann::json;

/// JsonFields reads strings and integers; a spec also has numbers with fractions and flags.
double read_number(const json& object, JsonFields& fields, const char* key) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_number()) {
    fields.fail(std::string("field '") + key + "' is missing or not a number");
    return 0;
  }
  return found->get<double>();
}

bool read_flag(const json& object, JsonFields& fields, const char* key) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_boolean()) {
    fields.fail(std::string("field '") + key + "' is missing or not a boolean");
    return false;
  }
  return found->get<bool>();
}

uint32_t read_id(JsonFields& fields, const char* key) {
  const int64_t value = fields.integer(key, true);
  if (fields.ok() && (value < 0 || value > UINT32_MAX)) fields.fail(std::string("field '") + key + "' is out of range");
  return static_cast<uint32_t>(value);
}

json mapping_json(const std::optional<IdMapping>& mapping) {
  if (!mapping) return nullptr;
  return {{"inside", mapping->inside}, {"outside", mapping->outside}, {"count", mapping->count}};
}

std::optional<IdMapping> mapping_of(const json& spec, JsonFields& outer, const char* key) {
  const auto found = spec.find(key);
  if (found == spec.end() || found->is_null()) return std::nullopt;
  if (!found->is_object()) {
    outer.fail(std::string("field '") + key + "' is not an object");
    return std::nullopt;
  }
  JsonFields fields(*found, outer.what() + " " + key);
  IdMapping mapping{read_id(fields, "inside"), read_id(fields, "outside"), read_id(fields, "count")};
  if (!fields.ok()) outer.fail(fields.error().message);
  return mapping;
}

json limits_json(const ResourceLimits& limits) {
  json out = json::object();
  if (limits.memory_bytes) out["memory_bytes"] = *limits.memory_bytes;
  if (limits.cpus) out["cpus"] = *limits.cpus;
  if (limits.pids) out["pids"] = *limits.pids;
  if (limits.cpuset_cpus) out["cpuset_cpus"] = *limits.cpuset_cpus;
  return out;
}

ResourceLimits limits_of(JsonFields& outer) {
  ResourceLimits limits;
  const json* object = outer.object("limits", true);
  if (!object) return limits;
  JsonFields fields(*object, outer.what() + " limits");
  if (object->contains("memory_bytes")) limits.memory_bytes = static_cast<uint64_t>(fields.integer("memory_bytes"));
  if (object->contains("cpus")) limits.cpus = read_number(*object, fields, "cpus");
  if (object->contains("pids")) limits.pids = static_cast<uint64_t>(fields.integer("pids"));
  if (object->contains("cpuset_cpus")) limits.cpuset_cpus = fields.string("cpuset_cpus");
  if (!fields.ok()) outer.fail(fields.error().message);
  return limits;
}

}  // namespace

std::string serialize_spec(const ContainerSpec& spec) {
  json out = {
      {"id", spec.id},
      {"args", spec.args},
      {"executable", spec.executable},
      {"rootfs", spec.rootfs},
      {"lower_layers", spec.lower_layers},
      {"read_only", spec.rootfs_mode == RootfsMode::kReadOnlyBind},
      {"layer_bytes", spec.layer_bytes},
      {"layer_dir", spec.layer_dir},
      {"namespaces", spec.namespaces.to_string()},
      {"uid_mapping", mapping_json(spec.uid_mapping)},
      {"gid_mapping", mapping_json(spec.gid_mapping)},
      {"deny_setgroups", spec.deny_setgroups},
      {"hostname", spec.hostname},
      {"env", spec.env},
      {"cwd", spec.cwd},
      {"preserve_fds", spec.preserve_fds},
      {"terminal", spec.terminal},
      {"uid", spec.uid},
      {"gid", spec.gid},
      {"use_cgroup", spec.use_cgroup},
      {"cgroup_parent", spec.cgroup_parent},
      {"limits", limits_json(spec.limits)},
      {"security", spec.security == SecurityMode::kDefault ? "default" : "none"},
      {"timeout_seconds", spec.timeout_seconds ? json(*spec.timeout_seconds) : json(nullptr)},
      {"stop_grace_seconds", spec.stop_grace_seconds},
  };
  return out.dump(2) + "\n";
}

Result<ContainerSpec> parse_spec(std::string_view text, std::string_view what) {
  auto document = image::parse_json_object(text, what);
  if (!document) return document.error();
  const json& in = *document;
  JsonFields fields(in, std::string(what));
  ContainerSpec spec;
  spec.id = fields.string("id", true);
  spec.args = fields.strings("args");
  spec.executable = fields.string("executable");
  spec.rootfs = fields.string("rootfs", true);
  spec.lower_layers = fields.strings("lower_layers");
  spec.rootfs_mode = read_flag(in, fields, "read_only") ? RootfsMode::kReadOnlyBind : RootfsMode::kOverlay;
  spec.layer_bytes = static_cast<uint64_t>(fields.integer("layer_bytes", true));
  spec.layer_dir = fields.string("layer_dir");
  const std::string namespaces = fields.string("namespaces");
  spec.uid_mapping = mapping_of(in, fields, "uid_mapping");
  spec.gid_mapping = mapping_of(in, fields, "gid_mapping");
  spec.deny_setgroups = read_flag(in, fields, "deny_setgroups");
  spec.hostname = fields.string("hostname");
  spec.env = fields.strings("env");
  spec.cwd = fields.string("cwd", true);
  spec.preserve_fds = static_cast<int>(fields.integer("preserve_fds"));
  spec.terminal = in.contains("terminal") && read_flag(in, fields, "terminal");  // absent before pty support
  spec.uid = read_id(fields, "uid");
  spec.gid = read_id(fields, "gid");
  spec.use_cgroup = read_flag(in, fields, "use_cgroup");
  spec.cgroup_parent = fields.string("cgroup_parent");
  spec.limits = limits_of(fields);
  const std::string security = fields.string("security", true);
  spec.security = security == "none" ? SecurityMode::kNone : SecurityMode::kDefault;
  if (in.contains("timeout_seconds") && !in.at("timeout_seconds").is_null())
    spec.timeout_seconds = read_number(in, fields, "timeout_seconds");
  spec.stop_grace_seconds = read_number(in, fields, "stop_grace_seconds");
  if (fields.ok() && security != "default" && security != "none") fields.fail("field 'security' is '" + security + "'");
  if (fields.ok() && spec.args.empty()) fields.fail("field 'args' is empty");
  if (!fields.ok()) return fields.error();
  auto parsed = namespaces.empty() ? Result<NamespaceSet>(NamespaceSet()) : parse_namespace_list(namespaces);
  if (!parsed) return plain_error(std::string(what) + ": field 'namespaces': " + parsed.error().text());
  spec.namespaces = *parsed;
  return spec;
}

}  // namespace isobench::runner
