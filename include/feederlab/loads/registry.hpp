// Device registry: creates load devices from plain parameter data, keyed by kind string
// (architecture rule 5: adding a model never edits a central switch).
//
// Each device source file registers its own kinds with a namespace-scope initializer:
//
//   namespace {
//   const bool kRegistered = feederlab::loads::registerDeviceKind("static", &makeStaticLoad);
//   }
//
// Kinds registered here: "static", "constant_impedance" (static_load.cpp), "electronic"
// (electronic_load.cpp), "motor_a", "motor_b", "motor_c" (induction_motor.cpp; WECC Set W
// defaults of load-models.md 3.6 for that letter). Motor D registers "motor_d" in its own file.
//
// Linking note: feederlab_loads is a STATIC library, so a translation unit referenced only
// through its static registration object is dropped by the linker. Executables that create
// devices only through the registry must link the library whole-archive, e.g.
//   target_link_libraries(exe PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,feederlab_loads>")
// (CMake >= 3.24). kinds() lists what actually got linked.
#pragma once

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "feederlab/dae/device.hpp"

namespace feederlab::loads {

// Plain parameter data: parameter name (the field name of the kind's parameter struct, e.g.
// "r_s", "v_d1") -> value in the unit its doc block states.
using ParameterMap = std::map<std::string, double, std::less<>>;

struct DeviceSpec {
  std::string kind;              // registry key
  std::string name;              // device name, used in every error message
  std::size_t ports = 1;         // port count; each kind states which counts it accepts
  ParameterMap parameters = {};  // overrides of the kind's defaults; an unknown name is an error
};

using DeviceFactory = std::function<std::unique_ptr<dae::Device>(const DeviceSpec&)>;

class DeviceRegistry {
 public:
  static DeviceRegistry& instance();
  // Throws std::logic_error when the kind is already registered.
  void add(std::string kind, DeviceFactory factory);
  bool contains(std::string_view kind) const;
  std::vector<std::string> kinds() const;  // sorted
  // Throws core::ModelError (element = spec.name) for an unknown kind or bad parameters.
  std::unique_ptr<dae::Device> create(const DeviceSpec& spec) const;

 private:
  std::map<std::string, DeviceFactory, std::less<>> factories_;
};

// For static registration; always returns true.
bool registerDeviceKind(std::string kind, DeviceFactory factory);

// Reads a ParameterMap into a parameter struct: read("r_s", p.r_s) overwrites the default when
// the map has the name; finish() throws core::ModelError listing every name never read.
class ParameterReader {
 public:
  explicit ParameterReader(const DeviceSpec& spec) : spec_(spec) {}
  void read(std::string_view key, double& field);
  void finish() const;

 private:
  const DeviceSpec& spec_;
  std::set<std::string, std::less<>> used_;
};

// Throws core::ModelError(element, "invalid parameters: p1; p2; ...") when problems is not empty.
void throwIfInvalid(const std::string& element, const std::vector<std::string>& problems);

// Throws core::ModelError when spec.ports is not among `allowed`.
void requirePorts(const DeviceSpec& spec, std::initializer_list<std::size_t> allowed);

inline constexpr double kNever = std::numeric_limits<double>::infinity();  // a timer that never fires

}  // namespace feederlab::loads
