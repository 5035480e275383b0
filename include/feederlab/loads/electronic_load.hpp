// Electronic load of the composite load model (CMPLDW "Fel" share), one port.
//
// Sources: WECC CMPLDW specification as restated in ../shared/design/load-models.md section 3.4;
// implementation as Dynawo `Dynawo.Electrical.Loads.ElectronicLoad` (memory filter tFilter).
//
// Parameters (ElectronicLoadParameters):
//   v_d1     [pu]  voltage at which the load starts to disconnect
//   v_d2     [pu]  voltage below which it is fully disconnected (v_d2 < v_d1)
//   frcel    [-]   share of the tripped load that recovers as the voltage returns, in [0, 1]
//   t_filter [s]   time constant with which the memory Vmin follows a falling V (Dynawo tFilter)
// State: v_min [pu], Differential: the lowest voltage seen, bounded below at v_d2.
//   Handling (justification): the exact memory min(V) cannot be a pure discrete state updated at
//   roots, because the instant V stops falling is a zero of dV/dt, which the device cannot see
//   (v is algebraic, no v'). As in Dynawo, v_min is a differential state that, in "tracking"
//   mode, follows V with the lag t_filter (10 ms) and is frozen otherwise:
//     tracking:  v_min' = (V - v_min) / t_filter          [Dynawo ElectronicLoad]
//     holding:   v_min' = 0
//   The mode flips at roots: g0 = V - v_min (+1e-6 pu while holding, so that g0 is not zero
//   right after initialization, where V = v_min) (falls through 0: start tracking if v_min > v_d2;
//   rises through 0: hold) and g1 = v_min - v_d2 (reaches 0: hold, the lower bound). While V
//   falls, the share uses V itself, so the lag does not change c; when V turns up, V crosses
//   v_min and c is continuous there. The memory sits above the true minimum by the lag error.
//   The bound is applied in c (v_min -> max(v_min, v_d2)), never by resetting the state: a root
//   located at a step end leaves v_min a little below v_d2, and a state jump would force the
//   solver to re-initialize for every clamp (thousands on a feeder).
// Equations (V = |v|, pu of the port base; c the connected share)         [load-models 3.4]
//   V < v_d2:                     c = 0
//   v_d2 <= V < v_d1, V <= v_min: c = (V - v_d2) / (v_d1 - v_d2)
//   v_d2 <= V < v_d1, V > v_min:  c = [(v_min - v_d2) + frcel (V - v_min)] / (v_d1 - v_d2)
//   V >= v_d1:                    c = 1 if v_min >= v_d1,
//                                 else [(v_min - v_d2) + frcel (v_d1 - v_min)] / (v_d1 - v_d2)
//   P = P0 c, Q = Q0 c, i = conj(S / v). No frequency dependence.
// Initialization: v_min = max(|v0|, v_d2), holding; P0 + jQ0 = s0 / c(|v0|, v_min) (= s0 at
//   |v0| >= v_d1); ModelError if c = 0 while s0 != 0.
// Outputs: connectedShare(V, v_min).
#pragma once

#include <complex>
#include <span>
#include <string>
#include <vector>

#include "feederlab/dae/device.hpp"

namespace feederlab::loads {

struct ElectronicLoadParameters {
  double v_d1 = 0.7;       // pu, WECC Set W
  double v_d2 = 0.5;       // pu
  double frcel = 1.0;      // -
  double t_filter = 0.01;  // s, Dynawo default

  std::vector<std::string> validate() const;
};

class ElectronicLoad final : public dae::Device {
 public:
  ElectronicLoad(std::string name, const ElectronicLoadParameters& parameters);

  std::string_view kind() const override { return "electronic"; }
  const std::string& name() const override { return name_; }
  std::size_t stateCount() const override { return 1; }
  std::size_t portCount() const override { return 1; }
  std::vector<dae::VariableInfo> variables() const override;

  void initialize(std::span<const dae::PortOperatingPoint> op, std::span<double> x) override;
  void residual(const dae::Context& ctx, std::span<const double> x, std::span<const double> xdot,
                std::span<const double> v, std::span<double> f, std::span<double> i) const override;
  void jacobianPattern(dae::JacobianSink& sink) const override;
  void jacobian(const dae::Context& ctx, std::span<const double> x, std::span<const double> xdot,
                std::span<const double> v, double cj, dae::JacobianSink& sink) const override;

  std::size_t rootCount() const override { return 2; }
  void roots(const dae::Context& ctx, std::span<const double> x, std::span<const double> v,
             std::span<double> g) const override;
  bool onRoot(const dae::Context& ctx, std::span<double> x, std::span<const double> v,
              std::span<const int> fired) override;

  struct Share {
    double c = 0.0, dc_dv = 0.0, dc_dvmin = 0.0;
  };
  Share connectedShare(double v_mag, double v_min) const;
  bool tracking() const { return tracking_; }
  void setTracking(bool tracking) { tracking_ = tracking; }  // for tests and re-initialization
  std::complex<double> nominalPower() const { return s_nominal_; }
  void setNominalPower(std::complex<double> s) { s_nominal_ = s; }

 private:
  std::string name_;
  ElectronicLoadParameters p_;
  std::complex<double> s_nominal_{0.0, 0.0};
  bool tracking_ = false;
};

}  // namespace feederlab::loads
