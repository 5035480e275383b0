// Power-flow benchmark (issue 3) on ieee8500 and ckt24 (or the scripts given on the command line):
//   first    = Solver construction (network, admittance, KLU analysis + factorization) + solve;
//   resolve  = a new solve from the rated-impedance start with the factorization kept;
//   solution = the part of a resolve up to convergence (result assembly excluded), the figure
//              comparable to an OpenDSS re-solve, which assembles element flows only on demand.
// Prints min and median over --repeat runs (the machine may be shared; min is the cleaner figure).
// Usage: bench_powerflow [--repeat N] [SCRIPT.dss ...]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "feederlab/io/import.hpp"
#include "feederlab/powerflow/powerflow.hpp"

using namespace feederlab;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

struct Stat {
  std::vector<double> x;
  double min() { return *std::min_element(x.begin(), x.end()); }
  double median() {
    std::sort(x.begin(), x.end());
    return x[x.size() / 2];
  }
};

void bench(const std::string& path, int repeat) {
  const auto t0 = Clock::now();
  const auto feeder = io::importFeeder(path, "dss");
  const double import_ms = ms(t0, Clock::now());
  for (const auto mode : {powerflow::ControlMode::Off, powerflow::ControlMode::Static}) {
    powerflow::Options o;
    o.controls = mode;
    Clock::time_point start, last;
    o.on_iteration = [&](int, double) { last = Clock::now(); };
    Stat first, again, solution;
    int it_first = 0, it_again = 0, ctrl = 0;
    std::size_t nodes = 0;
    for (int k = 0; k < repeat; ++k) {
      start = Clock::now();
      powerflow::Solver solver(feeder, o);
      const auto r = solver.solve();
      first.x.push_back(ms(start, Clock::now()));
      start = Clock::now();
      const auto r2 = solver.resolve();
      again.x.push_back(ms(start, Clock::now()));
      solution.x.push_back(ms(start, last));
      it_first = r.iterations, it_again = r2.iterations, ctrl = r.control_iterations, nodes = r.voltages.size();
    }
    std::printf(
        "%s\n  controls=%s nodes=%zu import=%.1f ms\n"
        "  first    min %.1f ms  median %.1f ms  (%d iterations, %d control iterations)\n"
        "  resolve  min %.2f ms  median %.2f ms  (%d iterations)\n"
        "  solution min %.2f ms  median %.2f ms  (resolve up to convergence)\n",
        path.c_str(), mode == powerflow::ControlMode::Off ? "off" : "static", nodes, import_ms, first.min(),
        first.median(), it_first, ctrl, again.min(), again.median(), it_again, solution.min(), solution.median());
  }
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 11;
  std::vector<std::string> scripts;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc)
      repeat = std::max(1, std::stoi(argv[++i]));
    else
      scripts.push_back(a);
  }
  if (scripts.empty()) {
    const std::string shared = FEEDERLAB_SHARED_DIR "/feeders/";
    scripts = {shared + "ieee8500/opendss/Master.dss", shared + "epri_ckt24/opendss/master_ckt24.dss"};
  }
  for (const auto& s : scripts) bench(s, repeat);
  return 0;
}
