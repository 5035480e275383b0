// `feederlab synth [--customers N] [--seed S] -o DIR`: a synthetic feeder in the utility CSV
// export format (docs/utility-csv.md), byte-identical for a given N and S.
#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "feederlab/core/atomic_file.hpp"
#include "feederlab/core/log.hpp"
#include "feederlab/synth/synth.hpp"

namespace feederlab::cli {

namespace {

struct SynthArgs {
  int customers = 2000;
  std::uint64_t seed = 1;
  std::string out;
};

std::string readme(const synth::SyntheticFeeder& feeder, const SynthArgs& a) {
  const synth::Options options{a.customers, a.seed};
  return fmt::format(
      "# Synthetic feeder: {} customers, seed {}\n\nRegenerate byte for byte (from the project root, "
      "after scripts/build.sh):\n\n```\nbuild/bin/feederlab synth --customers {} --seed {} -o {}\n```\n\n"
      "{}",
      a.customers, a.seed, a.customers, a.seed, a.out, synth::describe(feeder, options));
}

}  // namespace

void registerSynth(CLI::App& app) {
  auto* cmd = app.add_subcommand("synth", "Generate a synthetic 12.47 kV feeder in the utility CSV format");
  auto args = std::make_shared<SynthArgs>();
  cmd->add_option("--customers", args->customers, "Number of customers (about 2,500 per feeder)")
      ->check(CLI::Range(20, 200000))
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Random seed")->capture_default_str();
  cmd->add_option("-o,--output", args->out, "Output folder")->required();
  cmd->callback([args]() {
    const synth::Options options{args->customers, args->seed};
    const auto feeder = synth::generateFeeder(options);
    const std::filesystem::path dir = args->out;
    for (const auto& [name, content] : synth::writeUtilityCsv(feeder.tables))
      core::writeFileAtomic(dir / name, content);
    core::writeFileAtomic(dir / "README.md", readme(feeder, *args));
    core::logInfo(fmt::format("synth: {} customers, {:.0f} kW, {} nodes written to {}", args->customers,
                              feeder.summary.total_kw, feeder.tables.nodes.size(), dir.string()));
  });
}

}  // namespace feederlab::cli
