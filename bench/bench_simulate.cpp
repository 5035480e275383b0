// Dynamic simulation benchmark (issue 5): `simulate` on ieee8500 (Master.dss, 1,177 loads) with
// the default residential composite at every load under data/events/sag-0.5pu-5cyc.json (30 s),
// or the feeder and event given. Prints wall time (runtime_s: power flow, build, initialization
// and integration; integration alone), steps, residual and Jacobian evaluations, root returns,
// re-initializations, DAE size and peak memory (getrusage ru_maxrss). One core.
// Usage: bench_simulate [FEEDER.dss [EVENT.json]] [--max-step S] [--rtol R]
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "feederlab/events/scenario_io.hpp"
#include "feederlab/io/import.hpp"
#include "feederlab/sim/simulate.hpp"

using namespace feederlab;

int main(int argc, char** argv) {
  std::string feeder_path = std::string(FEEDERLAB_SHARED_DIR) + "/feeders/ieee8500/opendss/Master.dss";
  std::string event_path = (sim::dataDir() / "events/sag-0.5pu-5cyc.json").string();
  sim::Options o;
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--max-step" && i + 1 < argc) {
      o.ida.max_step_s = std::atof(argv[++i]);
    } else if (a == "--rtol" && i + 1 < argc) {
      o.ida.rtol = std::atof(argv[++i]);
    } else if (positional++ == 0) {
      feeder_path = a;
    } else {
      event_path = a;
    }
  }
  try {
    o.default_spec = sim::readCompositeSpec(sim::defaultCompositionFile());
    const auto feeder = io::importFeeder(feeder_path, "dss");
    const auto scenario = events::readScenario(event_path);
    const auto r = sim::simulate(feeder, scenario, o);
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    double peak_share = 0.0;
    for (double x : r.series.column(sim::column::kStallShare)) peak_share = std::max(peak_share, x);
    std::printf("feeder %s\nevent %s\n", feeder_path.c_str(), event_path.c_str());
    std::printf("completed %d  t_end %.3f s  states %zu  devices %zu\n", r.completed, r.t_end, r.states, r.devices);
    std::printf("runtime_s %.2f  integration_s %.2f\n", r.runtime_s, r.integration_s);
    std::printf("steps %ld  residual_evals %ld  jacobian_evals %ld  root_returns %ld  reinits %ld  mode_changes %ld\n",
                r.stats.steps, r.stats.residual_evals, r.stats.jacobian_evals, r.stats.root_returns, r.stats.reinits,
                r.stats.mode_changes);
    std::printf("peak_rss_mb %.1f\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
    std::printf("peak motor_d_stall_share %.4f  end head_v_pu %.4f (pre-event %.4f)\n", peak_share,
                r.series.column(sim::column::kHeadV).back(), r.pre_event.v_pu);
    if (!r.completed) std::printf("failure: %s\n", r.failure.c_str());
    return r.completed ? 0 : 3;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
