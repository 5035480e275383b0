// The multi-phase network of a feeder as the power flow (and the dynamics) see it: one unknown per
// energized bus node, element primitive admittance matrices (OpenDSS "Yprim") and the sparse nodal
// admittance matrix assembled from them.
//
// Element models follow OpenDSS so that results agree with its solutions:
//   - Line: pi model, Y = Z^-1 in series, half the shunt admittance at each end;
//   - Transformer: short-circuit impedances between windings on a one-volt base, inverted and mapped
//     to the winding coils through the node-incidence matrix, scaled by 1/(Vbase*tap) per winding;
//     magnetizing branch (%noloadloss, %imag) on winding 2, 1 ppm anti-float shunt on every coil end,
//     neutral impedance (rneut/xneut) to ground for wye windings (OpenDSS Transformer.pas semantics);
//   - Source: Thevenin equivalent, Zs = (2 Z1 + Z0)/3, Zm = (Z0 - Z1)/3 (Kersting, Distribution
//     System Modeling and Analysis, ch. 4 sequence-to-phase transform), as a Norton injection;
//   - Capacitor / shunt reactor: per-phase admittance, wye (to the neutral conductor) or delta.
// The sparsity pattern never changes (switched capacitors and tap changes only change values), so
// a factorization can be reused with a numeric refactor.
#pragma once

#include <complex>
#include <string>
#include <vector>

#include "feederlab/model/feeder.hpp"

namespace feederlab::powerflow {

using Complex = std::complex<double>;

enum class ElementKind { Line, Transformer, Reactor, Capacitor, Source, Load };

const char* elementKindName(ElementKind kind);  // "line", "transformer", ... (OpenDSS class names)

// One element's conductor-level admittance: currents into the element I = Y * V_conductors.
struct Primitive {
  ElementKind kind = ElementKind::Line;
  int element = -1;  // index into the feeder vector of that kind
  int terminals = 1;
  int conductors = 1;              // per terminal
  std::vector<int> nodes;          // global node index per conductor (terminal-major), -1 = ground
  std::vector<int> node_nums;      // OpenDSS node number per conductor (0 = ground)
  std::vector<Complex> y;          // row-major, order terminals*conductors
  std::vector<int> positions;      // CSC slot per (row, col) of y, -1 where a side is ground
  std::vector<double> built_with;  // taps or capacitor steps y was computed for (transformers, capacitors)
  int order() const { return terminals * conductors; }
};

// Compressed sparse column matrix with complex values (square).
struct SparseMatrix {
  int n = 0;
  std::vector<int> col_ptr;  // size n+1
  std::vector<int> row_idx;
  std::vector<Complex> values;
};

// Real compressed sparse column matrix.
struct RealSparseMatrix {
  int n = 0;
  std::vector<int> col_ptr;
  std::vector<int> row_idx;
  std::vector<double> values;
};

// The rectangular (real 2n) form of a complex nodal matrix, unknowns interleaved per node as
// (Re V_i, Im V_i) and rows as (Re I_i, Im I_i): each entry g + jb becomes [[g, -b], [b, g]].
// This is the form the DAE residual uses (architecture.md, "The DAE formulation").
RealSparseMatrix toRectangular(const SparseMatrix& m);

// A load compiled for fast evaluation: per phase the conductor pair across which it is connected.
struct CompiledLoad {
  int load = -1;  // index into Feeder::loads
  int phases = 1;
  std::vector<int> from, to;  // node index per phase element (-1 = ground)
  double v_base = 0;          // volts across one phase element at rated kV
  Complex s_nominal;          // W + j var per phase element (after loadmult)
  Complex y_eq;               // (P - jQ)/Vbase^2
};

// Per-node data.
struct NodeInfo {
  model::BusId bus = model::kNoBus;
  int node = 0;           // OpenDSS node number (1..)
  double base_volts = 0;  // line-to-neutral base (bus kV base / sqrt 3); 0 when unknown
};

// Changeable state of the network (what controls act on).
struct NetworkState {
  std::vector<double> taps;                       // per transformer, per winding (flattened, see tapIndex)
  std::vector<int> tap_offsets;                   // transformer -> first winding slot in `taps`
  std::vector<std::vector<int>> capacitor_steps;  // per capacitor, 0/1 per step
  double& tap(int transformer, int winding) {
    return taps[static_cast<std::size_t>(tap_offsets[static_cast<std::size_t>(transformer)] + winding)];
  }
  double tap(int transformer, int winding) const {
    return taps[static_cast<std::size_t>(tap_offsets[static_cast<std::size_t>(transformer)] + winding)];
  }
};

class Network {
 public:
  // Builds nodes and element primitives; the state holds taps and capacitor steps as the input
  // sets them. Elements that touch no energized node are left out (their buses get no unknowns).
  explicit Network(const model::Feeder& feeder);

  const model::Feeder& feeder() const { return *feeder_; }
  int nodeCount() const { return static_cast<int>(nodes_.size()); }
  const std::vector<NodeInfo>& nodes() const { return nodes_; }
  int nodeIndex(model::BusId bus, int node) const;  // -1 if not a network node
  std::string nodeName(int index) const;            // "bus.node"

  const std::vector<Primitive>& branches() const { return branches_; }  // lines, transformers, reactors, capacitors
  const std::vector<Primitive>& sources() const { return sources_; }
  const std::vector<std::vector<Complex>>& sourceEmf() const { return source_emf_; }  // volts per source conductor
  const std::vector<CompiledLoad>& loads() const { return loads_; }

  const NetworkState& state() const { return state_; }
  NetworkState& state() { return state_; }
  // Recomputes the primitives of transformers and capacitors whose state changed (after control
  // moves); returns true if any did.
  bool applyState();

  // Nodal admittance matrix. With `with_loads`, each load's constant-impedance equivalent at rated
  // voltage is included (what OpenDSS puts in its system matrix for the fixed-point iteration).
  SparseMatrix admittance(bool with_loads) const;
  // Values only, in the pattern of admittance(); cheap, for refactorization.
  void admittanceValues(bool with_loads, std::vector<Complex>& values) const;
  // Norton currents of the sources (A per node).
  std::vector<Complex> sourceInjection() const;

 private:
  void buildNodes();
  void buildPrimitives();
  void compileLoads();
  void buildPattern();
  void stampLoadPattern();
  Primitive makePrimitive(ElementKind kind, int element, const std::vector<const model::Terminal*>& terminals,
                          int conductors, int phases) const;

  const model::Feeder* feeder_;
  std::vector<NodeInfo> nodes_;
  std::vector<std::vector<std::pair<int, int>>> bus_nodes_;  // bus -> (node number, index)
  std::vector<Primitive> branches_;
  std::vector<Primitive> sources_;
  std::vector<std::vector<Complex>> source_emf_;
  std::vector<CompiledLoad> loads_;
  std::vector<std::vector<int>> load_positions_;  // per load: CSC slots of its Yeq stamp (4 per phase)
  NetworkState state_;
  SparseMatrix pattern_;
};

}  // namespace feederlab::powerflow
