// The one device interface of the DAE engine (see ../shared/design/architecture.md, "The DAE
// formulation"). Devices see only their own states and their ports; the assembler owns every
// global index, maps ports to network nodes and never lets devices see SUNDIALS types.
//
// Conventions (per unit throughout, so IDA tolerances mean the same everywhere):
//   - A port is a complex voltage across two network nodes (from, to; "to" may be ground) on one
//     voltage level. Port voltage v = V_from - V_to in pu of the port's base voltage (the
//     line-to-neutral nominal of a wye port, line-to-line of a delta or 240 V split-phase port:
//     the device's own rated voltage across that port).
//   - Port current i is the current the device draws from the network, flowing from "from" to "to"
//     through the device, in pu of the device's base current S_base_device / V_base_port, where
//     S_base_device is the device's own MVA base per port. The assembler scales it to the network.
//   - Rectangular parts: v[2k] = Re v_k, v[2k+1] = Im v_k; likewise i.
//   - Residual f(x, x', v) = 0 for the device's own states; differential states have f = g - x'
//     form or any form whose dF/dx' is given in the Jacobian with the factor cj.
#pragma once

#include <complex>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace feederlab::dae {

enum class VariableKind { Differential, Algebraic };

struct VariableInfo {
  std::string name;  // "slip", "e1_re", "theta_a", ...
  std::string unit;  // "pu", "pu on motor base", ...
  VariableKind kind = VariableKind::Differential;
  double abs_tolerance = 1e-6;
};

struct Context {
  double t = 0.0;             // s
  double frequency_pu = 1.0;  // network frequency (1 + delta f)
  double omega0 = 376.99111843077515;  // rad/s, 2*pi*f0
};

// Port voltage and power at the power-flow operating point; initialize() must make the device
// draw exactly s0 (complex power into the device, pu on the device base) at v0 with x' = 0.
// Exception: a device whose Q (or per-port split) is fixed by its physics (induction motors)
// matches the total P only and reports what it draws (InductionMotor::initialPower()); the
// composite load balances the remainder. initialize() receives no Context: devices that need
// omega0 take it at construction and must be built with the engine's ctx.omega0.
struct PortOperatingPoint {
  std::complex<double> v0;
  std::complex<double> s0;
};

// Sparse Jacobian entries. Blocks: "x" rows are the device's state residuals, "i" rows its port
// currents; "x" columns its states, "v" columns its port voltage parts (2 per port).
enum class Block { XX, XV, IX, IV };
class JacobianSink {
 public:
  virtual ~JacobianSink() = default;
  virtual void add(Block block, int row, int col, double value) = 0;
};

class Device {
 public:
  virtual ~Device() = default;
  virtual std::string_view kind() const = 0;
  virtual const std::string& name() const = 0;
  virtual std::size_t stateCount() const = 0;
  virtual std::size_t portCount() const = 0;
  virtual std::vector<VariableInfo> variables() const = 0;

  // States x (and x' = 0) so the device is at steady state drawing op[k].s0 at op[k].v0.
  // Throws core::ModelError naming the device when that is impossible.
  virtual void initialize(std::span<const PortOperatingPoint> op, std::span<double> x) = 0;

  // Pure and allocation-free: state residuals f and drawn port currents i.
  virtual void residual(const Context& ctx, std::span<const double> x, std::span<const double> xdot,
                        std::span<const double> v, std::span<double> f, std::span<double> i) const = 0;

  // Every (block,row,col) the jacobian() may ever write, once; the pattern never changes.
  virtual void jacobianPattern(JacobianSink& sink) const = 0;
  // dF/dx + cj dF/dx', dF/dv, dI/dx, dI/dv at the current point.
  virtual void jacobian(const Context& ctx, std::span<const double> x, std::span<const double> xdot,
                        std::span<const double> v, double cj, JacobianSink& sink) const = 0;

  // Discrete modes (stall, restart, contactor, thermal and UV trips, timers): root functions
  // g(t, x, v) whose sign changes mark an event; onRoot applies it (mode flags are device
  // members; states may be reset in x) and returns true when states or equations changed (the
  // solver then re-initializes). `fired[k]` is IDA's root direction (+1, -1) or 0.
  virtual std::size_t rootCount() const { return 0; }
  virtual void roots(const Context&, std::span<const double>, std::span<const double>, std::span<double>) const {}
  virtual bool onRoot(const Context&, std::span<double>, std::span<const double>, std::span<const int>) {
    return false;
  }
};

}  // namespace feederlab::dae
