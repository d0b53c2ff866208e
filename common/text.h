// Separated lists as people type them on command lines and kernels print them in files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace isobench {

/// The items of a list separated by `separator`, in order. Every separator ends an item, so
/// "a,,b" has an empty middle item, "a," an empty last one and "" is one empty item: each
/// caller decides what an empty item means (most reject it, naming the list).
std::vector<std::string> split_list(std::string_view text, char separator);

/// The non-empty items of `text`, each trimmed of ASCII whitespace: for lists where a stray
/// space or separator must not change the meaning ("bpf, ringbuf", "0-1,").
std::vector<std::string> split_trimmed_list(std::string_view text, char separator);

/// `items` with `separator` between each two; "" for no items.
template <typename Range>
std::string join(const Range& items, std::string_view separator) {
  std::string text;
  bool first = true;
  for (const auto& item : items) {
    if (!first) text += separator;
    text += item;
    first = false;
  }
  return text;
}

}  // namespace isobench
