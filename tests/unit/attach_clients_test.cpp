// The monitor's attach clients over a real (abstract) unix socket: output reaches every
// client with its stream, keys reach the container's stdin, 'e' closes it, a client that
// does not read is let go, and resize packets round-trip.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "runner/lifecycle/attach_clients.h"
#include "runner/lifecycle/attach_protocol.h"

namespace isobench::runner::lifecycle {
namespace {

sockaddr_un abstract_address(const std::string& name) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path + 1, name.data(), name.size());
  return address;
}

class AttachClientsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    address_ = abstract_address("isobench-attach-test-" + std::to_string(getpid()));
    listener_.reset(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    ASSERT_EQ(bind(listener_.get(), reinterpret_cast<sockaddr*>(&address_), sizeof address_), 0);
    ASSERT_EQ(listen(listener_.get(), 8), 0);
    int ends[2];
    ASSERT_EQ(pipe2(ends, O_CLOEXEC | O_NONBLOCK), 0);
    stdin_read_.reset(ends[0]);
    stdin_write_.reset(ends[1]);
  }
  UniqueFd connect_client() {
    UniqueFd client(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
    EXPECT_EQ(connect(client.get(), reinterpret_cast<sockaddr*>(&address_), sizeof address_), 0);
    return client;
  }
  /// One round of the pump's poll over the clients' descriptors.
  static void turn(AttachClients& clients) {
    pollfd fds[AttachClients::kMaxPollFds];
    size_t used = 0;
    clients.add_poll_fds(fds, used);
    ASSERT_GE(poll(fds, used, 200), 0);
    clients.handle(fds, 0);
  }
  AttachClients make(bool terminal = false) {
    AttachPoint point;
    point.listener = std::move(listener_);
    point.input = std::move(stdin_write_);
    point.terminal = terminal;
    return AttachClients(std::move(point));
  }
  std::string read_stdin() {
    char buffer[256];
    const ssize_t got = read(stdin_read_.get(), buffer, sizeof buffer);
    return got > 0 ? std::string(buffer, static_cast<size_t>(got)) : std::string();
  }

  sockaddr_un address_{};
  UniqueFd listener_, stdin_read_, stdin_write_;
};

std::string receive(int socket) {
  char packet[70000];
  const ssize_t got = recv(socket, packet, sizeof packet, MSG_DONTWAIT);
  return got > 0 ? std::string(packet, static_cast<size_t>(got)) : std::string();
}

TEST_F(AttachClientsTest, OutputReachesEveryClientWithItsStream) {
  AttachClients clients = make();
  UniqueFd first = connect_client(), second = connect_client();
  turn(clients);
  turn(clients);
  ASSERT_TRUE(clients.has_clients());
  clients.broadcast(kAttachStdout, "out");
  clients.broadcast(kAttachStderr, "err");
  for (int fd : {first.get(), second.get()}) {
    EXPECT_EQ(receive(fd), "1out");
    EXPECT_EQ(receive(fd), "2err");
  }
}

TEST_F(AttachClientsTest, KeysReachTheContainersStdinAndCloseStdinEndsIt) {
  AttachClients clients = make();
  UniqueFd client = connect_client();
  turn(clients);
  ASSERT_TRUE(send_attach_packet(client.get(), kAttachInput, "keys"));
  turn(clients);
  EXPECT_EQ(read_stdin(), "keys");
  ASSERT_TRUE(send_attach_packet(client.get(), kAttachCloseStdin, {}));
  turn(clients);
  char byte;
  EXPECT_EQ(read(stdin_read_.get(), &byte, 1), 0) << "end of file: the monitor closed its end";
}

TEST_F(AttachClientsTest, ATerminalsStdinIsNeverClosedByAClient) {
  AttachClients clients = make(true);
  UniqueFd client = connect_client();
  turn(clients);
  ASSERT_TRUE(send_attach_packet(client.get(), kAttachCloseStdin, {}));
  turn(clients);
  ASSERT_TRUE(send_attach_packet(client.get(), kAttachInput, "still"));
  turn(clients);
  EXPECT_EQ(read_stdin(), "still");
}

TEST_F(AttachClientsTest, AClientThatDoesNotReadIsLetGoAndAHangUpDropsEveryone) {
  AttachClients clients = make();
  UniqueFd stuck = connect_client(), reader = connect_client();
  turn(clients);
  turn(clients);
  const std::string chunk(60000, 'x');
  for (int i = 0; i < 40 && clients.has_clients(); ++i) {
    clients.broadcast(kAttachStdout, chunk);
    while (!receive(reader.get()).empty()) {
    }
  }
  // The stuck one is gone, the reader is not.
  clients.broadcast(kAttachStdout, "after");
  EXPECT_EQ(receive(reader.get()), "1after");
  clients.hang_up();
  EXPECT_FALSE(clients.has_clients());
  EXPECT_EQ(recv(reader.get(), nullptr, 0, MSG_DONTWAIT), 0) << "hung up";
}

TEST_F(AttachClientsTest, AnUnknownPacketDropsTheClient) {
  AttachClients clients = make();
  UniqueFd client = connect_client();
  turn(clients);
  ASSERT_TRUE(send_attach_packet(client.get(), 'z', "?"));
  turn(clients);
  EXPECT_FALSE(clients.has_clients());
}

TEST(AttachProtocolTest, AResizeRoundTripsAndAZeroSizeIsRefused) {
  TerminalSize size;
  ASSERT_TRUE(parse_resize_payload(resize_payload({40, 120}), size));
  EXPECT_EQ(size.rows, 40);
  EXPECT_EQ(size.columns, 120);
  EXPECT_FALSE(parse_resize_payload(resize_payload({0, 120}), size));
  EXPECT_FALSE(parse_resize_payload("abc", size));
}

}  // namespace
}  // namespace isobench::runner::lifecycle
