#include "tests/integration/image_store_fixture.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "common/file_io.h"
#include "common/system.h"

namespace isobench::integration {
namespace fs = std::filesystem;

namespace {

/// "" when every tool the image tests use is installed, else what to install.
std::string missing_tools() {
  const std::vector<std::pair<std::string, std::string>> tools = {{"docker-registry", "docker-registry"},
                                                                   {"curl", "curl"},
                                                                   {"htpasswd", "apache2-utils"},
                                                                   {"openssl", "openssl"},
                                                                   {"umoci", "umoci"},
                                                                   {"skopeo", "skopeo"}};
  std::string missing;
  for (const auto& [program, package] : tools)
    if (find_program(program).empty()) missing += program + " missing: install " + package + "; ";
  if (access("/bin/busybox", X_OK) != 0) missing += "/bin/busybox missing: install busybox-static; ";
  return missing;
}

bool is_hex_name(const std::string& name) {
  return name.size() == 64 && name.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

size_t StoreFiles::image_count() const {
  return index.is_object() && index.contains("images") ? index["images"].size() : 0;
}

size_t StoreFiles::tag_count() const { return index.is_object() && index.contains("tags") ? index["tags"].size() : 0; }

std::vector<std::string> directory_names(const std::string& directory) {
  std::vector<std::string> names;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory, error))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "(none)" : text;
}

StoreFiles read_store_files(const std::string& root) {
  StoreFiles files;
  if (auto text = read_file(root + "/index.json")) files.index = parse_json(*text);
  files.tmp = directory_names(root + "/tmp");
  files.layers = directory_names(root + "/layers/sha256");
  files.blobs = directory_names(root + "/blobs/sha256");
  return files;
}

std::vector<std::string> incomplete_layers(const std::string& root) {
  std::vector<std::string> incomplete;
  const std::string layers = root + "/layers/sha256/";
  for (const std::string& name : directory_names(layers)) {
    std::error_code error;
    const bool complete = is_hex_name(name) && fs::is_directory(layers + name + "/diff", error) &&
                          fs::is_regular_file(layers + name + "/size", error);
    if (!complete) incomplete.push_back(name);
  }
  return incomplete;
}

void ImageStoreTest::SetUp() {
  IsobenchTest::SetUp();
  if (IsSkipped()) return;
  if (const std::string missing = missing_tools(); !missing.empty()) GTEST_SKIP() << missing;
  ASSERT_FALSE(scratch_.path().empty() || home_.path().empty()) << "cannot make temporary directories";
  store_ = home_.path() + "/store";
}

ProcessResult ImageStoreTest::isobench(const std::vector<std::string>& args, const std::vector<std::string>& env,
                                       std::chrono::milliseconds deadline) const {
  auto child = start_isobench(args, env);
  if (!child) return ProcessResult{-1, 0, false, "", child.error().text()};
  return child->wait(deadline);
}

Result<ChildProcess> ImageStoreTest::start_isobench(const std::vector<std::string>& args,
                                                    const std::vector<std::string>& env) const {
  // env(1) sets each NAME=value in order, so the test's own settings come last and win.
  const std::string& home = home_.path();
  std::vector<std::string> argv = {"/usr/bin/env",
                                   "ISOBENCH_STORE=" + store_,
                                   "HOME=" + home,
                                   "XDG_CONFIG_HOME=" + home + "/config",
                                   "ISOBENCH_AUTH_FILE=" + home + "/no-auth.json",
                                   "DOCKER_CONFIG=" + home + "/no-docker-config",
                                   "ISOBENCH_CERTS_DIR=" + home + "/no-certs",
                                   "ISOBENCH_INSECURE_REGISTRIES="};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back(ISOBENCH_EXE);
  argv.insert(argv.end(), args.begin(), args.end());
  return ChildProcess::start(argv);
}

std::unique_ptr<LocalRegistry> ImageStoreTest::start_registry(const RegistryOptions& options) const {
  auto registry = LocalRegistry::start(options);
  EXPECT_TRUE(registry.ok()) << registry.error().text();
  return registry ? std::move(*registry) : nullptr;
}

std::string ImageStoreTest::layered_image() {
  if (layered_.empty()) {
    auto image = build_layered_busybox_image(scratch_.path());
    EXPECT_TRUE(image.ok()) << image.error().text();
    if (image) layered_ = *image;
  }
  return layered_;
}

void ImageStoreTest::push_layered(const LocalRegistry& registry, const std::string& repo_tag) {
  const std::string image = layered_image();
  ASSERT_FALSE(image.empty());
  Status pushed = push_with_skopeo(image, repo_tag, registry);
  ASSERT_TRUE(pushed.ok()) << pushed.error().text();
}

std::string ImageStoreTest::name_in(const LocalRegistry& registry, const std::string& repo_tag) {
  return registry.host() + "/" + repo_tag;
}

void ImageStoreTest::expect_no_image_left(const std::string& what) const {
  const StoreFiles files = read_store_files(store_);
  EXPECT_EQ(files.image_count(), 0u) << what << ": the index lists an image: " << files.index.dump();
  EXPECT_EQ(files.tag_count(), 0u) << what << ": the index lists a name: " << files.index.dump();
  EXPECT_TRUE(files.tmp.empty()) << what << ": tmp/ still holds " << joined(files.tmp);
  const std::vector<std::string> half_made = incomplete_layers(store_);
  EXPECT_TRUE(half_made.empty()) << what << ": layers/sha256/ holds incomplete entries " << joined(half_made);
  ProcessResult listed = images({"-q"});
  EXPECT_EQ(listed.exit_code, 0) << listed;
  EXPECT_EQ(listed.out, "") << what << ": `images -q` lists something";
}

std::string base64(const std::string& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t group = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) group |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) group |= static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(group >> 18) & 63];
    out += kAlphabet[(group >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(group >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[group & 63] : '=';
  }
  return out;
}

ProcessResult ImageStoreTest::images(const std::vector<std::string>& args) const {
  std::vector<std::string> all = {"images"};
  all.insert(all.end(), args.begin(), args.end());
  ProcessResult listed = isobench(all);
  const bool json = std::find(args.begin(), args.end(), "--json") != args.end();
  if (listed.exit_code != 0) return listed;
  if (json) {
    Json kept = Json::array();
    for (const Json& image : parse_json(listed.out)) {
      if (image.value("RepoTags", Json::array()) != Json::array({"isobench/builtin:latest"})) kept.push_back(image);
    }
    listed.out = kept.dump();
    return listed;
  }
  const std::string builtin_id = isobench({"images", "-q", "isobench/builtin"}).out;
  std::string out;
  std::istringstream lines(listed.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("isobench/builtin ") || line + "\n" == builtin_id) continue;
    out += line + "\n";
  }
  listed.out = out;
  return listed;
}

}  // namespace isobench::integration
