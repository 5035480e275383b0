#include <algorithm>
#include <cmath>

#include "feederlab/graph/topology.hpp"
#include "feederlab/validate/validate.hpp"

namespace feederlab::validate {

FeederCounts countFeeder(const model::Feeder& feeder) {
  FeederCounts c;
  c.format = feeder.format;
  const auto nodes = graph::busNodes(feeder);
  for (const auto& bus_nodes : nodes) {
    if (bus_nodes.empty()) continue;
    ++c.buses;
    c.nodes += static_cast<int>(bus_nodes.size());
  }
  for (const auto& line : feeder.lines) (line.is_switch ? c.switches : c.lines) += 1;
  c.transformers = static_cast<int>(feeder.transformers.size());
  c.regulators = static_cast<int>(feeder.regcontrols.size());
  c.capacitors = static_cast<int>(feeder.capacitors.size());
  c.loads = static_cast<int>(feeder.loads.size());
  const auto [kw, kvar] = model::totalLoad(feeder);
  c.total_kw = kw;
  c.total_kvar = kvar;
  c.voltage_bases_kv = feeder.settings.voltage_bases_kv;
  std::sort(c.voltage_bases_kv.begin(), c.voltage_bases_kv.end(), std::greater<>());
  c.voltage_bases_kv.erase(std::unique(c.voltage_bases_kv.begin(), c.voltage_bases_kv.end()),
                           c.voltage_bases_kv.end());
  c.warnings = static_cast<int>(feeder.diagnostics.count(core::Severity::Warning));
  return c;
}

}  // namespace feederlab::validate
