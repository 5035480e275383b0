// Power-flow benchmark (issue 3): time of the first solve after import (network build, admittance
// assembly, KLU analysis and factorization, iterations) and of a re-solve from the rated-impedance
// start with the factorization kept, on ieee8500 and ckt24 (or the scripts given on the command line).
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

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

void bench(const std::string& path, int repeat) {
  const auto t0 = Clock::now();
  const auto feeder = io::importFeeder(path, "dss");
  const auto t1 = Clock::now();
  for (const auto mode : {powerflow::ControlMode::Off, powerflow::ControlMode::Static}) {
    powerflow::Options o;
    o.controls = mode;
    std::vector<double> first, again;
    int it_first = 0, it_again = 0, ctrl = 0;
    std::size_t nodes = 0;
    for (int k = 0; k < repeat; ++k) {
      const auto a = Clock::now();
      powerflow::Solver solver(feeder, o);
      const auto r = solver.solve();
      const auto b = Clock::now();
      const auto r2 = solver.resolve();
      const auto c = Clock::now();
      first.push_back(seconds(a, b));
      again.push_back(seconds(b, c));
      it_first = r.iterations, it_again = r2.iterations, ctrl = r.control_iterations, nodes = r.voltages.size();
    }
    std::sort(first.begin(), first.end());
    std::sort(again.begin(), again.end());
    std::printf("%-60s controls=%-6s nodes=%zu import=%.3f s first=%.4f s (%d it, %d ctrl) resolve=%.2f ms (%d it)"
                " [median of %d]\n",
                path.c_str(), mode == powerflow::ControlMode::Off ? "off" : "static", nodes, seconds(t0, t1),
                first[first.size() / 2], it_first, ctrl, 1000 * again[again.size() / 2], it_again, repeat);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 5;
  std::vector<std::string> scripts;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) repeat = std::max(1, std::stoi(argv[++i]));
    else scripts.push_back(a);
  }
  if (scripts.empty()) {
    const std::string shared = FEEDERLAB_SHARED_DIR "/feeders/";
    scripts = {shared + "ieee8500/opendss/Master.dss", shared + "epri_ckt24/opendss/master_ckt24.dss"};
  }
  for (const auto& s : scripts) bench(s, repeat);
  return 0;
}
