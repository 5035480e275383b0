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

struct Band {
  double v_low, v_min, v_max;  // volts
  Complex y_eq, y_min, y_max, y_max_i;
  Complex i_low, m95, m95i;
};

Band band(const model::Load& l, const CompiledLoad& c) {
  Band b;
  b.v_low = kVlowPu * c.v_base;
  b.v_min = l.vminpu * c.v_base;
  b.v_max = l.vmaxpu * c.v_base;
  b.y_eq = c.y_eq;
  b.y_min = l.vminpu != 0.0 ? c.y_eq / (l.vminpu * l.vminpu) : Complex{};
  b.y_max = l.vmaxpu != 0.0 ? c.y_eq / (l.vmaxpu * l.vmaxpu) : c.y_eq;
  b.y_max_i = l.vmaxpu != 0.0 ? c.y_eq / l.vmaxpu : c.y_eq;
  b.i_low = c.y_eq * b.v_low;
  const Complex i95 = b.y_min * b.v_min;
  b.m95 = (i95 - b.i_low) / (b.v_min - b.v_low);
  b.m95i = (c.y_eq * c.v_base - b.i_low) / (b.v_min - b.v_low);
  return b;
}

Complex interpolated(const Band& b, double vmag, bool const_i) {
  return (b.i_low + (const_i ? b.m95i : b.m95) * (vmag - b.v_low)) / vmag;
}

Complex zipCurrent(const model::Load& l, const CompiledLoad& c, const Band& b, Complex v, double vmag) {
  const auto& z = l.zipv;
  const Complex yz(b.y_eq.real() * z[0], b.y_eq.imag() * z[3]);
  Complex cur;
  if (vmag <= b.v_min) {
    const Complex yp = interpolated(b, vmag, false), yi = interpolated(b, vmag, true);
    cur = (yz + Complex(yp.real() * z[2], yp.imag() * z[5]) + Complex(yi.real() * z[1], yi.imag() * z[4])) * v;
  } else if (vmag > b.v_max) {
    cur = (yz + Complex(b.y_max.real() * z[2], b.y_max.imag() * z[5]) +
           Complex(b.y_max_i.real() * z[1], b.y_max_i.imag() * z[4])) * v;
  } else {
    const Complex s = c.s_nominal;
    cur = yz * v + std::conj(Complex(s.real() * z[1], s.imag() * z[4]) / (v / vmag * c.v_base)) +
          std::conj(Complex(s.real() * z[2], s.imag() * z[5]) / v);
  }
  if (z[6] > 0.0) {  // smooth low-voltage cut-off
    const double vx = 500.0 * (vmag / c.v_base - z[6]);
    cur *= 0.5 * (1.0 + std::tanh(vx));
  }
  return cur;
}

Complex cvrCurrent(const model::Load& l, const CompiledLoad& c, Complex v, double vmag) {
  const double ratio = vmag / c.v_base;
  const double wf = l.cvr_watts != 1.0 ? std::pow(ratio, l.cvr_watts) : ratio;
  Complex cur = wf > 0.0 ? std::conj(Complex(c.s_nominal.real() * wf, 0.0) / v) : Complex{};
  if (l.cvr_vars == 2.0)
    cur += Complex(0.0, c.y_eq.imag()) * v;
  else
    cur += std::conj(Complex(0.0, c.s_nominal.imag() * std::pow(ratio, l.cvr_vars)) / v);
  return cur;
}

}  // namespace

Complex loadCurrent(const model::Load& l, const CompiledLoad& c, Complex v) {
  const double vmag = std::abs(v);
  if (l.model == model::LoadModel::ConstZ || vmag == 0.0) return c.y_eq * v;
  const Band b = band(l, c);
  if (vmag <= b.v_low) return b.y_eq * v;
  if (l.model == model::LoadModel::Zip) return zipCurrent(l, c, b, v, vmag);
  const bool const_i = l.model == model::LoadModel::ConstI;
  if (vmag <= b.v_min) return interpolated(b, vmag, const_i) * v;
  if (vmag > b.v_max) return (const_i ? b.y_max_i : b.y_max) * v;
  switch (l.model) {
    case model::LoadModel::ConstI: return std::conj(c.s_nominal / (v / vmag * c.v_base));
    case model::LoadModel::Cvr: return cvrCurrent(l, c, v, vmag);
    case model::LoadModel::Motor:
      return std::conj(Complex(c.s_nominal.real(), 0.0) / v) + Complex(0.0, c.y_eq.imag()) * v;
    default: return std::conj(c.s_nominal / v);  // constant PQ (and models not implemented)
  }
}

}  // namespace feederlab::powerflow::detail
