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

// `f` with its buses renumbered in the order `order` has them (the rest after), so that both
// power flows number their nodes alike.
model::Feeder inBusOrder(const model::Feeder& f, const model::Feeder& order) {
  std::vector<model::BusId> map(f.buses.size(), model::kNoBus);
  model::Feeder out = f;
  out.buses.clear();
  out.bus_index.clear();
  for (const auto& b : order.buses) {
    if (const auto id = f.findBus(b.name)) {
      map[static_cast<std::size_t>(*id)] = static_cast<model::BusId>(out.buses.size());
      out.buses.push_back(f.buses[static_cast<std::size_t>(*id)]);
    }
  }
  for (std::size_t i = 0; i < f.buses.size(); ++i) {
    if (map[i] == model::kNoBus) {
      map[i] = static_cast<model::BusId>(out.buses.size());
      out.buses.push_back(f.buses[i]);
    }
  }
  for (std::size_t i = 0; i < out.buses.size(); ++i) out.bus_index[out.buses[i].name] = static_cast<model::BusId>(i);
  auto remap = [&](model::Terminal& t) { t.bus = map[static_cast<std::size_t>(t.bus)]; };
  for (auto& e : out.sources) remap(e.bus1);
  for (auto& e : out.lines) remap(e.bus1), remap(e.bus2);
  for (auto& e : out.transformers)
    for (auto& w : e.windings) remap(w.terminal);
  for (auto& e : out.capacitors) remap(e.bus1), e.bus2 ? remap(*e.bus2) : void();
  for (auto& e : out.reactors) remap(e.bus1), e.bus2 ? remap(*e.bus2) : void();
  for (auto& e : out.loads) remap(e.bus1);
  for (auto& e : out.others)
    for (auto& t : e.terminals) remap(t);
  return out;
}

void samePowerFlow(const fs::path& input) {
  CAPTURE(input.string());
  const model::Feeder imported = io::importFeeder(input);
  const fs::path out = test::scratchDir("export_pf_" + slug((input.parent_path().parent_path().filename() /
                                                             input.parent_path().filename() / input.filename())
                                                                .string())) /
                       "feeder.dss";
  io::exportDssFile(imported, out);
  const model::Feeder again = io::importDss(out);
  // CIM and CSV feeders come back with another bus order, and their 1e-7 ohm switches (1e-4 ohm
  // per unit, length 0.001) make the solution depend on node order at ~1e-9 pu (1e-12 with
  // 1000x the switch impedance): compare with the original renumbered like the re-import.
  const model::Feeder original = inBusOrder(imported, again);
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
  MESSAGE(input.filename().string(), ": worst node voltage difference ", worst, " pu at ", where, "; iterations ",
          ra.iterations, "/", rb.iterations, ", last dV ", ra.max_mismatch_pu, "/", rb.max_mismatch_pu);
  CHECK(worst >= 0.0);
  CHECK(worst < 1e-9);
}

}  // namespace

TEST_CASE("export round trip: same power flow - IEEE feeders") {
  samePowerFlow(test::sharedFeeder("ieee13/opendss/IEEE13Nodeckt.dss"));
  samePowerFlow(test::sharedFeeder("ieee123/opendss/IEEE123Master.dss"));
  samePowerFlow(test::sharedFeeder("ieee13/cim/IEEE13.xml"));
  samePowerFlow(test::sharedFeeder("ieee123/cim/IEEE123.xml"));
}

TEST_CASE("export round trip: same power flow - IEEE 8500") {
  samePowerFlow(test::sharedFeeder("ieee8500/opendss/Master.dss"));
}

TEST_CASE("export round trip: same power flow - EPRI ckt5") {
  samePowerFlow(test::sharedFeeder("epri_ckt5/opendss/Master_ckt5.dss"));
  samePowerFlow(test::sharedFeeder("epri_ckt24/opendss/master_ckt24.dss"));
}

TEST_CASE("export round trip: same power flow - project feeders") {
  samePowerFlow(test::sourceDir() / "feeders/demo/demo.dss");
  samePowerFlow(test::sourceDir() / "feeders/synth-small");
  samePowerFlow(test::sourceDir() / "feeders/synth-medium");
}
