// `feederlab simulate`: being written (see its issue); registered so the command list is complete.
#include "commands.hpp"
#include "feederlab/core/error.hpp"

namespace feederlab::cli {

void registerSimulate(CLI::App& app) {
  auto* cmd = app.add_subcommand("simulate", "Time-domain simulation of a feeder under an event file");
  cmd->allow_extras();
  cmd->callback([]() { throw core::ModelError("simulate", "this command is not available in this build yet"); });
}

}  // namespace feederlab::cli
