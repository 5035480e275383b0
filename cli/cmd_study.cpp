// `feederlab study`: being written (see its issue); registered so the command list is complete.
#include "commands.hpp"
#include "feederlab/core/error.hpp"

namespace feederlab::cli {

void registerStudy(CLI::App& app) {
  auto* cmd = app.add_subcommand("study", "FIDVR study: full vs reduced vs single-bus baseline");
  cmd->allow_extras();
  cmd->callback([]() { throw core::ModelError("study", "this command is not available in this build yet"); });
}

}  // namespace feederlab::cli
