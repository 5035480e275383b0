// EnergyConsumer -> model::Load (with the OpenDSS load model from its LoadResponseCharacteristic)
// and LinearShuntCompensator -> model::Capacitor.
// Terminal conventions as OpenDSS: wye elements carry phases + 1 conductors with the neutral on
// node 0; a single-phase delta element on phase X is connected from X to the next phase
// (B -> 2.3, C -> 3.1), which is how CIMHub writes OpenDSS's "bus.2.3" delta loads.
#include <algorithm>
#include <cmath>

#include "cim_document.hpp"
#include "feederlab/core/strings.hpp"

namespace feederlab::io::cim {

namespace {

// Phase nodes of a shunt element from its per-phase objects; {1,2,3} when it has none.
std::vector<int> shuntPhases(const Document& doc, Node element, const char* referrer_prop,
                             const char* phase_prop) {
  std::vector<int> nodes;
  bool any = false;
  for (Node phase : doc.referrers(referrer_prop, element)) {
    any = true;
    const std::string kind = doc.enumValue(phase, phase_prop);
    const int node = singlePhaseNode(kind);
    if (node < 0 && kind != "s") doc.fail(phase, kind, std::string("unknown phase in ") + phase_prop);
    if (node > 0 && std::find(nodes.begin(), nodes.end(), node) == nodes.end()) nodes.push_back(node);
  }
  if (!any || nodes.empty()) nodes = {1, 2, 3};
  return nodes;
}

std::vector<int> shuntNodes(const std::vector<int>& phases, model::Connection conn) {
  std::vector<int> nodes = phases;
  if (conn == model::Connection::Wye) {
    nodes.push_back(0);
  } else if (phases.size() == 1) {
    nodes.push_back(phases[0] % 3 + 1);
  }
  return nodes;
}

model::Connection shuntConnection(const Document& doc, Node element, const char* prop) {
  return doc.enumValue(element, prop) == "D" ? model::Connection::Delta : model::Connection::Wye;
}

void applyResponse(const Document& doc, Node lrc, model::Load& load) {
  const std::string name = doc.nameOf(lrc);
  const std::string c = "LoadResponseCharacteristic.";
  if (name == "Variable P, Fixed Q") { load.model = model::LoadModel::FixedQ; return; }
  if (name == "Variable P, Fixed X") { load.model = model::LoadModel::FixedQZ; return; }
  if (name == "Motor") { load.model = model::LoadModel::Motor; return; }
  if (doc.flag(lrc, c + "exponentModel", false)) {
    const double pe = doc.number(lrc, c + "pVoltageExponent", 0.0);
    const double qe = doc.number(lrc, c + "qVoltageExponent", 0.0);
    if (pe == 0.0 && qe == 0.0) load.model = model::LoadModel::ConstPQ;
    else if (pe == 2.0 && qe == 2.0) load.model = model::LoadModel::ConstZ;
    else if (pe == 1.0 && qe == 1.0) load.model = model::LoadModel::ConstI;
    else {
      load.model = model::LoadModel::Cvr;
      load.cvr_watts = pe;
      load.cvr_vars = qe;
    }
    return;
  }
  const double zp = doc.number(lrc, c + "pConstantImpedance", 0.0);
  const double ip = doc.number(lrc, c + "pConstantCurrent", 0.0);
  const double pp = doc.number(lrc, c + "pConstantPower", 0.0);
  const double zq = doc.number(lrc, c + "qConstantImpedance", 0.0);
  const double iq = doc.number(lrc, c + "qConstantCurrent", 0.0);
  const double pq = doc.number(lrc, c + "qConstantPower", 0.0);
  if (pp == 100.0 && pq == 100.0) load.model = model::LoadModel::ConstPQ;
  else if (zp == 100.0 && zq == 100.0) load.model = model::LoadModel::ConstZ;
  else if (ip == 100.0 && iq == 100.0) load.model = model::LoadModel::ConstI;
  else if (pp == 100.0 && zq == 100.0) load.model = model::LoadModel::FixedQZ;
  else if (zp + ip + pp + zq + iq + pq == 0.0) load.model = model::LoadModel::ConstPQ;
  else {
    load.model = model::LoadModel::Zip;
    load.zipv = {zp / 100.0, ip / 100.0, pp / 100.0, zq / 100.0, iq / 100.0, pq / 100.0, 0.0};
    load.zipv_given = true;
  }
}

double baseKv(Context& ctx, Node element, model::BusId bus) {
  if (Node bv = ctx.doc.ref(element, "ConductingEquipment.BaseVoltage")) {
    return ctx.doc.requiredNumber(bv, "BaseVoltage.nominalVoltage") / 1000.0;
  }
  const double kv = ctx.feeder.buses[static_cast<std::size_t>(bus)].kv_base_ll;
  if (kv <= 0.0) ctx.doc.fail(element, "", "no ConductingEquipment.BaseVoltage and no bus voltage");
  return kv;
}

// p or pfixed (W); the sum of the phases when the consumer itself has neither.
double consumerPower(const Document& doc, Node ec, const char* cim100, const char* cim16,
                     bool required) {
  const std::string c = "EnergyConsumer.";
  if (auto v = doc.number(ec, c + cim100)) return *v;
  if (auto v = doc.number(ec, c + cim16)) return *v;
  double sum = 0.0;
  bool any = false;
  for (Node phase : doc.referrers("EnergyConsumerPhase.EnergyConsumer", ec)) {
    auto v = doc.number(phase, std::string("EnergyConsumerPhase.") + cim100);
    if (!v) v = doc.number(phase, std::string("EnergyConsumerPhase.") + cim16);
    if (v) { sum += *v; any = true; }
  }
  if (!any && required) doc.fail(ec, "", "missing required attribute EnergyConsumer.p (or pfixed)");
  return sum;
}

}  // namespace

void importLoads(Context& ctx) {
  const Document& doc = ctx.doc;
  for (Node ec : doc.objects("EnergyConsumer")) {
    model::Load load;
    static_cast<model::ElementBase&>(load) = ctx.base(ec);
    const auto& terms = ctx.terminalsOf(ec, 1);
    const auto phases = shuntPhases(doc, ec, "EnergyConsumerPhase.EnergyConsumer",
                                    "EnergyConsumerPhase.phase");
    load.conn = shuntConnection(doc, ec, "EnergyConsumer.phaseConnection");
    load.phases = static_cast<int>(phases.size());
    load.bus1 = {terms[0].bus, shuntNodes(phases, load.conn)};
    ctx.setBusBase(terms[0].bus, ec, "ConductingEquipment.BaseVoltage");
    const double kv_ll = baseKv(ctx, ec, terms[0].bus);
    load.kv = (load.phases == 1 && load.conn == model::Connection::Wye) ? kv_ll / core::kSqrt3 : kv_ll;
    load.kw = consumerPower(doc, ec, "p", "pfixed", true) / 1000.0;
    load.kvar = consumerPower(doc, ec, "q", "qfixed", false) / 1000.0;
    const double kva = std::hypot(load.kw, load.kvar);
    load.pf = kva > 0.0 ? std::copysign(load.kw / kva, load.kvar == 0.0 ? 1.0 : load.kvar) : 1.0;
    load.kva = 0.0;
    load.num_customers = doc.integer(ec, "EnergyConsumer.customerCount").value_or(1);
    if (Node lrc = doc.ref(ec, "EnergyConsumer.LoadResponse")) applyResponse(doc, lrc, load);
    ctx.feeder.loads.push_back(std::move(load));
  }
}

void importShunts(Context& ctx) {
  const Document& doc = ctx.doc;
  for (Node sc : doc.objects("LinearShuntCompensator")) {
    model::Capacitor cap;
    static_cast<model::ElementBase&>(cap) = ctx.base(sc);
    const auto& terms = ctx.terminalsOf(sc, 1);
    const double nom_u = doc.requiredNumber(sc, "ShuntCompensator.nomU");
    if (nom_u <= 0.0) doc.fail(sc, std::to_string(nom_u), "ShuntCompensator.nomU must be positive");
    cap.conn = shuntConnection(doc, sc, "ShuntCompensator.phaseConnection");
    const auto& phase_objects = doc.referrers("ShuntCompensatorPhase.ShuntCompensator", sc);
    const auto phases = shuntPhases(doc, sc, "ShuntCompensatorPhase.ShuntCompensator",
                                    "ShuntCompensatorPhase.phase");
    double kvar = 0.0;
    if (phase_objects.empty()) {
      kvar = doc.requiredNumber(sc, "LinearShuntCompensator.bPerSection") * nom_u * nom_u / 1000.0;
    } else {
      for (Node phase : phase_objects) {
        kvar += doc.requiredNumber(phase, "LinearShuntCompensatorPhase.bPerSection") * nom_u * nom_u /
                1000.0 / static_cast<double>(phases.size());
      }
    }
    cap.phases = static_cast<int>(phases.size());
    cap.bus1 = {terms[0].bus, shuntNodes(phases, cap.conn)};
    cap.kv = nom_u / 1000.0;
    cap.kvar = {kvar};
    const double sections = doc.number(sc, "ShuntCompensator.sections",
                                       doc.number(sc, "ShuntCompensator.normalSections", 1.0));
    cap.states = {sections >= 0.5 ? 1 : 0};
    ctx.setBusBase(terms[0].bus, sc, "ConductingEquipment.BaseVoltage");
    ctx.feeder.capacitors.push_back(std::move(cap));
  }
}

}  // namespace feederlab::io::cim
