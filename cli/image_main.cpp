// isobench-image: the image verbs, which isobench hands over by exec (image_verbs.h says
// why they are a separate executable). It presents itself as isobench: same program name in
// usage lines, same global options, same errors.
#include "cli/command_line.h"
#include "cli/image_verbs.h"
#include "common/version.h"

int main(int argc, char** argv) {
  using namespace isobench;
  cli::install_logger();
  CLI::App app{"isobench: the image verbs (pull, push, images, rmi, tag, image, import, save, load, login, logout)", "isobench"};
  std::string log_level = "warn";
  cli::add_global_options(app, log_level, std::string("isobench ") + kVersion);
  cli::Action action;
  cli::add_pull_command(app, action);
  cli::add_images_command(app, action);
  cli::add_rmi_command(app, action);
  cli::add_tag_command(app, action);
  cli::add_image_command(app, action);
  cli::add_import_command(app, action);
  cli::add_save_command(app, action);
  cli::add_load_command(app, action);
  cli::add_push_command(app, action);
  cli::add_login_command(app, action);
  cli::add_logout_command(app, action);
  return cli::run_and_exit_status(app, std::vector<std::string>(argv + 1, argv + argc), action, log_level);
}
