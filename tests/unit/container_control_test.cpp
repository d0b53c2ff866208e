#include "runner/lifecycle/container_control.h"

#include <gtest/gtest.h>
#include <signal.h>

using isobench::runner::lifecycle::parse_signal;

TEST(ParseSignal, TakesNamesWithOrWithoutSigInAnyCaseAndNumbers) {
  EXPECT_EQ(*parse_signal("SIGTERM"), SIGTERM);
  EXPECT_EQ(*parse_signal("TERM"), SIGTERM);
  EXPECT_EQ(*parse_signal("sigkill"), SIGKILL);
  EXPECT_EQ(*parse_signal("usr1"), SIGUSR1);
  EXPECT_EQ(*parse_signal("9"), SIGKILL);
  EXPECT_EQ(*parse_signal("RTMIN"), SIGRTMIN);
  EXPECT_EQ(*parse_signal("SIGRTMIN+3"), SIGRTMIN + 3);
  EXPECT_EQ(*parse_signal("RTMAX-1"), SIGRTMAX - 1);
}

TEST(ParseSignal, RefusesWhatIsNoSignalAsAUsageError) {
  for (const char* bad : {"", "0", "65", "-1", "SIGNOPE", "SIG", "RTMIN+99", "TERM ", "1.5"}) {
    auto parsed = parse_signal(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().message, std::string("invalid signal: ") + bad);
    EXPECT_EQ(parsed.error().exit_code, 2);
  }
}

#include "runner/lifecycle/container_exec.h"

using isobench::runner::lifecycle::parse_process_privileges;

TEST(ProcessPrivileges, AreReadFromProcStatus) {
  const std::string status =
      "Name:\tsleep\nUmask:\t0022\nCapInh:\t00000000a80425fb\nCapPrm:\t00000000a80425fb\nCapEff:\t00000000a80425fb\n"
      "CapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\n";
  auto privileges = parse_process_privileges(status);
  ASSERT_TRUE(privileges) << privileges.error().text();
  EXPECT_EQ(privileges->bounding, 0xa80425fbu);
  EXPECT_EQ(privileges->effective, 0xa80425fbu);
  EXPECT_TRUE(privileges->no_new_privs);
  EXPECT_TRUE(privileges->seccomp);
}

TEST(ProcessPrivileges, AStatusWithoutTheFieldsIsAnError) {
  EXPECT_FALSE(parse_process_privileges("Name:\tx\n"));
  EXPECT_FALSE(parse_process_privileges("CapEff:\tzz\nCapBnd:\t0\nNoNewPrivs:\t0\nSeccomp:\t0\n"));
  auto unconfined = parse_process_privileges("CapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\nNoNewPrivs:\t0\nSeccomp:\t0\n");
  ASSERT_TRUE(unconfined);
  EXPECT_FALSE(unconfined->no_new_privs);
  EXPECT_FALSE(unconfined->seccomp);
}
