// `feederlab reduce`: being written (see its issue); registered so the command list is complete.
#include "commands.hpp"
#include "feederlab/core/error.hpp"

namespace feederlab::cli {

void registerReduce(CLI::App& app) {
  auto* cmd = app.add_subcommand("reduce", "Reduce a feeder to equivalent sections with composite loads");
  cmd->allow_extras();
  cmd->callback([]() { throw core::ModelError("reduce", "this command is not available in this build yet"); });
}

}  // namespace feederlab::cli
