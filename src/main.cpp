// postfuze: the server binary. All behaviour lives in src/app (cli.cpp).
#include "app/cli.hpp"

int main(int argc, char** argv) {
  return postfuze::app::run_cli(std::vector<std::string>(argv + 1, argv + argc), postfuze::app::process_env());
}
