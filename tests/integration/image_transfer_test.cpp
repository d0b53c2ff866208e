// Images in and out of the store without pulling them: `import` of a root tarball, `save` and
// `load` of archives (ours, and docker save's older layout), `push` to a real registry that
// skopeo and umoci then read back, and `login` / `logout` against a basic-auth registry.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/file_io.h"
#include "tests/integration/image_store_fixture.h"

namespace isobench::integration {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// `sha256sum` of every regular file and the target of every symlink below `root`, by path:
/// two trees with the same listing have the same contents.
std::string tree_sums(const std::string& root) {
  auto sums = run_tool({"/bin/sh", "-c",
                        "cd \"$1\" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum && "
                        "find . -type l -printf '%p -> %l\\n' | LC_ALL=C sort",
                        "sh", root});
  EXPECT_TRUE(sums.ok()) << sums.error().text();
  return sums ? *sums : "";
}

class ImageTransferTest : public ImageStoreTest {
 protected:
  void SetUp() override {
    ImageStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    root_ = scratch_.path() + "/root";
    tarball_ = scratch_.path() + "/root.tar";
    fs::create_directories(root_ + "/bin");
    fs::create_directories(root_ + "/etc");
    fs::copy_file("/bin/busybox", root_ + "/bin/busybox");
    for (const char* applet : {"sh", "ls", "cat"}) fs::create_symlink("busybox", root_ + "/bin/" + applet);
    ASSERT_TRUE(write_regular_file(root_ + "/etc/motd", "imported by the transfer test\n"));
    auto packed = run_tool({"tar", "--numeric-owner", "-C", root_, "-cf", tarball_, "."});
    ASSERT_TRUE(packed.ok()) << packed.error().text();
  }

  /// `isobench ARGS...` in this test's environment with stdin read from `input`.
  ProcessResult isobench_reading(const std::string& input, const std::vector<std::string>& args,
                                 const std::vector<std::string>& env = {}) const {
    std::vector<std::string> argv = {"/bin/sh", "-c", "f=$1; shift; exec \"$@\" < \"$f\"", "sh", input, "/usr/bin/env",
                                     "ISOBENCH_STORE=" + store(), "HOME=" + home_.path(),
                                     "ISOBENCH_AUTH_FILE=" + home_.path() + "/no-auth.json",
                                     "DOCKER_CONFIG=" + home_.path() + "/no-docker-config"};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.push_back(ISOBENCH_EXE);
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, kPullDeadline);
  }

  /// Imports the test root as `name` and returns the image id it printed.
  std::string import_root(const std::string& name) {
    ProcessResult imported = isobench({"import", "--change", R"(CMD ["/bin/sh"])", "-c", "ENV A=1", tarball_, name});
    EXPECT_EQ(imported.exit_code, 0) << imported;
    EXPECT_TRUE(imported.out.starts_with("sha256:")) << imported;
    return trim(imported.out);
  }

  Json inspect(const std::string& name) const {
    ProcessResult shown = isobench({"image", "inspect", name});
    EXPECT_EQ(shown.exit_code, 0) << shown;
    const Json list = parse_json(shown.out);
    return list.is_array() && !list.empty() ? list[0] : Json();
  }

  std::string root_, tarball_;
};

TEST_F(ImageTransferTest, ImportedRootTarballIsListedByImagesWithItsChangesAndItsTree) {
  const std::string id = import_root("imported/bb:1");
  ProcessResult listed = isobench({"images"});
  EXPECT_EQ(listed.exit_code, 0) << listed;
  EXPECT_TRUE(contains(listed.out, "imported/bb") && contains(listed.out, id.substr(7, 12))) << listed;
  const Json image = inspect("imported/bb:1");
  EXPECT_EQ(image["Id"], id);
  EXPECT_EQ(image["Config"]["Cmd"], Json::array({"/bin/sh"}));
  EXPECT_EQ(image["Config"]["Env"], Json::array({"A=1"}));
  ASSERT_EQ(image["Layers"].size(), 1u) << image.dump(2);
  EXPECT_EQ(tree_sums(image["Layers"][0]["Path"]), tree_sums(root_));
}

TEST_F(ImageTransferTest, ZstdFromStdinAndGzipMakeTheSameLayerAsThePlainTar) {
  import_root("plain");
  ASSERT_TRUE(run_tool({"zstd", "-q", tarball_, "-o", tarball_ + ".zst"}).ok());
  ASSERT_TRUE(run_tool({"gzip", "-k", tarball_}).ok());
  ProcessResult zstd = isobench_reading(tarball_ + ".zst", {"import", "-", "from-zstd"});
  EXPECT_EQ(zstd.exit_code, 0) << zstd;
  ProcessResult gzip = isobench({"import", tarball_ + ".gz", "from-gzip"});
  EXPECT_EQ(gzip.exit_code, 0) << gzip;
  const Json plain = inspect("plain"), zstd_image = inspect("from-zstd"), gzip_image = inspect("from-gzip");
  EXPECT_EQ(zstd_image["Layers"][0]["Blob"], plain["Layers"][0]["Blob"]);  // gzipped here, the same way
  EXPECT_EQ(gzip_image["Layers"][0]["DiffID"], plain["Layers"][0]["DiffID"]);  // kept as it was
  EXPECT_EQ(gzip_image["Layers"][0]["ChainID"], plain["Layers"][0]["ChainID"]);
}

TEST_F(ImageTransferTest, BadTarballsFailByNameAndLeaveNothingInTheStore) {
  const std::string text = scratch_.path() + "/notes.txt", truncated = scratch_.path() + "/cut.tar.gz";
  const std::string escape = scratch_.path() + "/escape.tar";
  ASSERT_TRUE(write_regular_file(text, "not an archive at all\n"));
  ASSERT_TRUE(run_tool({"/bin/sh", "-c", "gzip -c \"$1\" | head -c 200000 > \"$2\"", "sh", tarball_, truncated}).ok());
  ASSERT_TRUE(run_tool({"python3", "-c",
                        "import io,sys,tarfile\n"
                        "t=tarfile.open(sys.argv[1],'w'); i=tarfile.TarInfo('../../etc/escaped'); i.size=2\n"
                        "t.addfile(i,io.BytesIO(b'x\\n')); t.close()",
                        escape})
                  .ok());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {text, "not a tar stream"}, {truncated, "truncated gzip"}, {escape, "'..'"}};
  for (const auto& [input, why] : cases) {
    ProcessResult refused = isobench({"import", input, "bad:1"});
    EXPECT_NE(refused.exit_code, 0) << refused;
    EXPECT_TRUE(contains(refused.err, why)) << why << "\n" << refused;
    expect_no_image_left("import of " + input);
    const StoreFiles files = read_store_files(store());
    EXPECT_TRUE(files.blobs.empty() && files.layers.empty()) << joined(files.blobs) << " / " << joined(files.layers);
  }
}

TEST_F(ImageTransferTest, RootlessImportRefusesADeviceNodeByName) {
  const std::string device_tar = scratch_.path() + "/device.tar", rootless = scratch_.path() + "/rootless";
  ASSERT_TRUE(run_tool({"python3", "-c",
                        "import tarfile,sys\n"
                        "t=tarfile.open(sys.argv[1],'w')\n"
                        "i=tarfile.TarInfo('dev/null'); i.type=tarfile.CHRTYPE; i.devmajor=1; i.devminor=3; t.addfile(i)\n"
                        "t.close()",
                        device_tar})
                  .ok());
  fs::create_directories(rootless);
  ASSERT_EQ(chown(rootless.c_str(), 65534, 65534), 0);
  ASSERT_EQ(chmod(scratch_.path().c_str(), 0755), 0);
  ASSERT_EQ(chmod(device_tar.c_str(), 0644), 0);
  ProcessResult refused = run_process({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/env",
                                       "ISOBENCH_STORE=" + rootless + "/store", "HOME=" + rootless, ISOBENCH_EXE, "import",
                                       device_tar, "dev:1"},
                                      kPullDeadline);
  EXPECT_NE(refused.exit_code, 0) << refused;
  EXPECT_TRUE(contains(refused.err, "dev/null") && contains(refused.err, "device node")) << refused;
  EXPECT_TRUE(directory_names(rootless + "/store/layers/sha256").empty());
  EXPECT_TRUE(directory_names(rootless + "/store/blobs/sha256").empty());
}

TEST_F(ImageTransferTest, SaveThenRmiThenLoadGivesBackTheSameImageUnderItsNames) {
  const std::string id = import_root("saved/bb:1");
  ASSERT_EQ(isobench({"tag", "saved/bb:1", "localhost:5000/team/bb:2"}).exit_code, 0);
  const std::string archive = scratch_.path() + "/saved.tar";
  ProcessResult saved = isobench({"save", "-o", archive, "saved/bb:1", "localhost:5000/team/bb:2"});
  ASSERT_EQ(saved.exit_code, 0) << saved;
  auto listing = run_tool({"tar", "-tf", archive});
  ASSERT_TRUE(listing.ok()) << listing.error().text();
  for (const char* member : {"oci-layout", "index.json", "manifest.json", "blobs/sha256/"}) EXPECT_TRUE(contains(*listing, member)) << *listing;
  ASSERT_EQ(isobench({"rmi", "-f", id}).exit_code, 0);
  EXPECT_FALSE(contains(isobench({"images", "-q", "--no-trunc"}).out, id)) << "rmi left the image";
  ProcessResult loaded = isobench({"load", "-i", archive});
  EXPECT_EQ(loaded.exit_code, 0) << loaded;
  EXPECT_TRUE(contains(loaded.out, "Loaded image: saved/bb:1") && contains(loaded.out, "localhost:5000/team/bb:2")) << loaded;
  EXPECT_EQ(inspect("saved/bb:1")["Id"], id);
  EXPECT_EQ(inspect("localhost:5000/team/bb:2")["Id"], id);
  EXPECT_EQ(tree_sums(inspect("saved/bb:1")["Layers"][0]["Path"]), tree_sums(root_));
}

TEST_F(ImageTransferTest, LoadReadsADockerSaveArchiveWithAnUncompressedLayerFromStdin) {
  const std::string dir = scratch_.path() + "/docker-save";
  fs::create_directories(dir + "/0123abcd");
  fs::copy_file(tarball_, dir + "/0123abcd/layer.tar");
  auto diff_id = run_tool({"sha256sum", tarball_});
  ASSERT_TRUE(diff_id.ok());
  const std::string config = Json{{"architecture", "amd64"}, {"os", "linux"}, {"config", {{"Cmd", {"/bin/sh"}}}},
                                  {"rootfs", {{"type", "layers"}, {"diff_ids", {"sha256:" + diff_id->substr(0, 64)}}}}}.dump();
  ASSERT_TRUE(write_regular_file(dir + "/config.tmp", config));
  auto config_id = run_tool({"sha256sum", dir + "/config.tmp"});
  ASSERT_TRUE(config_id.ok());
  const std::string config_hex = config_id->substr(0, 64);
  fs::rename(dir + "/config.tmp", dir + "/" + config_hex + ".json");
  ASSERT_TRUE(write_regular_file(dir + "/manifest.json",
                                 Json::array({{{"Config", config_hex + ".json"}, {"RepoTags", {"old/style:v1"}}, {"Layers", {"0123abcd/layer.tar"}}}}).dump()));
  ASSERT_TRUE(run_tool({"/bin/sh", "-c", "tar -C \"$1\" -c . | gzip > \"$2\"", "sh", dir, dir + ".tar.gz"}).ok());
  ProcessResult loaded = isobench_reading(dir + ".tar.gz", {"load"});
  EXPECT_EQ(loaded.exit_code, 0) << loaded;
  EXPECT_TRUE(contains(loaded.out, "Loaded image: old/style:v1")) << loaded;
  const Json image = inspect("old/style:v1");
  EXPECT_EQ(image["Id"], "sha256:" + config_hex);
  EXPECT_EQ(tree_sums(image["Layers"][0]["Path"]), tree_sums(root_));
}

TEST_F(ImageTransferTest, LoadRefusesABlobThatDoesNotMatchItsDigestAndStoresNothing) {
  import_root("tampered:1");
  const std::string archive = scratch_.path() + "/good.tar", dir = scratch_.path() + "/unpacked";
  ASSERT_EQ(isobench({"save", "-o", archive, "tampered:1"}).exit_code, 0);
  ASSERT_EQ(isobench({"rmi", "tampered:1"}).exit_code, 0);
  fs::create_directories(dir);
  ASSERT_TRUE(run_tool({"tar", "-C", dir, "-xf", archive}).ok());
  const Json image_manifest = parse_json(*read_file(dir + "/manifest.json"));
  const std::string layer = dir + "/" + image_manifest[0]["Layers"][0].get<std::string>();
  ASSERT_TRUE(run_tool({"/bin/sh", "-c", "printf x >> \"$1\"", "sh", layer}).ok());
  ASSERT_TRUE(run_tool({"tar", "-C", dir, "-cf", archive, "."}).ok());
  ProcessResult refused = isobench({"load", "-i", archive});
  EXPECT_NE(refused.exit_code, 0) << refused;
  EXPECT_TRUE(contains(refused.err, "does not match its digest")) << refused;
  expect_no_image_left("load of a tampered archive");
}

TEST_F(ImageTransferTest, PushedImageIsWhatSkopeoInspectsAndUmociUnpacksToTheSameTree) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  const std::string name = name_in(*registry, "team/bb:1");
  import_root(name);
  ProcessResult pushed = isobench({"push", name});
  ASSERT_EQ(pushed.exit_code, 0) << pushed << registry->log();
  EXPECT_TRUE(contains(pushed.out, ": Pushed")) << pushed;
  const size_t digest_at = pushed.out.find("1: digest: sha256:");
  ASSERT_NE(digest_at, std::string::npos) << pushed;
  const std::string digest = pushed.out.substr(digest_at + 11, 71);
  ProcessResult again = isobench({"push", name});
  EXPECT_EQ(again.exit_code, 0) << again;
  EXPECT_TRUE(contains(again.out, ": Layer already exists") && contains(again.out, digest)) << again;
  auto inspected = skopeo_inspect(*registry, "team/bb:1");
  ASSERT_TRUE(inspected.ok()) << inspected.error().text();
  EXPECT_EQ((*inspected)["Digest"], digest) << inspected->dump(2);
  EXPECT_EQ((*inspected)["Env"], Json::array({"A=1"}));
  const std::string layout = scratch_.path() + "/copied", bundle = scratch_.path() + "/bundle";
  auto copied = run_tool({"skopeo", "--insecure-policy", "copy", "--src-tls-verify=false", docker_reference(*registry, "team/bb:1"),
                          "oci:" + layout + ":bb"});
  ASSERT_TRUE(copied.ok()) << copied.error().text();
  auto unpacked = run_tool({"umoci", "unpack", "--image", layout + ":bb", bundle});
  ASSERT_TRUE(unpacked.ok()) << unpacked.error().text();
  EXPECT_EQ(tree_sums(bundle + "/rootfs"), tree_sums(root_));
  EXPECT_TRUE(contains(inspect(name)["RepoDigests"].dump(), digest));
}

TEST_F(ImageTransferTest, LoginChecksTheCredentialsStoresThemPrivatelyAndPushUsesThem) {
  RegistryOptions options;
  options.user = "tester";
  options.password = "s3cret pass";
  auto registry = start_registry(options);
  ASSERT_TRUE(registry);
  const std::string auth_file = home_.path() + "/config/isobench/auth.json", name = name_in(*registry, "team/bb:1");
  const std::vector<std::string> env = {"ISOBENCH_AUTH_FILE=" + auth_file};
  import_root(name);
  ProcessResult anonymous = isobench({"push", name}, env);
  EXPECT_NE(anonymous.exit_code, 0) << anonymous;
  ProcessResult wrong = isobench({"login", "-u", "tester", "-p", "not it", registry->host()}, env);
  EXPECT_NE(wrong.exit_code, 0) << wrong;
  EXPECT_TRUE(contains(wrong.err, "wrong username or password")) << wrong;
  EXPECT_FALSE(fs::exists(auth_file));
  const std::string password_file = scratch_.path() + "/password";
  ASSERT_TRUE(write_regular_file(password_file, options.password + "\n"));
  ProcessResult login = isobench_reading(password_file, {"login", "-u", "tester", "--password-stdin", registry->host()}, env);
  EXPECT_EQ(login.exit_code, 0) << login;
  EXPECT_TRUE(contains(login.out, "Login Succeeded")) << login;
  EXPECT_FALSE(contains(login.out + login.err, options.password)) << login;
  struct stat status{};
  ASSERT_EQ(stat(auth_file.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600u);
  ProcessResult pushed = isobench({"push", name}, env);
  EXPECT_EQ(pushed.exit_code, 0) << pushed;
  EXPECT_FALSE(contains(pushed.out + pushed.err, options.password)) << pushed;
  ProcessResult logout = isobench({"logout", registry->host()}, env);
  EXPECT_EQ(logout.exit_code, 0) << logout;
  EXPECT_TRUE(contains(logout.out, "Removing login credentials for " + registry->host())) << logout;
  EXPECT_NE(isobench({"push", name}, env).exit_code, 0);
}

}  // namespace
}  // namespace isobench::integration
