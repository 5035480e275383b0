// The DAE of a feeder: network current balance plus device dynamics, F(t, y, y') = 0.
//
// Formulation (architecture.md, "The DAE formulation"; current-injection form of the network
// equations as in F. Milano, Power System Modelling and Scripting, Springer 2010, ch. 4 and 7,
// written in rectangular coordinates on the full multi-phase network):
//   unknowns y = [ (Re u_k, Im u_k) for every network node k | device states, device by device ]
//   u_k = V_k / Vb_k            node voltage in pu of the node's line-to-neutral base Vb_k
//   node rows:   F_k = I_src,k(t) - (Y u)_k - sum_devices c_d a_{d,p,k} i_{d,p}   (pu of Ib_k)
//   device rows: f_d(x_d, x_d', v_d) = 0, v_{d,p} = sum_k a_{d,p,k} u_k
// with the system base S = kSystemBaseVa (per phase), Ib_k = S / Vb_k, Y in pu
// (Y_pu,jk = Y_jk Vb_j Vb_k / S), a_{d,p,from} = Vb_from / Vport, a_{d,p,to} = -Vb_to / Vport
// (Vport: the port's base volts), c_d = S_device / S. The same real coefficient maps node
// voltages to port voltages and device currents back to node currents, so the coupling is
// symmetric in structure.
//
// Y is the power flow's nodal matrix without the loads' rated admittances (the loads are devices)
// and with the source Thevenin impedance; the source EMF behind it is a Norton injection
// I_src = Y_src E whose per-phase magnitude can be scaled (source sags) as a linear function of
// time between two solver stops. Shunts (faults) are admittance stamps registered before
// finalize(); they are part of the fixed sparsity pattern and switched by value.
//
// Switchable branch stamps (switch open/close events) are admittance matrices between network
// nodes registered before finalize() like shunts; a scale in [0, 1] switches them by value (an
// opened switch is a stamp of minus its primitive admittance with scale 1).
//
// Imposed voltages (voltage playback): the node rows of the chosen nodes are replaced by
//   F_k = u_k - u_set,k(t) = 0   (re and im rows)
// so the node is an ideal voltage source; what the rest of the network (source EMF included) would
// inject there is ignored. At @head this cuts the source path entirely: the feeder sees only the
// recorded voltage. The Jacobian rows of those nodes become identity rows.
//
// Load steps: every device's current coupling c_d can be scaled (setDeviceScale): more or fewer
// identical units at the same terminal.
//
// Head measurement (cli.md "Head P/Q"): the power through every branch at @head except those back
// to the parent bus and one-terminal shunts (as the power flow's head_power), minus the power of
// the devices named by setHeadExcludedDevices() (source-side loads beyond @head).
//
// Use: Assembler(network, pf) -> addDevice(...)*, addShunt(...)*, addBranchStamp(...)*,
// addImposedVoltage(...)* -> finalize() -> initialize().
// Devices never see global indices: the assembler hands them spans (device.hpp).
#pragma once

#include <array>
#include <complex>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "feederlab/dae/device.hpp"
#include "feederlab/powerflow/network.hpp"
#include "feederlab/powerflow/powerflow.hpp"

namespace feederlab::dae {

inline constexpr double kSystemBaseVa = 1.0e6;  // network per-unit base, per phase

// One device port on the network: nodes are network node indices (-1 = ground).
struct PortConnection {
  int from = -1;
  int to = -1;
  double v_base_volts = 0.0;  // the device's own base across this port
};

struct InitReport {
  double max_residual = 0.0;         // max |F_j(y0, 0, 0)|
  double max_scaled_residual = 0.0;  // node rows divided by max(1, sum_j |Y_kj|); the checked one
  std::string worst;                 // at the worst scaled entry: "node 671.1 (re)" or "device ... / slip"
};

// A Jacobian in compressed sparse column form (fixed pattern, values refreshed).
struct CscPattern {
  int n = 0;
  std::vector<int> col_ptr;
  std::vector<int> row_idx;
};

class Assembler {
 public:
  // Keeps references to `network` (which must outlive the assembler; use the power-flow
  // solver's network so taps and capacitor states match `pf`).
  Assembler(const powerflow::Network& network, const powerflow::Result& pf);
  ~Assembler();
  Assembler(const Assembler&) = delete;
  Assembler& operator=(const Assembler&) = delete;

  // Before finalize(). `op` is the device's operating point in its own per unit (passed to
  // initialize()); `s_base_mva` the device base per port. Returns the device index.
  std::size_t addDevice(std::unique_ptr<Device> device, std::vector<PortConnection> ports, double s_base_mva,
                        std::vector<PortOperatingPoint> op);
  // A shunt admittance (siemens) between two network nodes (-1 = ground), inactive (zero) until
  // setShunt(). Returns the shunt index.
  std::size_t addShunt(std::string name, int from, int to);
  // A switchable admittance stamp (siemens, row-major, order nodes.size(); nodes are network node
  // indices, -1 = ground), inactive (scale 0) until setBranchStampScale(). `cancels_branch`: index
  // into network().branches() of the branch this stamp cancels (an opened switch), so that the
  // head measurement drops that branch's flow in proportion to the scale; -1 otherwise.
  std::size_t addBranchStamp(std::string name, std::vector<int> nodes, std::vector<std::complex<double>> y_siemens,
                             int cancels_branch = -1);
  // Per-phase set-point of imposed nodes: u_pu[k] for nodes[k], pu of each node's base, at time t.
  using VoltageFunction = std::function<void(double t, std::span<std::complex<double>> u_pu)>;
  // Imposes u_set(t) at the given nodes (voltage playback). At most one imposed set per node.
  void addImposedVoltage(std::string name, std::vector<int> nodes, VoltageFunction set_point);
  // Builds the index map and the sparsity pattern; no devices or shunts may be added after it.
  void finalize();

  // y0 from the power-flow node voltages, device states from Device::initialize(), y0' = 0.
  // Then checks the scaled ||F(y0, 0, t=0)||_inf <= tolerance (InitReport); throws core::NumericalError naming the worst
  // node or device variable when it is not.
  InitReport initialize(double tolerance = 1e-8);

  std::size_t size() const { return n_; }
  std::size_t nodeUnknowns() const { return 2 * static_cast<std::size_t>(nodes_); }
  std::span<const double> y0() const { return y0_; }
  std::span<const double> yp0() const { return yp0_; }
  // 1 differential, 0 algebraic (IDASetId), per unknown.
  const std::vector<double>& differentialMask() const { return id_; }
  // Absolute tolerance per unknown (nodes: node_abs_tolerance; devices: VariableInfo).
  std::vector<double> absTolerances(double node_abs_tolerance = 1e-6) const;
  std::string variableName(std::size_t j) const;

  // F(t, y, y'); allocation-free after finalize(). Not thread-safe (scratch buffers).
  void residual(double t, std::span<const double> y, std::span<const double> yp, std::span<double> f) const;
  const CscPattern& jacobianPattern() const { return pattern_; }
  // dF/dy + cj dF/dy' in the pattern's value order.
  void jacobian(double t, std::span<const double> y, std::span<const double> yp, double cj,
                std::span<double> values) const;

  // Discrete modes: concatenated device roots.
  std::size_t rootCount() const { return root_count_; }
  void roots(double t, std::span<const double> y, std::span<const double> yp, std::span<double> g) const;
  // Device owning global root k, and the roots of one device only (fired is the global vector;
  // entries of other devices are ignored). True when the device changed states or equations.
  std::size_t rootDevice(std::size_t k) const;
  bool onDeviceRoots(std::size_t d, double t, std::span<double> y, std::span<const int> fired);
  // Root functions of device d only, written at its entries of the global vector g (after a
  // device's mode change the other devices' root values stay valid).
  void deviceRoots(std::size_t d, double t, std::span<const double> y, std::span<double> g) const;
  // "device composite 671 / root 3" for a global root index (diagnostics).
  std::string rootName(std::size_t k) const;
  // Forwards fired roots (IDA's directions) to the devices; device states may be reset in y.
  // True when any device changed states or equations.
  bool onRoots(double t, std::span<double> y, std::span<const int> fired);

  // Events.
  void setShunt(std::size_t shunt, std::complex<double> admittance_siemens);
  // Source EMF magnitude per phase (a, b, c) relative to the power-flow EMF:
  // scale(t) = at_t0 + slope * (t - t0), for t from t0 until the next call.
  void setSourceEmfScale(std::array<double, 3> at_t0, double t0 = 0.0, std::array<double, 3> slope_per_s = {});
  void setBranchStampScale(std::size_t stamp, double scale);
  // Current coupling of device d scaled by `scale` (1 = as built): load steps.
  void setDeviceScale(std::size_t d, double scale);
  double deviceScale(std::size_t d) const;
  // Devices whose power is taken out of headPowerVa() (source-side loads beyond @head).
  void setHeadExcludedDevices(std::vector<std::size_t> devices);

  // Measurements (y in the assembler's layout).
  const powerflow::Network& network() const { return *network_; }
  std::complex<double> nodeVoltagePu(std::span<const double> y, int node) const {
    return {y[2 * static_cast<std::size_t>(node)], y[2 * static_cast<std::size_t>(node) + 1]};
  }
  model::BusId headBus() const { return head_bus_; }
  // |V| per phase a/b/c at @head in pu (0 for a missing phase).
  std::array<double, 3> headVoltagePu(std::span<const double> y) const;
  // Complex power (VA) per phase into the feeder at @head: through the branches leaving @head
  // (not those to the parent bus, not shunts), minus the excluded devices' power.
  std::array<std::complex<double>, 3> headPowerVa(std::span<const double> y) const;
  // Complex power (VA) drawn by device d from the network at y (sum over its ports), with the
  // device's scale applied.
  std::complex<double> devicePowerVa(std::size_t d, std::span<const double> y) const;

  std::size_t deviceCount() const;
  const Device& device(std::size_t d) const;
  Device& device(std::size_t d);
  std::size_t deviceOffset(std::size_t d) const;  // first global unknown of device d's states

  struct Impl;  // implementation detail (src/dae/assembler.cpp)

 private:
  // Per network node touched by device d: complex power (VA) the device draws there.
  std::vector<std::pair<int, std::complex<double>>> nodePowers(std::size_t d, std::span<const double> y) const;

  std::unique_ptr<Impl> impl_;
  const powerflow::Network* network_;
  int nodes_ = 0;
  std::size_t n_ = 0;
  std::size_t root_count_ = 0;
  std::vector<double> y0_, yp0_, id_;
  CscPattern pattern_;
  model::BusId head_bus_ = model::kNoBus;
};

}  // namespace feederlab::dae
