// Running the pending cases of a sweep (issue 8): a pool of worker threads, and across MPI ranks.
//
// Local: `threads` workers take the next pending case from one atomic counter and write its
// result into their own slot; nothing else is shared (the runner gets the case by const
// reference; each study builds its own solver objects).
//
// MPI (same binary; MPI is used only when the process was started by mpirun, detected from the
// launcher's environment, see mpiLaunched()): every rank expands the same sweep (rank 0 checks a
// hash of the case ids); rank 0 owns the queue of pending cases. Its main thread serves requests
// (MPI_Iprobe polling with a 1 ms sleep, so it does not spin a core) while its own `threads`
// workers take cases from the same queue; on the other ranks the main thread forwards its
// workers' requests to rank 0 (one case per request: dynamic distribution, a slow case never
// holds back others) and sends each finished case's result (the case.json record and its timing)
// back. Only main threads call MPI (MPI_THREAD_FUNNELED). Results are gathered on rank 0, which
// alone writes the aggregate.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "feederlab/sweep/case_store.hpp"

namespace feederlab::sweep {

struct ScheduleOptions {
  unsigned threads = 1;  // workers in this process (>= 1)
  // One line per finished case, called under a lock (rank 0 only under MPI).
  std::function<void(const std::string&)> progress;
};

// Runs cases[i] for every i in `pending` on `threads` workers; the result of case i is in slot i
// (other slots stay empty).
std::vector<std::optional<CaseResult>> runThreads(const std::vector<Case>& cases,
                                                  const std::vector<std::size_t>& pending, const CaseStore& store,
                                                  const CaseRunner& runner, const ScheduleOptions& options,
                                                  int rank = 0);

// True when this process was started by an MPI launcher (OpenMPI's OMPI_COMM_WORLD_SIZE, or
// PMI_SIZE / PMIX_RANK of other launchers). Without it the sweep never touches MPI.
bool mpiLaunched();

// One MPI world for the duration of a sweep: MPI_Init_thread in the constructor, MPI_Finalize
// in the destructor (MPI_Abort instead when a rank leaves with an exception after the ranks
// started talking, so that the others do not wait forever).
class MpiWorld {
 public:
  MpiWorld();
  ~MpiWorld();
  MpiWorld(const MpiWorld&) = delete;
  MpiWorld& operator=(const MpiWorld&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  // Every rank: true when `ok` is true on every rank (a rank that could not read the sweep
  // file must not leave the others waiting).
  bool allRanksOk(bool ok);
  // Every rank: checks that all ranks expanded the same case list (throws if not).
  void checkSameCases(std::uint64_t case_hash);
  // Rank 0: distributes `pending` over all ranks (and runs some on its own threads); returns the
  // results by case index. Other ranks: serve as workers until rank 0 has no more cases; return
  // an empty vector.
  std::vector<std::optional<CaseResult>> run(const std::vector<Case>& cases, const std::vector<std::size_t>& pending,
                                             const CaseStore& store, const CaseRunner& runner,
                                             const ScheduleOptions& options);
  // Every rank: waits until all ranks reach it.
  void barrier();

 private:
  int rank_ = 0;
  int size_ = 1;
  bool talking_ = false;
};

}  // namespace feederlab::sweep
