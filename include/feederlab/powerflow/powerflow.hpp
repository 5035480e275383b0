// Unbalanced three-phase power flow on the full multi-phase network.
//
// Method (OpenDSS's "normal" solution): the nodal admittance matrix Y holds every linear element
// plus each load's impedance at rated voltage; each iteration injects the sources' Norton currents
// and, per load, the difference between that impedance's current and the load model's current:
//     Y V(k+1) = I_source + sum_loads (Y_load V(k) - I_load(V(k)))
// (Dugan & McDermott, "An open source platform for collaborating on smart grid research", IEEE PES
// GM 2011; OpenDSS technical reference, "Solution technique"). Y is factored once with KLU and
// reused; control actions only refactor numerically. Anderson mixing (see Options) shortens the path
// to the same fixed point. We iterate to max |dV| < tolerance (1e-9 pu by default), far tighter
// than OpenDSS's 1e-4, so the answer is the exact solution and OpenDSS's lies within its own
// tolerance of it.
//
// Controls (static mode, as OpenDSS's ControlMode=STATIC): after each converged solution every
// RegControl and CapControl samples; those needing action are queued with their delay, and only the
// queued actions with the smallest delay execute before the next solution. A regulator moves
// max(1, trunc(0.7 * needed)) steps, at most MaxTapChange (OpenDSS RegControl AtLeastOneTap).
#pragma once

#include <array>
#include <complex>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "feederlab/model/feeder.hpp"
#include "feederlab/powerflow/network.hpp"

namespace feederlab::powerflow {

enum class ControlMode { Static, Off };

struct Options {
  std::optional<ControlMode> controls;  // unset: as the input says (Settings::controls_off)
  double tolerance = 1e-9;              // max |dV| per node, in pu of the node's base voltage
                                        // (below 1e-10 the iteration stops once it stagnates:
                                        // that is the rounding floor; see max_mismatch_pu)
  int max_iterations = 500;             // per solution (Settings::max_iterations is OpenDSS's, for
                                        // its 1e-4 tolerance, and is not used)
  int max_control_iterations = 0;       // 0: Settings::max_control_iterations
  int acceleration_depth = 5;           // Anderson acceleration history (0: plain fixed point)
  std::function<void(int iteration, double mismatch_pu)> on_iteration;  // diagnostics
};

// Current and power of one conductor of an element, flowing INTO the element.
struct ConductorFlow {
  model::BusId bus = model::kNoBus;
  int terminal = 0;  // 0-based terminal of the element
  int node = 0;      // OpenDSS node number (0 = ground)
  Complex current;   // A
  Complex power;     // VA (W + j var)
};

struct ElementFlow {
  ElementKind kind = ElementKind::Line;
  int element = -1;  // index into the feeder vector of that kind
  int terminals = 0;
  int conductors = 0;                // per terminal
  std::vector<ConductorFlow> flows;  // terminal-major: terminals * conductors
  Complex losses;                    // VA: sum of power into the element over all conductors
  Complex terminalPower(int terminal) const;
};

// "line.650632" style name of an element (OpenDSS class name, lower case).
std::string elementName(const model::Feeder& feeder, ElementKind kind, int element);

struct LoadFlow {
  int load = -1;                 // index into Feeder::loads
  std::vector<Complex> voltage;  // V across each phase element
  std::vector<Complex> current;  // A through each phase element
  Complex power;                 // VA drawn (sum over phase elements)
};

struct NodeVoltage {
  model::BusId bus = model::kNoBus;
  int node = 0;
  Complex volts;
  double base_volts = 0.0;  // line-to-neutral base
  double pu() const { return base_volts > 0 ? std::abs(volts) / base_volts : 0.0; }
};

struct Result {
  bool converged = false;
  int iterations = 0;  // fixed-point iterations, summed over control iterations
  int control_iterations = 0;
  double max_mismatch_pu = 0;         // last max |dV|
  std::vector<NodeVoltage> voltages;  // every network node, bus order then node number
  std::vector<ElementFlow> branches;  // lines, switches, transformers, reactors, capacitors
  std::vector<ElementFlow> sources;   // power delivered INTO the network is -terminal power
  std::vector<LoadFlow> loads;
  std::vector<std::vector<Complex>> source_power;  // per source, per phase: VA delivered to the bus
  model::BusId head_bus = model::kNoBus;
  std::array<Complex, 3> head_power{};    // VA per phase a/b/c into the feeder at @head
  Complex losses;                         // series elements (lines, switches, transformers, series reactors)
  Complex shunt_power;                    // shunt capacitors and reactors (VA absorbed; negative var for caps)
  Complex load_power;                     // VA drawn by all loads
  std::map<std::string, int> taps;        // regcontrol name -> tap position (steps)
  std::map<std::string, double> taps_pu;  // regcontrol name -> tap (pu)
  std::map<std::string, std::vector<int>> capacitor_states;  // capacitor name -> 0/1 per step
  std::vector<std::string> warnings;

  // Voltage of a bus node (complex volts); nullopt if the node is not in the network.
  std::optional<Complex> voltage(model::BusId bus, int node) const;
};

// Holds a reference to the feeder: the feeder must outlive the solver (results do not refer to it).
class Solver {
 public:
  explicit Solver(const model::Feeder& feeder, Options options = {});
  ~Solver();
  Solver(const Solver&) = delete;
  Solver& operator=(const Solver&) = delete;

  // Solves (with the control loop when controls are static). Throws core::NumericalError on
  // non-convergence, naming the worst nodes and the mismatch.
  Result solve();
  // Solves again from the rated-impedance start with the current taps and capacitor states,
  // keeping the factorization (no control loop). For benchmarks and repeated studies.
  Result resolve();

  const Network& network() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Convenience: Solver(feeder, options).solve().
Result solvePowerFlow(const model::Feeder& feeder, const Options& options = {});

}  // namespace feederlab::powerflow

namespace feederlab::powerflow {

// voltages.csv as ../shared/design/cli.md specifies: bus,node,vmag_volts,vmag_pu,angle_deg,base_kv.
// Throws core::NumericalError if any value is not finite (no NaN is ever written).
std::string voltagesCsv(const model::Feeder& feeder, const Result& result);

}  // namespace feederlab::powerflow
