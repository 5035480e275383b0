#include "feederlab/loads/registry.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "feederlab/core/error.hpp"

namespace feederlab::loads {

DeviceRegistry& DeviceRegistry::instance() {
  static DeviceRegistry registry;  // constructed on first use: safe from static initializers
  return registry;
}

void DeviceRegistry::add(std::string kind, DeviceFactory factory) {
  if (factories_.contains(kind)) throw std::logic_error("device kind registered twice: " + kind);
  factories_.emplace(std::move(kind), std::move(factory));
}

bool DeviceRegistry::contains(std::string_view kind) const {
  return factories_.find(kind) != factories_.end();
}

std::vector<std::string> DeviceRegistry::kinds() const {
  std::vector<std::string> out;
  for (const auto& [k, f] : factories_) out.push_back(k);
  return out;
}

std::unique_ptr<dae::Device> DeviceRegistry::create(const DeviceSpec& spec) const {
  auto it = factories_.find(spec.kind);
  if (it == factories_.end()) {
    std::string known;
    for (const auto& [k, f] : factories_) known += (known.empty() ? "" : ", ") + k;
    throw core::ModelError(spec.name, "unknown load device kind '" + spec.kind + "' (known: " + known + ")");
  }
  return it->second(spec);
}

bool registerDeviceKind(std::string kind, DeviceFactory factory) {
  DeviceRegistry::instance().add(std::move(kind), std::move(factory));
  return true;
}

void ParameterReader::read(std::string_view key, double& field) {
  auto it = spec_.parameters.find(key);
  if (it == spec_.parameters.end()) return;
  field = it->second;
  used_.emplace(key);
}

void ParameterReader::finish() const {
  std::vector<std::string> unknown;
  for (const auto& [k, v] : spec_.parameters) {
    if (!used_.contains(k)) unknown.push_back("unknown parameter '" + k + "' for kind '" + spec_.kind + "'");
  }
  throwIfInvalid(spec_.name, unknown);
}

void throwIfInvalid(const std::string& element, const std::vector<std::string>& problems) {
  if (problems.empty()) return;
  std::string msg = "invalid parameters: ";
  for (std::size_t k = 0; k < problems.size(); ++k) msg += (k ? "; " : "") + problems[k];
  throw core::ModelError(element, msg);
}

void requirePorts(const DeviceSpec& spec, std::initializer_list<std::size_t> allowed) {
  if (std::find(allowed.begin(), allowed.end(), spec.ports) != allowed.end()) return;
  std::string list;
  for (std::size_t n : allowed) list += (list.empty() ? "" : " or ") + std::to_string(n);
  throw core::ModelError(spec.name,
                         "kind '" + spec.kind + "' takes " + list + " port(s), got " + std::to_string(spec.ports));
}

}  // namespace feederlab::loads
