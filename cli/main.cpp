// feederlab command line: thin; parses arguments and calls the library (../shared/design/cli.md).
// Errors become exit codes here: 2 bad input (file:line or element named), 3 numerical failure.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "commands.hpp"
#include "feederlab/core/error.hpp"
#include "feederlab/core/log.hpp"

namespace core = feederlab::core;

int main(int argc, char** argv) {
  CLI::App app{"feederlab: feeder import, checks, power flow, reduction and FIDVR studies"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "feederlab 0.1.0");
  app.add_flag_callback(
      "-v,--verbose", [] { core::setLogLevel(core::LogLevel::Info); }, "More progress messages on stderr");
  feederlab::cli::registerInfo(app);
  feederlab::cli::registerValidate(app);
  feederlab::cli::registerPowerflow(app);
  feederlab::cli::registerSynth(app);
  feederlab::cli::registerExport(app);
  feederlab::cli::registerSimulate(app);
  feederlab::cli::registerReduce(app);
  feederlab::cli::registerStudy(app);
  feederlab::cli::registerSweep(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? core::kExitOk : core::kExitBadInput;
  } catch (const feederlab::cli::ChecksFailed& e) {
    std::cerr << e.what() << "\n";
    return core::kExitChecksFailed;
  } catch (const core::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return core::kExitBadInput;
  } catch (const core::ModelError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return core::kExitBadInput;
  } catch (const core::NumericalError& e) {
    std::cerr << "numerical failure: " << e.what() << "\n";
    return core::kExitNumerical;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return core::kExitBadInput;
  }
  return core::kExitOk;
}
