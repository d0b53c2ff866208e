// Reading a layer: one pass over the stream that both hashes the uncompressed tar (the
// diff_id) and applies its entries. Two libarchive readers are chained: the outer one only
// decompresses (format "raw": its single entry's data is the decompressed stream), and every
// block it yields is hashed and handed to the inner one, which parses tar with no filter of
// its own. The stream is read to its very end, trailing padding included, so the diff_id is
// what `sha256sum` of the decompressed file says.
#include "runner/image/layer_unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>

#include <cerrno>
#include <memory>

#include "common/unique_fd.h"
#include "runner/image/layer_entry_apply.h"

namespace isobench::runner::image {
namespace {

struct ReaderFree {
  void operator()(archive* reader) const { archive_read_free(reader); }
};
using Reader = std::unique_ptr<archive, ReaderFree>;

/// The decompressed bytes on their way from the outer reader to the inner one.
struct DecompressedStream {
  archive* outer = nullptr;
  Sha256 hasher;
  std::string error;  ///< the outer reader's error: the inner one only learns that a read failed
  bool ended = false;
};

/// The next decompressed block, hashed; 0 at the end, -1 on an error (kept in stream.error).
la_ssize_t next_block(DecompressedStream& stream, const void** buffer) {
  while (!stream.ended) {
    size_t size = 0;
    la_int64_t offset = 0;
    const int rc = archive_read_data_block(stream.outer, buffer, &size, &offset);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      const char* why = archive_error_string(stream.outer);
      stream.error = why != nullptr ? why : "the layer stream could not be read";
      return -1;
    }
    if (size == 0) continue;
    stream.hasher.update(*buffer, size);
    return static_cast<la_ssize_t>(size);
  }
  stream.ended = true;
  return 0;
}

la_ssize_t feed_inner(archive* inner, void* opaque, const void** buffer) {
  auto& stream = *static_cast<DecompressedStream*>(opaque);
  const la_ssize_t size = next_block(stream, buffer);
  if (size < 0) archive_set_error(inner, EIO, "%s", stream.error.c_str());
  return size;
}

/// Asked of a throwaway reader: on one without it, asking registers the external program.
bool zstd_built_in() {
  static const bool built_in = [] {
    Reader probe(archive_read_new());
    return probe && archive_read_support_filter_zstd(probe.get()) == ARCHIVE_OK;
  }();
  return built_in;
}

/// gzip and zstd, built into libarchive (ARCHIVE_OK). ARCHIVE_WARN would mean "through an
/// external program", which a root process must not start on untrusted input; the other
/// filters (lrzip, lzop, ...) are not enabled at all for the same reason. Layers are
/// tar, tar+gzip or tar+zstd (OCI image spec, "Image Layer Filesystem Changeset").
Result<Reader> open_decompressor(int fd, DecompressedStream& stream) {
  Reader outer(archive_read_new());
  if (!outer) return plain_error("libarchive: out of memory");
  if (archive_read_support_filter_gzip(outer.get()) != ARCHIVE_OK) {
    return plain_error("this libarchive has no built-in gzip (zlib) support");
  }
  if (zstd_built_in()) archive_read_support_filter_zstd(outer.get());
  archive_read_support_format_raw(outer.get());
  if (archive_read_open_fd(outer.get(), fd, 1 << 16) != ARCHIVE_OK) {
    return plain_error(std::string("reading the layer stream: ") + archive_error_string(outer.get()));
  }
  archive_entry* whole = nullptr;
  if (archive_read_next_header(outer.get(), &whole) != ARCHIVE_OK) {
    const char* why = archive_error_string(outer.get());
    return plain_error(std::string("reading the layer stream: ") + (why != nullptr ? why : "it is empty"));
  }
  stream.outer = outer.get();
  return outer;
}

Result<Reader> open_tar(DecompressedStream& stream) {
  Reader inner(archive_read_new());
  if (!inner) return plain_error("libarchive: out of memory");
  archive_read_support_format_tar(inner.get());  // ustar, pax and GNU tar alike
  // No skip callback: data the tar reader skips (an entry it does not apply, padding) is
  // still read through feed_inner, and so hashed.
  if (archive_read_open(inner.get(), &stream, nullptr, feed_inner, nullptr) != ARCHIVE_OK) {
    const char* why = archive_error_string(inner.get());
    const char* hint = zstd_built_in() ? "" : " (this libarchive has no built-in zstd)";
    return plain_error(std::string("the layer is not a tar stream (plain, gzip or zstd): ") +
                       (why != nullptr ? why : "unrecognised format") + hint);
  }
  return inner;
}

Error stream_error(archive* inner, const std::string& last_entry) {
  const char* why = archive_error_string(inner);
  const std::string where = last_entry.empty() ? "at its start" : "after entry '" + last_entry + "'";
  return plain_error("reading the layer " + where + ": " + (why != nullptr ? why : "unreadable"));
}

/// Every entry of the tar stream, applied in order; returns how many there were.
Result<uint64_t> apply_entries(archive* inner, detail::LayerWriter& writer, const UnpackOptions& options) {
  uint64_t entries = 0;
  std::string last_entry;
  for (;;) {
    archive_entry* entry = nullptr;
    const int rc = archive_read_next_header(inner, &entry);
    if (rc == ARCHIVE_EOF) return entries;
    // ARCHIVE_WARN (a malformed pax attribute, an unconvertible name) keeps the entry readable.
    if (rc < ARCHIVE_WARN) return stream_error(inner, last_entry);
    const char* name = archive_entry_pathname(entry);
    last_entry = name != nullptr ? name : "";
    if (++entries > options.max_entries) {
      return plain_error("the layer has more than " + std::to_string(options.max_entries) +
                         " entries (refused at entry '" + last_entry + "')");
    }
    ISOBENCH_TRY(writer.apply(inner, entry));
  }
}

}  // namespace

Result<UnpackedLayer> unpack_layer_from_fd(int fd, const std::string& layer_dir, const UnpackOptions& options) {
  auto writer = detail::LayerWriter::open(layer_dir, options);
  if (!writer) return writer.error();
  DecompressedStream stream;
  auto outer = open_decompressor(fd, stream);  // outlives the inner reader, which pulls from it
  if (!outer) return outer.error();
  auto inner = open_tar(stream);
  if (!inner) return inner.error();
  auto entries = apply_entries(inner->get(), **writer, options);
  if (!entries) return entries.error();
  const void* rest = nullptr;
  while (next_block(stream, &rest) > 0) {
  }
  if (!stream.error.empty()) return plain_error("reading the layer's end: " + stream.error);
  ISOBENCH_TRY((*writer)->finish());
  return UnpackedLayer{stream.hasher.finish(), *entries, (*writer)->size_bytes()};
}

Result<UnpackedLayer> unpack_layer(const std::string& archive_path, const std::string& layer_dir,
                                   const UnpackOptions& options) {
  UniqueFd fd(open(archive_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return errno_error("opening layer " + archive_path);
  auto layer = unpack_layer_from_fd(fd.get(), layer_dir, options);
  if (!layer) return Error{layer.error().errno_value, archive_path + ": " + layer.error().message};
  return layer;
}

}  // namespace isobench::runner::image
