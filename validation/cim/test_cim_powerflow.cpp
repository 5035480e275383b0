// CIM import vs the OpenDSS script it was converted from: same power flow at every node
// (tolerances in validation/cim/tolerances.json; see README.md beside this file).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "feederlab/io/cim_importer.hpp"
#include "feederlab/io/dss_importer.hpp"
#include "feederlab/powerflow/powerflow.hpp"
#include "paths.hpp"

namespace fs = std::filesystem;
using namespace feederlab;

namespace {

struct Comparison {
  double max_dv_pu = 0.0;
  double max_dangle_deg = 0.0;
  std::string worst_node;
  int compared = 0;
  std::vector<std::string> missing;  // nodes of the script not found in the CIM model
};

std::map<std::string, powerflow::NodeVoltage> byName(const model::Feeder& f, const powerflow::Result& r) {
  std::map<std::string, powerflow::NodeVoltage> out;
  for (const auto& v : r.voltages) {
    if (v.node == 0) continue;
    out[f.buses[static_cast<std::size_t>(v.bus)].name + "." + std::to_string(v.node)] = v;
  }
  return out;
}

Comparison compare(const fs::path& cim_path, const fs::path& dss_path, const nlohmann::json& ignored) {
  powerflow::Options options;
  options.controls = powerflow::ControlMode::Off;
  const auto cim = io::importCim(cim_path);
  const auto dss = io::importDss(dss_path);
  const auto cim_v = byName(cim, powerflow::solvePowerFlow(cim, options));
  const auto dss_v = byName(dss, powerflow::solvePowerFlow(dss, options));
  Comparison c;
  for (const auto& [node, ref] : dss_v) {
    if (ignored.contains(node.substr(0, node.rfind('.')))) continue;
    const auto it = cim_v.find(node);
    if (it == cim_v.end()) {
      c.missing.push_back(node);
      continue;
    }
    if (ref.base_volts <= 0) continue;
    ++c.compared;
    const double dv = std::abs(std::abs(it->second.volts) - std::abs(ref.volts)) / ref.base_volts;
    double da = std::abs(std::arg(it->second.volts) - std::arg(ref.volts)) * 180.0 / M_PI;
    if (da > 180.0) da = 360.0 - da;
    if (std::abs(ref.volts) < 1e-3 * ref.base_volts) da = 0.0;  // angle of a dead node means nothing
    if (std::getenv("FEEDERLAB_VERBOSE") && dv > 1e-5)
      std::cerr << "  " << node << " cim " << std::abs(it->second.volts) / ref.base_volts << " dss "
                << std::abs(ref.volts) / ref.base_volts << "\n";
    if (dv > c.max_dv_pu) {
      c.max_dv_pu = dv;
      c.worst_node = node;
    }
    c.max_dangle_deg = std::max(c.max_dangle_deg, da);
  }
  return c;
}

nlohmann::json tolerances() {
  std::ifstream in(test::sourceDir() / "validation/cim/tolerances.json");
  return nlohmann::json::parse(in);
}

fs::path resolve(const std::string& p) {
  return p.rfind("../shared/", 0) == 0 ? test::sharedDir() / p.substr(10) : test::sourceDir() / p;
}

}  // namespace

TEST_CASE("CIM imports solve to the same voltages as their OpenDSS scripts") {
  const auto tol = tolerances();
  const double max_dv = tol.at("max_voltage_difference_pu").get<double>();
  const double max_da = tol.at("max_angle_difference_deg").get<double>();
  for (const auto& c : tol.at("cases")) {
    const std::string name = c.at("name");
    CAPTURE(name);
    const auto r = compare(test::sharedFeeder(c.at("cim")), resolve(c.at("dss")),
                           c.value("ignored_buses", nlohmann::json::object()));
    std::cerr << "validation/cim " << name << ": " << r.compared << " nodes, max |dV| " << r.max_dv_pu
              << " pu at " << r.worst_node << ", max dAngle " << r.max_dangle_deg << " deg, "
              << r.missing.size() << " script nodes missing\n";
    CHECK_MESSAGE(r.missing.empty(), "first missing node: " << (r.missing.empty() ? "" : r.missing.front()));
    CHECK(r.compared > 10);
    CHECK_MESSAGE(r.max_dv_pu <= max_dv, "worst node " << r.worst_node);
    CHECK(r.max_dangle_deg <= max_da);
  }
}

TEST_CASE("2016 CIM16 files solve - differences to IEEE13Nodeckt.dss are reported") {
  const auto tol = tolerances();  // kept alive: iterating a temporary's member would dangle
  for (const auto& c : tol.at("report_only")) {
    const std::string name = c.at("name");
    CAPTURE(name);
    const auto r = compare(test::sharedFeeder(c.at("cim")), resolve(c.at("dss")), nlohmann::json::object());
    std::cerr << "validation/cim " << name << " (report only): " << r.compared << " shared nodes, max |dV| "
              << r.max_dv_pu << " pu at " << r.worst_node << ", max dAngle " << r.max_dangle_deg << " deg\n";
    CHECK(r.compared > 10);
  }
}
