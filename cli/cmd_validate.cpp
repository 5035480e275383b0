// `feederlab validate FEEDER [-o DIR] [--fail-on error|warning|never]`: the data validation report.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "commands.hpp"
#include "feederlab/io/import.hpp"
#include "feederlab/report/validation_report.hpp"
#include "feederlab/validate/validate.hpp"

namespace feederlab::cli {

void registerValidate(CLI::App& app) {
  struct Options {
    FeederArgs feeder;
    std::string out_dir = "validation";
    std::string fail_on = "error";
  };
  auto* cmd = app.add_subcommand("validate", "Check the feeder data and write a findings report");
  auto opt = std::make_shared<Options>();
  opt->feeder.addTo(*cmd);
  cmd->add_option("-o,--output", opt->out_dir, "Output folder")->capture_default_str();
  cmd->add_option("--fail-on", opt->fail_on, "Exit 1 when a finding of this severity or worse exists")
      ->check(CLI::IsMember({"error", "warning", "never"}))
      ->capture_default_str();
  cmd->callback([opt]() {
    const auto feeder = io::importFeeder(opt->feeder.path, opt->feeder.format);
    const auto result = validate::validateFeeder(feeder);
    report::writeValidation(result, opt->out_dir);
    const auto& s = result.summary;
    std::cerr << fmt::format("{}: {} error(s), {} warning(s), {} note(s); report in {}/validation.html\n",
                             result.feeder_name, s.errors, s.warnings, s.infos, opt->out_dir);
    const bool failed = (opt->fail_on == "error" && s.errors > 0) ||
                        (opt->fail_on == "warning" && (s.errors > 0 || s.warnings > 0));
    if (failed) throw ChecksFailed(fmt::format("validation failed: findings at or above '{}'", opt->fail_on));
  });
}

}  // namespace feederlab::cli
