#include "runner/lifecycle/attach_protocol.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace isobench::runner::lifecycle {

namespace {

constexpr const char* kSocketName = "attach.sock";

/// "/proc/self/fd/N/attach.sock" for an O_PATH descriptor N of the container's runtime
/// directory: short whatever the directory's own path.
Result<sockaddr_un> address_in(int directory) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string path = "/proc/self/fd/" + std::to_string(directory) + "/" + kSocketName;
  if (path.size() >= sizeof address.sun_path) return plain_error("attach socket path too long: " + path);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

Result<UniqueFd> open_runtime_dir(const ContainerStore& store, const std::string& id) {
  UniqueFd directory(::open(store.runtime_dir_of(id).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!directory) return errno_error("container " + id + ": its runtime directory");
  return directory;
}

}  // namespace

Result<UniqueFd> listen_for_attach(const ContainerStore& store, const std::string& id) {
  auto directory = open_runtime_dir(store, id);
  if (!directory) return directory.error();
  auto address = address_in(directory->get());
  if (!address) return address.error();
  UniqueFd listener(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!listener) return errno_error("socket");
  (void)::unlinkat(directory->get(), kSocketName, 0);  // a monitor before us, killed
  if (::bind(listener.get(), reinterpret_cast<const sockaddr*>(&*address), sizeof *address) != 0)
    return errno_error("cannot bind the attach socket");
  if (::listen(listener.get(), 8) != 0) return errno_error("listen");
  return listener;
}

Result<UniqueFd> connect_to_monitor(const ContainerStore& store, const std::string& id) {
  const Error stopped{0, "You cannot attach to a stopped container, start it first", 1};
  if (!store.monitor_alive(id)) return stopped;
  auto directory = open_runtime_dir(store, id);
  if (!directory) return stopped;
  auto address = address_in(directory->get());
  if (!address) return address.error();
  UniqueFd socket(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!socket) return errno_error("socket");
  if (::connect(socket.get(), reinterpret_cast<const sockaddr*>(&*address), sizeof *address) != 0) {
    if (errno == ENOENT || errno == ECONNREFUSED) return stopped;
    return errno_error("cannot connect to the container's monitor");
  }
  return socket;
}

bool send_attach_packet(int socket, char kind, std::string_view data, int flags) {
  iovec parts[2] = {{&kind, 1}, {const_cast<char*>(data.data()), data.size()}};
  msghdr message{};
  message.msg_iov = parts;
  message.msg_iovlen = data.empty() ? 1 : 2;
  ssize_t sent;
  do sent = ::sendmsg(socket, &message, MSG_NOSIGNAL | flags);
  while (sent < 0 && errno == EINTR);
  return sent == static_cast<ssize_t>(1 + data.size());
}

std::string resize_payload(TerminalSize size) {
  std::string payload(4, '\0');
  std::memcpy(payload.data(), &size.rows, 2);
  std::memcpy(payload.data() + 2, &size.columns, 2);
  return payload;
}

bool parse_resize_payload(std::string_view payload, TerminalSize& size) {
  if (payload.size() != 4) return false;
  std::memcpy(&size.rows, payload.data(), 2);
  std::memcpy(&size.columns, payload.data() + 2, 2);
  return size.rows > 0 && size.columns > 0;
}

}  // namespace isobench::runner::lifecycle
