// `feederlab simulate FEEDER --event EVENT.json [-o DIR] [--composition FILE] [--dyd FILE]`
// (../shared/design/cli.md; docs/simulate.md). Exit 3 after writing the partial outputs when the
// solver fails mid-run (simulation.json says completed = false).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "feederlab/core/error.hpp"
#include "feederlab/core/log.hpp"
#include "feederlab/events/scenario_io.hpp"
#include "feederlab/io/dyd.hpp"
#include "feederlab/io/import.hpp"
#include "feederlab/sim/simulate.hpp"
#include "feederlab/study/source_equivalent.hpp"

namespace feederlab::cli {

namespace {

struct SimulateArgs {
  std::string event;
  std::string out_dir = ".";
  std::string composition;
  std::string dyd;
  double output_interval_s = 0.0;
  double rtol = 0.0;
  long max_steps = 0;
  double max_run_s = 0.0;
  std::vector<std::string> probes;
  double source_mva = 0.0;
};

}  // namespace

void registerSimulate(CLI::App& app) {
  auto* cmd = app.add_subcommand("simulate", "Time-domain simulation of a feeder under an event file");
  auto feeder_args = std::make_shared<FeederArgs>();
  auto a = std::make_shared<SimulateArgs>();
  feeder_args->addTo(*cmd);
  cmd->add_option("--event", a->event, "Event file (JSON, docs/events.md)")->required();
  cmd->add_option("-o,--output", a->out_dir, "Output folder for timeseries.csv and simulation.json");
  cmd->add_option("--composition", a->composition,
                  "Composition file for every load (default: data/compositions/residential_summer_peak.json)");
  cmd->add_option("--dyd", a->dyd, "PSLF cmpldw records attached to the buses they name (take precedence)");
  cmd->add_option("--output-interval", a->output_interval_s, "Sample interval in s (default: the event file's)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--rtol", a->rtol, "IDA relative tolerance (default 1e-4)")->check(CLI::PositiveNumber);
  cmd->add_option("--max-steps", a->max_steps, "IDA step limit between two output times (default 50000)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-run-time", a->max_run_s, "Wall-clock limit in s; exceeded = solver failure, exit 3 (0 = none)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--probe", a->probes, "Extra column v_<bus>.<node>_pu for this bus.node (repeatable)");
  cmd->add_option("--source-mva", a->source_mva,
                  "Replace a stiff source (> 100 x the load) by this short-circuit MVA at X/R 10, as study does")
      ->check(CLI::PositiveNumber);
  cmd->callback([feeder_args, a]() {
    const auto scenario = events::readScenario(a->event);
    auto feeder = io::importFeeder(feeder_args->path, feeder_args->format);
    if (a->source_mva > 0.0) {
      const auto eq = study::applySourceEquivalent(feeder, {.mva = a->source_mva});
      if (!eq.note.empty()) core::logInfo("simulate: " + eq.note);
    }
    sim::Options options;
    const std::filesystem::path comp =
        a->composition.empty() ? sim::defaultCompositionFile() : std::filesystem::path(a->composition);
    options.default_spec = sim::readCompositeSpec(comp);
    if (!a->dyd.empty()) options.records = io::readDyd(a->dyd);
    if (a->output_interval_s > 0.0) options.output_interval_s = a->output_interval_s;
    if (a->rtol > 0.0) options.ida.rtol = a->rtol;
    if (a->max_steps > 0) options.ida.max_steps_per_call = a->max_steps;
    options.ida.max_wall_s = a->max_run_s;
    options.probes = a->probes;
    const bool progress = core::logLevel() <= core::LogLevel::Info || isatty(STDERR_FILENO);
    if (progress) {
      auto last = std::make_shared<double>(-1.0);
      options.on_progress = [last](double t, double t_end) {
        if (t - *last < 1.0 && t < t_end) return;
        *last = t;
        std::fprintf(stderr, "\rsimulate: t = %6.2f / %.2f s", t, t_end);
        if (t >= t_end) std::fprintf(stderr, "\n");
      };
    }
    const sim::Result r = sim::simulate(feeder, scenario, options);
    if (progress && !r.completed) std::fprintf(stderr, "\n");
    for (const auto& n : r.notes) core::logInfo("simulate: " + n);
    core::logInfo(fmt::format("simulate: {} states, {} steps, {} residual and {} Jacobian evaluations, {:.3f} s",
                              r.states, r.stats.steps, r.stats.residual_evals, r.stats.jacobian_evals, r.runtime_s));
    sim::writeOutputs(a->out_dir, r);
    if (!r.completed)
      throw core::NumericalError(fmt::format("simulation stopped at t = {} s of {} s (partial outputs written to {}): {}",
                                             r.t_end, scenario.t_end_s, a->out_dir, r.failure));
  });
}

}  // namespace feederlab::cli
