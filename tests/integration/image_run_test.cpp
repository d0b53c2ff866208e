// `isobench run IMAGE`: an image pulled from a real registry runs with its layers stacked as
// overlay lower directories and its config as the defaults. Pins what the class sees (the
// whiteout and the opaque directory of the top layer hide what they should, Cmd, Env,
// WorkingDir and User apply, -e/-w/-u/--entrypoint override them) and what must never
// happen (a write reaching a shared layer on the host, rmi of an image a container runs).
#include <signal.h>
#include <unistd.h>

#include <thread>

#include "common/file_io.h"
#include "tests/integration/image_store_fixture.h"

namespace isobench::integration {
namespace {

constexpr const char* kRepoTag = "isobench/run:v1";

class ImageRunTest : public ImageStoreTest {
 protected:
  void SetUp() override {
    ImageStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    registry_ = start_registry();
    ASSERT_TRUE(registry_);
    push_layered(*registry_, kRepoTag);
    ASSERT_FALSE(HasFatalFailure());
    name_ = name_in(*registry_, kRepoTag);
    ProcessResult pulled = isobench({"pull", "-q", name_});
    ASSERT_EQ(pulled.exit_code, 0) << pulled;
  }

  void TearDown() override {
    registry_.reset();  // before the base class looks for processes left behind
    ImageStoreTest::TearDown();
  }

  ProcessResult run(const std::vector<std::string>& args) const {
    std::vector<std::string> all = {"run"};
    all.insert(all.end(), args.begin(), args.end());
    return isobench(all);
  }

  std::unique_ptr<LocalRegistry> registry_;
  std::string name_;
};

TEST_F(ImageRunTest, TheImagesCmdRunsWhenNoCommandIsGiven) {
  ProcessResult ran = run({name_});
  EXPECT_EQ(ran.exit_code, 0) << ran;
  EXPECT_EQ(ran.out, "hello from layered\n") << ran;
}

TEST_F(ImageRunTest, LayersStackWithTheTopLayersWhiteoutAndOpaqueDirectory) {
  ProcessResult ran = run({name_, "sh", "-c",
                           "ls /data; test -e /opt/doomed.txt && echo doomed-visible; cat /opt/hello.txt >/dev/null && echo hello-visible; "
                           "test -e /etc/motd && echo motd-visible; test -x /bin/busybox && echo busybox-visible"});
  EXPECT_EQ(ran.exit_code, 0) << ran;
  EXPECT_EQ(ran.out, "new\nhello-visible\nmotd-visible\nbusybox-visible\n") << ran;
}

TEST_F(ImageRunTest, TheConfigsEnvAndWorkingDirectoryApplyAndOptionsOverrideThem) {
  ProcessResult defaults = run({name_, "sh", "-c", "echo $FOO; pwd; id -u"});
  EXPECT_EQ(defaults.exit_code, 0) << defaults;
  EXPECT_EQ(defaults.out, "bar\n/opt\n0\n") << defaults;
  ProcessResult overridden = run({"-e", "FOO=baz", "-w", "/data", "-u", "app", name_, "sh", "-c", "echo $FOO; pwd; id -u; id -g"});
  EXPECT_EQ(overridden.exit_code, 0) << overridden;
  EXPECT_EQ(overridden.out, "baz\n/data\n1000\n1000\n") << overridden;
}

TEST_F(ImageRunTest, EntrypointReplacesTheImagesAndTheCommandFollowsItAfterADoubleDash) {
  ProcessResult ran = run({"--entrypoint", "/bin/echo", name_, "--", "a", "b"});
  EXPECT_EQ(ran.exit_code, 0) << ran;
  EXPECT_EQ(ran.out, "a b\n") << ran;
}

TEST_F(ImageRunTest, AMissingCommandExits127AndAnUnknownImageOrUserIsNamed) {
  ProcessResult missing = run({name_, "no-such-command"});
  EXPECT_EQ(missing.exit_code, 127) << missing;
  ProcessResult unknown = run({"no-such-image:1"});
  EXPECT_EQ(unknown.exit_code, 125) << unknown;
  EXPECT_NE(unknown.err.find("no such image: no-such-image:1"), std::string::npos) << unknown;
  ProcessResult user = run({"-u", "nobody-here", name_, "true"});
  EXPECT_NE(user.exit_code, 0) << user;
  EXPECT_NE(user.err.find("'nobody-here' is not in the image's /etc/passwd"), std::string::npos) << user;
}

TEST_F(ImageRunTest, WritesInsideTheContainerNeverReachTheSharedLayersOnTheHost) {
  ProcessResult inspected = isobench({"image", "inspect", name_});
  ASSERT_EQ(inspected.exit_code, 0) << inspected;
  const Json layers = parse_json(inspected.out)[0]["Layers"];
  ASSERT_GE(layers.size(), 3u);
  const std::string bottom = layers[0]["Path"];
  const std::string middle = layers[1]["Path"];
  auto motd_before = read_file(middle + "/etc/motd");
  ASSERT_TRUE(motd_before.ok());
  ProcessResult ran = run({name_, "sh", "-c", "echo changed >> /etc/motd; echo new > /bin/planted; rm /bin/ls; rm -r /data; echo ok"});
  EXPECT_EQ(ran.exit_code, 0) << ran;
  EXPECT_EQ(ran.out, "ok\n") << ran;
  EXPECT_EQ(*read_file(middle + "/etc/motd"), *motd_before);
  EXPECT_NE(::access((bottom + "/bin/ls").c_str(), F_OK), -1) << "rm inside removed the shared layer's file";
  EXPECT_EQ(::access((bottom + "/bin/planted").c_str(), F_OK), -1) << "a file written inside landed in a layer";
  ProcessResult again = run({name_, "sh", "-c", "test -e /bin/ls && test ! -e /bin/planted && echo clean"});
  EXPECT_EQ(again.out, "clean\n") << again;
}

TEST_F(ImageRunTest, RmiRefusesAnImageThatARunningContainerUsesEvenWhenForced) {
  auto running = start_isobench({"run", name_, "sh", "-c", "while :; do :; done"});
  ASSERT_TRUE(running.ok()) << running.error().text();
  // The container holds the image from before its workload starts; give it time to get there.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ProcessResult refused = isobench({"rmi", "-f", name_});
  EXPECT_NE(refused.exit_code, 0) << refused;
  EXPECT_NE(refused.err.find("a running container uses it"), std::string::npos) << refused;
  running->send_signal(SIGTERM);
  ProcessResult ended = running->wait(std::chrono::seconds(30));
  EXPECT_FALSE(ended.timed_out) << ended;
  ProcessResult removed = isobench({"rmi", name_});
  EXPECT_EQ(removed.exit_code, 0) << removed;
  EXPECT_TRUE(directory_names(store() + "/layers/sha256").empty()) << joined(directory_names(store() + "/layers/sha256"));
}

TEST_F(ImageRunTest, TheBuiltInImageHasAName) {
  ProcessResult ran = run({"isobench/builtin", "/bin/noop"});
  EXPECT_EQ(ran.exit_code, 0) << ran;
  EXPECT_NE(ran.out.find("\"workload\":\"noop\""), std::string::npos) << ran;
  ProcessResult listed = isobench({"images"});
  EXPECT_EQ(listed.exit_code, 0) << listed;
  const size_t row = listed.out.find("\nisobench/builtin ");
  ASSERT_NE(row, std::string::npos) << listed;
  EXPECT_EQ(listed.out.substr(row).find("latest"), listed.out.substr(row).find_first_not_of(' ', 18)) << listed;
}

}  // namespace
}  // namespace isobench::integration
