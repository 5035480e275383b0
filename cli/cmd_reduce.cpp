// `feederlab reduce FEEDER [--sections N|auto] [--keep BUS,...] [--composition FILE] -o DIR`
// (../shared/design/cli.md; method in docs/reduction.md).
#include <filesystem>
#include <fmt/format.h>
#include <memory>

#include "commands.hpp"
#include "feederlab/core/error.hpp"
#include "feederlab/core/log.hpp"
#include "feederlab/core/strings.hpp"
#include "feederlab/io/import.hpp"
#include "feederlab/reduce/reduce.hpp"

namespace feederlab::cli {

void registerReduce(CLI::App& app) {
  auto* cmd = app.add_subcommand("reduce", "Reduce a feeder to equivalent sections with composite loads");
  auto args = std::make_shared<FeederArgs>();
  auto sections = std::make_shared<std::string>("auto");
  auto keep = std::make_shared<std::vector<std::string>>();
  auto composition = std::make_shared<std::string>();
  auto out_dir = std::make_shared<std::string>();
  auto blocks = std::make_shared<int>(reduce::Options{}.motor_d_blocks);
  auto spread_gain = std::make_shared<double>(reduce::Options{}.motor_d_spread_gain);
  auto max_sections = std::make_shared<int>(8);
  args->addTo(*cmd);
  cmd->add_option("--sections", *sections, "Number of sections, or auto")->capture_default_str();
  cmd->add_option("--keep", *keep, "Buses that must survive (comma-separated)")->delimiter(',');
  cmd->add_option("--composition", *composition, "Composition file applied to every load class");
  cmd->add_option("--max-sections", *max_sections, "Cap of --sections auto")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--motor-d-blocks", *blocks, "Sub-loads per section spreading motor D stall thresholds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--spread-gain", *spread_gain,
                  "In-section voltage spread at stall over the base case's (1 = none; docs/reduction.md step 12)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("-o,--output", *out_dir, "Output folder")->required();
  cmd->callback([=]() {
    const auto feeder = io::importFeeder(args->path, args->format);
    reduce::Options options;
    if (*sections != "auto") {
      try {
        std::size_t used = 0;
        const int n = std::stoi(*sections, &used);
        if (used != sections->size() || n < 1) throw std::invalid_argument("");
        options.sections = n;
      } catch (const std::exception&) {
        throw core::InputError({"--sections", 0}, *sections, "expected a positive integer or auto");
      }
    }
    options.keep_buses = *keep;
    options.max_sections = *max_sections;
    options.motor_d_blocks = *blocks;
    options.motor_d_spread_gain = *spread_gain;
    if (!composition->empty()) {
      const auto spec = reduce::readCompositeSpecFile(*composition);
      for (auto c : {model::LoadClass::Residential, model::LoadClass::Commercial, model::LoadClass::Industrial,
                     model::LoadClass::Other, model::LoadClass::Unknown})
        options.class_compositions[c] = spec;
    }
    const auto reduction = reduce::reduceFeeder(feeder, options);
    for (const auto& n : reduction.notes) core::logInfo("reduce: " + n);
    reduce::writeReduction(*out_dir, reduction);
    core::logInfo(fmt::format("reduce: {} sections, head power error {:.4f} %, max section voltage error {:.6f} pu, losses {:+.3f} %",
                              reduction.sections.size(), reduction.head_power_error_pct, reduction.section_voltage_error_pu_max,
                              reduction.losses_error_pct));
  });
}

}  // namespace feederlab::cli
