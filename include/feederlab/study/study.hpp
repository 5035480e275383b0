// The FIDVR study (issue 7, cli.md `study`): the main job of feederlab.
//
//   validate -> source equivalent (stiff sources only) -> reduce -> for every event: simulate the
//   full feeder, the reduced feeder and the single-bus baseline -> compare (reduced vs full,
//   baseline vs full) -> report.
//
// The full feeder's loads get their class composition (the same mapping the reduction uses, so
// both models carry the same end uses); the reduced and baseline feeders get the composite
// records the reduction wrote. Every run records `section_<k>_stalled_fraction` (k = 1..N) over
// the loads the reduction put in section k, so stall timing can be compared section by section.
// Events run in parallel on `threads` worker threads (each simulation is single-threaded and owns
// its assembler and solver; the feeders are shared read-only).
//
// Output folder (cli.md): validation.*, reduction/ (the `reduce` files), cases/<event>/<model>/
// {timeseries.csv, simulation.json}, metrics.json, report.md, report.html.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "feederlab/compare/metrics.hpp"
#include "feederlab/events/scenario.hpp"
#include "feederlab/model/feeder.hpp"
#include "feederlab/model/load_composition.hpp"
#include "feederlab/study/source_equivalent.hpp"

namespace feederlab::study {

// Acceptance of the reduced model on one event (issue 7; validation/study tolerances).
struct Tolerances {
  double nrmse = 0.03;                  // head V, P and Q NRMSE (-)
  double recovery_time_error_s = 0.5;   // |recovery(model) - recovery(full)| (s); null fails
  double stalled_fraction_error = 0.05;  // max |stalled fraction(model) - (full)| (-)
};

struct Options {
  std::optional<int> sections;                // nullopt = auto
  std::optional<int> motor_d_blocks;          // nullopt = reduce::Options default
  std::optional<double> motor_d_spread_gain;  // nullopt = reduce::Options default
  std::vector<events::Scenario> events;       // empty = events::defaultStudyEvents()
  std::optional<std::filesystem::path> composition_file;  // overrides every class
  SourceEquivalentOptions source;             // applied only to stiff sources unless forced
  unsigned threads = 0;                       // 0 = std::thread::hardware_concurrency()
  Tolerances tolerances;
  // Recorder interval of every run. The metrics compare on a 1 ms grid (cli.md); the motor D
  // fractions move in steps (a restart moves Frst of every unit at once), and a coarser record
  // turns a step into a ramp as long as the interval, so 1 ms keeps the comparison honest.
  double output_interval_s = 0.001;
  // Applied to every class composition before the reduction and the simulations (sweeps vary
  // motor D parameters this way); optional.
  std::function<void(model::CompositeSpec&)> adjust_spec;
  // Write validation.*, reduction/, cases/, report.md and report.html; metrics.json is always
  // written (a sweep may keep only the metrics).
  bool write_reports = true;
  // Wall-clock limit of each simulation in seconds (0: none): a run that stops making progress is
  // recorded as failed with the time it reached, and the study goes on with the other runs.
  double max_run_wall_s = 900.0;
  // Method work: full-feeder runs are taken from DIR/cases/<event>/full/ of an earlier study of
  // the same feeder, events and compositions where present (the expensive part; the reduced and
  // baseline runs are made anew). Their section columns are those of the earlier reduction.
  std::optional<std::filesystem::path> reuse_full_from;
  std::function<void(const std::string&)> progress;  // one line per finished run; optional
};

struct ModelRun {
  std::string model;  // "full", "reduced", "baseline"
  bool completed = false;
  std::string failure;
  std::size_t states = 0;
  double runtime_s = 0.0;
  std::filesystem::path series_csv;
};

struct EventResult {
  std::string event;
  std::string description;
  compare::Disturbance disturbance;
  std::vector<ModelRun> runs;  // full, reduced, baseline
  std::optional<compare::CaseMetrics> reduced, baseline;
  bool reduced_passes = false;
  std::vector<std::string> misses;  // tolerance misses of the reduced model, one line each
};

struct StageTimes {
  double import_s = 0.0, validate_s = 0.0, reduce_s = 0.0, simulate_s = 0.0, compare_s = 0.0, report_s = 0.0,
         total_s = 0.0;
  double simulate_full_s = 0.0, simulate_reduced_s = 0.0, simulate_baseline_s = 0.0;  // summed run times
};

struct StudyResult {
  std::string feeder;
  int sections = 0;
  SourceEquivalentResult source;
  std::vector<EventResult> events;
  StageTimes times;
  bool all_pass = false;
  std::vector<std::string> notes;
};

// Disturbance window of a scenario: first event start and last disturbance end (fault off, sag
// end or last profile point, last playback sample that differs from the first).
compare::Disturbance disturbanceOf(const events::Scenario& scenario);

// Runs the whole study and writes every output into `out_dir`. Throws core::InputError /
// ModelError for bad input (exit 2), core::NumericalError when the base power flow or the
// reduction fails (exit 3). Simulation failures do not throw: the run is marked incomplete, its
// metrics are null and it fails its tolerances.
StudyResult runStudy(const model::Feeder& feeder, const std::string& feeder_name, const Options& options,
                     const std::filesystem::path& out_dir);

}  // namespace feederlab::study
