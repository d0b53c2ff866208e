#include "tests/integration/local_registry.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <sstream>
#include <thread>

#include "common/file_io.h"
#include "common/system.h"
#include "common/unique_fd.h"
#include "tests/integration/child_process.h"

namespace isobench::integration {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr int kStartAttempts = 5;
constexpr std::chrono::milliseconds kStartTimeout = 10s;
constexpr const char* kWorkDirPrefix = "isobench-registry-";
constexpr const char* kTokenService = "isobench-test";
constexpr const char* kTokenIssuer = "isobench-test-issuer";

/// Holds a lock on `dir` for as long as the descriptor lives: how a later start() tells a
/// directory whose owner is alive from one left by a test binary that was killed.
UniqueFd lock_directory(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd && flock(fd.get(), LOCK_EX | LOCK_NB) != 0) fd.reset();
  return fd;
}

/// Removes the work directories of registries whose test binary died without its
/// destructors (SIGKILL, a crash); its registry died with it (die_with_parent). A directory
/// younger than a minute may be one that start() has made and not locked yet.
void remove_stale_work_dirs() {
  std::error_code error;
  const auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator("/tmp", error)) {
    if (entry.path().filename().string().rfind(kWorkDirPrefix, 0) != 0 || !entry.is_directory(error)) continue;
    if (now - entry.last_write_time(error) < 1min || error) continue;
    if (lock_directory(entry.path().string())) fs::remove_all(entry.path(), error);
  }
}

/// A port that was free a moment ago: the kernel's pick for a bind to port 0. Another
/// process may take it before the registry binds it; start() retries when that happens.
Result<int> pick_free_port() {
  UniqueFd socket_fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!socket_fd) return errno_error("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(socket_fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    return errno_error("bind 127.0.0.1:0");
  socklen_t length = sizeof address;
  if (::getsockname(socket_fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0)
    return errno_error("getsockname");
  return static_cast<int>(ntohs(address.sin_port));
}

/// The socket inodes listening on 127.0.0.1:PORT in `pid`'s network namespace.
std::vector<std::string> listening_inodes(pid_t pid, int port) {
  std::vector<std::string> inodes;
  auto table = read_file("/proc/" + std::to_string(pid) + "/net/tcp");
  if (!table) return inodes;
  char wanted[32];
  snprintf(wanted, sizeof wanted, "0100007F:%04X", port);
  std::istringstream lines(*table);
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
    if (local == wanted && state == "0A") inodes.push_back(inode);
  }
  return inodes;
}

/// Whether `pid` itself holds the socket listening on 127.0.0.1:PORT: a connection that
/// succeeds could reach someone else who took the port first.
bool listens_on(pid_t pid, int port) {
  std::vector<std::string> inodes = listening_inodes(pid, port);
  if (inodes.empty()) return false;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", error)) {
    std::string target = fs::read_symlink(entry.path(), error).string();
    for (const std::string& inode : inodes)
      if (target == "socket:[" + inode + "]") return true;
  }
  return false;
}

/// A CA that exists only for this registry, and a server certificate from it valid for
/// the names a client may use: IP 127.0.0.1 and localhost. P-256 keys: fast to make.
Status make_certificates(const std::string& work_dir) {
  const std::string ca = work_dir + "/ca/ca.crt", ca_key = work_dir + "/tls/ca.key";
  const std::string key = work_dir + "/tls/server.key", csr = work_dir + "/tls/server.csr";
  const std::string extensions = work_dir + "/tls/server.ext";
  ISOBENCH_TRY(write_regular_file(extensions,
                                  "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                                  "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"));
  const std::vector<std::string> new_key = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
  std::vector<std::string> make_ca = {"openssl", "req", "-x509", "-days", "2", "-subj", "/CN=isobench test CA"};
  make_ca.insert(make_ca.end(), new_key.begin(), new_key.end());
  make_ca.insert(make_ca.end(), {"-keyout", ca_key, "-out", ca});
  std::vector<std::string> make_request = {"openssl", "req", "-new", "-subj", "/CN=localhost"};
  make_request.insert(make_request.end(), new_key.begin(), new_key.end());
  make_request.insert(make_request.end(), {"-keyout", key, "-out", csr});
  if (auto made = run_tool(make_ca); !made) return made.error();
  if (auto made = run_tool(make_request); !made) return made.error();
  auto signed_certificate = run_tool({"openssl", "x509", "-req", "-days", "2", "-in", csr, "-CA", ca, "-CAkey", ca_key,
                                      "-CAcreateserial", "-extfile", extensions, "-out", work_dir + "/tls/server.crt"});
  if (!signed_certificate) return signed_certificate.error();
  return {};
}

std::string config_yaml(const RegistryOptions& options, const std::string& work_dir, int port,
                        const std::string& token_realm) {
  std::ostringstream yaml;
  yaml << "version: 0.1\nlog:\n  level: warn\n"
       << "storage:\n  filesystem:\n    rootdirectory: " << work_dir << "/storage\n"
       << "  delete:\n    enabled: " << (options.delete_enabled ? "true" : "false") << "\n"
       << "http:\n  addr: 127.0.0.1:" << port
       << "\n"
       // A fixed secret: without one the registry warns on every start.
       << "  secret: isobench-test-registry\n";
  if (options.tls)
    yaml << "  tls:\n    certificate: " << work_dir << "/tls/server.crt\n    key: " << work_dir << "/tls/server.key\n";
  if (options.token_auth) {
    yaml << "auth:\n  token:\n    realm: " << token_realm << "\n    service: " << kTokenService
         << "\n    issuer: " << kTokenIssuer << "\n    rootcertbundle: " << work_dir << "/token/issuer.crt\n";
  } else if (!options.user.empty()) {
    yaml << "auth:\n  htpasswd:\n    realm: isobench-test\n    path: " << work_dir << "/htpasswd\n";
  }
  return yaml.str();
}

/// The interpreter for token_server.py: Debian's own, else whatever python3 PATH finds.
std::string python3() {
  return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : find_program("python3");
}

/// token_server.py sits beside this file; CMake compiles it by its absolute path.
std::string token_server_script() {
  return (fs::path(__FILE__).parent_path() / "token_server.py").string();
}

/// The token issuer's RSA key and its self-signed certificate: it signs the tokens, goes in
/// each token's x5c header, and is the registry's whole rootcertbundle.
Status make_token_issuer(const std::string& work_dir) {
  auto made = run_tool({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                        "/CN=isobench test token issuer", "-keyout", work_dir + "/token/issuer.key", "-out",
                        work_dir + "/token/issuer.crt"});
  if (!made) return made.error();
  return {};
}

}  // namespace

Result<std::string> run_tool(const std::vector<std::string>& argv, std::chrono::milliseconds deadline) {
  std::vector<std::string> resolved = argv;
  if (!resolved.empty() && resolved[0].find('/') == std::string::npos) resolved[0] = find_program(resolved[0]);
  if (resolved.empty() || resolved[0].empty()) return plain_error("cannot run " + argv[0] + ": not installed");
  ProcessResult result = run_process(resolved, deadline);
  if (result.exit_code == 0 && !result.timed_out) return result.out;
  std::string command;
  for (const std::string& word : argv) command += (command.empty() ? "" : " ") + word;
  std::ostringstream message;
  message << command << " failed: exit code " << result.exit_code << (result.timed_out ? " (deadline passed)" : "")
          << "\n"
          << result.err << result.out;
  return plain_error(message.str());
}

LocalRegistry::LocalRegistry(const RegistryOptions& options, std::string work_dir)
    : options_(options), work_dir_(std::move(work_dir)) {}

LocalRegistry::~LocalRegistry() {
  process_.kill_and_reap();
  token_server_.kill_and_reap();
  std::error_code error;
  fs::remove_all(work_dir_, error);
}

Result<std::unique_ptr<LocalRegistry>> LocalRegistry::start(const RegistryOptions& options) {
  if (find_program("docker-registry").empty()) return plain_error("docker-registry not found: install docker-registry");
  remove_stale_work_dirs();
  std::string pattern = std::string("/tmp/") + kWorkDirPrefix + "XXXXXX";
  if (!mkdtemp(pattern.data())) return errno_error("mkdtemp " + pattern);
  // Owned from here: any failure below removes the directory.
  std::unique_ptr<LocalRegistry> registry(new LocalRegistry(options, pattern));
  registry->work_dir_lock_ = lock_directory(pattern);
  if (!registry->work_dir_lock_) return errno_error("cannot lock " + pattern);
  ISOBENCH_TRY(registry->prepare_files());
  if (options.token_auth) ISOBENCH_TRY(registry->start_token_server());
  Error last = plain_error("registry not started");
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    auto port = pick_free_port();
    if (!port) return port.error();
    Status launched = registry->launch_once(*port);
    if (launched) return registry;
    last = launched.error();
    if (last.errno_value != EADDRINUSE) break;  // only a lost race for the port is worth another try
  }
  return last;
}

Status LocalRegistry::prepare_files() {
  std::error_code error;
  for (const char* sub : {"/storage", "/ca", "/tls", "/token"}) {
    if (!fs::create_directories(work_dir_ + sub, error) && error)
      return plain_error("cannot create " + work_dir_ + sub + ": " + error.message());
  }
  if (options_.tls) ISOBENCH_TRY(make_certificates(work_dir_));
  if (options_.token_auth) {
    ISOBENCH_TRY(make_token_issuer(work_dir_));
    // In a file, not on the command line, where any `ps` would show the password.
    if (!options_.user.empty())
      ISOBENCH_TRY(
          write_regular_file(work_dir_ + "/token/credentials", options_.user + ":" + options_.password + "\n"));
  } else if (!options_.user.empty()) {
    auto line = run_tool({"htpasswd", "-Bbn", options_.user, options_.password});
    if (!line) return line.error();
    ISOBENCH_TRY(write_regular_file(work_dir_ + "/htpasswd", *line));
  }
  return {};
}

Status LocalRegistry::start_token_server() {
  const std::string dir = work_dir_ + "/token";
  if (python3().empty()) return plain_error("python3 not found: install python3");
  const std::pair<const char*, std::string> flags[] = {
      {"--key", dir + "/issuer.key"},
      {"--cert", dir + "/issuer.crt"},
      {"--issuer", kTokenIssuer},
      {"--service", kTokenService},
      {"--lifetime", std::to_string(options_.token_lifetime_seconds)},
      {"--log", dir + "/requests.log"},
      {"--port-file", dir + "/ports"},
  };
  std::vector<std::string> argv = {python3(), token_server_script(), "--lifetime-within-leeway"};
  for (const auto& [flag, value] : flags) argv.insert(argv.end(), {flag, value});
  if (!options_.user.empty()) argv.insert(argv.end(), {"--credentials-file", dir + "/credentials"});
  if (options_.token_private) argv.push_back("--private");
  if (options_.slow_proxy_delay_seconds > 0)
    argv.insert(argv.end(), {"--slow-proxy-upstream-file", dir + "/registry-port", "--slow-proxy-delay",
                             std::to_string(options_.slow_proxy_delay_seconds)});
  UniqueFd log_fd(::open((dir + "/server.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!log_fd) return errno_error("cannot create " + dir + "/server.log");
  SpawnOptions spawn_options;
  spawn_options.stdin_fd = SpawnOptions::kNull;
  spawn_options.stdout_fd = log_fd.get();
  spawn_options.stderr_fd = log_fd.get();
  spawn_options.die_with_parent = true;
  auto child = spawn(argv, spawn_options);
  if (!child) return child.error();
  token_server_ = std::move(*child);
  // It binds port 0 itself and names the port in a file it renames into place: no race.
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto ports = read_file(dir + "/ports")) {
      std::istringstream(*ports) >> token_port_ >> proxy_port_;
      return {};
    }
    if (token_server_.exits_within(0)) break;
    std::this_thread::sleep_for(20ms);
  }
  token_server_.kill_and_reap();
  auto output = read_file(dir + "/server.log");
  return plain_error("token_server.py did not start: " + (output ? *output : std::string("(no output)")));
}

Status LocalRegistry::launch_once(int port) {
  port_ = port;
  host_ = "127.0.0.1:" + std::to_string(port);
  const std::string config = work_dir_ + "/config.yml";
  ISOBENCH_TRY(write_regular_file(config, config_yaml(options_, work_dir_, port, token_server_url() + "/token")));
  if (options_.token_auth) ISOBENCH_TRY(write_regular_file(work_dir_ + "/token/registry-port", std::to_string(port)));
  UniqueFd log_fd(::open((work_dir_ + "/registry.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!log_fd) return errno_error("cannot create " + work_dir_ + "/registry.log");
  SpawnOptions spawn_options;
  spawn_options.stdin_fd = SpawnOptions::kNull;
  spawn_options.stdout_fd = log_fd.get();
  spawn_options.stderr_fd = log_fd.get();
  spawn_options.die_with_parent = true;  // a test binary that crashes takes its registries with it
  auto child = spawn({find_program("docker-registry"), "serve", config}, spawn_options);
  if (!child) return child.error();
  process_ = std::move(*child);
  return wait_until_up(kStartTimeout);
}

Status LocalRegistry::wait_until_up(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last_answer = "no listening socket";
  while (std::chrono::steady_clock::now() < deadline) {
    if (process_.exits_within(0)) {
      const int code = process_.wait().shell_code();
      const bool collided = log().find("address already in use") != std::string::npos;
      return Error{collided ? EADDRINUSE : 0,
                   "docker-registry exited with status " + std::to_string(code) + " on " + host_ + ":\n" + log()};
    }
    if (listens_on(pid(), port_)) {
      RequestOptions probe;
      probe.with_credentials = false;
      auto reply = request("/v2/", probe);
      const bool auth = !options_.user.empty() || options_.token_auth;
      if (reply && (reply->status == 200 || (reply->status == 401 && auth))) return {};
      last_answer = reply ? "HTTP " + std::to_string(reply->status) : reply.error().text();
    }
    std::this_thread::sleep_for(50ms);
  }
  process_.kill_and_reap();
  return plain_error("docker-registry on " + host_ + " did not answer GET /v2/ within " +
                     std::to_string(timeout.count()) + " ms (last: " + last_answer + "); its log:\n" + log());
}

std::string LocalRegistry::base_url() const {
  return (options_.tls ? "https://" : "http://") + host_;
}

std::string LocalRegistry::proxy_host() const {
  return proxy_port_ > 0 ? "127.0.0.1:" + std::to_string(proxy_port_) : "";
}

std::string LocalRegistry::token_server_url() const {
  return token_port_ > 0 ? "http://127.0.0.1:" + std::to_string(token_port_) : "";
}

std::string LocalRegistry::token_server_log() const {
  auto text = read_file(work_dir_ + "/token/requests.log");
  return text ? *text : "";
}

std::string LocalRegistry::ca_certificate_path() const {
  return options_.tls ? work_dir_ + "/ca/ca.crt" : "";
}

std::string LocalRegistry::ca_certificate_dir() const {
  return options_.tls ? work_dir_ + "/ca" : "";
}

std::string LocalRegistry::storage_dir() const {
  return work_dir_ + "/storage";
}

std::string LocalRegistry::log() const {
  auto text = read_file(work_dir_ + "/registry.log");
  return text ? *text : "(no log: " + text.error().text() + ")";
}

Result<HttpReply> LocalRegistry::request(const std::string& path, const RequestOptions& options) const {
  std::vector<std::string> argv = {"curl", "-sS",          "--max-time", "10",
                                   "-X",   options.method, "-w",         "\n%{http_code} %{content_type}"};
  if (options_.tls && options.trust_ca) argv.insert(argv.end(), {"--cacert", ca_certificate_path()});
  if (options.with_credentials && !options_.user.empty() && !options_.token_auth)
    argv.insert(argv.end(), {"-u", options_.user + ":" + options_.password});
  std::string accept;
  for (const std::string& type : options.accept) accept += (accept.empty() ? "" : ", ") + type;
  if (!accept.empty()) argv.insert(argv.end(), {"-H", "Accept: " + accept});
  argv.push_back(base_url() + path);
  auto output = run_tool(argv, 20s);
  if (!output) return output.error();
  const size_t last_line = output->rfind('\n');
  if (last_line == std::string::npos) return plain_error("curl printed no status line: " + *output);
  HttpReply reply;
  std::istringstream status_line(output->substr(last_line + 1));
  status_line >> reply.status >> reply.content_type;
  reply.body = output->substr(0, last_line);
  return reply;
}

}  // namespace isobench::integration
