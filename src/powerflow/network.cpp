// Network: node numbering, element primitives and the sparse admittance pattern.
#include "feederlab/powerflow/network.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "feederlab/core/error.hpp"
#include "feederlab/core/units.hpp"
#include "primitives.hpp"

namespace feederlab::powerflow {

using model::Connection;
using std::size_t;

const char* elementKindName(ElementKind kind) {
  switch (kind) {
    case ElementKind::Line:
      return "line";
    case ElementKind::Transformer:
      return "transformer";
    case ElementKind::Reactor:
      return "reactor";
    case ElementKind::Capacitor:
      return "capacitor";
    case ElementKind::Source:
      return "vsource";
    case ElementKind::Load:
      return "load";
  }
  return "?";
}

namespace {

// Node number of conductor k of a terminal, with OpenDSS defaults for conductors not given.
int conductorNode(const model::Terminal& t, int k, int phases) {
  if (k < static_cast<int>(t.nodes.size())) return t.nodes[static_cast<size_t>(k)];
  return k < phases ? k + 1 : 0;
}

struct UnionFind {
  std::vector<int> parent;
  int add() {
    parent.push_back(static_cast<int>(parent.size()));
    return parent.back();
  }
  int find(int a) {
    while (parent[static_cast<size_t>(a)] != a)
      a = parent[static_cast<size_t>(a)] = parent[static_cast<size_t>(parent[static_cast<size_t>(a)])];
    return a;
  }
  void join(int a, int b) { parent[static_cast<size_t>(find(a))] = find(b); }
};

int loadConductors(const model::Load& l) {
  if (l.conn == Connection::Wye) return l.phases + 1;
  return l.phases == 1 ? 2 : l.phases;
}

// Every terminal of an enabled conducting element with its conductor count (for node discovery).
struct TerminalUse {
  const model::Terminal* terminal;
  int conductors;
  int phases;
  int group;  // elements that conduct between their terminals share a group (-1: shunt only)
};

std::vector<TerminalUse> terminalUses(const model::Feeder& f, std::vector<bool>& is_source_group, int& groups) {
  std::vector<TerminalUse> uses;
  groups = 0;
  auto add_group = [&](bool source) {
    is_source_group.push_back(source);
    return groups++;
  };
  for (const auto& s : f.sources)
    if (s.enabled) uses.push_back({&s.bus1, s.phases, s.phases, add_group(true)});
  for (const auto& l : f.lines)
    if (l.enabled && !l.open) {
      const int g = add_group(false);
      uses.push_back({&l.bus1, l.phases, l.phases, g});
      uses.push_back({&l.bus2, l.phases, l.phases, g});
    }
  for (const auto& x : f.transformers)
    if (x.enabled) {
      const int g = add_group(false);
      for (const auto& w : x.windings) uses.push_back({&w.terminal, x.phases + 1, x.phases, g});
    }
  for (const auto& r : f.reactors)
    if (r.enabled) {
      const int g = add_group(false);
      uses.push_back({&r.bus1, detail::reactorConductors(r), r.phases, g});
      if (r.bus2) uses.push_back({&*r.bus2, r.phases, r.phases, g});
    }
  for (const auto& c : f.capacitors)
    if (c.enabled) {
      const int g = add_group(false);
      uses.push_back({&c.bus1, detail::capacitorConductors(c), c.phases, g});
      if (c.bus2) uses.push_back({&*c.bus2, c.phases, c.phases, g});
    }
  for (const auto& l : f.loads)
    if (l.enabled) uses.push_back({&l.bus1, loadConductors(l), l.phases, -1});
  return uses;
}

}  // namespace

Network::Network(const model::Feeder& feeder) : feeder_(&feeder) {
  if (feeder.sources.empty()) throw core::ModelError("circuit", "the feeder has no source");
  for (size_t t = 0; t < feeder.transformers.size(); ++t) {
    state_.tap_offsets.push_back(static_cast<int>(state_.taps.size()));
    for (const auto& w : feeder.transformers[t].windings) state_.taps.push_back(w.tap);
  }
  for (const auto& c : feeder.capacitors) {
    std::vector<int> steps(c.kvar.size(), 1);
    for (size_t k = 0; k < steps.size() && k < c.states.size(); ++k) steps[k] = c.states[k];
    state_.capacitor_steps.push_back(steps);
  }
  buildNodes();
  buildPrimitives();
  buildPattern();
}

void Network::buildNodes() {
  const auto& f = *feeder_;
  std::vector<bool> is_source_group;
  int groups = 0;
  const auto uses = terminalUses(f, is_source_group, groups);
  // Candidate nodes per (bus, node number); conducting elements join their nodes.
  UnionFind uf;
  for (int g = 0; g < groups; ++g) uf.add();
  std::vector<std::vector<std::pair<int, int>>> cand(f.buses.size());
  auto candidate = [&](model::BusId bus, int node) {
    auto& list = cand[static_cast<size_t>(bus)];
    for (auto& [num, id] : list)
      if (num == node) return id;
    list.emplace_back(node, uf.add());
    return list.back().second;
  };
  for (const auto& u : uses) {
    if (u.terminal->bus == model::kNoBus) continue;
    for (int k = 0; k < u.conductors; ++k) {
      const int node = conductorNode(*u.terminal, k, u.phases);
      if (node <= 0) continue;
      const int id = candidate(u.terminal->bus, node);
      if (u.group >= 0) uf.join(id, u.group);
    }
  }
  std::vector<bool> energized_root(uf.parent.size(), false);
  for (int g = 0; g < groups; ++g)
    if (is_source_group[static_cast<size_t>(g)]) energized_root[static_cast<size_t>(uf.find(g))] = true;
  bus_nodes_.assign(f.buses.size(), {});
  for (size_t b = 0; b < cand.size(); ++b) {
    auto list = cand[b];
    std::sort(list.begin(), list.end());
    const double kv = f.buses[b].kv_base_ll;
    for (const auto& [num, id] : list) {
      if (!energized_root[static_cast<size_t>(uf.find(id))]) continue;
      bus_nodes_[b].emplace_back(num, static_cast<int>(nodes_.size()));
      nodes_.push_back({static_cast<model::BusId>(b), num, kv > 0 ? core::lnVolts(kv) : 0.0});
    }
  }
}

int Network::nodeIndex(model::BusId bus, int node) const {
  if (bus < 0 || static_cast<size_t>(bus) >= bus_nodes_.size() || node <= 0) return -1;
  for (const auto& [num, idx] : bus_nodes_[static_cast<size_t>(bus)])
    if (num == node) return idx;
  return -1;
}

std::string Network::nodeName(int index) const {
  const auto& n = nodes_[static_cast<size_t>(index)];
  return feeder_->buses[static_cast<size_t>(n.bus)].name + "." + std::to_string(n.node);
}

Primitive Network::makePrimitive(ElementKind kind, int element, const std::vector<const model::Terminal*>& terminals,
                                 int conductors, int phases) const {
  Primitive p;
  p.kind = kind;
  p.element = element;
  p.terminals = static_cast<int>(terminals.size());
  p.conductors = conductors;
  for (const auto* t : terminals)
    for (int k = 0; k < conductors; ++k) {
      const int num = conductorNode(*t, k, phases);
      p.node_nums.push_back(num);
      p.nodes.push_back(num > 0 ? nodeIndex(t->bus, num) : -1);
    }
  return p;
}

void Network::buildPrimitives() {
  const auto& f = *feeder_;
  auto touches = [](const Primitive& p) {
    return std::any_of(p.nodes.begin(), p.nodes.end(), [](int n) { return n >= 0; });
  };
  for (size_t i = 0; i < f.sources.size(); ++i) {
    const auto& s = f.sources[i];
    if (!s.enabled) continue;
    Primitive p = makePrimitive(ElementKind::Source, static_cast<int>(i), {&s.bus1}, s.phases, s.phases);
    p.y = detail::sourceY(s);
    sources_.push_back(std::move(p));
    source_emf_.push_back(detail::sourceEmf(s));
  }
  for (size_t i = 0; i < f.lines.size(); ++i) {
    const auto& l = f.lines[i];
    if (!l.enabled || l.open) continue;
    Primitive p = makePrimitive(ElementKind::Line, static_cast<int>(i), {&l.bus1, &l.bus2}, l.phases, l.phases);
    if (!touches(p)) continue;
    p.y = detail::lineY(l);
    branches_.push_back(std::move(p));
  }
  for (size_t i = 0; i < f.transformers.size(); ++i) {
    const auto& x = f.transformers[i];
    if (!x.enabled) continue;
    std::vector<const model::Terminal*> ts;
    for (const auto& w : x.windings) ts.push_back(&w.terminal);
    Primitive p = makePrimitive(ElementKind::Transformer, static_cast<int>(i), ts, x.phases + 1, x.phases);
    if (!touches(p)) continue;
    branches_.push_back(std::move(p));
  }
  for (size_t i = 0; i < f.reactors.size(); ++i) {
    const auto& r = f.reactors[i];
    if (!r.enabled) continue;
    Primitive p =
        r.bus2 ? makePrimitive(ElementKind::Reactor, static_cast<int>(i), {&r.bus1, &*r.bus2}, r.phases, r.phases)
               : makePrimitive(ElementKind::Reactor, static_cast<int>(i), {&r.bus1}, detail::reactorConductors(r),
                               r.phases);
    if (!touches(p)) continue;
    p.y = detail::reactorY(r);
    branches_.push_back(std::move(p));
  }
  for (size_t i = 0; i < f.capacitors.size(); ++i) {
    const auto& c = f.capacitors[i];
    if (!c.enabled) continue;
    Primitive p =
        c.bus2 ? makePrimitive(ElementKind::Capacitor, static_cast<int>(i), {&c.bus1, &*c.bus2}, c.phases, c.phases)
               : makePrimitive(ElementKind::Capacitor, static_cast<int>(i), {&c.bus1}, detail::capacitorConductors(c),
                               c.phases);
    if (!touches(p)) continue;
    branches_.push_back(std::move(p));
  }
  applyState();
  compileLoads();
}

void Network::compileLoads() {
  const auto& f = *feeder_;
  for (size_t i = 0; i < f.loads.size(); ++i) {
    const auto& l = f.loads[i];
    if (!l.enabled) continue;
    CompiledLoad cl;
    cl.load = static_cast<int>(i);
    cl.phases = l.phases;
    const int nc = loadConductors(l);
    auto node_of = [&](int k) {
      const int num = conductorNode(l.bus1, k, l.phases);
      return num > 0 ? nodeIndex(l.bus1.bus, num) : -1;
    };
    for (int ph = 0; ph < l.phases; ++ph) {
      cl.from.push_back(node_of(ph));
      cl.to.push_back(node_of(l.conn == Connection::Wye ? l.phases : (ph + 1) % nc));
    }
    if (std::all_of(cl.from.begin(), cl.from.end(), [](int n) { return n < 0; })) continue;
    // Rated volts across one phase element, as OpenDSS's Load interprets kV.
    const bool ll = l.conn == Connection::Delta;
    cl.v_base = (ll || l.phases == 1 || l.phases > 3) ? l.kv * 1000.0 : core::lnVolts(l.kv);
    const double mult = l.status == "fixed" ? 1.0 : f.settings.load_mult;
    cl.s_nominal = Complex(l.kw, l.kvar) * (1000.0 * mult / l.phases);
    cl.y_eq = std::conj(cl.s_nominal) / (cl.v_base * cl.v_base);
    loads_.push_back(std::move(cl));
  }
}

bool Network::applyState() {
  const auto& f = *feeder_;
  bool changed = false;
  for (auto& p : branches_) {
    std::vector<double> now;
    if (p.kind == ElementKind::Transformer) {
      const auto& x = f.transformers[static_cast<size_t>(p.element)];
      for (size_t w = 0; w < x.windings.size(); ++w) now.push_back(state_.tap(p.element, static_cast<int>(w)));
      if (!p.y.empty() && now == p.built_with) continue;
      p.y = detail::transformerY(x, now);
    } else if (p.kind == ElementKind::Capacitor) {
      const auto& steps = state_.capacitor_steps[static_cast<size_t>(p.element)];
      now.assign(steps.begin(), steps.end());
      if (!p.y.empty() && now == p.built_with) continue;
      p.y = detail::capacitorY(f.capacitors[static_cast<size_t>(p.element)], steps, f.settings.base_frequency_hz);
    } else {
      continue;
    }
    p.built_with = std::move(now);
    changed = true;
  }
  return changed;
}

void Network::buildPattern() {
  const int n = nodeCount();
  std::vector<std::vector<int>> cols(static_cast<size_t>(n));
  auto note = [&](const Primitive& p) {
    for (int a : p.nodes)
      for (int b : p.nodes)
        if (a >= 0 && b >= 0) cols[static_cast<size_t>(b)].push_back(a);
  };
  for (const auto& p : branches_) note(p);
  for (const auto& p : sources_) note(p);
  for (const auto& l : loads_)
    for (size_t ph = 0; ph < l.from.size(); ++ph)
      for (int a : {l.from[ph], l.to[ph]})
        for (int b : {l.from[ph], l.to[ph]})
          if (a >= 0 && b >= 0) cols[static_cast<size_t>(b)].push_back(a);
  for (int i = 0; i < n; ++i) cols[static_cast<size_t>(i)].push_back(i);  // keep every diagonal
  pattern_.n = n;
  pattern_.col_ptr.assign(static_cast<size_t>(n) + 1, 0);
  for (int c = 0; c < n; ++c) {
    auto& v = cols[static_cast<size_t>(c)];
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    pattern_.col_ptr[static_cast<size_t>(c) + 1] =
        pattern_.col_ptr[static_cast<size_t>(c)] + static_cast<int>(v.size());
    pattern_.row_idx.insert(pattern_.row_idx.end(), v.begin(), v.end());
  }
  pattern_.values.assign(pattern_.row_idx.size(), Complex{});
  auto slot = [&](int r, int c) {
    const auto begin = pattern_.row_idx.begin() + pattern_.col_ptr[static_cast<size_t>(c)];
    const auto end = pattern_.row_idx.begin() + pattern_.col_ptr[static_cast<size_t>(c) + 1];
    return static_cast<int>(std::lower_bound(begin, end, r) - pattern_.row_idx.begin());
  };
  auto positions = [&](Primitive& p) {
    const size_t m = p.nodes.size();
    p.positions.assign(m * m, -1);
    for (size_t a = 0; a < m; ++a)
      for (size_t b = 0; b < m; ++b)
        if (p.nodes[a] >= 0 && p.nodes[b] >= 0) p.positions[a * m + b] = slot(p.nodes[a], p.nodes[b]);
  };
  for (auto& p : branches_) positions(p);
  for (auto& p : sources_) positions(p);
  load_positions_.clear();
  for (const auto& l : loads_) {
    std::vector<int> pos;
    for (size_t ph = 0; ph < l.from.size(); ++ph) {
      const int f = l.from[ph], t = l.to[ph];
      pos.push_back(f >= 0 ? slot(f, f) : -1);
      pos.push_back(t >= 0 ? slot(t, t) : -1);
      pos.push_back(f >= 0 && t >= 0 ? slot(f, t) : -1);
      pos.push_back(f >= 0 && t >= 0 ? slot(t, f) : -1);
    }
    load_positions_.push_back(std::move(pos));
  }
}

void Network::admittanceValues(bool with_loads, std::vector<Complex>& values) const {
  values.assign(pattern_.row_idx.size(), Complex{});
  auto add = [&](const Primitive& p) {
    for (size_t k = 0; k < p.positions.size(); ++k)
      if (p.positions[k] >= 0) values[static_cast<size_t>(p.positions[k])] += p.y[k];
  };
  for (const auto& p : branches_) add(p);
  for (const auto& p : sources_) add(p);
  if (!with_loads) return;
  for (size_t i = 0; i < loads_.size(); ++i) {
    const auto& pos = load_positions_[i];
    const Complex y = loads_[i].y_eq;
    for (size_t ph = 0; ph < loads_[i].from.size(); ++ph) {
      const Complex vals[4] = {y, y, -y, -y};
      for (size_t k = 0; k < 4; ++k)
        if (pos[4 * ph + k] >= 0) values[static_cast<size_t>(pos[4 * ph + k])] += vals[k];
    }
  }
}

SparseMatrix Network::admittance(bool with_loads) const {
  SparseMatrix m = pattern_;
  admittanceValues(with_loads, m.values);
  return m;
}

std::vector<Complex> Network::sourceInjection() const {
  std::vector<Complex> inj(nodes_.size());
  for (size_t s = 0; s < sources_.size(); ++s) {
    const auto& p = sources_[s];
    const auto& e = source_emf_[s];
    const size_t m = p.nodes.size();
    for (size_t a = 0; a < m; ++a) {
      if (p.nodes[a] < 0) continue;
      Complex i{};
      for (size_t b = 0; b < m; ++b) i += p.y[a * m + b] * e[b];
      inj[static_cast<size_t>(p.nodes[a])] += i;
    }
  }
  return inj;
}

RealSparseMatrix toRectangular(const SparseMatrix& m) {
  RealSparseMatrix r;
  r.n = 2 * m.n;
  r.col_ptr.assign(static_cast<size_t>(r.n) + 1, 0);
  for (int c = 0; c < m.n; ++c) {
    const int begin = m.col_ptr[static_cast<size_t>(c)], end = m.col_ptr[static_cast<size_t>(c) + 1];
    for (int part = 0; part < 2; ++part) {  // column of Re V_c, then of Im V_c
      for (int k = begin; k < end; ++k) {
        const Complex y = m.values[static_cast<size_t>(k)];
        const int row = m.row_idx[static_cast<size_t>(k)];
        r.row_idx.push_back(2 * row);
        r.values.push_back(part == 0 ? y.real() : -y.imag());
        r.row_idx.push_back(2 * row + 1);
        r.values.push_back(part == 0 ? y.imag() : y.real());
      }
      r.col_ptr[static_cast<size_t>(2 * c + part) + 1] = static_cast<int>(r.row_idx.size());
    }
  }
  return r;
}

}  // namespace feederlab::powerflow
