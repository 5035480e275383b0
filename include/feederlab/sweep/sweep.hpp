// `feederlab sweep SWEEP.json [--threads N] -o DIR` (issue 8, docs/sweep.md): expands the sweep,
// skips cases an earlier run finished, runs the rest on threads and MPI ranks, aggregates.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>

#include "feederlab/sweep/case_store.hpp"
#include "feederlab/sweep/sweep_file.hpp"

namespace feederlab::sweep {

struct SweepOptions {
  std::filesystem::path sweep_file;
  std::filesystem::path out_dir;
  unsigned threads = 0;       // per rank; 0 = all cores without MPI, 1 per rank under mpirun
  bool retry_failed = false;  // rerun cases an earlier run recorded as failed
  int write_reports = -1;     // -1 = as the sweep file says, 0 = metrics only, 1 = full reports
  // Makes the case runner once the sweep is read: sweep::studyRunner for real sweeps, a fake
  // one in tests (kept out of this library's core so that tests need no working study).
  std::function<CaseRunner(const SweepPlan&)> make_runner;
  std::function<void(const std::string&)> progress;  // rank 0 only
};

struct SweepSummary {
  bool root = true;  // this process wrote the aggregate (rank 0)
  std::size_t cases = 0, run = 0, reused = 0, failed = 0;
  double wall_s = 0.0;
  int ranks = 1;
  unsigned threads = 1;
};

// Throws core::InputError for a bad sweep file (before any case runs).
SweepSummary runSweep(const SweepOptions& options);

// The real runner: study::runStudy of the case's feeder with its single event and variation
// (one thread per case), results = {"sections", "reduced_within_tolerance", "misses", "runs",
// "reduced", "baseline", "notes"}; metric keys as in metrics.json (cli.md), runtimes left out.
CaseRunner studyRunner(const SweepPlan& plan);

// A cheap deterministic stand-in for tests and scheduler benchmarks: results derived from a hash
// of the case id, in the shape of studyRunner's; writes a small report.html. Environment:
// FEEDERLAB_SWEEP_FAKE_MS = milliseconds to sleep per case (default 0); FEEDERLAB_SWEEP_FAKE_FAIL
// = a text: cases whose id contains it throw.
CaseRunner fakeRunner();

}  // namespace feederlab::sweep
