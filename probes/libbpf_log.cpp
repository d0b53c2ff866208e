#include "probes/libbpf_log.h"

#include <bpf/libbpf.h>
#include <spdlog/spdlog.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>

namespace isobench::probes {
namespace {

spdlog::level::level_enum level_of(libbpf_print_level level, bool verbose) {
  if (level == LIBBPF_DEBUG) return spdlog::level::trace;
  return verbose ? spdlog::level::warn : spdlog::level::debug;
}

/// Set once, before the callback is installed.
bool verbose_bpf_log = false;

int print_to_spdlog(libbpf_print_level level, const char* format, va_list arguments) {
  const spdlog::level::level_enum target = level_of(level, verbose_bpf_log);
  if (!spdlog::should_log(target)) return 0;
  // The verifier's log comes as one message of many lines: measured first, then formatted.
  va_list copy;
  va_copy(copy, arguments);
  int length = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (length < 0) return 0;
  std::string line(static_cast<size_t>(length) + 1, '\0');
  std::vsnprintf(line.data(), line.size(), format, arguments);
  std::string_view text(line.data(), static_cast<size_t>(length));
  // libbpf ends its messages with a newline; spdlog adds its own.
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  spdlog::log(target, "{}", text);  // libbpf names itself
  return length;
}

}  // namespace

void route_libbpf_messages_to_spdlog() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    verbose_bpf_log = std::getenv("ISOBENCH_BPF_VERBOSE") != nullptr;
    libbpf_set_print(print_to_spdlog);
  });
}

}  // namespace isobench::probes
