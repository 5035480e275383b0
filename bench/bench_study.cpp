// Study benchmark (issue 7): `feederlab study` stage by stage on a feeder, default events.
//   build/bin/bench_study [FEEDER ...] [--threads N] [--events K]
// Default feeders: feeders/synth-medium and ieee8500. --events K keeps the first K default
// events (all ten by default). Prints import, validation, reduction, simulation (wall and the
// summed run times of the full, reduced and baseline models), comparison and report times.
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "feederlab/events/study_events.hpp"
#include "feederlab/io/import.hpp"
#include "feederlab/study/study.hpp"

using namespace feederlab;

int main(int argc, char** argv) {
  std::vector<std::string> feeders;
  unsigned threads = 0;
  std::size_t n_events = 10;
  for (int k = 1; k < argc; ++k) {
    if (!std::strcmp(argv[k], "--threads") && k + 1 < argc) threads = static_cast<unsigned>(std::atoi(argv[++k]));
    else if (!std::strcmp(argv[k], "--events") && k + 1 < argc) n_events = static_cast<std::size_t>(std::atoi(argv[++k]));
    else feeders.emplace_back(argv[k]);
  }
  if (feeders.empty()) {
    feeders = {std::string(FEEDERLAB_SOURCE_DIR) + "/feeders/synth-medium",
               std::string(FEEDERLAB_SHARED_DIR) + "/feeders/ieee8500/opendss/Master.dss"};
  }
  fmt::print("feeder | events | sections | import s | validate s | reduce s | simulate wall s | full runs s | "
             "reduced runs s | baseline runs s | compare s | report s | total s | speed-up full/reduced\n");
  for (const auto& path : feeders) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto feeder = io::importFeeder(path, "auto");
    const double import_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    study::Options o;
    o.threads = threads;
    auto events = events::defaultStudyEvents();
    if (n_events < events.size()) events.resize(n_events);
    o.events = events;
    const auto out = std::filesystem::temp_directory_path() / "feederlab-bench-study";
    std::filesystem::remove_all(out);
    const auto r = study::runStudy(feeder, std::filesystem::path(path).filename().string(), o, out);
    const auto& t = r.times;
    fmt::print("{} | {} | {} | {:.2f} | {:.2f} | {:.2f} | {:.1f} | {:.1f} | {:.2f} | {:.2f} | {:.2f} | {:.2f} | {:.1f} | {:.0f}\n",
               path.substr(path.find_last_of('/') + 1), r.events.size(), r.sections, import_s, t.validate_s, t.reduce_s,
               t.simulate_s, t.simulate_full_s, t.simulate_reduced_s, t.simulate_baseline_s, t.compare_s, t.report_s,
               t.total_s + import_s, t.simulate_reduced_s > 0 ? t.simulate_full_s / t.simulate_reduced_s : 0.0);
  }
  return 0;
}
