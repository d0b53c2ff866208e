#include "runner/vm/vm_assets.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "common/subprocess.h"
#include "common/system.h"
#include "common/unique_fd.h"

namespace isobench::runner {
namespace fs = std::filesystem;

namespace {

struct Fnv {
  uint64_t state = 1469598103934665603ULL;
  void add(const void* data, size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) state = (state ^ bytes[i]) * 1099511628211ULL;
  }
  void add(const std::string& text) { add(text.data(), text.size() + 1); }
};

bool add_file(Fnv& hash, const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) hash.add(buffer, static_cast<size_t>(in.gcount()));
  return true;
}

/// Keeps the `keep` most recently written initramfs images in `cache`; each is some 10 MiB
/// and a changed image or guest init makes a new one.
void evict_old_initramfs(const std::string& cache, size_t keep) {
  std::vector<std::pair<fs::file_time_type, fs::path>> images;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(cache, error)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("initramfs-", 0) == 0 && name.ends_with(".cpio"))
      images.emplace_back(entry.last_write_time(error), entry.path());
  }
  if (images.size() <= keep) return;
  std::sort(images.begin(), images.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = keep; i < images.size(); ++i) fs::remove(images[i].second, error);
}

}  // namespace

Result<std::string> find_qemu() {
  // A QEMU of one's own (a newer build, a wrapper script) instead of Debian's.
  if (const char* chosen = std::getenv("ISOBENCH_QEMU"); chosen && *chosen) {
    if (access(chosen, X_OK) != 0) return errno_error(std::string("ISOBENCH_QEMU=") + chosen + " is not executable");
    return std::string(chosen);
  }
  for (const char* path : {"/usr/bin/qemu-system-x86_64", "/usr/local/bin/qemu-system-x86_64"})
    if (access(path, X_OK) == 0) return std::string(path);
  return plain_error("qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)");
}

KernelFormat kernel_format(std::string_view header) {
  auto byte = [&](size_t at) { return static_cast<unsigned char>(header[at]); };
  if (header.size() >= 0x206 && byte(0x1FE) == 0x55 && byte(0x1FF) == 0xAA && header.substr(0x202, 4) == "HdrS")
    return KernelFormat::kBzImage;
  // e_machine (little-endian, at 18): EM_X86_64 (62) or EM_386 (3).
  if (header.size() >= 20 && header.substr(0, 4) == "\177ELF" && byte(19) == 0 && (byte(18) == 62 || byte(18) == 3))
    return KernelFormat::kElf;
  return KernelFormat::kUnknown;
}

Status check_kernel_image(const std::string& path, const std::string& option) {
  const std::string named = option + " " + path;
  // O_NONBLOCK: a FIFO must not hang the check.
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (!fd) return errno_error(named);
  struct stat info {};
  if (fstat(fd.get(), &info) != 0) return errno_error(named);
  if (!S_ISREG(info.st_mode)) return plain_error(named + ": not a regular file, so not a kernel image");
  char header[1024];
  ssize_t n = pread(fd.get(), header, sizeof header, 0);
  if (n < 0) return errno_error(named + ": cannot read");
  if (kernel_format(std::string_view(header, static_cast<size_t>(n))) == KernelFormat::kUnknown)
    return plain_error(named +
                       ": not a Linux kernel image (neither an x86 bzImage nor an x86 ELF kernel); Debian's "
                       "linux-image-cloud-amd64 puts one in /boot/vmlinuz-*");
  return {};
}

Result<std::string> find_guest_kernel(const std::string& requested) {
  if (!requested.empty()) {
    ISOBENCH_TRY(check_kernel_image(requested, "--kernel"));
    return requested;
  }
  std::vector<std::string> cloud, any;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/boot", error)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("vmlinuz-", 0) != 0) continue;
    (name.find("cloud") != std::string::npos ? cloud : any).push_back(entry.path().string());
  }
  auto& pick = cloud.empty() ? any : cloud;
  if (pick.empty())
    return plain_error("no guest kernel in /boot (apt-get install linux-image-cloud-amd64, or pass --kernel FILE)");
  std::sort(pick.begin(), pick.end());
  return pick.back();
}

Result<std::string> cache_directory() {
  std::string dir;
  if (geteuid() == 0) {
    dir = "/var/cache/isobench";
  } else if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    dir = std::string(xdg) + "/isobench";
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    dir = std::string(home) + "/.cache/isobench";
  } else {
    return plain_error("no cache directory: set HOME or XDG_CACHE_HOME");
  }
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return Error{error.value(), "cannot create cache directory " + dir};
  return dir;
}

Result<std::string> content_hash(const std::string& rootfs, const std::string& init) {
  Fnv hash;
  std::vector<fs::path> paths;
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(rootfs, error); !error && it != fs::recursive_directory_iterator();
       it.increment(error))
    paths.push_back(it->path());
  if (error) return Error{error.value(), "cannot read image " + rootfs};
  std::sort(paths.begin(), paths.end());
  for (const fs::path& path : paths) {
    struct stat info;
    if (lstat(path.c_str(), &info) != 0) continue;
    hash.add(path.lexically_relative(rootfs).string());
    hash.add(&info.st_mode, sizeof info.st_mode);
    if (S_ISLNK(info.st_mode)) hash.add(fs::read_symlink(path, error).string());
    if (S_ISREG(info.st_mode) && !add_file(hash, path)) return errno_error("cannot read " + path.string());
  }
  hash.add("/init");
  if (!add_file(hash, init)) return errno_error("cannot read guest init " + init);
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash.state));
  return std::string(text);
}

Result<std::string> sibling_executable(const std::string& name) {
  auto self = own_executable();
  if (!self) return self.error();
  // The build tree keeps every executable side by side; an installed prefix keeps the helpers
  // in <prefix>/libexec/isobench, beside <prefix>/bin (the install rules of CMakeLists.txt).
  fs::path dir = fs::path(*self).parent_path();
  for (const fs::path& path : {dir / name, dir / "../libexec/isobench" / name})
    if (access(path.c_str(), X_OK) == 0) return path.lexically_normal().string();
  return errno_error(name + " (expected next to the isobench executable or in ../libexec/isobench)");
}

Result<std::string> cached_initramfs(const std::string& rootfs, const std::string& init, const std::string& cache) {
  auto hash = content_hash(rootfs, init);
  if (!hash) return hash.error();
  std::string path = cache + "/initramfs-" + *hash + ".cpio";
  if (access(path.c_str(), R_OK) == 0) return path;
  auto builder = sibling_executable("initramfs_builder");
  if (!builder) return builder.error();
  std::string temporary = path + ".tmp-" + std::to_string(getpid());
  CommandOptions inherit;
  inherit.output = CommandOptions::Output::kInherit;
  auto built = run_command({*builder, temporary, rootfs, init}, inherit);
  if (!built) return built.error();
  if (!built->status.succeeded()) {
    unlink(temporary.c_str());
    return plain_error("building the initramfs of " + rootfs + " failed");
  }
  if (rename(temporary.c_str(), path.c_str()) != 0) {
    unlink(temporary.c_str());
    return errno_error("cannot store " + path);
  }
  evict_old_initramfs(cache, 4);
  return path;
}

}  // namespace isobench::runner
