// `feederlab export FEEDER --to dss -o FILE`: any imported feeder as one OpenDSS script.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "feederlab/io/dss_export.hpp"
#include "feederlab/io/import.hpp"

namespace feederlab::cli {

void registerExport(CLI::App& app) {
  auto* cmd = app.add_subcommand("export", "Write an imported feeder as an OpenDSS script");
  auto args = std::make_shared<FeederArgs>();
  auto to = std::make_shared<std::string>("dss");
  auto output = std::make_shared<std::string>();
  args->addTo(*cmd);
  cmd->add_option("--to", *to, "Output format")->check(CLI::IsMember({"dss"}))->capture_default_str();
  cmd->add_option("-o,--output", *output, "Output file (bus coordinates go beside it as <stem>_buscoords.csv)")
      ->required();
  cmd->callback([args, to, output]() {  // the options write into these: keep them alive
    if (*to != "dss") throw CLI::ValidationError("--to", "only dss is supported");
    const auto feeder = io::importFeeder(args->path, args->format);
    const auto notes = io::exportDssFile(feeder, *output);
    for (const auto& n : notes) std::cerr << "note: " << n << "\n";
    std::cerr << "wrote " << *output << "\n";
  });
}

}  // namespace feederlab::cli
