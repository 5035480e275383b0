// Private helpers of the loads module: drawn current of a power-defined port and the real 2x2
// form of complex-linear maps (for hand-written Jacobians in rectangular coordinates).
#pragma once

#include <cmath>
#include <complex>

namespace feederlab::loads::detail {

using Complex = std::complex<double>;

// Current drawn at port voltage v = a + jb by a load taking S = P(V) + jQ(V), V = |v|:
//   i = conj(S / v) = (P - jQ) / (a - jb),  ir = (P a + Q b) / V^2,  ii = (P b - Q a) / V^2.
// dP_dV, dQ_dV are the total derivatives of P and Q w.r.t. V. Also returns the partials of
// (ir, ii) w.r.t. P and Q at fixed v, for loads whose P, Q depend on states.
struct PowerCurrent {
  double ir = 0.0, ii = 0.0;
  double dir_da = 0.0, dir_db = 0.0, dii_da = 0.0, dii_db = 0.0;
  double dir_dp = 0.0, dir_dq = 0.0, dii_dp = 0.0, dii_dq = 0.0;
};

inline PowerCurrent currentFromPower(double a, double b, double p, double q, double dp_dv, double dq_dv) {
  PowerCurrent c;
  const double w = a * a + b * b;
  const double v = std::sqrt(w);
  const double nr = p * a + q * b, ni = p * b - q * a;
  c.ir = nr / w;
  c.ii = ni / w;
  const double dp_da = dp_dv * a / v, dp_db = dp_dv * b / v;
  const double dq_da = dq_dv * a / v, dq_db = dq_dv * b / v;
  c.dir_da = (dp_da * a + p + dq_da * b) / w - 2.0 * a * nr / (w * w);
  c.dir_db = (dp_db * a + dq_db * b + q) / w - 2.0 * b * nr / (w * w);
  c.dii_da = (dp_da * b - dq_da * a - q) / w - 2.0 * a * ni / (w * w);
  c.dii_db = (dp_db * b + p - dq_db * a) / w - 2.0 * b * ni / (w * w);
  c.dir_dp = a / w;
  c.dir_dq = b / w;
  c.dii_dp = b / w;
  c.dii_dq = -a / w;
  return c;
}

// Real 2x2 matrix of w = A z (z, w complex, stored [re, im]): [[Re A, -Im A], [Im A, Re A]].
struct Mat2 {
  double m[2][2] = {{0.0, 0.0}, {0.0, 0.0}};
};
inline Mat2 complexMul(Complex a) {
  Mat2 r;
  r.m[0][0] = a.real();
  r.m[0][1] = -a.imag();
  r.m[1][0] = a.imag();
  r.m[1][1] = a.real();
  return r;
}

}  // namespace feederlab::loads::detail
