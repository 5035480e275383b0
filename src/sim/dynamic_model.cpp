// Loads as devices and fault shunts on the DAE (include/feederlab/sim/dynamic_model.hpp).
#include "feederlab/sim/dynamic_model.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "feederlab/core/error.hpp"

namespace feederlab::sim {

std::vector<AttachedLoad> attachLoads(dae::Assembler& assembler, const powerflow::Network& network,
                                      const powerflow::Result& pf, const LoadBuilder& build) {
  const auto& feeder = network.feeder();
  std::vector<AttachedLoad> out;
  out.reserve(pf.loads.size());
  for (const auto& lf : pf.loads) {
    const auto& load = feeder.loads[static_cast<std::size_t>(lf.load)];
    const loads::PortLayout layout = loads::portLayout(load);
    const double vbase = layout.v_base_kv * 1000.0;
    if (lf.voltage.size() != layout.ports.size())
      throw core::ModelError(load.name, "power-flow phase elements do not match the composite ports");
    std::vector<dae::PortConnection> ports;
    std::vector<std::complex<double>> v0, s0;
    for (std::size_t k = 0; k < layout.ports.size(); ++k) {
      const auto& pn = layout.ports[k];
      const int from = pn.from > 0 ? network.nodeIndex(load.bus1.bus, pn.from) : -1;
      const int to = pn.to > 0 ? network.nodeIndex(load.bus1.bus, pn.to) : -1;
      ports.push_back({from, to, vbase});
      std::complex<double> v{};
      if (from >= 0) v += pf.voltage(load.bus1.bus, pn.from).value_or(0.0);
      if (to >= 0) v -= pf.voltage(load.bus1.bus, pn.to).value_or(0.0);
      v0.push_back(v / vbase);
      s0.push_back(v * std::conj(lf.current[k]) / 1000.0);  // kVA drawn through the port
    }
    auto b = build(load, lf.load, v0, s0);
    if (!b.device) throw core::ModelError(load.name, "no device built for the load");
    const double sb = b.device->sBaseMva();
    loads::CompositeLoad* raw = b.device.get();
    const std::size_t d = assembler.addDevice(std::move(b.device), std::move(ports), sb, std::move(b.op));
    out.push_back({lf.load, d, raw, std::move(b.note)});
  }
  return out;
}

LoadBuilder constantImpedanceBuilder() {
  return [](const model::Load& l, int, std::span<const std::complex<double>> v0,
            std::span<const std::complex<double>> s0) { return loads::buildConstantImpedanceLoad(l, v0, s0); };
}

void FaultShunts::apply(dae::Assembler& assembler, double t) const {
  for (auto s : shunts) assembler.setShunt(s, fault.activeAt(t) ? y : std::complex<double>{});
}

FaultShunts registerFault(dae::Assembler& assembler, const powerflow::Network& network, const events::Fault& fault,
                          double bolted_pu) {
  const auto& f = network.feeder();
  const model::BusId bus =
      fault.bus == events::kHeadBus ? assembler.headBus() : f.findBus(fault.bus).value_or(model::kNoBus);
  if (bus == model::kNoBus) throw core::ModelError(fault.bus, "fault bus not found in the feeder");
  const std::string bus_name = f.buses[static_cast<std::size_t>(bus)].name;
  FaultShunts fs{fault, {}, {}};
  auto node = [&](char ph) {
    const int n = network.nodeIndex(bus, ph - 'a' + 1);
    if (n < 0) throw core::ModelError(bus_name, std::string("fault phase ") + ph + " is not a node of the bus");
    return n;
  };
  double vb = 0.0;
  for (char ph : fault.phases) vb = std::max(vb, network.nodes()[static_cast<std::size_t>(node(ph))].base_volts);
  if (!(vb > 0.0)) vb = 1000.0;
  const std::complex<double> z = std::abs(fault.impedance_ohm) > 0
                                     ? fault.impedance_ohm
                                     : std::complex<double>(bolted_pu * vb * vb / dae::kSystemBaseVa, 0.0);
  fs.y = 1.0 / z;
  const std::string name = "fault at " + bus_name;
  if (fault.kind == events::FaultKind::Ll) {
    if (fault.phases.size() != 2) throw core::ModelError(bus_name, "line-to-line fault needs two phases");
    fs.shunts.push_back(assembler.addShunt(name, node(fault.phases[0]), node(fault.phases[1])));
  } else {
    for (char ph : fault.phases) fs.shunts.push_back(assembler.addShunt(name, node(ph), -1));
  }
  return fs;
}

}  // namespace feederlab::sim
