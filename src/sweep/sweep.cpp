// runSweep (sweep.hpp): expand, skip finished cases, schedule, aggregate.
#include "feederlab/sweep/sweep.hpp"

#include <fmt/format.h>

#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <thread>

#include "feederlab/sweep/aggregate.hpp"
#include "feederlab/sweep/scheduler.hpp"

namespace feederlab::sweep {

namespace fs = std::filesystem;

SweepSummary runSweep(const SweepOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!options.make_runner) throw std::logic_error("runSweep: no case runner");
  std::optional<MpiWorld> world;
  if (mpiLaunched()) world.emplace();
  const int rank = world ? world->rank() : 0;
  const int ranks = world ? world->size() : 1;
  auto say = [&](const std::string& line) {
    if (rank == 0 && options.progress) options.progress(line);
  };

  // Every rank reads the sweep; if one cannot, all stop (each with its own message).
  SweepPlan plan;
  std::exception_ptr read_error;
  try {
    plan = readSweepFile(options.sweep_file);
  } catch (...) {
    read_error = std::current_exception();
  }
  if (world && !world->allRanksOk(!read_error) && !read_error)
    throw std::runtime_error("another MPI rank could not read the sweep file");
  if (read_error) std::rethrow_exception(read_error);
  if (options.write_reports >= 0) plan.write_reports = options.write_reports == 1;
  const CaseRunner runner = options.make_runner(plan);
  const unsigned threads = options.threads ? options.threads
                           : ranks > 1     ? 1u
                                           : std::max(1u, std::thread::hardware_concurrency());

  // Rank 0 decides what is left to do: cases without a finished folder (and failed ones when
  // asked to retry them).
  const CaseStore store(options.out_dir);
  std::vector<std::optional<CaseResult>> results(plan.cases.size());
  std::vector<std::size_t> pending;
  if (rank == 0) {
    fs::create_directories(store.casesDir());
    store.removeDebris();
    for (std::size_t i = 0; i < plan.cases.size(); ++i) {
      auto r = store.finished(plan.cases[i]);
      if (r && !(options.retry_failed && r->record.status != "ok"))
        results[i] = std::move(r);
      else
        pending.push_back(i);
    }
    say(
        fmt::format("{} cases ({} feeders x {} events x {} variations); {} finished earlier, {} to run on {} rank(s) x "
                    "{} thread(s)",
                    plan.cases.size(), plan.feeders.size(), plan.events.size(), plan.variations.size(),
                    plan.cases.size() - pending.size(), pending.size(), ranks, threads));
  }
  if (world) world->checkSameCases(caseListHash(plan.cases));

  ScheduleOptions so;
  so.threads = threads;
  so.progress = options.progress;
  std::vector<std::optional<CaseResult>> fresh;
  if (world && ranks > 1) {
    fresh = world->run(plan.cases, pending, store, runner, so);
    if (rank != 0) {
      SweepSummary s;
      s.root = false;
      s.ranks = ranks;
      s.threads = threads;
      return s;
    }
  } else {
    fresh = runThreads(plan.cases, pending, store, runner, so, rank);
  }

  SweepSummary s;
  s.cases = plan.cases.size();
  s.ranks = ranks;
  s.threads = threads;
  std::vector<CaseResult> all;
  all.reserve(plan.cases.size());
  for (std::size_t i = 0; i < plan.cases.size(); ++i) {
    if (fresh[i]) results[i] = std::move(fresh[i]);
    if (!results[i]) throw std::runtime_error("sweep: no result for case " + plan.cases[i].id);
    (results[i]->timing.reused ? s.reused : s.run) += 1;
    s.failed += results[i]->record.status == "ok" ? 0 : 1;
    all.push_back(std::move(*results[i]));
  }
  s.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  writeAggregate(options.out_dir, plan, all, RunInfo{s.wall_s, ranks, threads});
  return s;
}

}  // namespace feederlab::sweep
