// Reduction benchmark (issue 6): ieee8500 (or the feeders given) reduced from the imported model,
// the full feeder's power flows included (controlled base case, frozen re-solve, chain power flows
// on the reduced feeder, baseline). Five configurations:
//   full      = defaults: auto sections, variants tried in order (physical chain/comb, per-phase
//               physical chain/comb on unbalanced feeders, fitted chain/comb) until one meets every
//               check, loss and head-Q correction, 3 off-design points per variant;
//   no-check  = the same without the off-design points (the reduction proper);
//   physical  = chain topology, physical equivalents (balanced, then per phase: the variant auto
//               keeps on ieee8500), with the off-design points;
//   core      = physical chain only, no off-design points;
//   per-phase = per-phase physical chain only, no off-design points.
// Prints min and median over --repeat runs (the machine may be shared; min is the cleaner figure).
// Usage: bench_reduce [--repeat N] [FEEDER ...]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "feederlab/io/import.hpp"
#include "feederlab/reduce/reduce.hpp"

using namespace feederlab;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

void bench(const std::string& path, int repeat) {
  const auto feeder = io::importFeeder(path);
  struct Config {
    const char* name;
    reduce::Options options;
  };
  std::vector<Config> configs(5);
  configs[0].name = "full";
  configs[1].name = "no-check";
  configs[1].options.check_off_design = false;
  configs[2].name = "physical";
  configs[2].options.topology = reduce::Topology::Chain;
  configs[2].options.equivalent = reduce::Equivalent::Physical;
  configs[3] = configs[2];
  configs[3].name = "core";
  configs[3].options.check_off_design = false;
  configs[4] = configs[3];
  configs[4].name = "per-phase";
  configs[4].options.phases = reduce::Phases::PerPhase;
  for (auto& c : configs) {
    std::vector<double> t;
    std::size_t sections = 0;
    double err = 0;
    for (int i = 0; i < repeat; ++i) {
      const auto t0 = Clock::now();
      const auto r = reduce::reduceFeeder(feeder, c.options);
      t.push_back(ms(t0, Clock::now()));
      sections = r.sections.size();
      err = r.head_power_error_pct;
    }
    std::sort(t.begin(), t.end());
    std::printf("%-60s %-9s N=%zu head error %.3f %%  min %8.1f ms  median %8.1f ms\n", path.c_str(), c.name, sections, err, t.front(),
                t[t.size() / 2]);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 5;
  std::vector<std::string> feeders;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::stoi(argv[++i]));
    } else {
      feeders.push_back(a);
    }
  }
  if (feeders.empty()) feeders.push_back(std::string(FEEDERLAB_SHARED_DIR) + "/feeders/ieee8500/opendss/Master.dss");
  try {
    for (const auto& f : feeders) bench(f, repeat);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_reduce: %s\n", e.what());
    return 1;
  }
  return 0;
}
