// `feederlab info FEEDER [--json]`: counts and totals.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "feederlab/io/import.hpp"
#include "feederlab/report/validation_report.hpp"
#include "feederlab/validate/validate.hpp"

namespace feederlab::cli {

void FeederArgs::addTo(CLI::App& cmd) {
  cmd.add_option("FEEDER", path, "OpenDSS master script (.dss), CIM XML file or utility CSV folder")->required();
  cmd.add_option("--format", format, "Force the input format")
      ->check(CLI::IsMember({"auto", "dss", "cim", "csv"}))
      ->capture_default_str();
}

void registerInfo(CLI::App& app) {
  auto* cmd = app.add_subcommand("info", "Counts and totals of a feeder");
  auto args = std::make_shared<FeederArgs>();
  auto json = std::make_shared<bool>(false);
  args->addTo(*cmd);
  cmd->add_flag("--json", *json, "Machine-readable JSON on stdout");
  cmd->callback([args, json]() {
    const auto feeder = io::importFeeder(args->path, args->format);
    const auto counts = validate::countFeeder(feeder);
    std::cout << (*json ? report::countsJson(counts) : report::countsText(counts));
  });
}

}  // namespace feederlab::cli
