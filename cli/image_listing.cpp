#include "cli/image_listing.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "runner/image/image_rootfs.h"
#include "runner/image/reference.h"

namespace isobench::cli {

namespace image = runner::image;

std::string docker_size_text(int64_t bytes) {
  static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  double size = static_cast<double>(bytes);
  size_t unit = 0;
  while (size >= 1000.0 && unit + 1 < std::size(kUnits)) {
    size /= 1000.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.3g%s", size, kUnits[unit]);
  return text;
}

std::string docker_age_text(int64_t seconds) {
  auto plural = [](int64_t count, const char* unit) { return std::to_string(count) + " " + unit + (count == 1 ? "" : "s") + " ago"; };
  if (seconds < 1) return "Less than a second ago";
  if (seconds < 60) return plural(seconds, "second");
  const int64_t minutes = seconds / 60;
  if (minutes == 1) return "About a minute ago";
  if (minutes < 60) return plural(minutes, "minute");
  const int64_t hours = static_cast<int64_t>(std::round(static_cast<double>(seconds) / 3600.0));
  if (hours == 1) return "About an hour ago";
  if (hours < 48) return plural(hours, "hour");
  if (hours < 24 * 7 * 2) return plural(hours / 24, "day");
  if (hours < 24 * 30 * 2) return plural(hours / 24 / 7, "week");
  if (hours < 24 * 365 * 2) return plural(hours / 24 / 30, "month");
  return plural(hours / 24 / 365, "year");
}

int64_t parse_rfc3339(const std::string& text) {
  std::tm parts{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &parts.tm_year, &parts.tm_mon, &parts.tm_mday, &parts.tm_hour,
                  &parts.tm_min, &parts.tm_sec, &consumed) != 6) {
    return -1;
  }
  parts.tm_year -= 1900;
  parts.tm_mon -= 1;
  int64_t seconds = timegm(&parts);
  size_t rest = static_cast<size_t>(consumed);
  if (rest < text.size() && text[rest] == '.') rest = text.find_first_not_of("0123456789", rest + 1);
  if (rest == std::string::npos || rest >= text.size()) return -1;
  if (text[rest] == 'Z' || text[rest] == 'z') return seconds;
  int offset_hours = 0, offset_minutes = 0;
  if (std::sscanf(text.c_str() + rest + 1, "%2d:%2d", &offset_hours, &offset_minutes) != 2) return -1;
  const int64_t offset = offset_hours * 3600 + offset_minutes * 60;
  return text[rest] == '+' ? seconds - offset : text[rest] == '-' ? seconds + offset : -1;
}

std::string render_columns(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string text;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 3, ' ');
    }
    text += line + "\n";
  }
  return text;
}

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
