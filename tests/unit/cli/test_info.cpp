// `feederlab info --json` reproduces the published/counted figures of every shared feeder
// (../shared/feeders/README.md) and OpenDSS's own bus and node counts (num_buses, num_nodes in
// reference/opendss_solution/*.summary.json).
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "paths.hpp"

namespace {

using feederlab::test::cliExecutable;
using feederlab::test::runCommand;
using feederlab::test::sharedFeeder;

struct Expected {
  const char* master;
  int buses, nodes;  // -1: no OpenDSS count published for this master
  int lines, switches, transformers, regulators, capacitors, loads;
  double kw, kvar;
};

// kW/kvar: README totals (feeder loads plus the source-side aggregates it lists separately).
const Expected kFeeders[] = {
    {"ieee13/opendss/IEEE13Nodeckt.dss", 16, 41, 11, 1, 5, 3, 2, 15, 3466.0, 2102.0},
    {"ieee13/opendss_gridappsd/IEEE13_Assets.dss", 16, 41, 11, 1, 5, 3, 2, 15, 3466.0, 2102.0},
    {"ieee34/opendss/ieee34Mod1.dss", 37, 95, 32, 0, 8, 6, 2, 68, 1769.0, 1044.0},
    {"ieee34/opendss/ieee34Mod2.dss", 56, 138, 51, 0, 8, 6, 2, 38, 1769.0, 1044.0},
    {"ieee37/opendss/ieee37.dss", 39, 117, 36, 0, 4, 2, 0, 30, 2457.0, 1201.0},
    {"ieee123/opendss/IEEE123Master.dss", 132, 278, 118, 8, 8, 7, 4, 91, 3490.0, 1920.0},
    {"ieee8500/opendss/Master.dss", 4876, 8531, 3660, 43, 1190, 12, 10, 1177, 10773.2, 2700.0},
    {"epri_ckt5/opendss/Master_ckt5.dss", 2998, 3437, 2356, 73, 592, 0, 4, 1379, 7132.9, 2833.1},
    // ckt24: 49 loads have xfkVA=0, so OpenDSS keeps their default 10 kW (pf 0.98) instead of
    // allocating; the README's script counted them as 0 (its 27142.9 + 23308.8 kW).
    {"epri_ckt24/opendss/master_ckt24.dss", 6058, 7522, 5222, -1, 843, 1, 3, 3891, 27142.9 + 23308.8 + 490.0,
     5511.6 + 2966.2 + 49 * 10.0 * 0.20306},
    {"epri_ckt7/opendss/Master_ckt7.dss", 1255, 2452, 1148, 11, 161, 0, 2, 906, 5601.1 + 71006.8, 2712.8 + 23338.8},
    {"epri_j1/opendss/Master_noPV.dss", -1, -1, 2607, 18, 828, 9, 5, 1385, 5950.0 + 5000.0, 3357.1 - 1015.3},
    {"epri_k1/opendss/Master_NoPV.dss", -1, -1, 961, 2, 321, 1, 1, 321, 4769.8 + 7685.0, 1404.7},
    {"epri_m1/opendss/Master_NoPV.dss", -1, -1, 2394, 88, 160, 1, 3, 1470, 5744.1 + 9723.2, 2615.0},
    // The reduced J1 sets loadmult=1.29 (SolutionOptions.dss); its 97 loads sum to 8541.3 kW, 1693.4 kvar.
    {"epri_j1/reduced_j1red/opendss/Master.dss", -1, -1, 73, 2, 5, 1, 5, 97, 8541.3 * 1.29, 1693.4 * 1.29},
};

nlohmann::json infoJson(const std::string& master) {
  std::string out;
  const int rc = runCommand(cliExecutable().string() + " info --json \"" + sharedFeeder(master).string() + "\" 2>/dev/null", &out);
  REQUIRE_MESSAGE(rc == 0, master << ": " << out);
  return nlohmann::json::parse(out);
}

}  // namespace

TEST_CASE("info reproduces the counts and totals of every shared OpenDSS master") {
  for (const auto& e : kFeeders) {
    const std::string master = e.master;
    CAPTURE(master);
    const auto j = infoJson(e.master);
    CHECK(j["format"] == "dss");
    if (e.buses >= 0) CHECK(j["buses"].get<int>() == e.buses);
    if (e.nodes >= 0) CHECK(j["nodes"].get<int>() == e.nodes);
    CHECK(j["lines"].get<int>() == e.lines);
    if (e.switches >= 0) CHECK(j["switches"].get<int>() == e.switches);
    CHECK(j["transformers"].get<int>() == e.transformers);
    CHECK(j["regulators"].get<int>() == e.regulators);
    CHECK(j["capacitors"].get<int>() == e.capacitors);
    CHECK(j["loads"].get<int>() == e.loads);
    CHECK(j["total_kw"].get<double>() == doctest::Approx(e.kw).epsilon(0.0002));
    CHECK(j["total_kvar"].get<double>() == doctest::Approx(e.kvar).epsilon(0.0005));
  }
}

TEST_CASE("info on the shipped demo feeder") {
  std::string out;
  const auto demo = feederlab::test::sourceDir() / "feeders/demo/demo.dss";
  REQUIRE(runCommand(cliExecutable().string() + " info --json " + demo.string() + " 2>/dev/null", &out) == 0);
  const auto j = nlohmann::json::parse(out);
  CHECK(j["loads"] == 9);
  CHECK(j["switches"] == 2);
  CHECK(j["total_kw"].get<double>() == doctest::Approx(5012.0));
  CHECK(j["voltage_bases_kv"] == nlohmann::json::array({115.0, 12.47, 0.208}));
}

TEST_CASE("bad usage and unreadable input exit with code 2 and a message") {
  std::string out;
  CHECK(runCommand(cliExecutable().string() + " info /nonexistent/feeder.dss", &out) == 2);
  CHECK(out.find("feeder.dss") != std::string::npos);
  CHECK(runCommand(cliExecutable().string() + " info", nullptr) == 2);
  CHECK(runCommand(cliExecutable().string() + " frobnicate", nullptr) == 2);
}
