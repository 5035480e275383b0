// The local worker pool (scheduler.hpp): one atomic counter over the pending cases, one result
// slot per case; the only other shared thing is the progress callback, behind a mutex.
#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "feederlab/sweep/scheduler.hpp"

namespace feederlab::sweep {

std::vector<std::optional<CaseResult>> runThreads(const std::vector<Case>& cases,
                                                  const std::vector<std::size_t>& pending, const CaseStore& store,
                                                  const CaseRunner& runner, const ScheduleOptions& options, int rank) {
  std::vector<std::optional<CaseResult>> slots(cases.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::mutex progress_mutex;
  std::exception_ptr store_error;  // output folder not writable: stop handing out cases
  auto worker = [&](int thread) {
    for (;;) {
      const std::size_t k = next.fetch_add(1);
      if (k >= pending.size()) return;
      const std::size_t i = pending[k];
      try {
        slots[i] = store.execute(cases[i], runner, rank, thread);
      } catch (...) {
        std::lock_guard lock(progress_mutex);
        if (!store_error) store_error = std::current_exception();
        next = pending.size();
        return;
      }
      const std::size_t n = ++done;
      if (options.progress) {
        const auto& r = *slots[i];
        std::lock_guard lock(progress_mutex);
        options.progress(fmt::format("[{}/{}] {} {} in {:.2f} s (thread {}){}", n, pending.size(), cases[i].id,
                                     r.record.status, r.timing.runtime_s, thread,
                                     r.record.status == "ok" ? "" : ": " + r.record.error));
      }
    }
  };
  const unsigned threads = std::max(1u, std::min<unsigned>(options.threads, static_cast<unsigned>(pending.size())));
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker, static_cast<int>(t));
  }
  if (store_error) std::rethrow_exception(store_error);
  return slots;
}

}  // namespace feederlab::sweep
