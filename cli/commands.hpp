// Each subcommand lives in its own file and registers itself on the app.
// A registered command's callback throws core errors; main() maps them to exit codes.
#pragma once

#include <CLI/CLI.hpp>

namespace feederlab::cli {

void registerInfo(CLI::App& app);
void registerValidate(CLI::App& app);
void registerPowerflow(CLI::App& app);

}  // namespace feederlab::cli
