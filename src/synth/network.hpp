// The synthetic feeder while it is being built (internal to the synth module): a radial tree of
// primary nodes, service transformers and customers, before it becomes utility CSV rows.
#pragma once

#include <array>
#include <complex>
#include <string>
#include <vector>

#include "feederlab/synth/random.hpp"
#include "feederlab/synth/synth.hpp"

namespace feederlab::synth {

using Complex = std::complex<double>;

// Conductors of the synthetic feeders (rows of conductors.csv, per mile).
enum Conductor : int { kAcsr336 = 0, kAcsr4_0, kAcsr1_0, kCn1_0Three, kCn1_0Single, kConductorCount };
const std::vector<ConductorRow>& conductorCatalog();

enum class Edge { Root, Section, Switch, Regulator };
enum Class : int { kResidential = 0, kCommercial = 1, kIndustrial = 2 };

struct PNode {
  std::string name;
  double x = 0, y = 0;
  double kv = 12.47;
  int parent = -1;  // index of the parent node (the tree is radial)
  Edge edge = Edge::Root;
  std::string edge_id;
  std::string phases = "ABC";  // of the edge from the parent (and so of the node)
  int conductor = -1;
  double length_ft = 0;
  bool underground = false;
  bool trunk = false;
  int regulator = -1;  // Edge::Regulator: index into Network::regulators
  int feeder = 0;
};

struct Customer {
  std::string id;
  int cls = kResidential;
  double kw = 0, pf = 1, kvar = 0, monthly_kwh = 0;
  int transformer = -1;
};

struct Transformer {
  std::string id, secondary;
  int node = -1;       // primary node
  std::string phases;  // "A", "B", "C" or "ABC"
  double kva = 0, kv2 = 0.24, z_pct = 2, x_r = 1.5;
  std::vector<int> customers;
  double p_kw = 0, q_kvar = 0;  // connected load
  bool threePhase() const { return phases.size() == 3; }
};

inline RegulatorRow regulatorRow(std::string id, std::string from, std::string to) {
  RegulatorRow row;
  row.id = std::move(id);
  row.from = std::move(from);
  row.to = std::move(to);
  row.phases = "ABC";
  return row;
}

struct Regulator {
  RegulatorRow row;
  int node = -1;  // output node (its edge is Edge::Regulator)
  double tap_pu() const { return 1.0 + 0.00625 * row.tap; }
};

struct Capacitor {
  CapacitorRow row;
  int node = -1;
};

struct FeederInfo {
  std::string prefix;                     // "f1_"
  int breaker_node = -1, head_node = -1;  // breaker output, head regulator output
  std::vector<int> trunk;                 // main-branch trunk nodes in order
};

struct Network {
  std::vector<PNode> nodes;
  std::vector<Transformer> transformers;
  std::vector<Customer> customers;
  std::vector<Regulator> regulators;
  std::vector<Capacitor> capacitors;
  std::vector<SwitchRow> extra_switches;  // ties between feeders / to boundary nodes (no tree edge)
  std::vector<NodeRow> extra_nodes;       // boundary nodes of open ties
  std::vector<FeederInfo> feeders;
  SubstationRow substation;
  int sub_lv = -1;

  int addNode(PNode node) {
    nodes.push_back(std::move(node));
    return static_cast<int>(nodes.size()) - 1;
  }
};

// Customers, transformers and the primary tree of each feeder (generator.cpp).
void buildFeeders(Network& net, const Options& options, Rng& rng);

// Results of the sweep estimator (estimate.cpp).
struct Estimate {
  std::vector<std::array<Complex, 3>> v;  // per node, per phase a/b/c, volts line-to-neutral
  std::vector<double> customer_pu;        // per transformer: lowest secondary voltage in pu
  std::vector<Complex> feeder_head;       // per feeder: VA into the breaker (sum of phases)
  double losses_kw = 0;
};

// Backward/forward sweep on the tree with constant-power loads (positive-sequence impedance on
// three-phase sections, self impedance on 1- and 2-phase ones, transformer drops from %R/%X).
Estimate estimate(const Network& net);

// Places line regulators where the drop needs them, sets every regulator's vreg and tap, sizes
// the substation transformer and fills the head SCADA rows (estimate.cpp).
void regulate(Network& net, Rng& rng, std::vector<ScadaRow>& scada, Summary& summary);

}  // namespace feederlab::synth
