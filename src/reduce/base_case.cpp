// Base case of a reduction: the full feeder with frozen controls, its regions and, per load, the
// customer-terminal and service-transformer-primary voltages (reduction.md "Decisions in force":
// section voltage = kW-weighted mean of complex customer-terminal voltages).
#include <algorithm>
#include <cmath>
#include <numbers>

#include "feederlab/core/error.hpp"
#include "feederlab/core/units.hpp"
#include "internal.hpp"

namespace feederlab::reduce::detail {

namespace {

constexpr double kStep = std::numbers::pi / 6.0;  // 30 degrees

// Frozen controls (cli.md): the controlled solution's taps and capacitor states become the
// feeder's own settings; the controls are switched off.
model::Feeder freeze(const model::Feeder& full, const powerflow::Result& r) {
  model::Feeder f = full;
  for (auto& rc : f.regcontrols) {
    if (!rc.enabled) continue;
    const auto it = r.taps_pu.find(rc.name);
    if (it == r.taps_pu.end()) continue;
    for (auto& xf : f.transformers) {
      if (xf.name != rc.transformer) continue;
      const int w = (rc.tap_winding > 0 ? rc.tap_winding : rc.winding) - 1;
      if (w >= 0 && static_cast<std::size_t>(w) < xf.windings.size()) xf.windings[static_cast<std::size_t>(w)].tap = it->second;
    }
  }
  for (auto& cap : f.capacitors) {
    const auto it = r.capacitor_states.find(cap.name);
    if (it != r.capacitor_states.end()) cap.states = it->second;
  }
  f.settings.controls_off = true;
  return f;
}

}  // namespace

double rotation(Complex volts, double angle_ref) {
  const double rel = std::arg(volts) - angle_ref;
  return -std::round(rel / kStep) * kStep;
}

Complex rotatedPu(Complex volts, double base_volts, double angle_ref) {
  if (base_volts <= 0.0) return {};
  return volts / base_volts * std::polar(1.0, rotation(volts, angle_ref));
}

Complex headPower(const powerflow::Result& r) { return r.head_power[0] + r.head_power[1] + r.head_power[2]; }

BaseCase makeBaseCase(const model::Feeder& full, powerflow::Result* controlled_out) {
  BaseCase b;
  powerflow::Result controlled = powerflow::solvePowerFlow(full);
  if (!controlled.converged) throw core::NumericalError("reduce: the full feeder's base case did not converge");
  b.feeder = freeze(full, controlled);
  powerflow::Options off;
  off.controls = powerflow::ControlMode::Off;
  b.result = powerflow::solvePowerFlow(b.feeder, off);
  if (controlled_out) *controlled_out = std::move(controlled);
  b.topology = graph::buildTopology(b.feeder);
  b.head = graph::headBus(b.feeder, b.topology);
  if (b.head == model::kNoBus) throw core::ModelError(b.feeder.name, "reduce: the feeder has no @head (no source?)");
  const auto& f = b.feeder;
  const std::size_t nb = f.buses.size();
  for (int node = 1; node <= 3; ++node)
    if (auto v = b.result.voltage(b.head, node)) {
      b.angle_ref = std::arg(*v) - (node - 1) * (-2.0 * std::numbers::pi / 3.0);
      break;
    }
  b.load_flow.assign(f.loads.size(), nullptr);
  for (const auto& lf : b.result.loads)
    if (lf.load >= 0) b.load_flow[static_cast<std::size_t>(lf.load)] = &lf;

  b.source_side_load.assign(f.loads.size(), false);
  for (int i : graph::sourceSideLoads(f, b.topology)) b.source_side_load[static_cast<std::size_t>(i)] = true;

  // Below @head: walk the tree. A bus is reduced when it is in @head's subtree, below @head,
  // energized, and its subtree holds feeder load or it hangs below a bus that does; subtrees that
  // hold only source-side loads stay as they are.
  std::vector<double> feeder_kw(nb, 0.0), side_kw(nb, 0.0);
  for (std::size_t i = 0; i < f.loads.size(); ++i) {
    const auto& l = f.loads[i];
    if (!l.enabled || l.bus1.bus < 0) continue;
    (b.source_side_load[i] ? side_kw : feeder_kw)[static_cast<std::size_t>(l.bus1.bus)] += std::abs(l.kw) + 1e-9;
  }
  std::vector<double> below_feeder = feeder_kw, below_side = side_kw;
  for (auto it = b.topology.bfs_order.rbegin(); it != b.topology.bfs_order.rend(); ++it) {
    const auto p = b.topology.parent_bus[static_cast<std::size_t>(*it)];
    if (p == model::kNoBus) continue;
    below_feeder[static_cast<std::size_t>(p)] += below_feeder[static_cast<std::size_t>(*it)];
    below_side[static_cast<std::size_t>(p)] += below_side[static_cast<std::size_t>(*it)];
  }
  std::vector<bool> in_head_subtree(nb, false);
  for (auto bus : graph::downstream(b.topology, b.head)) in_head_subtree[static_cast<std::size_t>(bus)] = true;
  b.kept_bus.assign(nb, false);
  b.feeder_bus.assign(nb, false);
  for (auto bus : b.topology.bfs_order) {
    const auto s = static_cast<std::size_t>(bus);
    if (!in_head_subtree[s] || bus == b.head) {
      b.kept_bus[s] = true;
      continue;
    }
    const auto p = static_cast<std::size_t>(b.topology.parent_bus[s]);
    const bool parent_reduced = b.feeder_bus[p];
    if (!parent_reduced && below_feeder[s] <= 0.0 && below_side[s] > 0.0)
      b.kept_bus[s] = true;  // source-side stub
    else if (parent_reduced || below_feeder[s] > 0.0 || below_side[s] <= 0.0)
      b.feeder_bus[s] = true;
  }
  // A reduced bus below a kept stub cannot be reached through the chain: keep it too.
  for (auto bus : b.topology.bfs_order) {
    const auto s = static_cast<std::size_t>(bus);
    const auto p = b.topology.parent_bus[s];
    if (p != model::kNoBus && bus != b.head && b.kept_bus[static_cast<std::size_t>(p)] && p != b.head && b.feeder_bus[s]) {
      b.feeder_bus[s] = false;
      b.kept_bus[s] = true;
    }
  }
  return b;
}

namespace {

// Volts across one phase element of a load, and its rated volts (as the power flow's load law).
double loadElementBase(const model::Load& l) {
  const bool ll = l.conn == model::Connection::Delta;
  return (ll || l.phases == 1 || l.phases > 3) ? l.kv * 1000.0 : core::lnVolts(l.kv);
}

Complex nodeVolts(const powerflow::Result& r, model::BusId bus, int node) {
  if (node <= 0) return {};
  return r.voltage(bus, node).value_or(Complex{});
}

// Mean rotated pu voltage of winding 1 of a transformer (one phasor per phase element).
Complex windingPrimaryPu(const BaseCase& b, const model::Transformer& xf) {
  const auto& w = xf.windings.front();
  const auto& t = w.terminal;
  Complex sum{};
  int count = 0;
  const bool single = xf.phases == 1;
  for (int ph = 0; ph < xf.phases; ++ph) {
    const int n1 = ph < static_cast<int>(t.nodes.size()) ? t.nodes[static_cast<std::size_t>(ph)] : ph + 1;
    int n2 = 0;
    if (w.conn == model::Connection::Delta && !single)
      n2 = t.nodes.size() > static_cast<std::size_t>((ph + 1) % xf.phases) ? t.nodes[static_cast<std::size_t>((ph + 1) % xf.phases)] : 0;
    else
      n2 = static_cast<int>(t.nodes.size()) > xf.phases ? t.nodes[static_cast<std::size_t>(xf.phases)] : 0;
    const Complex v = nodeVolts(b.result, t.bus, n1) - nodeVolts(b.result, t.bus, n2);
    const double base = (single || w.conn == model::Connection::Delta) ? w.kv * 1000.0 : core::lnVolts(w.kv);
    // A 1-phase winding rated line-to-line but connected line-to-neutral (or the reverse) is
    // rated at its own kV: the ratio to the bus base is what the customer sees, keep it.
    sum += rotatedPu(v, base, b.angle_ref);
    ++count;
  }
  return count ? sum / static_cast<double>(count) : Complex{};
}

bool isServiceTransformer(const model::Transformer& xf) {
  if (xf.is_regulator || xf.windings.size() < 2) return false;
  double low = 1e9;
  for (std::size_t w = 1; w < xf.windings.size(); ++w) low = std::min(low, xf.windings[w].kv);
  return low < 1.0 && xf.windings.front().kv >= 1.0;
}

}  // namespace

std::vector<LoadPoint> loadPoints(const BaseCase& b) {
  const auto& f = b.feeder;
  std::vector<LoadPoint> pts;
  for (std::size_t i = 0; i < f.loads.size(); ++i) {
    const auto& l = f.loads[i];
    if (!l.enabled || b.source_side_load[i] || l.bus1.bus < 0) continue;
    if (!b.feeder_bus[static_cast<std::size_t>(l.bus1.bus)]) continue;  // kept region: copied as is
    const auto* lf = b.load_flow[i];
    LoadPoint p;
    p.load = static_cast<int>(i);
    p.kw = l.kw;
    p.kvar = l.kvar;
    if (lf) {
      const double base = loadElementBase(l);
      Complex sum{};
      for (const auto& v : lf->voltage) {
        sum += rotatedPu(v, base, b.angle_ref);
        p.rotations.push_back(rotation(v, b.angle_ref));
      }
      p.v_customer = lf->voltage.empty() ? Complex{} : sum / static_cast<double>(lf->voltage.size());
      p.s_actual = lf->power;
    }
    p.v_primary = p.v_customer;
    // Service transformer: the first transformer up the tree, when it steps down below 1 kV.
    for (model::BusId bus = l.bus1.bus; bus != model::kNoBus && bus != b.head;
         bus = b.topology.parent_bus[static_cast<std::size_t>(bus)]) {
      const int br = b.topology.parent_branch[static_cast<std::size_t>(bus)];
      if (br < 0) break;
      const auto& branch = b.topology.branches[static_cast<std::size_t>(br)];
      if (branch.kind != graph::BranchKind::Transformer) continue;
      const auto& xf = f.transformers[static_cast<std::size_t>(branch.element)];
      if (isServiceTransformer(xf)) {
        p.service_xfmr = branch.element;
        p.v_primary = windingPrimaryPu(b, xf);
      }
      break;
    }
    pts.push_back(p);
  }
  return pts;
}

Complex positiveSequencePu(const model::Feeder& f, const powerflow::Result& r, model::BusId bus, double angle_ref) {
  const Complex a = std::polar(1.0, 2.0 * std::numbers::pi / 3.0);
  const Complex v1 = (nodeVolts(r, bus, 1) + a * nodeVolts(r, bus, 2) + a * a * nodeVolts(r, bus, 3)) / 3.0;
  const double base = core::lnVolts(f.buses[static_cast<std::size_t>(bus)].kv_base_ll);
  return rotatedPu(v1, base, angle_ref);
}

Complex phasePu(const model::Feeder& f, const powerflow::Result& r, model::BusId bus, int node, double angle_ref) {
  const Complex a = std::polar(1.0, 2.0 * std::numbers::pi / 3.0);
  const Complex v = nodeVolts(r, bus, node) * std::pow(a, node - 1);
  const double base = core::lnVolts(f.buses[static_cast<std::size_t>(bus)].kv_base_ll);
  if (base <= 0.0) return {};
  // the bus's positive-sequence 30-degree step for every phase: a phase of its own would jump by
  // 30 degrees when unbalance moves it across a 15-degree rounding edge
  const Complex v1 = (nodeVolts(r, bus, 1) + a * nodeVolts(r, bus, 2) + a * a * nodeVolts(r, bus, 3)) / 3.0;
  return v / base * std::polar(1.0, rotation(v1, angle_ref));
}

Complex regionLosses(const model::Feeder& f, const graph::Topology& topo, const powerflow::Result& r,
                     const std::vector<bool>& region) {
  (void)f;
  Complex sum{};
  auto inRegion = [&](model::BusId bus) { return bus >= 0 && region[static_cast<std::size_t>(bus)]; };
  std::map<std::pair<int, int>, const powerflow::ElementFlow*> flows;
  for (const auto& ef : r.branches) flows[{static_cast<int>(ef.kind), ef.element}] = &ef;
  for (const auto& br : topo.branches) {
    if (!inRegion(br.from) && !inRegion(br.to)) continue;
    powerflow::ElementKind kind;
    switch (br.kind) {
      case graph::BranchKind::Line:
      case graph::BranchKind::Switch: kind = powerflow::ElementKind::Line; break;
      case graph::BranchKind::Transformer: kind = powerflow::ElementKind::Transformer; break;
      case graph::BranchKind::Reactor: kind = powerflow::ElementKind::Reactor; break;
      default: continue;
    }
    const auto it = flows.find({static_cast<int>(kind), br.element});
    if (it == flows.end()) continue;
    sum += it->second->losses;
    flows.erase(it);  // a multi-winding transformer is several edges: count it once
  }
  return sum;
}

Complex lineZ1(const model::Line& line) {
  const auto z = line.totalZ();
  const std::size_t n = z.n;
  if (n == 0) return {};
  Complex diag{}, off{};
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) (i == j ? diag : off) += z(i, j);
  diag /= static_cast<double>(n);
  if (n == 1) return 3.0 * diag;  // one phase carries what three would: 3x the drop per kW
  off /= static_cast<double>(n * (n - 1));
  return (diag - off) * (3.0 / static_cast<double>(n));
}

}  // namespace feederlab::reduce::detail
