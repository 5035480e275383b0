// Reduction validation (issue 6): for one case of tolerances.json, reduce the feeder (sections
// auto), check the steady-state and off-design tolerances, write the reduction files, re-import
// reduced.dss and compare its solution with the in-memory reduced feeder. Prints one figures line;
// exit 0 when every tolerance holds, 1 otherwise.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "feederlab/io/import.hpp"
#include "feederlab/powerflow/powerflow.hpp"
#include "feederlab/reduce/reduce.hpp"

namespace fs = std::filesystem;
using namespace feederlab;

int main(int argc, char** argv) {
  if (argc < 3 || std::string(argv[1]) != "--case") {
    std::fprintf(stderr, "usage: validate_reduce --case NAME [--out DIR] [--sections N] [--blocks N] [--equivalent auto|fitted|physical] [--angle physical|chain] [--loss-correction on|off] [--phases auto|balanced|per-phase]\n");
    return 2;
  }
  const std::string name = argv[2];
  fs::path out = fs::temp_directory_path() / ("feederlab_reduce_" + name);
  std::optional<int> sections;
  bool loss_correction = true;
  bool physical = false;
  std::optional<int> blocks;
  std::string equivalent = "auto";
  std::string phases = "auto";
  for (int i = 3; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--out") out = argv[i + 1];
    if (std::string(argv[i]) == "--sections") sections = std::stoi(argv[i + 1]);
    if (std::string(argv[i]) == "--angle") physical = std::string(argv[i + 1]) == "physical";
    if (std::string(argv[i]) == "--equivalent") equivalent = std::string(argv[i + 1]);
    if (std::string(argv[i]) == "--phases") phases = std::string(argv[i + 1]);
    if (std::string(argv[i]) == "--blocks") blocks = std::stoi(argv[i + 1]);
    if (std::string(argv[i]) == "--loss-correction") loss_correction = std::string(argv[i + 1]) == "on";
  }
  std::ifstream tin(fs::path(FEEDERLAB_REDUCE_VALIDATION_DIR) / "tolerances.json");
  const auto tol = nlohmann::json::parse(tin);
  nlohmann::json c;
  for (const auto& x : tol["cases"])
    if (x["name"] == name) c = x;
  if (c.is_null()) {
    std::fprintf(stderr, "unknown case %s\n", name.c_str());
    return 2;
  }
  const std::string rel = c["feeder"];
  const fs::path path = rel.rfind("feeders/", 0) == 0 ? fs::path(FEEDERLAB_SOURCE_DIR) / rel : fs::path(FEEDERLAB_SHARED_DIR) / "feeders" / rel;
  try {
    const auto feeder = io::importFeeder(path);
    reduce::Options opt;
    opt.sections = sections;
    opt.loss_correction = loss_correction;
    opt.physical_angle = physical;
    if (blocks) opt.motor_d_blocks = *blocks;
    if (equivalent == "fitted") opt.equivalent = reduce::Equivalent::Fitted;
    if (equivalent == "physical") opt.equivalent = reduce::Equivalent::Physical;
    if (phases == "balanced") opt.phases = reduce::Phases::Balanced;
    if (phases == "per-phase") opt.phases = reduce::Phases::PerPhase;
    const auto r = reduce::reduceFeeder(feeder, opt);
    reduce::writeReduction(out, r);
    bool ok = true;
    auto check = [&](bool cond, const std::string& what) {
      if (!cond) {
        std::fprintf(stderr, "FAIL %s: %s\n", name.c_str(), what.c_str());
        ok = false;
      }
    };
    check(r.head_power_error_pct <= tol["head_power_pct"].get<double>(), "head power error " + std::to_string(r.head_power_error_pct) + " %");
    check(r.section_voltage_error_pu_max <= tol["section_voltage_pu"].get<double>(), "section voltage error " + std::to_string(r.section_voltage_error_pu_max));
    check(std::abs(r.losses_error_pct) <= tol["losses_pct"].get<double>(), "losses error " + std::to_string(r.losses_error_pct) + " %");
    double od_v = 0, od_h = 0;
    for (const auto& o : r.off_design) {
      od_v = std::max(od_v, o.section_voltage_error_pu_max);
      od_h = std::max({od_h, o.head_p_error_pct, o.head_q_error_pct});
      check(o.section_voltage_error_pu_max <= tol["off_design_voltage_pu"].get<double>(), o.name + " section voltage " + std::to_string(o.section_voltage_error_pu_max));
      check(std::max(o.head_p_error_pct, o.head_q_error_pct) <= tol["off_design_head_pct"].get<double>(), o.name + " head power " + std::to_string(std::max(o.head_p_error_pct, o.head_q_error_pct)));
    }
    // reduced.dss round trip
    const auto back = io::importFeeder(out / "reduced.dss");
    const auto r1 = powerflow::solvePowerFlow(r.reduced), r2 = powerflow::solvePowerFlow(back);
    double dv = 0;
    for (const auto& nv : r1.voltages) {
      const auto id = back.findBus(r.reduced.buses[static_cast<std::size_t>(nv.bus)].name);
      if (!id) { check(false, "bus missing after re-import"); break; }
      const auto v2 = r2.voltage(*id, nv.node);
      if (!v2 || nv.base_volts <= 0) continue;
      dv = std::max(dv, std::abs(nv.volts - *v2) / nv.base_volts);
    }
    check(dv <= tol["roundtrip_pu"].get<double>(), "reduced.dss round trip " + std::to_string(dv));
    std::printf("%s: N=%zu blocks=%d head_err=%.4f%% (P %.2f vs %.2f kW, Q %.2f vs %.2f kvar) Vsec_err=%.6f pu losses_err=%+.3f%% (%.2f vs %.2f kW) "
                "offdesign Vmax=%.5f headmax=%.3f%% roundtrip=%.2e runtime=%.3fs\n",
                name.c_str(), r.sections.size(), r.motor_d_blocks, r.head_power_error_pct, r.reduced_flow.head_kw, r.full.head_kw,
                r.reduced_flow.head_kvar, r.full.head_kvar, r.section_voltage_error_pu_max, r.losses_error_pct, r.reduced_flow.losses_kw,
                r.full.losses_kw, od_v, od_h, dv, r.runtime_s);
    for (const auto& o : r.off_design)
      std::printf("  %s: V %.5f P %.3f%% Q %.3f%% losses %+.2f%%\n", o.name.c_str(), o.section_voltage_error_pu_max, o.head_p_error_pct, o.head_q_error_pct, o.losses_error_pct);
    if (!ok || std::getenv("FEEDERLAB_REDUCE_NOTES"))
      for (const auto& n : r.notes) std::printf("  note: %s\n", n.c_str());
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ERROR %s: %s\n", name.c_str(), e.what());
    return 1;
  }
}
