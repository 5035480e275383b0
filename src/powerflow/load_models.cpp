// Load models as OpenDSS evaluates them in its power flow (Load.pas):
//   1 constant PQ, 2 constant Z, 4 CVR exponents, 5 constant current magnitude, 8 ZIPV.
// Outside [vminpu, vmaxpu] every model turns into an impedance that meets the nominal curve at the
// limit; below vlowpu (0.5) it is the rated-voltage impedance Yeq, and between vlowpu and vminpu the
// current magnitude is interpolated linearly (OpenDSS's low-voltage convergence aid).
#include "load_models.hpp"

#include <cmath>

namespace feederlab::powerflow::detail {

namespace {

using Complex = std::complex<double>;
constexpr double kVlowPu = 0.5;  // OpenDSS Load vlowpu default

Complex interpolated(const LoadLaw& b, double vmag, bool const_i) {
  return (b.i_low + (const_i ? b.m95i : b.m95) * (vmag - b.v_low)) / vmag;
}

Complex zipCurrent(const LoadLaw& b, Complex v, double vmag) {
  const auto& z = b.zipv;
  const Complex yz(b.y_eq.real() * z[0], b.y_eq.imag() * z[3]);
  Complex cur;
  if (vmag <= b.v_min) {
    const Complex yp = interpolated(b, vmag, false), yi = interpolated(b, vmag, true);
    cur = (yz + Complex(yp.real() * z[2], yp.imag() * z[5]) + Complex(yi.real() * z[1], yi.imag() * z[4])) * v;
  } else if (vmag > b.v_max) {
    cur = (yz + Complex(b.y_max.real() * z[2], b.y_max.imag() * z[5]) +
           Complex(b.y_max_i.real() * z[1], b.y_max_i.imag() * z[4])) *
          v;
  } else {
    const Complex s = b.s_nominal;
    cur = yz * v + std::conj(Complex(s.real() * z[1], s.imag() * z[4]) / (v / vmag * b.v_base)) +
          std::conj(Complex(s.real() * z[2], s.imag() * z[5]) / v);
  }
  if (z[6] > 0.0) {  // smooth low-voltage cut-off
    const double vx = 500.0 * (vmag / b.v_base - z[6]);
    cur *= 0.5 * (1.0 + std::tanh(vx));
  }
  return cur;
}

// conj(S / V) without a complex division: conj(S) V / |V|^2 (this runs per load per iteration).
Complex conjDiv(Complex s, Complex v, double vmag2) {
  return std::conj(s) * v / vmag2;
}

Complex cvrCurrent(const LoadLaw& b, Complex v, double vmag) {
  const double ratio = vmag / b.v_base;
  const double vmag2 = vmag * vmag;
  const double wf = b.cvr_watts != 1.0 ? std::pow(ratio, b.cvr_watts) : ratio;
  Complex cur = wf > 0.0 ? v * (b.s_nominal.real() * wf / vmag2) : Complex{};
  if (b.cvr_vars == 2.0) {
    cur += Complex(0.0, b.y_eq.imag()) * v;
  } else {
    const double vf = b.cvr_vars == 3.0 ? ratio * ratio * ratio : std::pow(ratio, b.cvr_vars);
    cur += conjDiv(Complex(0.0, b.s_nominal.imag() * vf), v, vmag2);
  }
  return cur;
}

}  // namespace

LoadLaw loadLaw(const model::Load& l, const CompiledLoad& c) {
  LoadLaw b;
  b.model = l.model;
  b.v_base = c.v_base;
  b.s_nominal = c.s_nominal;
  b.cvr_watts = l.cvr_watts;
  b.cvr_vars = l.cvr_vars;
  b.zipv = l.zipv;
  b.v_low = kVlowPu * c.v_base;
  b.v_min = l.vminpu * c.v_base;
  b.v_max = l.vmaxpu * c.v_base;
  b.y_eq = c.y_eq;
  b.y_min = l.vminpu != 0.0 ? c.y_eq / (l.vminpu * l.vminpu) : Complex{};
  b.y_max = l.vmaxpu != 0.0 ? c.y_eq / (l.vmaxpu * l.vmaxpu) : c.y_eq;
  b.y_max_i = l.vmaxpu != 0.0 ? c.y_eq / l.vmaxpu : c.y_eq;
  b.i_low = c.y_eq * b.v_low;
  b.m95 = (b.y_min * b.v_min - b.i_low) / (b.v_min - b.v_low);
  b.m95i = (c.y_eq * c.v_base - b.i_low) / (b.v_min - b.v_low);
  return b;
}

Complex loadCurrent(const LoadLaw& b, Complex v) {
  const double vmag = std::sqrt(std::norm(v));
  if (b.model == model::LoadModel::ConstZ || vmag == 0.0) return b.y_eq * v;
  if (vmag <= b.v_low) return b.y_eq * v;
  if (b.model == model::LoadModel::Zip) return zipCurrent(b, v, vmag);
  const bool const_i = b.model == model::LoadModel::ConstI;
  if (vmag <= b.v_min) return interpolated(b, vmag, const_i) * v;
  if (vmag > b.v_max) return (const_i ? b.y_max_i : b.y_max) * v;
  switch (b.model) {
    case model::LoadModel::ConstI:
      return std::conj(b.s_nominal / (v / vmag * b.v_base));
    case model::LoadModel::Cvr:
      return cvrCurrent(b, v, vmag);
    case model::LoadModel::Motor:
      return std::conj(Complex(b.s_nominal.real(), 0.0) / v) + Complex(0.0, b.y_eq.imag()) * v;
    default:
      return conjDiv(b.s_nominal, v, vmag * vmag);  // constant PQ (and models not implemented)
  }
}

}  // namespace feederlab::powerflow::detail
