// What the image-verb tests (image_pull_test, image_bad_input_test) stand on: a store of the
// test's own ($ISOBENCH_STORE in a temporary directory, never the host's), an environment
// with no credentials, CAs or Docker config from the host, the layered test image pushed to
// a LocalRegistry, and a look at the store's files made without isobench, so that "nothing
// was left behind" is checked on disk rather than through isobench's own eyes.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/isobench_fixture.h"
#include "tests/integration/local_registry.h"
#include "tests/integration/test_images.h"

namespace isobench::integration {

/// A pull of the small test images from loopback takes a second or two; generous for a
/// loaded machine, short enough that a hang fails the test.
constexpr std::chrono::milliseconds kPullDeadline = 90s;

/// What a store holds on disk.
struct StoreFiles {
  Json index;                       ///< index.json; null when there is none
  std::vector<std::string> tmp;     ///< names in tmp/ (work areas and their locks)
  std::vector<std::string> layers;  ///< names in layers/sha256/
  std::vector<std::string> blobs;   ///< names in blobs/sha256/

  size_t image_count() const;
  size_t tag_count() const;
};

StoreFiles read_store_files(const std::string& root);

/// Names in ROOT/layers/sha256/ that are not a complete layer (a 64-digit hex name holding
/// diff/ and size): a half-moved layer a crash or an error left behind.
std::vector<std::string> incomplete_layers(const std::string& root);

/// The names in `directory`, sorted; none when it does not exist.
std::vector<std::string> directory_names(const std::string& directory);

/// Standard base64 with padding: how an auth file and a Basic Authorization header carry
/// "user:password".
std::string base64(const std::string& bytes);

/// "a, b, c", for failure messages.
std::string joined(const std::vector<std::string>& names);

class ImageStoreTest : public IsobenchTest {
 protected:
  void SetUp() override;

  /// ROOT of this test's store (not created until isobench creates it).
  const std::string& store() const { return store_; }

  /// `isobench ARGS...` with this test's environment; each of `env` ("NAME=value") is set
  /// on top of it (and wins over it).
  ProcessResult isobench(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                         std::chrono::milliseconds deadline = kPullDeadline) const;
  /// The same, started without waiting (its pid is isobench-image's: isobench execs it).
  Result<ChildProcess> start_isobench(const std::vector<std::string>& args,
                                      const std::vector<std::string>& env = {}) const;

  /// `isobench images ARGS...` without the built-in image's row (which every listing ends
  /// with; in --json, its object), so tests see what the store holds.
  ProcessResult images(const std::vector<std::string>& args = {}) const;

  std::unique_ptr<LocalRegistry> start_registry(const RegistryOptions& options = {}) const;

  /// The layered image (test_images.h), built once per test, as "oci:LAYOUT:layered".
  std::string layered_image();
  /// Builds the layered image and pushes it to `registry` as REPO_TAG.
  void push_layered(const LocalRegistry& registry, const std::string& repo_tag);

  /// "HOST/REPO_TAG": what `isobench pull` takes for REPO_TAG in `registry`.
  static std::string name_in(const LocalRegistry& registry, const std::string& repo_tag);

  /// Fails the test (non-fatally, explained by `what`) unless the store shows no image, no
  /// work in progress and no half-made layer: what every failed pull must leave.
  void expect_no_image_left(const std::string& what) const;

  TemporaryDirectory scratch_;  ///< image building
  TemporaryDirectory home_;     ///< the store and an empty HOME, auth file, DOCKER_CONFIG, certs dir

 private:
  std::string store_;
  std::string layered_;
};

}  // namespace isobench::integration
