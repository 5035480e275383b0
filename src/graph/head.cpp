// @head, source-side loads and node sets (definitions in ../shared/design/cli.md).
#include <algorithm>
#include <cmath>
#include <deque>
#include <set>

#include "feederlab/graph/topology.hpp"

namespace feederlab::graph {

namespace {

using model::BusId;
using model::Feeder;
using model::kNoBus;

// Regulators (1:1 units) never count; an LTC substation transformer under a RegControl does.
bool changesVoltage(const model::Transformer& xf) {
  if (xf.windings.size() < 2) return false;
  const double k1 = xf.windings[0].kv;
  for (std::size_t w = 1; w < xf.windings.size(); ++w) {
    const double kw = xf.windings[w].kv;
    if (k1 <= 0 || kw <= 0 || std::fabs(k1 / kw - 1.0) > 0.05) return true;
  }
  return false;
}

// kW of enabled loads per bus.
std::vector<double> loadPerBus(const Feeder& feeder) {
  std::vector<double> kw(feeder.buses.size(), 0.0);
  for (const auto& load : feeder.loads)
    if (load.enabled && load.bus1.bus != kNoBus) kw[static_cast<std::size_t>(load.bus1.bus)] += std::fabs(load.kw) + 1e-9;
  return kw;
}

// Load below each bus in the radial tree (children accumulate into parents, reverse BFS).
std::vector<double> subtreeLoad(const Topology& topo, const std::vector<double>& at_bus) {
  std::vector<double> total = at_bus;
  for (auto it = topo.bfs_order.rbegin(); it != topo.bfs_order.rend(); ++it) {
    const BusId parent = topo.parent_bus[static_cast<std::size_t>(*it)];
    if (parent != kNoBus) total[static_cast<std::size_t>(parent)] += total[static_cast<std::size_t>(*it)];
  }
  return total;
}

}  // namespace

BusId headBus(const Feeder& feeder, const Topology& topo) {
  if (topo.root == kNoBus) return kNoBus;
  const auto below = subtreeLoad(topo, loadPerBus(feeder));
  // Shallowest voltage-changing transformer in the tree; at equal depth the one feeding most load.
  BusId best = kNoBus;
  int best_depth = 0;
  double best_load = -1.0;
  for (const BusId bus : topo.bfs_order) {
    const int branch = topo.parent_branch[static_cast<std::size_t>(bus)];
    if (branch < 0) continue;
    const auto& b = topo.branches[static_cast<std::size_t>(branch)];
    if (b.kind != BranchKind::Transformer) continue;
    if (!changesVoltage(feeder.transformers[static_cast<std::size_t>(b.element)])) continue;
    const double load = below[static_cast<std::size_t>(bus)];
    if (load <= 0.0) continue;
    const int depth = topo.depth[static_cast<std::size_t>(bus)];
    if (best != kNoBus && depth > best_depth) break;  // BFS order: deeper ones come later
    if (best == kNoBus || load > best_load) {
      best = bus;
      best_depth = depth;
      best_load = load;
    }
  }
  return best == kNoBus ? topo.root : best;
}

std::vector<int> sourceSideLoads(const Feeder& feeder, const Topology& topo) {
  const BusId head = headBus(feeder, topo);
  std::vector<bool> source_side(feeder.buses.size(), false);
  if (head == kNoBus) return {};
  // Buses joined to @head through closed switches only.
  std::deque<BusId> queue{head};
  source_side[static_cast<std::size_t>(head)] = true;
  while (!queue.empty()) {
    const BusId b = queue.front();
    queue.pop_front();
    for (int bi : topo.adjacency[static_cast<std::size_t>(b)]) {
      const auto& br = topo.branches[static_cast<std::size_t>(bi)];
      if (br.kind != BranchKind::Switch) continue;
      const BusId other = br.from == b ? br.to : br.from;
      if (!source_side[static_cast<std::size_t>(other)]) {
        source_side[static_cast<std::size_t>(other)] = true;
        queue.push_back(other);
      }
    }
  }
  // Load-only stubs: a leaf bus hanging off a source-side bus by one non-transformer branch.
  std::vector<bool> stub(feeder.buses.size(), false);
  for (const BusId b : topo.bfs_order) {
    const BusId parent = topo.parent_bus[static_cast<std::size_t>(b)];
    if (parent == kNoBus || !source_side[static_cast<std::size_t>(parent)]) continue;
    const auto& br = topo.branches[static_cast<std::size_t>(topo.parent_branch[static_cast<std::size_t>(b)])];
    if (br.kind != BranchKind::Transformer && topo.adjacency[static_cast<std::size_t>(b)].size() == 1)
      stub[static_cast<std::size_t>(b)] = true;
  }
  // Buses not below @head (between the source and @head) also belong to the source side.
  std::vector<bool> below_head(feeder.buses.size(), false);
  for (const BusId b : downstream(topo, head)) below_head[static_cast<std::size_t>(b)] = true;
  std::vector<int> result;
  for (std::size_t i = 0; i < feeder.loads.size(); ++i) {
    const auto& load = feeder.loads[i];
    if (!load.enabled || load.bus1.bus == kNoBus) continue;
    const auto b = static_cast<std::size_t>(load.bus1.bus);
    if (source_side[b] || stub[b] || (topo.energized[b] && !below_head[b])) result.push_back(static_cast<int>(i));
  }
  return result;
}

std::vector<std::vector<int>> busNodes(const Feeder& feeder) {
  std::vector<std::set<int>> nodes(feeder.buses.size());
  auto add = [&](const model::Terminal& t) {
    if (t.bus == kNoBus) return;
    for (int n : t.nodes)
      if (n > 0) nodes[static_cast<std::size_t>(t.bus)].insert(n);
  };
  for (const auto& s : feeder.sources)
    if (s.enabled) add(s.bus1);
  for (const auto& l : feeder.lines) {
    if (!l.enabled) continue;
    add(l.bus1);
    add(l.bus2);
  }
  for (const auto& x : feeder.transformers)
    if (x.enabled)
      for (const auto& w : x.windings) add(w.terminal);
  for (const auto& c : feeder.capacitors) {
    if (!c.enabled) continue;
    add(c.bus1);
    if (c.bus2) add(*c.bus2);
  }
  for (const auto& r : feeder.reactors) {
    if (!r.enabled) continue;
    add(r.bus1);
    if (r.bus2) add(*r.bus2);
  }
  for (const auto& l : feeder.loads)
    if (l.enabled) add(l.bus1);
  for (const auto& o : feeder.others)
    if (o.enabled)
      for (const auto& t : o.terminals) add(t);
  std::vector<std::vector<int>> out(feeder.buses.size());
  for (std::size_t b = 0; b < nodes.size(); ++b) {
    out[b].assign(nodes[b].begin(), nodes[b].end());
  }
  return out;
}

}  // namespace feederlab::graph
