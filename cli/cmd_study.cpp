// `feederlab study FEEDER [-o DIR] [--sections N|auto] [--events FILE]... [--composition FILE]
//  [--strict] [--source-mva MVA] [--source-xr X/R] [--threads N]` (cli.md): the main job.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "feederlab/core/error.hpp"
#include "feederlab/core/strings.hpp"
#include "feederlab/events/scenario_io.hpp"
#include "feederlab/io/import.hpp"
#include "feederlab/study/study.hpp"

namespace feederlab::cli {

namespace {

struct StudyArgs {
  FeederArgs feeder;
  std::string out = "study";
  std::string sections = "auto";
  std::vector<std::string> events;
  std::string composition;
  bool strict = false;
  double source_mva = 1000.0;
  double source_xr = 10.0;
  bool force_source = false;
  unsigned threads = 0;
  double max_run_s = 900.0;
  std::string reuse_full;
  int motor_d_blocks = 0;
  double spread_gain = -1.0;
};

// Event files: each FILE is one scenario, or a folder whose *.json files are (sorted by name).
std::vector<events::Scenario> readEvents(const std::vector<std::string>& paths) {
  std::vector<events::Scenario> out;
  for (const auto& p : paths) {
    if (std::filesystem::is_directory(p)) {
      std::vector<std::filesystem::path> files;
      for (const auto& e : std::filesystem::directory_iterator(p))
        if (e.path().extension() == ".json") files.push_back(e.path());
      std::sort(files.begin(), files.end());
      if (files.empty()) throw core::InputError({p, 0}, p, "no event files (*.json) in the folder");
      for (const auto& f : files) out.push_back(events::readScenario(f));
    } else {
      out.push_back(events::readScenario(p));
    }
  }
  return out;
}

std::string feederName(const std::string& path) {
  std::filesystem::path p(path);
  if (std::filesystem::is_directory(p)) return std::filesystem::absolute(p).lexically_normal().filename().string();
  return p.stem().string();
}

}  // namespace

void registerStudy(CLI::App& app) {
  auto* cmd = app.add_subcommand("study", "FIDVR study: full vs reduced vs single-bus baseline, metrics and report");
  auto a = std::make_shared<StudyArgs>();
  a->feeder.addTo(*cmd);
  cmd->add_option("-o,--output", a->out, "Output folder")->capture_default_str();
  cmd->add_option("--sections", a->sections, "Number of sections, or auto")->capture_default_str();
  cmd->add_option("--events", a->events, "Event file (or folder of event files); replaces the ten default events");
  cmd->add_option("--composition", a->composition, "Composition file applied to every load class");
  cmd->add_flag("--strict", a->strict, "Exit 1 when the reduced model misses a tolerance");
  cmd->add_option("--source-mva", a->source_mva, "Transmission equivalent for stiff sources: short-circuit MVA")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--source-xr", a->source_xr, "Transmission equivalent: X/R")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_flag("--force-source-equivalent", a->force_source, "Replace the source even when it is not stiff");
  cmd->add_option("--max-run-time", a->max_run_s, "Wall-clock limit of each simulation in s (0 = none)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--motor-d-blocks", a->motor_d_blocks, "Motor D sub-blocks per section (default 6)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--spread-gain", a->spread_gain,
                  "In-section spread at stall over the base case's (default 2.5; 1 = none)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--reuse-full", a->reuse_full,
                  "Earlier study folder of the same feeder and events: take its full-feeder runs (method work)");
  cmd->add_option("--threads", a->threads, "Worker threads for the simulations (0 = all cores)")->capture_default_str();
  cmd->callback([a]() {
    const auto t0 = std::chrono::steady_clock::now();
    study::Options o;
    if (!core::iequals(a->sections, "auto")) {
      int n = 0;
      if (!core::parseInt(a->sections, n) || n < 1 || n > 50)
        throw core::InputError({"--sections", 0}, a->sections, "expected an integer from 1 to 50, or auto");
      o.sections = n;
    }
    o.events = readEvents(a->events);
    if (!a->composition.empty()) o.composition_file = a->composition;
    o.source = {a->source_mva, a->source_xr, a->force_source};
    o.threads = a->threads;
    o.max_run_wall_s = a->max_run_s;
    if (!a->reuse_full.empty()) o.reuse_full_from = a->reuse_full;
    if (a->motor_d_blocks > 0) o.motor_d_blocks = a->motor_d_blocks;
    if (a->spread_gain > 0.0) o.motor_d_spread_gain = a->spread_gain;
    const bool terminal = isatty(STDERR_FILENO);
    o.progress = [terminal](const std::string& line) {
      (void)terminal;
      std::cerr << "study: " << line << '\n';
    };
    const auto feeder = io::importFeeder(a->feeder.path, a->feeder.format);
    const double import_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    auto r = study::runStudy(feeder, feederName(a->feeder.path), o, a->out);
    int passed = 0;
    for (const auto& e : r.events) passed += e.reduced_passes ? 1 : 0;
    std::cerr << fmt::format(
        "study: {} events, reduced model within tolerance on {}; {} sections; {:.1f} s (import {:.2f} s)\n"
        "study: report in {}/report.html (and report.md, metrics.json)\n",
        r.events.size(), passed, r.sections, r.times.total_s + import_s, import_s, a->out);
    if (a->strict && !r.all_pass)
      throw ChecksFailed(fmt::format("the reduced model missed its tolerance on {} of {} events",
                                     r.events.size() - static_cast<std::size_t>(passed), r.events.size()));
  });
}

}  // namespace feederlab::cli
