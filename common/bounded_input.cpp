#include "common/bounded_input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file_io.h"
#include "common/unique_fd.h"

namespace isobench {
namespace {

const char* file_type_name(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

Error too_large(const std::string& name, const JsonLimits& limits) {
  return plain_error(name + ": larger than the " + size_text(limits.max_bytes) + " limit of a " + limits.kind);
}

template <typename Json>
Result<Json> parse_limited(std::string_view text, const std::string& name, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) return too_large(name, limits);
  if (size_t at = json_depth_violation(text, limits.max_depth); at != std::string_view::npos)
    return plain_error(name + ": nested deeper than " + std::to_string(limits.max_depth) + " levels at byte " +
                       std::to_string(at + 1) + " (the limit of a " + limits.kind + ")");
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& error) {
    // Not error.what(): it quotes the last token read, which can be the whole input.
    return plain_error(name + ": not valid JSON (truncated?) at byte " + std::to_string(error.byte));
  } catch (const nlohmann::json::exception&) {
    return plain_error(name + ": not valid JSON (a number or string it cannot hold)");
  }
}

}  // namespace

std::string excerpt(std::string_view text, size_t max_chars) {
  if (text.size() <= max_chars) return std::string(text);
  size_t cut = max_chars;
  // Never split a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "... (" + std::to_string(text.size()) + " bytes)";
}

std::string size_text(size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= (1u << 10) && bytes % (1u << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

size_t json_depth_violation(std::string_view text, size_t max_depth) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;  // the escaped character, a quote included
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

Result<nlohmann::json> parse_json_text(std::string_view text, const std::string& name, const JsonLimits& limits) {
  return parse_limited<nlohmann::json>(text, name, limits);
}

Result<nlohmann::ordered_json> parse_ordered_json_text(std::string_view text, const std::string& name,
                                                       const JsonLimits& limits) {
  return parse_limited<nlohmann::ordered_json>(text, name, limits);
}

Result<std::string> read_bounded_file(const std::string& path, size_t max_bytes, const char* kind) {
  // O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (!fd) return errno_error(path + ": cannot read");
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return errno_error(path + ": cannot read");
  if (!S_ISREG(info.st_mode))
    return plain_error(path + ": " + file_type_name(info.st_mode) + ", not a regular file: a " + kind +
                       " must be a regular file");
  JsonLimits limits{kind, max_bytes};
  if (static_cast<uint64_t>(info.st_size) > max_bytes) return too_large(path, limits);
  std::string text;
  char buffer[65536];
  // Files in /proc and /sys say size 0: the limit holds while reading too.
  while (text.size() <= max_bytes) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error(path + ": cannot read");
    }
    if (n == 0) return text;
    text.append(buffer, static_cast<size_t>(n));
  }
  return too_large(path, limits);
}

Result<nlohmann::json> read_json_file(const std::string& path, const JsonLimits& limits) {
  auto text = read_bounded_file(path, limits.max_bytes, limits.kind);
  if (!text) return text.error();
  return parse_json_text(*text, path, limits);
}

Status check_output_path(const std::string& path, const std::string& option) {
  const std::string named = option + " " + excerpt(path, 200);
  if (path.empty()) return plain_error(option + ": an empty path");
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) {
    // A terminal, /dev/null or a pipe (/dev/stdout) is written in place.
    if (S_ISCHR(info.st_mode) || S_ISFIFO(info.st_mode)) return {};
    if (!S_ISREG(info.st_mode)) return plain_error(named + ": " + file_type_name(info.st_mode) + ", not a file");
  }
  // replace_file writes a temporary file beside the path and renames it: try the first half.
  std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  UniqueFd probe(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!probe) {
    size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    return errno_error(named + ": cannot write there (no file can be created in " + excerpt(dir, 200) + ")");
  }
  probe.reset();
  ::unlink(temporary.c_str());
  return {};
}

Status write_output_file(const std::string& path, const std::string& text) {
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && (S_ISCHR(info.st_mode) || S_ISFIFO(info.st_mode)))
    return write_regular_file(path, text);
  return replace_file(path, text);
}

}  // namespace isobench
