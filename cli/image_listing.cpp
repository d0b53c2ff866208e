#include "cli/image_listing.h"

#include <algorithm>
#include <set>

#include "runner/image/image_rootfs.h"
#include "runner/image/reference.h"

namespace isobench::cli {

namespace image = runner::image;

namespace {

struct ImageRow {
  std::string repository, tag, digest;
  const image::ImageRecord* image;
  int64_t created;
};

std::vector<ImageRow> image_rows(const image::StoreIndex& index) {
  std::vector<ImageRow> rows;
  for (const auto& [id, record] : index.images) {
    const std::vector<std::string> names = index.tags_of(id);
    const int64_t created = parse_rfc3339(record.created);
    const std::string digest = record.repo_digests.empty() ? "<none>" : record.repo_digests.front().substr(record.repo_digests.front().find('@') + 1);
    if (names.empty()) {
      // Docker lists an image pulled by digest under its repository, with no tag.
      auto pulled_as = record.repo_digests.empty() ? Result<image::Reference>(plain_error("no digest"))
                                                   : image::parse_reference(record.repo_digests.front());
      rows.push_back({pulled_as ? pulled_as->familiar_repository() : "<none>", "<none>", digest, &record, created});
    }
    for (const std::string& name : names) {
      auto reference = image::parse_reference(name);
      if (!reference) continue;
      rows.push_back({reference->familiar_repository(), reference->tag, digest, &record, created});
    }
  }
  // The built-in image, which is not in the store, comes last.
  std::stable_sort(rows.begin(), rows.end(), [](const ImageRow& a, const ImageRow& b) {
    const bool a_builtin = a.repository == image::kBuiltinImageName, b_builtin = b.repository == image::kBuiltinImageName;
    if (a_builtin != b_builtin) return b_builtin;
    return a.created != b.created ? a.created > b.created : a.repository + ":" + a.tag < b.repository + ":" + b.tag;
  });
  return rows;
}

}  // namespace

std::string render_image_list(const image::StoreIndex& index, const ImageListOptions& options, int64_t now) {
  const std::vector<ImageRow> rows = image_rows(index);
  auto id_text = [&](const image::ImageRecord& record) { return options.no_trunc ? record.id.str() : record.id.short_id(); };
  if (options.quiet) {
    std::string text;
    std::set<std::string> seen;
    for (const ImageRow& row : rows) {
      if (seen.insert(row.image->id.hex).second) text += id_text(*row.image) + "\n";
    }
    return text;
  }
  std::vector<std::vector<std::string>> table;
  table.push_back(options.digests ? std::vector<std::string>{"REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE"}
                                  : std::vector<std::string>{"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"});
  for (const ImageRow& row : rows) {
    std::vector<std::string> line = {row.repository, row.tag};
    if (options.digests) line.push_back(row.digest);
    line.push_back(id_text(*row.image));
    line.push_back(row.created < 0 ? "N/A" : docker_age_text(now - row.created));
    line.push_back(docker_size_text(row.image->size));
    table.push_back(std::move(line));
  }
  return render_columns(table);
}

}  // namespace isobench::cli
