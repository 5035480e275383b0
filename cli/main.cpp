// feederlab command line: thin; parses arguments and calls the library (see ../shared/design/cli.md).
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "feederlab/core/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"feederlab: feeder import, checks, reduction and FIDVR studies"};
  app.require_subcommand(1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : feederlab::core::kExitBadInput;
  }
  return 0;
}
