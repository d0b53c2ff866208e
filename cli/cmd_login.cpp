// isobench login [-u USER] [-p PASSWORD | --password-stdin] [SERVER]   and   isobench logout [SERVER]
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/image_context.h"
#include "cli/image_verbs.h"
#include "runner/image/pull.h"
#include "runner/image/reference.h"
#include "runner/image/registry_login.h"

namespace isobench::cli {

namespace {

namespace image = runner::image;

struct LoginArguments {
  std::string server;
  std::string username;
  std::string password;
  bool password_stdin = false;
};

/// One line of stdin without its line end; with `hidden`, not echoed (a password at a terminal).
std::string read_line(bool hidden) {
  termios saved{};
  const bool terminal = hidden && ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (terminal) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (terminal) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::fputs("\n", stderr);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

Result<image::Credentials> credentials_of(const LoginArguments& arguments) {
  image::Credentials credentials{arguments.username, arguments.password};
  if (arguments.password_stdin && !arguments.password.empty()) return usage_error("--password and --password-stdin are mutually exclusive");
  if (arguments.password_stdin && credentials.username.empty()) return usage_error("--password-stdin needs --username");
  const bool terminal = ::isatty(STDIN_FILENO);
  if (credentials.username.empty()) {
    if (!terminal) return usage_error("cannot ask for a username: stdin is not a terminal (use -u USER)");
    std::fputs("Username: ", stderr);
    credentials.username = read_line(false);
  }
  if (!arguments.password.empty()) {
    std::fputs("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n", stderr);
  } else if (arguments.password_stdin) {
    credentials.password = read_line(false);
  } else {
    if (!terminal) return usage_error("cannot ask for a password: stdin is not a terminal (use --password-stdin)");
    std::fputs("Password: ", stderr);
    credentials.password = read_line(true);
  }
  if (credentials.username.empty() || credentials.password.empty()) return usage_error("a username and a password are required");
  return credentials;
}

Result<int> login(const LoginArguments& arguments) {
  auto server = image::parse_login_server(arguments.server);
  if (!server) return server.error();
  auto credentials = credentials_of(arguments);
  if (!credentials) return credentials.error();
  auto host = image::parse_reference(server->api_host + "/x");
  if (!host) return host.error();
  auto http = registry_http_client(server->api_host);
  if (!http) return http.error();
  const bool plain = image::plain_http_registry(*host, insecure_registries());
  ISOBENCH_TRY(image::verify_login(**http, *server, *credentials, plain));
  ISOBENCH_TRY(image::store_login(image::isobench_auth_file(), server->auth_key, *credentials));
  std::printf("Login Succeeded\n");
  return 0;
}

Result<int> logout(const std::string& server_text) {
  auto server = image::parse_login_server(server_text);
  if (!server) return server.error();
  auto removed = image::remove_login(image::isobench_auth_file(), server->auth_key);
  if (!removed) return removed.error();
  if (*removed) std::printf("Removing login credentials for %s\n", server->auth_key.c_str());
  else std::printf("Not logged in to %s\n", server->auth_key.c_str());
  return 0;
}

}  // namespace

void add_login_command(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<LoginArguments>();
  CLI::App* command = app.add_subcommand("login", "Log in to a registry (checked against it, then stored for pull and push)");
  command->add_option("SERVER", arguments->server, "The registry: HOST[:PORT] (default: Docker Hub)");
  command->add_option("-u,--username", arguments->username, "Username");
  command->add_option("-p,--password", arguments->password, "Password (visible to other users in the process list: prefer --password-stdin)");
  command->add_flag("--password-stdin", arguments->password_stdin, "Read the password from stdin");
  command->footer("Credentials are kept in $ISOBENCH_AUTH_FILE (default ~/.config/isobench/auth.json), readable by you alone.");
  command->callback([&action, arguments] { action = [arguments] { return login(*arguments); }; });
}

void add_logout_command(CLI::App& app, Action& action) {
  auto server = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("logout", "Forget the stored credentials of a registry");
  command->add_option("SERVER", *server, "The registry: HOST[:PORT] (default: Docker Hub)");
  command->callback([&action, server] { action = [server] { return logout(*server); }; });
}

}  // namespace isobench::cli
