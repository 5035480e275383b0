// `feederlab sweep SWEEP.json [--threads N] -o DIR [--retry-failed] [--no-reports] [--list]`
// (issue 8, docs/sweep.md): many feeders x events x parameter variations, on threads, or on MPI
// ranks when started by mpirun. Exit 1 when a case failed (recorded in sweep.json).
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "commands.hpp"
#include "feederlab/core/error.hpp"
#include "feederlab/sweep/sweep.hpp"

namespace feederlab::cli {

namespace {

struct SweepArgs {
  std::string sweep_file;
  std::string out;
  unsigned threads = 0;
  bool retry_failed = false;
  bool no_reports = false;
  bool list = false;
  std::string runner = "study";
};

}  // namespace

void registerSweep(CLI::App& app) {
  auto* cmd = app.add_subcommand("sweep", "Many feeders x events x parameters, on threads or MPI ranks");
  auto a = std::make_shared<SweepArgs>();
  cmd->add_option("SWEEP", a->sweep_file, "Sweep file (JSON, docs/sweep.md)")->required();
  cmd->add_option("-o,--output", a->out, "Output folder (rerunning into it skips finished cases)");
  cmd->add_option("--threads", a->threads, "Worker threads per process (default: all cores; 1 per rank under mpirun)");
  cmd->add_flag("--retry-failed", a->retry_failed, "Run again the cases an earlier run recorded as failed");
  cmd->add_flag("--no-reports", a->no_reports, "Keep only metrics per case (no report.html, series or reduction)");
  cmd->add_flag("--list", a->list, "Print the case ids and exit");
  // Test hook: "fake" replaces the study by deterministic made-up results (scheduler tests).
  cmd->add_option("--runner", a->runner)->check(CLI::IsMember({"study", "fake"}))->group("");
  cmd->callback([a]() {
    if (a->list) {
      const auto plan = sweep::readSweepFile(a->sweep_file);
      for (const auto& c : plan.cases) std::cout << c.id << '\n';
      return;
    }
    if (a->out.empty()) throw core::InputError({"-o", 0}, "", "the output folder (-o DIR) is required");
    sweep::SweepOptions o;
    o.sweep_file = a->sweep_file;
    o.out_dir = a->out;
    o.threads = a->threads;
    o.retry_failed = a->retry_failed;
    if (a->no_reports) o.write_reports = 0;
    if (a->runner == "fake")
      o.make_runner = [](const sweep::SweepPlan&) { return sweep::fakeRunner(); };
    else
      o.make_runner = sweep::studyRunner;
    o.progress = [](const std::string& line) { std::cerr << "sweep: " << line << '\n'; };
    const auto s = sweep::runSweep(o);
    if (!s.root) return;
    std::cerr << fmt::format(
        "sweep: {} cases ({} run now, {} from earlier runs), {} failed; {:.1f} s on {} rank(s) x {} thread(s)\n"
        "sweep: summary in {}/sweep.html (sweep.json, sweep.csv, timings.json)\n",
        s.cases, s.run, s.reused, s.failed, s.wall_s, s.ranks, s.threads, a->out);
    if (s.failed > 0)
      throw ChecksFailed(fmt::format("{} of {} cases failed (errors in sweep.json)", s.failed, s.cases));
  });
}

}  // namespace feederlab::cli
