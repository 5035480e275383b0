// The power flow on imported feeders: OpenDSS agreement on the small IEEE feeders, the power
// balance invariant, and the `feederlab powerflow` command's files (cli.md contract).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "feederlab/io/import.hpp"
#include "paths.hpp"
#include "pf_test_support.hpp"

using namespace feederlab;
using test::Complex;

namespace {

std::string wrapper(const std::string& name) {
  return (test::sourceDir() / "validation" / "powerflow" / (name + ".dss")).string();
}

double balanceError(const powerflow::Result& r) {
  Complex src{};
  for (const auto& s : r.source_power)
    for (const auto& p : s) src += p;
  return std::abs(src - r.load_power - r.losses - r.shunt_power) / std::abs(src);
}

}  // namespace

TEST_CASE("imported IEEE 13 and 123 with published taps match OpenDSS within 1e-4 pu") {
  for (const std::string feeder : {"ieee13", "ieee123"}) {
    const auto f = io::importFeeder(wrapper(feeder + "__published_taps"), "dss");
    powerflow::Options o;
    o.controls = powerflow::ControlMode::Off;
    const auto r = powerflow::solvePowerFlow(f, o);
    const auto ref = test::readReference(
        test::sharedFeeder(feeder + "/reference/opendss_solution/" + feeder + "__published_taps.csv").string());
    const auto a = test::compare(f, r, ref);
    INFO(feeder, ": max dV ", a.max_dv_pu, " at ", a.worst_v, ", max dAngle ", a.max_dang_deg, " at ", a.worst_a);
    CHECK(a.missing == 0);
    CHECK(a.max_dv_pu < 1e-4);
    CHECK(a.max_dang_deg < 0.05);
  }
}

TEST_CASE("power balance closes element by element on the IEEE feeders (controls static)") {
  for (const std::string script : {"ieee13__controlled", "ieee34__mod1_controlled", "ieee34__mod2_controlled",
                                   "ieee37__as_shipped", "ieee123__controlled"}) {
    const auto f = io::importFeeder(wrapper(script), "dss");
    const auto r = powerflow::solvePowerFlow(f);
    INFO(script, ": balance error ", balanceError(r));
    CHECK(r.converged);
    CHECK(balanceError(r) < 1e-6);
    // Losses are positive in every series element except for numerical noise.
    for (const auto& b : r.branches)
      if (b.kind == powerflow::ElementKind::Line || b.kind == powerflow::ElementKind::Transformer)
        CHECK_MESSAGE(b.losses.real() > -1e-3, powerflow::elementName(f, b.kind, b.element));
  }
}

TEST_CASE("feederlab powerflow writes voltages.csv and summary.json as cli.md specifies") {
  const auto dir = test::scratchDir("powerflow_cli");
  std::string out;
  const int rc = test::runCommand(test::cliExecutable().string() + " powerflow " + wrapper("ieee13__controlled") +
                                      " -o " + dir.string() + " --controls static",
                                  &out);
  INFO(out);
  REQUIRE(rc == 0);
  std::ifstream csv(dir / "voltages.csv");
  std::string header, line;
  std::getline(csv, header);
  CHECK(header == "bus,node,vmag_volts,vmag_pu,angle_deg,base_kv");
  int rows = 0;
  while (std::getline(csv, line)) {
    ++rows;
    CHECK(line.find("nan") == std::string::npos);
  }
  CHECK(rows == 41);
  std::ifstream js(dir / "summary.json");
  const auto j = nlohmann::json::parse(js);
  for (const char* key : {"converged", "iterations", "source_kw", "source_kvar", "total_source_kw", "total_source_kvar",
                          "head_kw", "head_kvar", "losses_kw", "losses_kvar", "taps", "capacitors"})
    CHECK_MESSAGE(j.contains(key), key);
  CHECK(j["taps"]["reg1"] == 9);
  CHECK(j["taps"]["reg2"] == 6);
  CHECK(j["taps"]["reg3"] == 9);
  CHECK(j["head_kw"].size() == 3);
  CHECK(j["total_source_kw"].get<double>() == doctest::Approx(3567.2118).epsilon(1e-4));
}
