#include "feederlab/graph/topology.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/connected_components.hpp>
#include <cmath>
#include <deque>
#include <set>

namespace feederlab::graph {

namespace {

using model::BusId;
using model::Feeder;
using model::kNoBus;

using BoostGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS,
                                         boost::no_property, boost::property<boost::edge_index_t, int>>;

void addLineBranches(const Feeder& feeder, std::vector<Branch>& out) {
  for (std::size_t i = 0; i < feeder.lines.size(); ++i) {
    const auto& line = feeder.lines[i];
    if (!line.enabled || line.open) continue;
    if (line.bus1.bus == kNoBus || line.bus2.bus == kNoBus || line.bus1.bus == line.bus2.bus) continue;
    out.push_back({line.is_switch ? BranchKind::Switch : BranchKind::Line, static_cast<int>(i),
                   line.bus1.bus, line.bus2.bus});
  }
}

void addTransformerBranches(const Feeder& feeder, std::vector<Branch>& out) {
  for (std::size_t i = 0; i < feeder.transformers.size(); ++i) {
    const auto& xf = feeder.transformers[i];
    if (!xf.enabled || xf.windings.size() < 2) continue;
    const BusId from = xf.windings[0].terminal.bus;
    std::set<BusId> seen;  // a center-tapped unit has two windings on one secondary bus
    for (std::size_t w = 1; w < xf.windings.size(); ++w) {
      const BusId to = xf.windings[w].terminal.bus;
      if (from == kNoBus || to == kNoBus || to == from || !seen.insert(to).second) continue;
      out.push_back({BranchKind::Transformer, static_cast<int>(i), from, to});
    }
  }
}

void addSeriesShuntBranches(const Feeder& feeder, std::vector<Branch>& out) {
  for (std::size_t i = 0; i < feeder.reactors.size(); ++i) {
    const auto& r = feeder.reactors[i];
    if (r.enabled && r.bus2 && r.bus2->bus != r.bus1.bus)
      out.push_back({BranchKind::Reactor, static_cast<int>(i), r.bus1.bus, r.bus2->bus});
  }
  for (std::size_t i = 0; i < feeder.capacitors.size(); ++i) {
    const auto& c = feeder.capacitors[i];
    if (c.enabled && c.bus2 && c.bus2->bus != c.bus1.bus)
      out.push_back({BranchKind::Capacitor, static_cast<int>(i), c.bus1.bus, c.bus2->bus});
  }
}

struct TreeRecorder : boost::default_bfs_visitor {
  Topology* topo;
  const BoostGraph* graph;
  void tree_edge(BoostGraph::edge_descriptor e, const BoostGraph& g) const {
    const auto u = static_cast<BusId>(boost::source(e, g));
    const auto v = static_cast<BusId>(boost::target(e, g));
    const int branch = boost::get(boost::edge_index, g, e);
    topo->parent_bus[static_cast<std::size_t>(v)] = u;
    topo->parent_branch[static_cast<std::size_t>(v)] = branch;
    topo->depth[static_cast<std::size_t>(v)] = topo->depth[static_cast<std::size_t>(u)] + 1;
  }
  void discover_vertex(BoostGraph::vertex_descriptor v, const BoostGraph&) const {
    topo->bfs_order.push_back(static_cast<BusId>(v));
    topo->energized[v] = true;
  }
};

// Phase nodes a branch uses at bus `bus` (for telling phase-split parallel units from loops).
std::set<int> branchPhasesAt(const Feeder& feeder, const Branch& b, BusId bus) {
  std::set<int> nodes;
  auto collect = [&](const model::Terminal& t) {
    if (t.bus != bus) return;
    for (int n : t.nodes)
      if (n > 0) nodes.insert(n);
  };
  switch (b.kind) {
    case BranchKind::Line:
    case BranchKind::Switch: {
      const auto& l = feeder.lines[static_cast<std::size_t>(b.element)];
      collect(l.bus1);
      collect(l.bus2);
      break;
    }
    case BranchKind::Transformer:
      for (const auto& w : feeder.transformers[static_cast<std::size_t>(b.element)].windings)
        collect(w.terminal);
      break;
    case BranchKind::Reactor: {
      const auto& r = feeder.reactors[static_cast<std::size_t>(b.element)];
      collect(r.bus1);
      if (r.bus2) collect(*r.bus2);
      break;
    }
    case BranchKind::Capacitor: {
      const auto& c = feeder.capacitors[static_cast<std::size_t>(b.element)];
      collect(c.bus1);
      if (c.bus2) collect(*c.bus2);
      break;
    }
  }
  return nodes;
}

bool closesLoop(const Feeder& feeder, const Topology& topo, int branch_index) {
  const Branch& b = topo.branches[static_cast<std::size_t>(branch_index)];
  // Parallel to the tree edge between the same two buses: a loop only if phases overlap.
  for (const BusId child : {b.from, b.to}) {
    const BusId other = child == b.from ? b.to : b.from;
    const auto c = static_cast<std::size_t>(child);
    if (topo.parent_bus[c] != other) continue;
    const Branch& tree = topo.branches[static_cast<std::size_t>(topo.parent_branch[c])];
    if (tree.kind == b.kind && tree.element == b.element) return false;
    const auto a = branchPhasesAt(feeder, b, child);
    const auto t = branchPhasesAt(feeder, tree, child);
    return std::any_of(a.begin(), a.end(), [&](int n) { return t.count(n) > 0; });
  }
  return true;
}

}  // namespace

Topology buildTopology(const Feeder& feeder) {
  Topology topo;
  const std::size_t n = feeder.buses.size();
  addLineBranches(feeder, topo.branches);
  addTransformerBranches(feeder, topo.branches);
  addSeriesShuntBranches(feeder, topo.branches);

  BoostGraph g(n);
  topo.adjacency.assign(n, {});
  for (std::size_t i = 0; i < topo.branches.size(); ++i) {
    const auto& b = topo.branches[i];
    boost::add_edge(static_cast<std::size_t>(b.from), static_cast<std::size_t>(b.to),
                    static_cast<int>(i), g);
    topo.adjacency[static_cast<std::size_t>(b.from)].push_back(static_cast<int>(i));
    topo.adjacency[static_cast<std::size_t>(b.to)].push_back(static_cast<int>(i));
  }
  topo.energized.assign(n, false);
  topo.parent_branch.assign(n, -1);
  topo.parent_bus.assign(n, kNoBus);
  topo.depth.assign(n, -1);
  if (!feeder.sources.empty() && feeder.sources.front().enabled) topo.root = feeder.sources.front().bus1.bus;
  if (topo.root != kNoBus && n > 0) {
    topo.depth[static_cast<std::size_t>(topo.root)] = 0;
    TreeRecorder visitor;
    visitor.topo = &topo;
    visitor.graph = &g;
    boost::breadth_first_search(g, static_cast<std::size_t>(topo.root), boost::visitor(visitor));
  }
  for (std::size_t i = 0; i < topo.branches.size(); ++i) {
    const auto& b = topo.branches[i];
    if (!topo.energized[static_cast<std::size_t>(b.from)]) continue;
    const bool in_tree = topo.parent_branch[static_cast<std::size_t>(b.to)] == static_cast<int>(i) ||
                         topo.parent_branch[static_cast<std::size_t>(b.from)] == static_cast<int>(i);
    if (!in_tree && closesLoop(feeder, topo, static_cast<int>(i))) topo.loop_branches.push_back(static_cast<int>(i));
  }
  if (n > 0) {
    std::vector<int> component(n);
    boost::connected_components(g, component.data());
    const auto used = busNodes(feeder);
    std::set<int> unpowered;
    for (std::size_t b = 0; b < n; ++b)
      if (!topo.energized[b] && !used[b].empty()) unpowered.insert(component[b]);
    topo.islands = static_cast<int>(unpowered.size());
  }
  return topo;
}

std::string branchName(const Feeder& feeder, const Branch& branch) {
  const auto i = static_cast<std::size_t>(branch.element);
  switch (branch.kind) {
    case BranchKind::Line:
    case BranchKind::Switch: return "line." + feeder.lines[i].name;
    case BranchKind::Transformer: return "transformer." + feeder.transformers[i].name;
    case BranchKind::Reactor: return "reactor." + feeder.reactors[i].name;
    case BranchKind::Capacitor: return "capacitor." + feeder.capacitors[i].name;
  }
  return "";
}

std::vector<BusId> pathToSource(const Topology& topology, BusId bus) {
  std::vector<BusId> path;
  if (bus == kNoBus || !topology.energized[static_cast<std::size_t>(bus)]) return path;
  for (BusId b = bus; b != kNoBus; b = topology.parent_bus[static_cast<std::size_t>(b)]) path.push_back(b);
  return path;
}

std::vector<BusId> downstream(const Topology& topology, BusId bus) {
  std::vector<BusId> out;
  if (bus == kNoBus || !topology.energized[static_cast<std::size_t>(bus)]) return out;
  std::deque<BusId> queue{bus};
  while (!queue.empty()) {
    const BusId b = queue.front();
    queue.pop_front();
    out.push_back(b);
    for (int bi : topology.adjacency[static_cast<std::size_t>(b)]) {
      const auto& br = topology.branches[static_cast<std::size_t>(bi)];
      const BusId other = br.from == b ? br.to : br.from;
      if (topology.parent_branch[static_cast<std::size_t>(other)] == bi &&
          topology.parent_bus[static_cast<std::size_t>(other)] == b)
        queue.push_back(other);
    }
  }
  return out;
}

}  // namespace feederlab::graph
