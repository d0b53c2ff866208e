// A layer blob from a tarball of unknown compression: what `import` stores. A gzip stream is
// kept byte for byte; a plain or zstd one is gzip-compressed here (libarchive's writer), so
// every imported layer is tar+gzip, the media type every registry and runtime takes.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "runner/image/digest.h"

namespace isobench::runner::image {

struct LayerBlob {
  Digest digest;      ///< sha256 of the bytes written: the manifest's layer digest
  uint64_t size = 0;  ///< bytes written
};

/// Reads `input_fd` (a file or a pipe) to its end and writes a gzip stream of it to `path`
/// (created, mode 0600). Whether the input is a tar is for the unpacker to judge; a zstd
/// stream that does not decompress is an error here.
Result<LayerBlob> write_gzip_layer_blob(int input_fd, const std::string& path);

}  // namespace isobench::runner::image
