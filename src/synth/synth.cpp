// generateFeeder: the synthetic network turned into utility CSV rows, with its summary.
#include <fmt/format.h>

#include <cmath>

#include "network.hpp"

namespace feederlab::synth {

// Per-mile data of real conductors, from the IEEE distribution test feeders (Kersting's line
// models, Carson with 4/0 or 1/0 neutrals, Kron-reduced): sequence values are the averaged
// self/mutual terms of the phase matrices (z1 = zs - zm, z0 = zs + 2 zm; c likewise).
const std::vector<ConductorRow>& conductorCatalog() {
  static const std::vector<ConductorRow> catalog = {
      {"acsr_336", "336.4 kcmil 26/7 ACSR phases with 4/0 6/1 ACSR neutral; IEEE 123 config 1 (Kersting ex. 4.1)", 0,
       0.30607, 0.62703, 0.77357, 1.93723, 18.3458, 8.5458, 530},
      {"acsr_4_0", "4/0 6/1 ACSR phases with 4/0 6/1 ACSR neutral; IEEE 13 config 602", 0, 0.59207, 0.76023, 1.05957,
       2.07043, 19.3595, 8.7571, 340},
      {"acsr_1_0_1ph", "1/0 ACSR phase with 1/0 ACSR neutral (single phase); IEEE 123 config 9", 1, 1.32920, 1.34750, 0,
       0, 11.9875, 0, 230},
      {"cn_1_0_3ph", "three 1/0 AA 1/3-neutral concentric-neutral cables in duct; IEEE 123 config 12", 0, 1.01423,
       0.48323, 2.54623, 1.25393, 178.3135, 178.3135, 200},
      {"cn_1_0_1ph", "one 1/0 AA concentric-neutral cable (single phase); self terms of IEEE 123 config 12", 1, 1.52090,
       0.75210, 0, 0, 178.3135, 0, 200},
  };
  return catalog;
}

namespace {

const char* className(int cls) {
  static const char* kNames[] = {"residential", "commercial", "industrial"};
  return kNames[cls];
}

void addTies(Network& net) {
  const auto n = net.feeders.size();
  for (std::size_t f = 0; f < n; ++f) {
    const auto& info = net.feeders[f];
    const auto& end = net.nodes[static_cast<std::size_t>(info.trunk.back())];
    if (n == 1) {  // an open tie to the neighbouring feeder, which is not modelled
      net.extra_nodes.push_back(NodeRow{info.prefix + "tie_ext", end.x + 200.0, end.y, 12.47});
      net.extra_switches.push_back(
          SwitchRow{info.prefix + "tie", end.name, info.prefix + "tie_ext", "ABC", "tie", true});
    } else if (f + 1 < n) {
      const auto& other = net.nodes[static_cast<std::size_t>(net.feeders[f + 1].trunk.back())];
      net.extra_switches.push_back(SwitchRow{info.prefix + "tie", end.name, other.name, "ABC", "tie", true});
    }
  }
}

void emitNetwork(const Network& net, UtilityTables& t, Summary& s) {
  for (const auto& n : net.nodes) t.nodes.push_back(NodeRow{n.name, n.x, n.y, n.kv});
  for (const auto& tr : net.transformers) {
    const auto& n = net.nodes[static_cast<std::size_t>(tr.node)];
    t.nodes.push_back(NodeRow{tr.secondary, n.x + 15.0, n.y + 15.0, tr.kv2});
  }
  t.nodes.insert(t.nodes.end(), net.extra_nodes.begin(), net.extra_nodes.end());
  for (const auto& n : net.nodes) {
    if (n.parent < 0) continue;
    const auto& parent = net.nodes[static_cast<std::size_t>(n.parent)].name;
    if (n.edge == Edge::Section) {
      t.sections.push_back(SectionRow{n.edge_id, parent, n.name, n.phases,
                                      conductorCatalog()[static_cast<std::size_t>(n.conductor)].id, n.length_ft,
                                      n.underground});
      s.primary_ft += n.length_ft;
      (n.underground ? s.underground_ft : s.overhead_ft) += n.length_ft;
      if (n.trunk) s.trunk_ft += n.length_ft;
    } else if (n.edge == Edge::Switch) {
      const bool breaker = n.edge_id.find("_cb") != std::string::npos;
      t.switches.push_back(SwitchRow{n.edge_id, parent, n.name, "ABC", breaker ? "breaker" : "sectionalizer", false});
    }
  }
  t.switches.insert(t.switches.end(), net.extra_switches.begin(), net.extra_switches.end());
  for (const auto& r : net.regulators) t.regulators.push_back(r.row);
  for (const auto& c : net.capacitors) {
    t.capacitors.push_back(c.row);
    s.capacitor_kvar += c.row.kvar;
  }
  s.capacitor_banks = static_cast<int>(net.capacitors.size());
  s.line_regulators = static_cast<int>(net.regulators.size() - net.feeders.size());
}

void emitLoads(const Network& net, UtilityTables& t, Summary& s) {
  for (const auto& tr : net.transformers) {
    const bool three = tr.threePhase();
    t.transformers.push_back(TransformerRow{tr.id, net.nodes[static_cast<std::size_t>(tr.node)].name, tr.secondary,
                                            tr.phases, three ? "three_phase" : "split_phase", three ? "wye-wye" : "",
                                            tr.kva, three ? 12.47 : 7.2, tr.kv2, tr.z_pct, tr.x_r});
    ++(three ? s.three_phase_transformers : s.split_phase_transformers);
  }
  for (const auto& c : net.customers) {
    t.customers.push_back(CustomerRow{c.id, net.transformers[static_cast<std::size_t>(c.transformer)].id,
                                      className(c.cls), 1, c.kw, c.monthly_kwh, c.pf});
    ++s.customers[c.cls];
    s.kw[c.cls] += c.kw;
    s.total_kw += c.kw;
    s.total_kvar += c.kvar;
  }
}

}  // namespace

SyntheticFeeder generateFeeder(const Options& options) {
  Network net;
  Rng rng(options.seed);
  buildFeeders(net, options, rng);
  SyntheticFeeder out;
  regulate(net, rng, out.tables.scada, out.summary);
  addTies(net);
  out.tables.conductors = conductorCatalog();
  out.tables.substation = net.substation;
  out.summary.feeders = static_cast<int>(net.feeders.size());
  emitNetwork(net, out.tables, out.summary);
  emitLoads(net, out.tables, out.summary);
  return out;
}

}  // namespace feederlab::synth
