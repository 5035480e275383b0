// Validation of `simulate` on whole feeders (validation/simulate/README.md): runs one case of
// tolerances.json, writes its outputs, prints the figures and checks the criteria.
// Usage: validate_simulate --case NAME [-o DIR]. Exit 0 pass, 1 a criterion failed, 2 bad setup.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include <fmt/format.h>

#include "feederlab/events/scenario_io.hpp"
#include "feederlab/io/dss_importer.hpp"
#include "feederlab/sim/simulate.hpp"

using namespace feederlab;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::string name;
  fs::path out;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--case") name = argv[i + 1];
    if (a == "-o") out = argv[i + 1];
  }
  try {
    std::ifstream in(fs::path(FEEDERLAB_SIM_VALIDATION_DIR) / "tolerances.json");
    const auto tol = nlohmann::json::parse(in);
    nlohmann::json c;
    for (const auto& k : tol["cases"])
      if (k["name"] == name) c = k;
    if (c.is_null()) {
      std::cerr << "no case " << name << " in tolerances.json\n";
      return 2;
    }
    const auto feeder = io::importDss(fs::path(FEEDERLAB_SHARED_DIR) / "feeders" / c["feeder"].get<std::string>());
    const auto scenario =
        events::readScenario(fs::path(FEEDERLAB_SOURCE_DIR) / "data/events" / c["event"].get<std::string>());
    sim::Options o;
    o.default_spec = sim::readCompositeSpec(fs::path(FEEDERLAB_SOURCE_DIR) / "data/compositions/residential_summer_peak.json");
    const auto r = sim::simulate(feeder, scenario, o);
    if (!out.empty()) sim::writeOutputs(out, r);
    const auto& s = r.series;
    const auto& share = s.column(sim::column::kStallShare);
    const double peak = share.empty() ? 0.0 : *std::max_element(share.begin(), share.end());
    bool partial = false;
    for (double x : share) partial |= x > 0.0 && x < 1.0;
    const double v_end = s.column(sim::column::kHeadV).back();
    const double stalled_end = s.column(sim::column::kStalled).back();
    std::printf("%s: completed %d, t_end %.3f s, %zu states, %ld steps, %ld residual and %ld Jacobian evaluations, "
                "%ld root returns, %ld re-initializations, runtime %.2f s (integration %.2f s)\n",
                name.c_str(), r.completed, r.t_end, r.states, r.stats.steps, r.stats.residual_evals,
                r.stats.jacobian_evals, r.stats.root_returns, r.stats.reinits, r.runtime_s, r.integration_s);
    std::printf("  peak stall share %.4f, partial (0 < share < 1 at some time) %d, end head V %.4f pu (pre %.4f), "
                "end stalled fraction %.4f, end thermal tripped %.4f\n",
                peak, partial, v_end, r.pre_event.v_pu, stalled_end, s.column(sim::column::kThermal).back());
    if (!r.completed) std::printf("  failure: %s\n", r.failure.c_str());
    const auto& k = c["criteria"];
    int failed = 0;
    auto check = [&](bool ok, const std::string& what) {
      std::printf("  [%s] %s\n", ok ? "pass" : "FAIL", what.c_str());
      failed += ok ? 0 : 1;
    };
    check(r.completed == k["completed"].get<bool>(), "completed");
    if (k.contains("peak_stall_share_min"))
      check(peak >= k["peak_stall_share_min"].get<double>(), fmt::format("peak stall share >= {}", k["peak_stall_share_min"].get<double>()));
    if (k.contains("peak_stall_share_max"))
      check(peak <= k["peak_stall_share_max"].get<double>(), fmt::format("peak stall share <= {}", k["peak_stall_share_max"].get<double>()));
    check(partial, "motor_d_stall_share strictly between 0 and 1 at some time");
    check(v_end >= k["end_head_v_over_pre_event_min"].get<double>() * r.pre_event.v_pu, "head V recovered at t_end");
    check(stalled_end <= k["end_stalled_fraction_max"].get<double>(), "connected stalled fraction at t_end");
    return failed ? 1 : 0;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
}
