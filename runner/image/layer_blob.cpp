#include "runner/image/layer_blob.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "common/unique_fd.h"

namespace isobench::runner::image {

namespace {

constexpr size_t kChunk = 1 << 16;

/// The output file, hashed as it is written.
struct HashedOutput {
  UniqueFd fd;
  std::string path;
  Sha256 hasher;
  uint64_t size = 0;
  std::string error;

  Status write(const void* data, size_t size_bytes) {
    const char* bytes = static_cast<const char*>(data);
    for (size_t done = 0; done < size_bytes;) {
      const ssize_t written = ::write(fd.get(), bytes + done, size_bytes - done);
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) return errno_error("cannot write " + path);
      done += static_cast<size_t>(written);
    }
    hasher.update(data, size_bytes);
    size += size_bytes;
    return {};
  }
};

/// The input with its first bytes already read (to look at the magic number) put back in front.
struct PeekedInput {
  int fd = -1;
  std::vector<char> head;
  bool head_given = false;
  std::vector<char> buffer = std::vector<char>(kChunk);
};

Result<size_t> read_some(int fd, char* buffer, size_t size) {
  for (;;) {
    const ssize_t got = ::read(fd, buffer, size);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno != EINTR) return errno_error("cannot read the tarball");
  }
}

la_ssize_t read_peeked(archive* reader, void* opaque, const void** buffer) {
  auto& input = *static_cast<PeekedInput*>(opaque);
  if (!input.head_given) {
    input.head_given = true;
    *buffer = input.head.data();
    return static_cast<la_ssize_t>(input.head.size());
  }
  auto got = read_some(input.fd, input.buffer.data(), input.buffer.size());
  if (!got) {
    archive_set_error(reader, got.error().errno_value, "%s", got.error().text().c_str());
    return -1;
  }
  *buffer = input.buffer.data();
  return static_cast<la_ssize_t>(*got);
}

la_ssize_t write_hashed(archive* writer, void* opaque, const void* data, size_t size) {
  auto& output = *static_cast<HashedOutput*>(opaque);
  Status written = output.write(data, size);
  if (written) return static_cast<la_ssize_t>(size);
  output.error = written.error().text();
  archive_set_error(writer, EIO, "%s", output.error.c_str());
  return -1;
}

struct ReadFree {
  void operator()(archive* handle) const { archive_read_free(handle); }
};
struct WriteFree {
  void operator()(archive* handle) const { archive_write_free(handle); }
};

Status copy_verbatim(PeekedInput& input, HashedOutput& output) {
  ISOBENCH_TRY(output.write(input.head.data(), input.head.size()));
  for (;;) {
    auto got = read_some(input.fd, input.buffer.data(), input.buffer.size());
    if (!got) return got.error();
    if (*got == 0) return {};
    ISOBENCH_TRY(output.write(input.buffer.data(), *got));
  }
}

/// The decompressed input (plain passes through; zstd decompressed), as one raw entry.
Result<std::unique_ptr<archive, ReadFree>> open_decompressed(PeekedInput& input) {
  std::unique_ptr<archive, ReadFree> reader(archive_read_new());
  if (!reader) return plain_error("libarchive: out of memory");
  // Built-in zstd only (ARCHIVE_OK): an external program must not run on untrusted input.
  archive_read_support_filter_zstd(reader.get());
  archive_read_support_filter_none(reader.get());
  archive_read_support_format_raw(reader.get());
  archive_read_support_format_empty(reader.get());
  if (archive_read_open(reader.get(), &input, nullptr, read_peeked, nullptr) != ARCHIVE_OK) {
    return plain_error(std::string("reading the tarball: ") + archive_error_string(reader.get()));
  }
  archive_entry* whole = nullptr;
  if (archive_read_next_header(reader.get(), &whole) != ARCHIVE_OK) return plain_error("the tarball is empty");
  return reader;
}

Result<std::unique_ptr<archive, WriteFree>> open_gzip_writer(HashedOutput& output) {
  std::unique_ptr<archive, WriteFree> writer(archive_write_new());
  if (!writer) return plain_error("libarchive: out of memory");
  archive_write_add_filter_gzip(writer.get());
  archive_write_set_format_raw(writer.get());
  // No timestamp in the gzip header: the same tarball makes the same blob. No padding of the
  // last block: bytes after the gzip stream would be trailing garbage.
  archive_write_set_options(writer.get(), "gzip:!timestamp");
  archive_write_set_bytes_in_last_block(writer.get(), 1);
  if (archive_write_open2(writer.get(), &output, nullptr, write_hashed, nullptr, nullptr) != ARCHIVE_OK) {
    return plain_error(std::string("starting the gzip layer: ") + archive_error_string(writer.get()));
  }
  std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(), archive_entry_free);
  archive_entry_set_pathname(entry.get(), "layer.tar");
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK) {
    return plain_error(std::string("starting the gzip layer: ") + archive_error_string(writer.get()));
  }
  return writer;
}

Status compress(PeekedInput& input, HashedOutput& output) {
  auto reader = open_decompressed(input);
  if (!reader) return reader.error();
  auto writer = open_gzip_writer(output);
  if (!writer) return writer.error();
  std::vector<char> block(kChunk);
  for (;;) {
    const la_ssize_t got = archive_read_data(reader->get(), block.data(), block.size());
    if (got < 0) return plain_error(std::string("reading the tarball: ") + archive_error_string(reader->get()));
    if (got == 0) break;
    if (archive_write_data(writer->get(), block.data(), static_cast<size_t>(got)) != got) {
      return plain_error(std::string("writing the gzip layer: ") + archive_error_string(writer->get()));
    }
  }
  if (archive_write_close(writer->get()) != ARCHIVE_OK) {
    return plain_error(std::string("writing the gzip layer: ") + archive_error_string(writer->get()));
  }
  return {};
}

bool is_gzip(const std::vector<char>& head) {
  return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b;
}

}  // namespace

Result<LayerBlob> write_gzip_layer_blob(int input_fd, const std::string& path) {
  HashedOutput output;
  output.path = path;
  output.fd.reset(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!output.fd) return errno_error("cannot create " + path);
  PeekedInput input;
  input.fd = input_fd;
  input.head.resize(kChunk);
  size_t have = 0;
  // A pipe may deliver the magic number in pieces: read until a few bytes or the end.
  while (have < 4) {
    auto got = read_some(input_fd, input.head.data() + have, input.head.size() - have);
    if (!got) return got.error();
    if (*got == 0) break;
    have += *got;
  }
  input.head.resize(have);
  if (have == 0) return plain_error("the tarball is empty");
  ISOBENCH_TRY(is_gzip(input.head) ? copy_verbatim(input, output) : compress(input, output));
  if (::fsync(output.fd.get()) != 0) return errno_error("cannot flush " + path);
  return LayerBlob{output.hasher.finish(), output.size};
}

}  // namespace isobench::runner::image
