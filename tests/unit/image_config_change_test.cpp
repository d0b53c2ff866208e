#include "runner/image/config_change.h"

#include <gtest/gtest.h>

namespace isobench::runner::image {
namespace {

ImageConfig changed(std::initializer_list<const char*> changes) {
  ImageConfig config;
  for (const char* change : changes) {
    Status applied = apply_config_change(change, config);
    EXPECT_TRUE(applied) << change << ": " << applied.error().text();
  }
  return config;
}

TEST(ImportConfigChange, CmdAndEntrypointTakeTheExecFormAsAJsonArray) {
  const ImageConfig config = changed({R"(CMD ["/bin/sh", "-c", "echo hi"])", R"(ENTRYPOINT ["/bin/env"])"});
  EXPECT_EQ(config.cmd, (std::vector<std::string>{"/bin/sh", "-c", "echo hi"}));
  EXPECT_EQ(config.entrypoint, (std::vector<std::string>{"/bin/env"}));
}

TEST(ImportConfigChange, TheShellFormRunsThroughBinSh) {
  EXPECT_EQ(changed({"CMD echo hello world"}).cmd, (std::vector<std::string>{"/bin/sh", "-c", "echo hello world"}));
  // Not an array of strings: the text is a shell command, as Docker reads it.
  EXPECT_EQ(changed({"entrypoint [1, 2]"}).entrypoint, (std::vector<std::string>{"/bin/sh", "-c", "[1, 2]"}));
}

TEST(ImportConfigChange, EnvTakesSeveralQuotedPairsAndTheOldForm) {
  const ImageConfig config = changed({R"(ENV A=1 B="two words" C='it''s')", "ENV OLD the rest of the line", "ENV A=again"});
  EXPECT_EQ(config.env, (std::vector<std::string>{"B=two words", "C=its", "OLD=the rest of the line", "A=again"}));
}

TEST(ImportConfigChange, WorkdirUserLabelAndStopsignalAreSet) {
  const ImageConfig config = changed({"WORKDIR /srv", "WORKDIR app", "USER 1000:1000", "LABEL a=b c=\"d e\"", "STOPSIGNAL SIGINT"});
  EXPECT_EQ(config.working_dir, "/srv/app");
  EXPECT_EQ(config.user, "1000:1000");
  EXPECT_EQ(config.labels, (std::map<std::string, std::string>{{"a", "b"}, {"c", "d e"}}));
  EXPECT_EQ(config.stop_signal, "SIGINT");
}

TEST(ImportConfigChange, UnsupportedAndMalformedInstructionsAreUsageErrorsNamingThem) {
  ImageConfig config;
  for (const char* bad : {"EXPOSE 80", "VOLUME /data", "", "CMD", "ENV A=1 =2", "ENV A=\"open", "FROM scratch"}) {
    Status applied = apply_config_change(bad, config);
    ASSERT_FALSE(applied) << bad;
    EXPECT_EQ(applied.error().exit_code, exit_codes::kUsage) << bad;
  }
  Status exposed = apply_config_change("EXPOSE 80", config);
  EXPECT_NE(exposed.error().message.find("EXPOSE is not supported"), std::string::npos) << exposed.error().message;
  EXPECT_EQ(config.env, std::vector<std::string>{});
}

}  // namespace
}  // namespace isobench::runner::image
