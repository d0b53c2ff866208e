// What a microVM needs from the host: QEMU, a guest kernel, and the initramfs built from an
// image plus isobench's guest init (cached by content hash).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace isobench::runner {

/// $ISOBENCH_QEMU when set (it must be executable), else qemu-system-x86_64 from /usr/bin or
/// /usr/local/bin, else an error naming the Debian package.
Result<std::string> find_qemu();

/// `requested` when given (it must be a kernel image, see check_kernel_image), else the
/// newest /boot/vmlinuz-*-cloud-amd64, else any /boot/vmlinuz-*; an error naming
/// linux-image-cloud-amd64 when there is none.
Result<std::string> find_guest_kernel(const std::string& requested);

enum class KernelFormat { kBzImage, kElf, kUnknown };

/// What the first bytes of a file say it is: an x86 bzImage (the boot flag 0xAA55 at 0x1FE
/// and "HdrS" at 0x202, the Linux boot protocol's setup header) or an x86 ELF executable
/// (a vmlinux with a PVH note, or a multiboot kernel). Pure.
KernelFormat kernel_format(std::string_view header);

/// `path` is a regular file QEMU can take as -kernel: a bzImage or an x86 ELF kernel.
/// Checked before a boot, so that a wrong file is an error naming it, never a failed boot
/// (whose verdict about KVM would mean nothing). `option` prefixes the message.
Status check_kernel_image(const std::string& path, const std::string& option);

/// Where isobench keeps initramfs images and probe verdicts: /var/cache/isobench for root,
/// $XDG_CACHE_HOME/isobench or ~/.cache/isobench otherwise. Created on demand.
Result<std::string> cache_directory();

/// A 16-hex-digit FNV-1a hash over every path, mode, symlink target and file content under
/// `rootfs`, and over `init`: equal images give equal hashes.
Result<std::string> content_hash(const std::string& rootfs, const std::string& init);

/// CACHE/initramfs-<hash>.cpio, built by the initramfs_builder tool (next to the isobench
/// executable) when missing. Concurrent builders write a temporary file and rename it.
Result<std::string> cached_initramfs(const std::string& rootfs, const std::string& init, const std::string& cache);

/// An executable shipped with isobench (the guest init, initramfs_builder, isobench itself):
/// next to the running executable, or in ../libexec/isobench from an installed bin/.
Result<std::string> sibling_executable(const std::string& name);

}  // namespace isobench::runner
