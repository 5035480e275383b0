#include "feederlab/model/feeder.hpp"

#include "feederlab/core/strings.hpp"

namespace feederlab::model {

BusId Feeder::addBus(const std::string& name) {
  std::string key = core::toLower(name);
  auto it = bus_index.find(key);
  if (it != bus_index.end()) return it->second;
  const auto id = static_cast<BusId>(buses.size());
  buses.push_back(Bus{key, 0.0, std::nullopt});
  bus_index.emplace(std::move(key), id);
  return id;
}

std::optional<BusId> Feeder::findBus(const std::string& name) const {
  auto it = bus_index.find(core::toLower(name));
  if (it == bus_index.end()) return std::nullopt;
  return it->second;
}

std::pair<double, double> totalLoad(const Feeder& feeder) {
  double kw = 0.0;
  double kvar = 0.0;
  for (const auto& load : feeder.loads) {
    if (!load.enabled) continue;
    kw += load.kw;
    kvar += load.kvar;
  }
  return {kw * feeder.settings.load_mult, kvar * feeder.settings.load_mult};
}

}  // namespace feederlab::model
