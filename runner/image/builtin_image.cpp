#include "runner/image/builtin_image.h"

#include "common/bounded_input.h"
#include "runner/image/json_fields.h"
#include "runner/image/manifest.h"

namespace isobench::runner::image {

Result<ImageRecord> builtin_image_record(const std::string& rootfs) {
  const std::string path = rootfs.substr(0, rootfs.rfind('/')) + "/builtin.json";
  auto text = read_bounded_file(path, 4096, "the built-in image's record");
  if (!text) return text.error();
  auto document = parse_json_object(*text, path);
  if (!document) return document.error();
  JsonFields fields(*document, path);
  auto id = Digest::parse(fields.string("id", true));
  ImageRecord record;
  record.size = fields.integer("size", true);
  record.created = fields.string("created");
  if (!fields.ok()) return fields.error();
  if (!id) return plain_error(path + ": " + id.error().message);
  record.id = std::move(*id);
  record.platform = Platform::host().str();
  return record;
}

}  // namespace isobench::runner::image
