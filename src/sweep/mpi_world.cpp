// MPI distribution of sweep cases (scheduler.hpp). The only file that includes mpi.h.
//
// Messages (MPI_COMM_WORLD):
//   worker -> 0  kTagRequest  int 0             "one more case, please"
//   0 -> worker  kTagAnswer   long long index   a case index, or -1: no more cases
//   worker -> 0  kTagResult   char[]            encodeResult() of a finished case
//   worker -> 0  kTagDone     int 0             all the rank's threads have ended
// Rank 0 finishes serving when every other rank has sent kTagDone.
#include <fmt/format.h>
#include <mpi.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "feederlab/sweep/scheduler.hpp"

namespace feederlab::sweep {

namespace {

constexpr int kTagRequest = 11;
constexpr int kTagAnswer = 12;
constexpr int kTagResult = 13;
constexpr int kTagDone = 14;

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(fmt::format("MPI error {} in {}", rc, what));
}

std::string progressLine(std::size_t n, std::size_t total, const Case& c, const CaseResult& r) {
  return fmt::format("[{}/{}] {} {} in {:.2f} s (rank {} thread {}){}", n, total, c.id, r.record.status,
                     r.timing.runtime_s, r.timing.rank, r.timing.thread,
                     r.record.status == "ok" ? "" : ": " + r.record.error);
}

}  // namespace

bool mpiLaunched() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (const char* s = std::getenv(v); s && *s) return true;
  return false;
}

MpiWorld::MpiWorld() {
  int provided = 0;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
}

MpiWorld::~MpiWorld() {
  // A rank leaving with an exception once cases are being exchanged would leave the others
  // waiting for its messages: end the whole job.
  if (std::uncaught_exceptions() > 0 && talking_ && size_ > 1) MPI_Abort(MPI_COMM_WORLD, 2);
  MPI_Finalize();
}

void MpiWorld::barrier() {
  check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
}

bool MpiWorld::allRanksOk(bool ok) {
  int mine = ok ? 1 : 0, all = 0;
  check(MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
  // From here on the ranks depend on each other: a rank failing alone must end the job.
  if (all == 1) talking_ = true;
  return all == 1;
}

void MpiWorld::checkSameCases(std::uint64_t case_hash) {
  std::uint64_t root_hash = case_hash;
  check(MPI_Bcast(&root_hash, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
  int mismatch = root_hash != case_hash ? 1 : 0, any = 0;
  check(MPI_Allreduce(&mismatch, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
  if (any)
    throw std::runtime_error(
        "the MPI ranks expanded different case lists (do all ranks see the same sweep file and feeders?)");
}

std::vector<std::optional<CaseResult>> MpiWorld::run(const std::vector<Case>& cases,
                                                     const std::vector<std::size_t>& pending, const CaseStore& store,
                                                     const CaseRunner& runner, const ScheduleOptions& options) {
  talking_ = true;
  const unsigned threads = std::max(1u, options.threads);
  std::vector<std::optional<CaseResult>> slots;

  if (rank_ == 0) {
    slots.resize(cases.size());
    std::mutex mutex;  // guards next_k, done, the progress callback and first_error
    std::size_t next_k = 0, done = 0;
    std::exception_ptr first_error;
    auto take = [&]() -> long long {
      std::lock_guard lock(mutex);
      return next_k < pending.size() ? static_cast<long long>(pending[next_k++]) : -1;
    };
    auto finish = [&](std::size_t i, CaseResult r) {
      slots[i] = std::move(r);
      std::lock_guard lock(mutex);
      ++done;
      if (options.progress) options.progress(progressLine(done, pending.size(), cases[i], *slots[i]));
    };
    auto local_worker = [&](int thread) {
      for (long long i = take(); i >= 0; i = take()) {
        try {
          finish(static_cast<std::size_t>(i), store.execute(cases[static_cast<std::size_t>(i)], runner, 0, thread));
        } catch (...) {
          std::lock_guard lock(mutex);
          if (!first_error) first_error = std::current_exception();
          next_k = pending.size();
          return;
        }
      }
    };
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(local_worker, static_cast<int>(t));

    int done_ranks = 0;
    std::string buffer;
    while (done_ranks < size_ - 1) {
      int flag = 0;
      MPI_Status st;
      check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st), "MPI_Iprobe");
      if (!flag) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));  // do not spin a core
        continue;
      }
      if (st.MPI_TAG == kTagRequest) {
        int dummy = 0;
        check(MPI_Recv(&dummy, 1, MPI_INT, st.MPI_SOURCE, kTagRequest, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
        long long answer = take();
        check(MPI_Send(&answer, 1, MPI_LONG_LONG, st.MPI_SOURCE, kTagAnswer, MPI_COMM_WORLD), "MPI_Send");
      } else if (st.MPI_TAG == kTagResult) {
        int count = 0;
        check(MPI_Get_count(&st, MPI_CHAR, &count), "MPI_Get_count");
        buffer.assign(static_cast<std::size_t>(count), '\0');
        check(MPI_Recv(buffer.data(), count, MPI_CHAR, st.MPI_SOURCE, kTagResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
              "MPI_Recv");
        CaseResult r = decodeResult(buffer);
        std::size_t index = cases.size();
        for (std::size_t i = 0; i < cases.size(); ++i)  // ids are unique; cases are few enough for a scan
          if (cases[i].id == r.record.id) index = i;
        if (index == cases.size())
          throw std::runtime_error("rank " + std::to_string(st.MPI_SOURCE) + " sent an unknown case " + r.record.id);
        finish(index, std::move(r));
      } else if (st.MPI_TAG == kTagDone) {
        int dummy = 0;
        check(MPI_Recv(&dummy, 1, MPI_INT, st.MPI_SOURCE, kTagDone, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
        ++done_ranks;
      } else {
        throw std::runtime_error(fmt::format("unexpected MPI message tag {} from rank {}", st.MPI_TAG, st.MPI_SOURCE));
      }
    }
    pool.clear();  // joins the local workers
    if (first_error) std::rethrow_exception(first_error);
    return slots;
  }

  // Worker rank: the main thread is the only one talking to rank 0; worker threads ask it for
  // cases and leave their results in its outbox.
  std::mutex mutex;
  std::condition_variable wake_main, wake_workers;
  int wanting = 0, running = static_cast<int>(threads);
  std::deque<std::size_t> assigned;
  std::deque<std::string> outbox;
  bool exhausted = false;
  std::exception_ptr first_error;
  auto worker = [&](int thread) {
    for (;;) {
      std::size_t i = 0;
      {
        std::unique_lock lock(mutex);
        ++wanting;
        wake_main.notify_one();
        wake_workers.wait(lock, [&] { return !assigned.empty() || exhausted; });
        if (assigned.empty()) break;
        i = assigned.front();
        assigned.pop_front();
      }
      try {
        std::string message = encodeResult(store.execute(cases[i], runner, rank_, thread));
        std::lock_guard lock(mutex);
        outbox.push_back(std::move(message));
        wake_main.notify_one();
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!first_error) first_error = std::current_exception();
        exhausted = true;
        wake_workers.notify_all();
        break;
      }
    }
    std::lock_guard lock(mutex);
    --running;
    wake_main.notify_one();
  };
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker, static_cast<int>(t));
    for (;;) {
      std::deque<std::string> to_send;
      bool want = false, finished = false;
      {
        std::unique_lock lock(mutex);
        wake_main.wait(lock, [&] { return !outbox.empty() || (wanting > 0 && !exhausted) || running == 0; });
        to_send.swap(outbox);
        want = wanting > 0 && !exhausted;
        finished = running == 0;
      }
      for (auto& m : to_send)
        check(MPI_Send(m.data(), static_cast<int>(m.size()), MPI_CHAR, 0, kTagResult, MPI_COMM_WORLD), "MPI_Send");
      if (finished) break;
      if (want) {
        int zero = 0;
        long long answer = -1;
        check(MPI_Send(&zero, 1, MPI_INT, 0, kTagRequest, MPI_COMM_WORLD), "MPI_Send");
        check(MPI_Recv(&answer, 1, MPI_LONG_LONG, 0, kTagAnswer, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
        std::lock_guard lock(mutex);
        --wanting;
        if (answer < 0 || static_cast<std::size_t>(answer) >= cases.size())
          exhausted = true;
        else
          assigned.push_back(static_cast<std::size_t>(answer));
        wake_workers.notify_all();
      }
    }
  }
  if (first_error) std::rethrow_exception(first_error);
  int zero = 0;
  check(MPI_Send(&zero, 1, MPI_INT, 0, kTagDone, MPI_COMM_WORLD), "MPI_Send");
  return slots;
}

}  // namespace feederlab::sweep
