// OpenDSS export: the re-imported feeder gives the same power flow as the original, node by
// node, with controls off (taps and capacitor states as imported).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include "feederlab/io/dss_export.hpp"
#include "feederlab/io/dss_importer.hpp"
#include "feederlab/io/import.hpp"
#include "feederlab/powerflow/powerflow.hpp"
#include "paths.hpp"

using namespace feederlab;
namespace fs = std::filesystem;

namespace {

std::string slug(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

// Largest node voltage difference in pu of the node's base; -1 when a node is missing.
double worstDifference(const model::Feeder& a, const powerflow::Result& ra, const model::Feeder& b,
                       const powerflow::Result& rb, std::string& where) {
  double worst = 0.0;
  for (const auto& v : ra.voltages) {
    const std::string& name = a.buses[static_cast<std::size_t>(v.bus)].name;
    const auto bus = b.findBus(name);
    const auto other = bus ? rb.voltage(*bus, v.node) : std::nullopt;
    if (!other) {
      where = name + "." + std::to_string(v.node) + " missing";
      return -1.0;
    }
    const double base = v.base_volts > 0.0 ? v.base_volts : std::max(std::abs(v.volts), 1.0);
    const double diff = std::abs(v.volts - *other) / base;
    if (diff > worst) {
      worst = diff;
      where = name + "." + std::to_string(v.node);
    }
  }
  return worst;
}

void samePowerFlow(const fs::path& input) {
  CAPTURE(input.string());
  const model::Feeder original = io::importFeeder(input);
  const fs::path out = test::scratchDir("export_pf_" + slug(input.filename().string())) / "feeder.dss";
  io::exportDssFile(original, out);
  const model::Feeder again = io::importDss(out);
  powerflow::Options options;
  options.controls = powerflow::ControlMode::Off;
  options.tolerance = 1e-12;
  const auto ra = powerflow::solvePowerFlow(original, options);
  const auto rb = powerflow::solvePowerFlow(again, options);
  REQUIRE(ra.converged);
  REQUIRE(rb.converged);
  CHECK(ra.voltages.size() == rb.voltages.size());
  std::string where;
  const double worst = worstDifference(original, ra, again, rb, where);
  MESSAGE(input.filename().string(), ": worst node voltage difference ", worst, " pu at ", where, "; iterations ", ra.iterations, "/", rb.iterations, ", last dV ", ra.max_mismatch_pu, "/", rb.max_mismatch_pu);
  CHECK(worst >= 0.0);
  CHECK(worst < 1e-9);
}

}  // namespace

TEST_CASE("export round trip: same power flow, IEEE feeders") {
  samePowerFlow(test::sharedFeeder("ieee13/opendss/IEEE13Nodeckt.dss"));
  samePowerFlow(test::sharedFeeder("ieee123/opendss/IEEE123Master.dss"));
  samePowerFlow(test::sharedFeeder("ieee13/cim/IEEE13.xml"));
}

TEST_CASE("export round trip: same power flow, IEEE 8500") {
  samePowerFlow(test::sharedFeeder("ieee8500/opendss/Master.dss"));
}

TEST_CASE("export round trip: same power flow, EPRI ckt5") {
  samePowerFlow(test::sharedFeeder("epri_ckt5/opendss/Master_ckt5.dss"));
}

TEST_CASE("export round trip: same power flow, project feeders") {
  samePowerFlow(test::sourceDir() / "feeders/demo/demo.dss");
  samePowerFlow(test::sourceDir() / "feeders/synth-small");
}
TEST_CASE("zz debug export ieee13 cim") {
  model::Feeder a = io::importFeeder(test::sharedFeeder("ieee13/cim/IEEE13.xml"));
  const fs::path out = test::scratchDir("export_dbg") / "a.dss";
  io::exportDssFile(a, out);
  model::Feeder b = io::importDss(out);
  powerflow::Options o;
  o.controls = powerflow::ControlMode::Off;
  o.tolerance = 1e-13;
  std::string w;
  { auto ra = powerflow::solvePowerFlow(a, o), rb = powerflow::solvePowerFlow(b, o);
    MESSAGE("as is: a-b ", worstDifference(a, ra, b, rb, w), " ", w); }
  int n = 0;
  for (auto* f : {&a, &b})
    for (auto& l : f->lines)
      if (l.is_switch) { l.length = 1.0; ++n; }
  auto ra = powerflow::solvePowerFlow(a, o), rb = powerflow::solvePowerFlow(b, o);
  MESSAGE("switches x1000 (", n, "): a-b ", worstDifference(a, ra, b, rb, w), " ", w);
}
