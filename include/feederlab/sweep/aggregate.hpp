// Aggregate outputs of a sweep (issue 8, docs/sweep.md "Outputs"), written by rank 0 only.
//
//   sweep.json    deterministic: the case records (case.json of every case, sorted by id) and
//                 summary statistics of every numeric metric of the "reduced" and "baseline"
//                 results; no timings, hosts, ranks or absolute paths, so runs on 1 thread,
//                 N threads or N ranks give the same bytes.
//   sweep.csv     one row per case and model (reduced, baseline): id, feeder, event, variation,
//                 status, model, then every metric key found in any case (sorted), then error.
//   timings.json  runtimes and the host/rank/thread that ran each case, whether it was reused
//                 from an earlier run, wall time and throughput (cases per minute) of this run.
//   sweep.html    self-contained summary: counts, per-metric distribution (histogram SVG and
//                 quantiles), worst cases linked to cases/<id>/report.html, failed cases.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "feederlab/sweep/case_store.hpp"

namespace feederlab::sweep {

struct RunInfo {
  double wall_s = 0.0;  // this run, expansion to aggregate
  int ranks = 1;
  unsigned threads = 1;  // worker threads per rank
};

// `results` in case order (sorted by id), one per case of the plan.
std::string sweepJson(const SweepPlan& plan, const std::vector<CaseResult>& results);
std::string sweepCsv(const std::vector<Case>& cases, const std::vector<CaseResult>& results);
std::string timingsJson(const std::vector<CaseResult>& results, const RunInfo& run);
std::string sweepHtml(const SweepPlan& plan, const std::vector<CaseResult>& results, const RunInfo& run,
                      const std::filesystem::path& out_dir);

// Writes the four files into out_dir (atomically each).
void writeAggregate(const std::filesystem::path& out_dir, const SweepPlan& plan, const std::vector<CaseResult>& results,
                    const RunInfo& run);

}  // namespace feederlab::sweep
