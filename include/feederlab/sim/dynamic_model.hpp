// Building blocks of the simulation driver (simulate.hpp uses them; tests use them to set up a
// DAE by hand): loads as devices on a dae::Assembler, and fault shunts.
//
// attachLoads: one device per power-flow load (powerflow::Result::loads), ports from
// loads::portLayout, v0 from the power-flow node voltages and s0 = V I* of each phase element, so
// the device reproduces the power flow's operating point exactly. The builder decides the model.
#pragma once

#include <complex>
#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "feederlab/dae/assembler.hpp"
#include "feederlab/events/scenario.hpp"
#include "feederlab/loads/composite_load.hpp"
#include "feederlab/powerflow/powerflow.hpp"

namespace feederlab::sim {

// (load, index into Feeder::loads, v0 per port in pu of the layout's base, s0 per port in kVA).
using LoadBuilder = std::function<loads::CompositeBuild(const model::Load&, int load_index,
                                                        std::span<const std::complex<double>> v0_pu,
                                                        std::span<const std::complex<double>> s0_kva)>;

struct AttachedLoad {
  int load = -1;            // index into Feeder::loads
  std::size_t device = 0;   // assembler device index
  loads::CompositeLoad* composite = nullptr;  // owned by the assembler
  std::string note;         // builder's note (empty when none)
};

// Throws core::ModelError naming the load when its power-flow phase elements do not match the
// composite's ports or the builder refuses it.
std::vector<AttachedLoad> attachLoads(dae::Assembler& assembler, const powerflow::Network& network,
                                      const powerflow::Result& pf, const LoadBuilder& build);

// Builder for 100 % constant-impedance loads (network checks).
LoadBuilder constantImpedanceBuilder();

// Shunts of one fault on the assembler (registered before finalize). apply(t) switches them.
struct FaultShunts {
  events::Fault fault;
  std::vector<std::size_t> shunts;
  std::complex<double> y;  // siemens per shunt
  void apply(dae::Assembler& assembler, double t) const;
};

// `fault.bus` may be "@head". Bolted faults (impedance 0) get a resistance of bolted_pu times the
// faulted node's base impedance (Vb_LN^2 / dae::kSystemBaseVa). Throws core::ModelError naming
// the bus when it or a faulted phase is not in the network.
FaultShunts registerFault(dae::Assembler& assembler, const powerflow::Network& network, const events::Fault& fault,
                          double bolted_pu);

}  // namespace feederlab::sim
