// Test fixtures for the DAE engine: a feeder, its power flow and an Assembler with one composite
// (or constant-impedance) device per load, plus a fault adapter (events::Fault -> shunts).
// Header-only, test tree only. [The load wiring belongs in a module that links loads and dae;
// it lives here until that module exists.]
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

// One device per power-flow load: ports from loads::portLayout, v0 from the node voltages and s0
// = V I* of each phase element of the power flow.
inline void attachLoads(dae::Assembler& a, const powerflow::Network& net, const powerflow::Result& pf,
                        const LoadBuilder& build) {
  const auto& f = net.feeder();
  for (const auto& lf : pf.loads) {
    const auto& load = f.loads[static_cast<std::size_t>(lf.load)];
    const loads::PortLayout layout = loads::portLayout(load);
    const double vbase = layout.v_base_kv * 1000.0;
    if (lf.voltage.size() != layout.ports.size())
      throw core::ModelError(load.name, "power-flow phase elements do not match the composite ports");
    std::vector<dae::PortConnection> ports;
    std::vector<std::complex<double>> v0, s0;
    for (std::size_t k = 0; k < layout.ports.size(); ++k) {
      const auto& pn = layout.ports[k];
      const int from = pn.from > 0 ? net.nodeIndex(load.bus1.bus, pn.from) : -1;
      const int to = pn.to > 0 ? net.nodeIndex(load.bus1.bus, pn.to) : -1;
      ports.push_back({from, to, vbase});
      std::complex<double> v{};
      if (from >= 0) v += pf.voltage(load.bus1.bus, pn.from).value_or(0.0);
      if (to >= 0) v -= pf.voltage(load.bus1.bus, pn.to).value_or(0.0);
      v0.push_back(v / vbase);
      s0.push_back(v * std::conj(lf.current[k]) / 1000.0);
    }
    auto b = build(load, v0, s0);
    const double sb = b.device->sBaseMva();
    a.addDevice(std::move(b.device), std::move(ports), sb, std::move(b.op));
  }
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

// Shunts of a fault (kind and phases as events::Fault says); bolted faults get 1 milliohm.
struct FaultShunts {
  events::Fault fault;
  std::vector<std::size_t> shunts;
  std::complex<double> y;
  void apply(dae::Assembler& a, double t) const {
    for (auto s : shunts) a.setShunt(s, fault.activeAt(t) ? y : std::complex<double>{});
  }
};

inline FaultShunts addFault(dae::Assembler& a, const powerflow::Network& net, const events::Fault& fault) {
  const auto& f = net.feeder();
  const model::BusId bus = fault.bus == events::kHeadBus ? a.headBus() : f.findBus(fault.bus).value_or(model::kNoBus);
  if (bus == model::kNoBus) throw core::ModelError(fault.bus, "fault bus not found");
  FaultShunts fs{fault, {}, {}};
  const std::complex<double> z = std::abs(fault.impedance_ohm) > 0 ? fault.impedance_ohm : std::complex<double>(1e-3, 0);
  fs.y = 1.0 / z;
  auto node = [&](char ph) {
    const int n = net.nodeIndex(bus, ph - 'a' + 1);
    if (n < 0) throw core::ModelError(fault.bus, std::string("fault phase ") + ph + " not at the bus");
    return n;
  };
  if (fault.kind == events::FaultKind::Ll) {
    fs.shunts.push_back(a.addShunt("fault", node(fault.phases[0]), node(fault.phases[1])));
  } else {
    for (char ph : fault.phases) fs.shunts.push_back(a.addShunt("fault", node(ph), -1));
  }
  return fs;
}

}  // namespace feederlab::test
