// Each subcommand lives in its own file and registers itself on the app.
// Callbacks throw core errors; main() maps them to the exit codes of cli.md.
#pragma once

#include <CLI/CLI.hpp>
#include <stdexcept>
#include <string>

namespace feederlab::cli {

// The command ran but its checks failed (exit 1), e.g. validation findings at --fail-on.
class ChecksFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Adds the FEEDER positional and --format option shared by every command that reads a feeder.
struct FeederArgs {
  std::string path;
  std::string format = "auto";
  void addTo(CLI::App& cmd);
};

void registerInfo(CLI::App& app);
void registerValidate(CLI::App& app);
void registerPowerflow(CLI::App& app);
void registerSynth(CLI::App& app);
void registerExport(CLI::App& app);
void registerSimulate(CLI::App& app);
void registerReduce(CLI::App& app);
void registerStudy(CLI::App& app);
void registerSweep(CLI::App& app);

}  // namespace feederlab::cli
