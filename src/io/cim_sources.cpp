// EnergySource -> model::Source (Thevenin z1/z0 in ohm from r/x/r0/x0), and PV / battery units
// behind PowerElectronicsConnections -> model::OtherElement (recorded, not modelled yet).
#include <cmath>

#include "cim_document.hpp"
#include "feederlab/core/strings.hpp"

namespace feederlab::io::cim {

void importSources(Context& ctx) {
  const Document& doc = ctx.doc;
  for (Node es : doc.objects("EnergySource")) {
    model::Source s;
    static_cast<model::ElementBase&>(s) = ctx.base(es);
    const auto& terms = ctx.terminalsOf(es, 1);
    s.bus1 = {terms[0].bus, {1, 2, 3}};
    const double nominal = doc.requiredNumber(es, "EnergySource.nominalVoltage");
    if (nominal <= 0.0) doc.fail(es, std::to_string(nominal), "nominalVoltage must be positive");
    s.base_kv = nominal / 1000.0;
    s.pu = doc.number(es, "EnergySource.voltageMagnitude", nominal) / nominal;
    s.angle_deg = core::radToDeg(doc.number(es, "EnergySource.voltageAngle", 0.0));
    const double r = doc.number(es, "EnergySource.r", 0.0);
    const double x = doc.requiredNumber(es, "EnergySource.x");
    s.z1_ohm = {r, x};
    s.z0_ohm = {doc.number(es, "EnergySource.r0", r), doc.number(es, "EnergySource.x0", x)};
    const double kv2 = s.base_kv * s.base_kv;
    if (std::abs(s.z1_ohm) > 0.0) s.mvasc3 = kv2 / std::abs(s.z1_ohm);
    const auto z_ground = 2.0 * s.z1_ohm + s.z0_ohm;
    if (std::abs(z_ground) > 0.0) s.mvasc1 = 3.0 * kv2 / std::abs(z_ground);
    auto& bus = ctx.feeder.buses[static_cast<std::size_t>(terms[0].bus)];
    if (bus.kv_base_ll <= 0.0) bus.kv_base_ll = s.base_kv;
    ctx.feeder.sources.push_back(std::move(s));
  }
}

namespace {

Node unitOf(const Document& doc, Node pec) {
  if (Node unit = doc.ref(pec, "PowerElectronicsConnection.PowerElectronicsUnit")) return unit;
  const auto& units = doc.referrers("PowerElectronicsUnit.PowerElectronicsConnection", pec);
  return units.empty() ? Node() : units.front();
}

std::vector<int> connectionNodes(const Document& doc, Node pec) {
  std::vector<int> nodes;
  for (Node phase :
       doc.referrers("PowerElectronicsConnectionPhase.PowerElectronicsConnection", pec)) {
    const int node = singlePhaseNode(doc.enumValue(phase, "PowerElectronicsConnectionPhase.phase"));
    if (node > 0) nodes.push_back(node);
  }
  if (nodes.empty()) nodes = {1, 2, 3};
  return nodes;
}

}  // namespace

void importGenerators(Context& ctx) {
  const Document& doc = ctx.doc;
  for (Node pec : doc.objects("PowerElectronicsConnection")) {
    model::OtherElement dg;
    static_cast<model::ElementBase&>(dg) = ctx.base(pec);
    const Node unit = unitOf(doc, pec);
    const std::string cls = unit ? Document::className(unit) : "";
    dg.cls = cls == "PhotovoltaicUnit" ? "pvsystem" : cls == "BatteryUnit" ? "storage" : "generator";
    const auto& terms = ctx.terminalsOf(pec, 1);
    dg.terminals.push_back({terms[0].bus, connectionNodes(doc, pec)});
    dg.kw = doc.number(pec, "PowerElectronicsConnection.p", 0.0) / 1000.0;
    dg.kvar = doc.number(pec, "PowerElectronicsConnection.q", 0.0) / 1000.0;
    ctx.feeder.others.push_back(std::move(dg));
    ++ctx.dg_count;
  }
  for (Node machine : doc.objects("SynchronousMachine")) {
    model::OtherElement dg;
    static_cast<model::ElementBase&>(dg) = ctx.base(machine);
    dg.cls = "generator";
    const auto& terms = ctx.terminalsOf(machine, 1);
    dg.terminals.push_back({terms[0].bus, {1, 2, 3}});
    dg.kw = doc.number(machine, "RotatingMachine.p", 0.0) / 1000.0;
    dg.kvar = doc.number(machine, "RotatingMachine.q", 0.0) / 1000.0;
    ctx.feeder.others.push_back(std::move(dg));
    ++ctx.dg_count;
  }
  if (ctx.dg_count > 0) {
    ctx.feeder.diagnostics.warn(
        "distributed-generation-recorded", "", {doc.file(), 0},
        std::to_string(ctx.dg_count) +
            " distributed generator(s) (PV, batteries, machines) recorded as other elements; "
            "they are not modelled in the power flow or dynamics yet");
  }
}

}  // namespace feederlab::io::cim
