// Static load of the composite load model (CMPLDW "static" share), one port.
//
// Source: WECC CMPLDW specification as restated in ../shared/design/load-models.md section 3.5.
//
// Parameters (StaticLoadParameters; pu values on the device's own MVA base):
//   p1c, p2c  [-]   coefficients of the two voltage-exponent P terms; P3 = 1 - p1c - p2c
//   p1e, p2e  [-]   voltage exponents of those terms
//   p_frq     [pu P / pu f]  frequency sensitivity of P
//   q1c, q2c, q1e, q2e, q_frq  the same for Q (Q3 = 1 - q1c - q2c)
//   v_zload   [pu]  below this port voltage the whole load continues as a constant impedance
//                   (the spec is silent; without it a term with exponent < 2 draws an unbounded
//                   or undefined current as V -> 0 at a bolted fault). 0 disables it.
// States: none (algebraic through the port current).
// Equations (V = |v| in pu of the port base, df = f - 1 with f = ctx.frequency_pu):
//   P = P0 (p1c V^p1e + p2c V^p2e + P3) (1 + p_frq df)                   [load-models 3.5]
//   Q = Q0 (q1c V^q1e + q2c V^q2e + Q3) (1 + q_frq df)                   [load-models 3.5]
//   V < v_zload:  P = P0 mP(v_zload) (V/v_zload)^2 (1 + p_frq df), likewise Q   [INTERP]
//   i = conj(S / v), S = P + jQ (current drawn, device convention of dae/device.hpp)
// Initialization: P0 = Re s0 / mP(|v0|), Q0 = Im s0 / mQ(|v0|), so the load draws exactly s0 at
//   v0 (at V = 1 pu and df = 0 the multipliers are exactly 1, so P0, Q0 are the 1-pu powers).
// Outputs: power(v, f) gives S at a port voltage.
// Constant impedance (source-side loads, network checks): StaticLoadParameters::constantImpedance().
#pragma once

#include <complex>
#include <span>
#include <string>
#include <vector>

#include "feederlab/dae/device.hpp"

namespace feederlab::loads {

struct StaticLoadParameters {
  double p1c = 0.83, p1e = 2.0, p2c = 0.17, p2e = 1.0, p_frq = 0.0;  // WECC Set W static group
  double q1c = -0.5, q1e = 2.0, q2c = 1.5, q2e = 1.0, q_frq = -1.0;
  double v_zload = 0.1;  // pu

  double p3() const { return 1.0 - p1c - p2c; }
  double q3() const { return 1.0 - q1c - q2c; }
  std::vector<std::string> validate() const;  // every problem, empty when valid
  static StaticLoadParameters constantImpedance();
};

class StaticLoad final : public dae::Device {
 public:
  StaticLoad(std::string name, const StaticLoadParameters& parameters);  // throws ModelError if invalid

  std::string_view kind() const override { return "static"; }
  const std::string& name() const override { return name_; }
  std::size_t stateCount() const override { return 0; }
  std::size_t portCount() const override { return 1; }
  std::vector<dae::VariableInfo> variables() const override { return {}; }

  void initialize(std::span<const dae::PortOperatingPoint> op, std::span<double> x) override;
  void residual(const dae::Context& ctx, std::span<const double> x, std::span<const double> xdot,
                std::span<const double> v, std::span<double> f, std::span<double> i) const override;
  void jacobianPattern(dae::JacobianSink& sink) const override;
  void jacobian(const dae::Context& ctx, std::span<const double> x, std::span<const double> xdot,
                std::span<const double> v, double cj, dae::JacobianSink& sink) const override;

  // Powers at 1 pu voltage and nominal frequency (set by initialize or setNominalPower).
  void setNominalPower(std::complex<double> s_nominal) { s_nominal_ = s_nominal; }
  std::complex<double> nominalPower() const { return s_nominal_; }
  // S = P + jQ drawn at port voltage magnitude v_mag and frequency f (pu).
  std::complex<double> power(double v_mag, double frequency_pu) const;
  const StaticLoadParameters& parameters() const { return p_; }

 private:
  struct Multiplier {
    double m = 0.0, dm_dv = 0.0;
  };
  static Multiplier multiplier(double v, double c1, double e1, double c2, double e2, double c3, double v_z);

  std::string name_;
  StaticLoadParameters p_;
  std::complex<double> s_nominal_{0.0, 0.0};
};

}  // namespace feederlab::loads
