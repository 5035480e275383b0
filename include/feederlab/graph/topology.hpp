// Topology view of a model::Feeder (rebuilt from the model, never edited on its own).
//
// Vertices are buses; edges are the enabled branches that conduct between buses: lines and
// closed switches, series reactors, series capacitors and transformers (one edge from winding 1
// to each other winding). Open switches and disabled elements are not edges.
// The radial tree is a breadth-first tree from the main source bus; edges outside it close loops.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "feederlab/model/feeder.hpp"

namespace feederlab::graph {

enum class BranchKind { Line, Switch, Transformer, Reactor, Capacitor };

struct Branch {
  BranchKind kind = BranchKind::Line;
  int element = -1;  // index into the feeder vector of that kind
  model::BusId from = model::kNoBus;
  model::BusId to = model::kNoBus;
  std::string name() const;  // "line.l1" style, needs the feeder: see branchName()
};

struct Topology {
  std::vector<Branch> branches;                 // conducting edges
  std::vector<std::vector<int>> adjacency;      // bus -> branch indices
  model::BusId root = model::kNoBus;            // main source bus
  std::vector<bool> energized;                  // reachable from the root
  std::vector<int> parent_branch;               // -1 for the root and de-energized buses
  std::vector<model::BusId> parent_bus;         // kNoBus likewise
  std::vector<int> depth;                       // BFS depth from the root, -1 if not reached
  std::vector<model::BusId> bfs_order;          // energized buses, root first
  std::vector<int> loop_branches;               // energized branches not in the tree
  int islands = 0;                              // connected components with no source
};

Topology buildTopology(const model::Feeder& feeder);

std::string branchName(const model::Feeder& feeder, const Branch& branch);

// Buses on the path from `bus` up to the root (bus first, root last); empty if not energized.
std::vector<model::BusId> pathToSource(const Topology& topology, model::BusId bus);

// Every bus in the subtree below `bus` (bus included), in BFS order.
std::vector<model::BusId> downstream(const Topology& topology, model::BusId bus);

// @head as ../shared/design/cli.md defines it: the bus on the low side of the substation
// transformer (the voltage-changing transformer nearest the source on the path to the feeder's
// loads; regulators do not count), or the source bus when there is none.
model::BusId headBus(const model::Feeder& feeder, const Topology& topology);

// Source-side loads (cli.md): loads at @head, at a bus joined to @head only through closed
// switches, or on a load-only stub from such a bus. Returns load indices.
std::vector<int> sourceSideLoads(const model::Feeder& feeder, const Topology& topology);

// Distinct non-zero node numbers per bus used by enabled elements, sorted (OpenDSS's node count
// rules); an empty list means no enabled element touches the bus on a phase node.
std::vector<std::vector<int>> busNodes(const model::Feeder& feeder);

}  // namespace feederlab::graph
