// Result assembly. Losses are summed element by element from terminal currents (never source
// minus load), so the power balance is an independent check of the solution.
#include "results.hpp"

#include <algorithm>
#include <cmath>

#include "controls.hpp"
#include "feederlab/graph/topology.hpp"
#include "load_models.hpp"

namespace feederlab::powerflow::detail {

using std::size_t;

namespace {

std::string nameOf(const model::Feeder& f, ElementKind kind, int i) {
  const auto k = static_cast<size_t>(i);
  switch (kind) {
    case ElementKind::Line:
      return "line." + f.lines[k].name;
    case ElementKind::Transformer:
      return "transformer." + f.transformers[k].name;
    case ElementKind::Reactor:
      return "reactor." + f.reactors[k].name;
    case ElementKind::Capacitor:
      return "capacitor." + f.capacitors[k].name;
    case ElementKind::Source:
      return "vsource." + f.sources[k].name;
    case ElementKind::Load:
      return "load." + f.loads[k].name;
  }
  return "";
}

model::BusId terminalBus(const model::Feeder& f, ElementKind kind, int i, int t) {
  const auto k = static_cast<size_t>(i);
  switch (kind) {
    case ElementKind::Line:
      return t == 0 ? f.lines[k].bus1.bus : f.lines[k].bus2.bus;
    case ElementKind::Transformer:
      return f.transformers[k].windings[static_cast<size_t>(t)].terminal.bus;
    case ElementKind::Reactor:
      return t == 0 ? f.reactors[k].bus1.bus : f.reactors[k].bus2->bus;
    case ElementKind::Capacitor:
      return t == 0 ? f.capacitors[k].bus1.bus : f.capacitors[k].bus2->bus;
    case ElementKind::Source:
      return f.sources[k].bus1.bus;
    case ElementKind::Load:
      return f.loads[k].bus1.bus;
  }
  return model::kNoBus;
}

ElementFlow flowOf(const model::Feeder& f, const Primitive& p, const std::vector<Complex>& v) {
  ElementFlow e;
  e.kind = p.kind;
  e.element = p.element;
  e.terminals = p.terminals;
  e.conductors = p.conductors;
  thread_local std::vector<Complex> vt, it;  // scratch: result building runs per solve
  primitiveVI(p, v, vt, it);
  const auto nc = static_cast<size_t>(p.conductors);
  e.flows.resize(static_cast<size_t>(p.terminals) * nc);
  for (int t = 0; t < p.terminals; ++t) {
    const model::BusId bus = terminalBus(f, p.kind, p.element, t);
    for (size_t c = 0; c < nc; ++c) {
      const size_t k = static_cast<size_t>(t) * nc + c;
      e.flows[k] = {bus, t, p.node_nums[k], it[k], vt[k] * std::conj(it[k])};
      e.losses += e.flows[k].power;
    }
  }
  return e;
}

bool isShunt(const model::Feeder& f, const Primitive& p) {
  const auto k = static_cast<size_t>(p.element);
  if (p.kind == ElementKind::Capacitor) return !f.capacitors[k].bus2.has_value();
  if (p.kind == ElementKind::Reactor) return !f.reactors[k].bus2.has_value();
  return false;
}

bool sameBranch(const graph::Branch& b, const Primitive& p) {
  switch (b.kind) {
    case graph::BranchKind::Line:
    case graph::BranchKind::Switch:
      return p.kind == ElementKind::Line && p.element == b.element;
    case graph::BranchKind::Transformer:
      return p.kind == ElementKind::Transformer && p.element == b.element;
    case graph::BranchKind::Reactor:
      return p.kind == ElementKind::Reactor && p.element == b.element;
    case graph::BranchKind::Capacitor:
      return p.kind == ElementKind::Capacitor && p.element == b.element;
  }
  return false;
}

void headPower(const Network& net, const HeadInfo& head, Result& r) {
  r.head_bus = head.bus;
  for (int i : head.branches)
    for (const auto& c : r.branches[static_cast<size_t>(i)].flows)
      if (c.bus == head.bus && c.node >= 1 && c.node <= 3) r.head_power[static_cast<size_t>(c.node - 1)] += c.power;
  const auto& f = net.feeder();
  for (int li : head.excluded_loads) {
    const auto& lf = r.loads[static_cast<size_t>(li)];
    const auto& load = f.loads[static_cast<size_t>(lf.load)];
    for (size_t ph = 0; ph < lf.voltage.size(); ++ph) {
      const int node = ph < load.bus1.nodes.size() ? load.bus1.nodes[ph] : static_cast<int>(ph) + 1;
      if (node >= 1 && node <= 3)
        r.head_power[static_cast<size_t>(node - 1)] -= lf.voltage[ph] * std::conj(lf.current[ph]);
    }
  }
}

}  // namespace

// @head (cli.md): every branch at @head except those back towards the source (parallel units to
// the parent bus included); source-side loads beyond @head are taken out of head P/Q.
HeadInfo headInfo(const Network& net) {
  const auto& f = net.feeder();
  HeadInfo h;
  const graph::Topology topo = graph::buildTopology(f);
  h.bus = graph::headBus(f, topo);
  if (h.bus == model::kNoBus) return h;
  const model::BusId parent = topo.parent_bus[static_cast<size_t>(h.bus)];
  std::vector<bool> upstream(net.branches().size(), false);
  for (const auto& b : topo.branches) {
    const bool joins_parent = (b.from == h.bus && b.to == parent) || (b.to == h.bus && b.from == parent);
    if (!joins_parent || parent == model::kNoBus) continue;
    for (size_t i = 0; i < net.branches().size(); ++i)
      if (sameBranch(b, net.branches()[i])) upstream[i] = true;
  }
  for (size_t i = 0; i < net.branches().size(); ++i) {
    const auto& p = net.branches()[i];
    if (upstream[i] || isShunt(f, p)) continue;
    for (int t = 0; t < p.terminals; ++t)
      if (terminalBus(f, p.kind, p.element, t) == h.bus) {
        h.branches.push_back(static_cast<int>(i));
        break;
      }
  }
  const auto side = graph::sourceSideLoads(f, topo);
  for (size_t i = 0; i < net.loads().size(); ++i) {
    const int li = net.loads()[i].load;
    if (f.loads[static_cast<size_t>(li)].bus1.bus != h.bus && std::find(side.begin(), side.end(), li) != side.end())
      h.excluded_loads.push_back(static_cast<int>(i));
  }
  return h;
}

Result buildResult(const Network& net, const std::vector<Complex>& v, const std::vector<double>& inverse_base,
                   const HeadInfo& head) {
  const auto& f = net.feeder();
  Result r;
  r.voltages.reserve(net.nodes().size());
  r.branches.reserve(net.branches().size());
  r.loads.reserve(net.loads().size());
  for (size_t i = 0; i < net.nodes().size(); ++i) {
    const auto& n = net.nodes()[i];
    r.voltages.push_back({n.bus, n.node, v[i], inverse_base[i] > 0 ? 1.0 / inverse_base[i] : 0.0});
  }
  for (const auto& p : net.branches()) {
    r.branches.push_back(flowOf(f, p, v));
    if (isShunt(f, p))
      r.shunt_power += r.branches.back().losses;
    else
      r.losses += r.branches.back().losses;
  }
  for (size_t s = 0; s < net.sources().size(); ++s) {
    const auto& p = net.sources()[s];
    const auto& e = net.sourceEmf()[s];
    ElementFlow ef = flowOf(f, p, v);
    // The Norton source also injects Y*E: the current delivered to the bus is Y*(E - V).
    std::vector<Complex> per_phase;
    const size_t m = p.nodes.size();
    for (size_t a = 0; a < m; ++a) {
      Complex i_inj{};
      for (size_t b = 0; b < m; ++b) i_inj += p.y[a * m + b] * e[b];
      auto& c = ef.flows[a];
      c.current -= i_inj;
      const Complex va = p.nodes[a] >= 0 ? v[static_cast<size_t>(p.nodes[a])] : Complex{};
      c.power = va * std::conj(c.current);
      per_phase.push_back(-c.power);
    }
    ef.losses = {};
    r.source_power.push_back(per_phase);
    r.sources.push_back(std::move(ef));
  }
  for (const auto& cl : net.loads()) {
    LoadFlow lf;
    lf.load = cl.load;
    const LoadLaw law = loadLaw(f.loads[static_cast<size_t>(cl.load)], cl);
    for (size_t ph = 0; ph < cl.from.size(); ++ph) {
      const Complex va = cl.from[ph] >= 0 ? v[static_cast<size_t>(cl.from[ph])] : Complex{};
      const Complex vb = cl.to[ph] >= 0 ? v[static_cast<size_t>(cl.to[ph])] : Complex{};
      lf.voltage.push_back(va - vb);
      lf.current.push_back(loadCurrent(law, va - vb));
      lf.power += lf.voltage.back() * std::conj(lf.current.back());
    }
    r.load_power += lf.power;
    r.loads.push_back(std::move(lf));
  }
  for (const auto& rc : f.regcontrols) {
    if (!rc.enabled) continue;
    for (size_t t = 0; t < f.transformers.size(); ++t) {
      const auto& xf = f.transformers[t];
      if (xf.name != rc.transformer) continue;
      const int w = (rc.tap_winding > 0 ? rc.tap_winding : rc.winding) - 1;
      if (w < 0 || static_cast<size_t>(w) >= xf.windings.size()) break;
      const auto& wd = xf.windings[static_cast<size_t>(w)];
      const double tap = net.state().tap(static_cast<int>(t), w);
      const double inc = (wd.max_tap - wd.min_tap) / std::max(wd.num_taps, 1);
      r.taps[rc.name] = static_cast<int>(std::lround((tap - (wd.max_tap + wd.min_tap) / 2.0) / inc));
      r.taps_pu[rc.name] = tap;
      break;
    }
  }
  for (size_t c = 0; c < f.capacitors.size(); ++c)
    r.capacitor_states[f.capacitors[c].name] = net.state().capacitor_steps[c];
  headPower(net, head, r);
  return r;
}

}  // namespace feederlab::powerflow::detail

namespace feederlab::powerflow {

Complex ElementFlow::terminalPower(int terminal) const {
  Complex s{};
  for (const auto& c : flows)
    if (c.terminal == terminal) s += c.power;
  return s;
}

std::string elementName(const model::Feeder& feeder, ElementKind kind, int element) {
  return detail::nameOf(feeder, kind, element);
}

std::optional<Complex> Result::voltage(model::BusId bus, int node) const {
  for (const auto& nv : voltages)
    if (nv.bus == bus && nv.node == node) return nv.volts;
  return std::nullopt;
}

}  // namespace feederlab::powerflow

#include <fmt/format.h>

#include "feederlab/core/error.hpp"
#include "feederlab/core/units.hpp"

namespace feederlab::powerflow {

std::string voltagesCsv(const model::Feeder& feeder, const Result& result) {
  std::string out = "bus,node,vmag_volts,vmag_pu,angle_deg,base_kv\n";
  for (const auto& nv : result.voltages) {
    const double mag = std::abs(nv.volts);
    const double ang = mag > 0.0 ? core::radToDeg(std::arg(nv.volts)) : 0.0;
    const double base_kv = nv.base_volts * core::kSqrt3 / 1000.0;
    if (!std::isfinite(mag) || !std::isfinite(ang))
      throw core::NumericalError("non-finite voltage at " + feeder.buses[static_cast<std::size_t>(nv.bus)].name);
    fmt::format_to(std::back_inserter(out), "{},{},{:.10g},{:.10g},{:.10g},{:.6g}\n",
                   feeder.buses[static_cast<std::size_t>(nv.bus)].name, nv.node, mag, nv.pu(), ang, base_kv);
  }
  return out;
}

}  // namespace feederlab::powerflow
