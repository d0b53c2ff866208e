// A real OCI distribution registry (Debian's docker-registry, the CNCF distribution v2.8)
// running on 127.0.0.1 for the length of one test: the image tests push to it and pull from
// it because no public registry is reachable here. Each one has its own free port, its own
// storage and, on request, basic auth, token auth (with a token server of its own) and TLS
// with a throwaway CA; destroying it kills its processes and removes every file it made,
// however the test ends.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/subprocess.h"
#include "common/unique_fd.h"

namespace isobench::integration {

struct RegistryOptions {
  bool tls = false;      ///< https with a certificate for 127.0.0.1 and localhost from a fresh CA
  std::string user;      ///< basic auth (htpasswd, bcrypt) when not empty; with token_auth, the token server's account
  std::string password;  ///< the user's password
  bool delete_enabled = true;  ///< storage.delete.enabled: DELETE of manifests and blobs allowed
  /// auth: token: the registry sends clients to a token server (tests/integration/token_server.py)
  /// that the fixture runs beside it: anonymous requests get pull tokens, `user` with `password`
  /// pull and push, wrong credentials a 401. Every token request is logged (token_server_log()).
  bool token_auth = false;
  bool token_private = false;        ///< with token_auth: anonymous token requests get a 401, not pull access
  int token_lifetime_seconds = 300;  ///< how long the registry honours a token (its 60 s leeway taken off exp)
  /// With token_auth and > 0: also a proxy in front of the registry (proxy_host()) that holds
  /// the first blob request back this long, so that a shorter token lifetime runs out during it.
  double slow_proxy_delay_seconds = 0;
};

/// One HTTP answer, as curl saw it.
struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;
};

struct RequestOptions {
  std::vector<std::string> accept;  ///< Accept header values; none: curl's default
  bool with_credentials = true;     ///< send the registry's user and password, when it has them (not with token_auth)
  bool trust_ca = true;             ///< verify TLS against the registry's CA; false: the system's CAs only
  std::string method = "GET";
};

class LocalRegistry {
 public:
  /// Starts a registry and returns once GET /v2/ answers (200, or 401 with auth on). Fails
  /// with the registry's stderr when it does not come up within about ten seconds.
  static Result<std::unique_ptr<LocalRegistry>> start(const RegistryOptions& options = {});

  LocalRegistry(const LocalRegistry&) = delete;
  LocalRegistry& operator=(const LocalRegistry&) = delete;
  /// Kills the registry by pid, reaps it and removes its directory.
  ~LocalRegistry();

  /// "127.0.0.1:PORT": the registry part of an image reference.
  const std::string& host() const { return host_; }
  int port() const { return port_; }
  /// With slow_proxy_delay_seconds: "127.0.0.1:PORT" of the slow proxy; else "".
  std::string proxy_host() const;
  /// With token_auth: what the token server logged, one JSON object a line: "server" ("token"
  /// or "proxy"), "path", "authorization" (whether the header was sent), "status", "time", and
  /// for tokens "user", "access" and "exp". Never a password or a token.
  std::string token_server_log() const;
  /// "http://127.0.0.1:PORT": the token server's base URL (token_auth); "" without it.
  std::string token_server_url() const;
  /// "http://127.0.0.1:PORT" or "https://127.0.0.1:PORT".
  std::string base_url() const;
  /// The PEM CA certificate that signed the server's; "" without TLS.
  std::string ca_certificate_path() const;
  /// A directory holding only that CA certificate (as ca.crt): what skopeo's --cert-dir and
  /// containers' certs.d expect; "" without TLS.
  std::string ca_certificate_dir() const;
  /// storage.filesystem.rootdirectory: the registry's blobs and repositories.
  std::string storage_dir() const;
  /// The directory holding everything of this registry (config, certificates, storage, log).
  const std::string& work_dir() const { return work_dir_; }
  const RegistryOptions& options() const { return options_; }
  pid_t pid() const { return process_.pid(); }
  /// The token server's pid (token_auth); -1 without one.
  pid_t token_server_pid() const { return token_server_.pid(); }
  /// What the registry wrote to stderr and stdout so far.
  std::string log() const;

  /// `curl` against PATH (starting with /v2/). Fails only when curl gets no HTTP answer
  /// (connection or TLS failure); an HTTP error status is a reply.
  Result<HttpReply> request(const std::string& path, const RequestOptions& options = {}) const;

 private:
  LocalRegistry(const RegistryOptions& options, std::string work_dir);
  Status prepare_files();
  Status start_token_server();
  Status launch_once(int port);
  Status wait_until_up(std::chrono::milliseconds timeout);

  RegistryOptions options_;
  std::string work_dir_;
  std::string host_;
  int port_ = 0;
  int token_port_ = 0;
  int proxy_port_ = 0;
  UniqueFd work_dir_lock_;  ///< flock on work_dir_: alive, not stale (see start())
  Subprocess token_server_;
  Subprocess process_;
};

/// Runs a host tool to completion with stdin on /dev/null; its stdout when it exits 0, else
/// an error naming the command with its exit status and stderr. Past `deadline` the tool is
/// killed, so that a hung tool fails the test instead of the suite.
Result<std::string> run_tool(const std::vector<std::string>& argv,
                             std::chrono::milliseconds deadline = std::chrono::seconds(120));

}  // namespace isobench::integration
