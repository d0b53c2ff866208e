#include "common/text.h"

#include "common/file_io.h"

namespace isobench {

std::vector<std::string> split_list(std::string_view text, char separator) {
  std::vector<std::string> items;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    items.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return items;
    start = end + 1;
  }
}

std::vector<std::string> split_trimmed_list(std::string_view text, char separator) {
  std::vector<std::string> items;
  for (std::string& item : split_list(text, separator))
    if (std::string trimmed = trim(std::move(item)); !trimmed.empty()) items.push_back(std::move(trimmed));
  return items;
}

}  // namespace isobench
