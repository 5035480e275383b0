// Test fixtures for the DAE engine: a feeder, its power flow and an Assembler with one composite
// (or constant-impedance) device per load, plus a fault adapter (events::Fault -> shunts).
// Thin: the wiring lives in sim/dynamic_model.hpp.
#pragma once

#include <complex>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "feederlab/core/error.hpp"
#include "feederlab/dae/assembler.hpp"
#include "feederlab/events/scenario.hpp"
#include "feederlab/loads/composite_load.hpp"
#include "feederlab/powerflow/powerflow.hpp"
#include "feederlab/sim/dynamic_model.hpp"

namespace feederlab::test {

using LoadBuilder = std::function<loads::CompositeBuild(const model::Load&, std::span<const std::complex<double>>,
                                                        std::span<const std::complex<double>>)>;

inline LoadBuilder constantImpedanceBuilder() {
  return [](const model::Load& l, std::span<const std::complex<double>> v0, std::span<const std::complex<double>> s0) {
    return loads::buildConstantImpedanceLoad(l, v0, s0);
  };
}

struct DaeCase {
  std::unique_ptr<model::Feeder> feeder;
  std::unique_ptr<powerflow::Solver> pf_solver;
  powerflow::Result pf;
  std::unique_ptr<dae::Assembler> assembler;
  const powerflow::Network& network() const { return pf_solver->network(); }
};

// One device per power-flow load (sim::attachLoads does the wiring).
inline void attachLoads(dae::Assembler& a, const powerflow::Network& net, const powerflow::Result& pf,
                        const LoadBuilder& build) {
  sim::attachLoads(a, net, pf,
                   [&](const model::Load& l, int, std::span<const std::complex<double>> v0,
                       std::span<const std::complex<double>> s0) { return build(l, v0, s0); });
}

inline DaeCase makeCase(model::Feeder feeder, const LoadBuilder& build) {
  DaeCase c;
  c.feeder = std::make_unique<model::Feeder>(std::move(feeder));
  powerflow::Options o;
  o.tolerance = 1e-12;
  c.pf_solver = std::make_unique<powerflow::Solver>(*c.feeder, o);
  c.pf = c.pf_solver->solve();
  c.assembler = std::make_unique<dae::Assembler>(c.pf_solver->network(), c.pf);
  attachLoads(*c.assembler, c.pf_solver->network(), c.pf, build);
  return c;
}

// Fault shunts (sim::registerFault); bolted faults get 1 milliohm here, as these tests were written.
using FaultShunts = sim::FaultShunts;
inline FaultShunts addFault(dae::Assembler& a, const powerflow::Network& net, const events::Fault& fault) {
  double vb = 1000.0;
  const model::BusId bus = fault.bus == events::kHeadBus ? a.headBus() : net.feeder().findBus(fault.bus).value_or(model::kNoBus);
  for (char ph : fault.phases)
    if (const int n = bus == model::kNoBus ? -1 : net.nodeIndex(bus, ph - 'a' + 1); n >= 0)
      vb = net.nodes()[static_cast<std::size_t>(n)].base_volts;
  return sim::registerFault(a, net, fault, 1e-3 * dae::kSystemBaseVa / (vb * vb));
}

}  // namespace feederlab::test
