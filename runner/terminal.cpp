#include "runner/terminal.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace isobench::runner {

Status open_console_socket(UniqueFd& host_end, UniqueFd& container_end) {
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0) return errno_error("socketpair");
  host_end.reset(ends[0]);
  container_end.reset(ends[1]);
  return {};
}

namespace {

/// The devpts instance's multiplexer beneath "/", the process's root: /dev/pts is a mount
/// the container's rootfs plan made, so no symlink is needed on the way, and none is taken.
int open_multiplexer() noexcept {
  const int root = ::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return -errno;
  open_how how{};
  how.flags = O_RDWR | O_NOCTTY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  const long fd = ::syscall(SYS_openat2, root, "/dev/pts/ptmx", &how, sizeof how);
  const int error = errno;
  ::close(root);
  return fd < 0 ? -error : static_cast<int>(fd);
}

/// One byte of data and room for descriptors: one travels on the console socket, and a
/// receiver has room for more, so that it can see (and close) any it did not ask for.
struct DescriptorMessage {
  static constexpr size_t kRoom = 4;
  char byte = 'T';
  iovec data{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kRoom)] = {};
  msghdr message{};
  DescriptorMessage() {
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
  }
  DescriptorMessage(const DescriptorMessage&) = delete;
  DescriptorMessage& operator=(const DescriptorMessage&) = delete;
};

int send_descriptor(int socket, int fd) noexcept {
  DescriptorMessage sending;
  msghdr& message = sending.message;
  message.msg_controllen = CMSG_SPACE(sizeof(int));
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
  ssize_t sent;
  do sent = ::sendmsg(socket, &message, MSG_NOSIGNAL);
  while (sent < 0 && errno == EINTR);
  return sent == 1 ? 0 : errno;
}

/// The slave of `master` as stdio and as the session's controlling terminal.
int attach_slave(int master, TerminalSize size) noexcept {
  int unlock = 0;
  if (::ioctl(master, TIOCSPTLCK, &unlock) != 0) return errno;
  if (size.rows > 0 && size.columns > 0) {
    winsize window{size.rows, size.columns, 0, 0};
    if (::ioctl(master, TIOCSWINSZ, &window) != 0) return errno;
  }
  // The peer of this very master: no second lookup of /dev/pts/N that could find another.
  const int slave = ::ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) return errno;
  int error = 0;
  for (int fd = 0; fd < 3 && error == 0; ++fd)
    if (::dup2(slave, fd) < 0) error = errno;
  if (error == 0 && ::ioctl(0, TIOCSCTTY, 0) != 0) error = errno;
  if (slave > 2) ::close(slave);
  return error;
}

}  // namespace

int make_controlling_terminal(int console_socket, TerminalSize size) noexcept {
  const int master = open_multiplexer();
  if (master < 0) return -master;
  int error = attach_slave(master, size);
  if (error == 0) error = send_descriptor(console_socket, master);
  ::close(master);
  ::close(console_socket);
  return error;
}

Result<UniqueFd> receive_terminal(int host_end) {
  DescriptorMessage received;
  msghdr& message = received.message;
  ssize_t got;
  do got = ::recvmsg(host_end, &message, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  while (got < 0 && errno == EINTR);
  if (got < 0) return errno_error("the container's terminal did not arrive");
  // Every descriptor that arrived is ours to close, whatever the message: exactly one is right.
  UniqueFd master;
  size_t descriptors = 0;
  for (cmsghdr* header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
    const size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd = -1;
      std::memcpy(&fd, CMSG_DATA(header) + i * sizeof(int), sizeof fd);
      if (descriptors++ == 0) master.reset(fd);
      else ::close(fd);
    }
  }
  if (got != 1 || (message.msg_flags & MSG_CTRUNC) || descriptors != 1) return plain_error("the container sent no terminal");
  struct stat info;
  unsigned number = 0;
  if (::fstat(master.get(), &info) != 0 || !S_ISCHR(info.st_mode) || ::ioctl(master.get(), TIOCGPTN, &number) != 0)
    return plain_error("what the container sent as its terminal is not a pseudo-terminal master");
  // Its readers poll it, and the keys they write must never block them on a workload that
  // reads none.
  if (::fcntl(master.get(), F_SETFL, ::fcntl(master.get(), F_GETFL) | O_NONBLOCK) != 0)
    return errno_error("the container's terminal");
  return master;
}

}  // namespace isobench::runner
