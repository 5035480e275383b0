// Primitive admittance matrices, built the way OpenDSS builds them (see network.hpp for sources).
#include "primitives.hpp"

#include <Eigen/Dense>
#include <cmath>

#include "feederlab/core/error.hpp"
#include "feederlab/core/units.hpp"

namespace feederlab::powerflow::detail {

namespace {

using core::kPi;
using core::kSqrt3;
using Index = std::size_t;

// OpenDSS's default 1 ppm anti-float admittance (Transformer ppm_antifloat).
constexpr double kPpmFloat = 1.0e-6;
// Admittance OpenDSS uses for a solidly grounded neutral given as rneut=0, xneut=0 (1 micro-ohm).
constexpr double kSolidNeutral = 1.0e6;

Complex& at(Dense& m, Index n, Index r, Index c) {
  return m[r * n + c];
}

// Adds y between conductors a and b (both sides) of an n-order primitive.
void stampBetween(Dense& m, Index n, Index a, Index b, Complex y) {
  at(m, n, a, a) += y;
  at(m, n, b, b) += y;
  at(m, n, a, b) -= y;
  at(m, n, b, a) -= y;
}

// Series element from a phases x phases admittance: [[Y, -Y], [-Y, Y]].
Dense seriesFrom(const Dense& y, Index p) {
  const Index n = 2 * p;
  Dense out(n * n);
  for (Index r = 0; r < p; ++r)
    for (Index c = 0; c < p; ++c) {
      const Complex v = y[r * p + c];
      at(out, n, r, c) += v;
      at(out, n, r + p, c + p) += v;
      at(out, n, r, c + p) -= v;
      at(out, n, r + p, c) -= v;
    }
  return out;
}

}  // namespace

Dense invert(const Dense& a, std::size_t n, const std::string& element) {
  Eigen::MatrixXcd m(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  for (Index r = 0; r < n; ++r)
    for (Index c = 0; c < n; ++c) m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = a[r * n + c];
  Eigen::FullPivLU<Eigen::MatrixXcd> lu(m);
  if (!lu.isInvertible()) throw core::ModelError(element, "impedance matrix is singular");
  const Eigen::MatrixXcd inv = lu.inverse();
  Dense out(n * n);
  for (Index r = 0; r < n; ++r)
    for (Index c = 0; c < n; ++c) out[r * n + c] = inv(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c));
  return out;
}

Dense lineY(const model::Line& line) {
  const auto p = static_cast<Index>(line.phases);
  const core::CMatrix z = line.totalZ();
  const core::CMatrix yc = line.totalY();
  if (z.n != p) throw core::ModelError("line." + line.name, "impedance matrix size differs from phases");
  const Dense ys = invert(z.values, p, "line." + line.name);
  Dense out = seriesFrom(ys, p);
  const Index n = 2 * p;
  if (yc.n == p)  // pi model: half the shunt admittance at each end
    for (Index r = 0; r < p; ++r)
      for (Index c = 0; c < p; ++c) {
        at(out, n, r, c) += 0.5 * yc(r, c);
        at(out, n, r + p, c + p) += 0.5 * yc(r, c);
      }
  return out;
}

namespace {

// Turns voltage base of a winding in volts, as OpenDSS interprets kV for 1- vs 3-phase units.
double windingVbase(const model::Winding& w, int phases) {
  if (w.conn == model::Connection::Delta) return w.kv * 1000.0;
  return (phases == 2 || phases == 3) ? w.kv * 1000.0 / kSqrt3 : w.kv * 1000.0;
}

// Per-unit series resistance per winding; %loadloss, when given, splits over windings 1 and 2.
std::vector<double> windingR(const model::Transformer& xf) {
  std::vector<double> r;
  for (const auto& w : xf.windings) r.push_back(w.r_pct / 100.0);
  if (xf.pct_loadloss >= 0.0 && r.size() >= 2) r[0] = r[1] = xf.pct_loadloss / 200.0;
  return r;
}

std::vector<double> shortCircuitX(const model::Transformer& xf) {
  const Index nw = xf.windings.size();
  if (nw > 3 && !xf.x_sc_pct.empty()) {
    std::vector<double> x;
    for (double v : xf.x_sc_pct) x.push_back(v / 100.0);
    return x;
  }
  std::vector<double> x{xf.xhl_pct / 100.0, xf.xht_pct / 100.0, xf.xlt_pct / 100.0};
  x.resize(nw * (nw - 1) / 2, 0.30);
  return x;
}

// Admittance between winding voltages on a one-volt base (nw x nw), from the short-circuit
// impedances: Y = A^T ZB^-1 A with A the incidence of windings 2..n against winding 1.
Dense oneVoltY(const model::Transformer& xf, double zbase) {
  const Index nw = xf.windings.size();
  const Index m = nw - 1;
  const auto r = windingR(xf);
  const auto x = shortCircuitX(xf);
  Dense zb(m * m);
  for (Index i = 0; i < m; ++i) zb[i * m + i] = Complex(r[0] + r[i + 1], x[i]) * zbase;
  Index k = m;  // pairs (2,3), (2,4), ..., (3,4), ... follow the pairs with winding 1
  for (Index i = 0; i < m; ++i)
    for (Index j = i + 1; j < m; ++j, ++k) {
      const Complex zij = Complex(r[i + 1] + r[j + 1], x[k]) * zbase;
      zb[i * m + j] = zb[j * m + i] = 0.5 * (zb[i * m + i] + zb[j * m + j] - zij);
    }
  const Dense yb = invert(zb, m, "transformer." + xf.name);
  Dense y1(nw * nw);
  for (Index i = 0; i < m; ++i)
    for (Index j = 0; j < m; ++j) {
      const Complex v = yb[i * m + j];
      y1[(i + 1) * nw + (j + 1)] += v;
      y1[0 * nw + (j + 1)] -= v;
      y1[(i + 1) * nw + 0] -= v;
      y1[0] += v;
    }
  return y1;
}

// Conductor of each coil end (2 per winding) for phase `ph`: wye coils run phase to neutral, delta
// coils phase to the next phase in OpenDSS's delta direction (HV delta lags: i to i-1), and a
// 1-phase unit's coils run between its two conductors (OpenDSS Transformer SetTermRef).
std::vector<Index> coilEnds(const model::Transformer& xf, Index ph) {
  const Index nw = xf.windings.size();
  const auto phases = static_cast<Index>(xf.phases);
  const Index nc = phases + 1;
  int direction = 1;
  if (xf.windings[0].conn != xf.windings[1].conn) {
    const auto& hv = xf.windings[0].kv >= xf.windings[1].kv ? xf.windings[0] : xf.windings[1];
    direction = hv.conn == model::Connection::Wye ? 1 : -1;
  }
  long next = static_cast<long>(ph) + direction;
  const long p = static_cast<long>(phases);
  if (p > 2) {
    if (next >= p) next = 0;
    if (next < 0) next = p - 1;
  } else if (next < 0) {
    next = 2;  // 2-phase delta: the next phase is the third
  }
  std::vector<Index> ends(2 * nw);
  for (Index w = 0; w < nw; ++w) {
    const Index base = w * nc;
    ends[2 * w] = base + (phases == 1 ? 0 : ph);
    if (phases == 1)
      ends[2 * w + 1] = base + 1;
    else if (xf.windings[w].conn == model::Connection::Wye)
      ends[2 * w + 1] = base + phases;
    else
      ends[2 * w + 1] = base + std::min(static_cast<Index>(next), nc - 1);
  }
  return ends;
}

}  // namespace

Dense transformerY(const model::Transformer& xf, const std::vector<double>& taps) {
  const Index nw = xf.windings.size();
  const auto phases = static_cast<Index>(xf.phases);
  const Index nc = phases + 1;
  const Index order = nw * nc;
  if (nw < 2) throw core::ModelError("transformer." + xf.name, "needs at least two windings");
  const double va_phase = xf.windings[0].kva * 1000.0 / static_cast<double>(xf.phases);
  const double zbase = 1.0 / va_phase;  // ohm on a one-volt base
  Dense y1 = oneVoltY(xf, zbase);
  // Magnetizing branch: OpenDSS puts %noloadloss and %imag on the second winding.
  y1[1 * nw + 1] += Complex(xf.pct_noload_loss / 100.0, -xf.pct_imag / 100.0) * va_phase;

  std::vector<double> scale(nw), vbase(nw);
  for (Index w = 0; w < nw; ++w) {
    vbase[w] = windingVbase(xf.windings[w], xf.phases);
    const double tap = (w < taps.size() && taps[w] != 0.0) ? taps[w] : 1e-4;
    scale[w] = 1.0 / (vbase[w] * tap);
  }
  // Coil terminal matrix: each winding is a two-ended coil; end 1 +, end 2 -.
  const Index nt = 2 * nw;
  Dense yt(nt * nt);
  for (Index a = 0; a < nt; ++a)
    for (Index b = 0; b < nt; ++b) {
      const double sa = (a % 2 == 0) ? scale[a / 2] : -scale[a / 2];
      const double sb = (b % 2 == 0) ? scale[b / 2] : -scale[b / 2];
      yt[a * nt + b] = y1[(a / 2) * nw + (b / 2)] * sa * sb;
    }
  std::vector<double> y_ppm(nw);
  for (Index w = 0; w < nw; ++w) {
    y_ppm[w] = -kPpmFloat / (vbase[w] * vbase[w] / va_phase) / 2.0;
    yt[(2 * w) * nt + 2 * w] += Complex(0.0, y_ppm[w]);
    yt[(2 * w + 1) * nt + 2 * w + 1] += Complex(0.0, y_ppm[w]);
  }
  Dense out(order * order);
  for (Index ph = 0; ph < phases; ++ph) {
    const std::vector<Index> ends = coilEnds(xf, ph);
    for (Index a = 0; a < nt; ++a)
      for (Index b = 0; b < nt; ++b) at(out, order, ends[a], ends[b]) += yt[a * nt + b];
  }
  for (Index w = 0; w < nw; ++w) {
    const auto& wd = xf.windings[w];
    if (wd.conn != model::Connection::Wye) continue;
    const Index nn = w * nc + nc - 1;
    if (wd.r_neutral >= 0.0) {
      const bool solid = wd.r_neutral == 0.0 && wd.x_neutral == 0.0;
      at(out, order, nn, nn) += solid ? Complex(kSolidNeutral, 0.0) : 1.0 / Complex(wd.r_neutral, wd.x_neutral);
    } else {
      at(out, order, nn, nn) += Complex(0.0, y_ppm[w]);
    }
  }
  return out;
}

Dense sourceY(const model::Source& s) {
  const auto p = static_cast<Index>(s.phases);
  Dense z(p * p);
  const Complex zs = (2.0 * s.z1_ohm + s.z0_ohm) / 3.0;
  const Complex zm = (s.z0_ohm - s.z1_ohm) / 3.0;
  for (Index r = 0; r < p; ++r)
    for (Index c = 0; c < p; ++c) z[r * p + c] = r == c ? zs : zm;
  return invert(z, p, "vsource." + s.name);
}

std::vector<Complex> sourceEmf(const model::Source& s) {
  const double vmag =
      s.phases > 1 ? s.base_kv * s.pu * 1000.0 / 2.0 / std::sin(kPi / s.phases) : s.base_kv * s.pu * 1000.0;
  std::vector<Complex> e;
  for (int i = 0; i < s.phases; ++i) e.push_back(std::polar(vmag, core::degToRad(s.angle_deg - 360.0 * i / s.phases)));
  return e;
}

int capacitorConductors(const model::Capacitor& cap) {
  if (cap.bus2) return cap.phases;
  if (cap.conn == model::Connection::Wye) return cap.phases + 1;
  return cap.phases == 1 ? 2 : cap.phases;
}

Dense capacitorY(const model::Capacitor& cap, const std::vector<int>& steps, double frequency_hz) {
  const double w = 2.0 * kPi * frequency_hz;
  double phase_kv = cap.kv;
  if (cap.conn == model::Connection::Wye && (cap.phases == 2 || cap.phases == 3)) phase_kv /= kSqrt3;
  Complex y{0.0, 0.0};
  for (std::size_t k = 0; k < cap.kvar.size(); ++k) {
    if (k < steps.size() && steps[k] == 0) continue;
    const double c = cap.kvar[k] * 1000.0 / cap.phases / (w * std::pow(phase_kv * 1000.0, 2));
    const double r = k < cap.r.size() ? cap.r[k] : 0.0;
    const double xl = k < cap.xl.size() ? cap.xl[k] : 0.0;
    y += (r != 0.0 || xl != 0.0) ? 1.0 / Complex(r, xl - 1.0 / (w * c)) : Complex(0.0, w * c);
  }
  const auto p = static_cast<Index>(cap.phases);
  if (cap.bus2) {
    Dense diag(p * p);
    for (Index i = 0; i < p; ++i) diag[i * p + i] = y;
    return seriesFrom(diag, p);
  }
  const auto n = static_cast<Index>(capacitorConductors(cap));
  Dense out(n * n);
  for (Index i = 0; i < p; ++i) stampBetween(out, n, i, cap.conn == model::Connection::Wye ? n - 1 : (i + 1) % n, y);
  return out;
}

int reactorConductors(const model::Reactor& r) {
  if (r.bus2) return r.phases;
  return r.conn == model::Connection::Wye ? r.phases + 1 : r.phases;
}

Dense reactorY(const model::Reactor& r) {
  const auto p = static_cast<Index>(r.phases);
  if (r.z.n != p) throw core::ModelError("reactor." + r.name, "impedance matrix size differs from phases");
  const Dense y = invert(r.z.values, p, "reactor." + r.name);
  if (r.bus2) return seriesFrom(y, p);
  const auto n = static_cast<Index>(reactorConductors(r));
  Dense out(n * n);
  if (r.conn == model::Connection::Wye) {
    // Phase conductors to the neutral conductor through the (possibly coupled) impedance.
    for (Index a = 0; a < p; ++a)
      for (Index b = 0; b < p; ++b) {
        const Complex v = y[a * p + b];
        at(out, n, a, b) += v;
        at(out, n, a, n - 1) -= v;
        at(out, n, n - 1, b) -= v;
        at(out, n, n - 1, n - 1) += v;
      }
  } else {
    for (Index i = 0; i < p; ++i) stampBetween(out, n, i, (i + 1) % n, y[i * p + i]);
  }
  return out;
}

}  // namespace feederlab::powerflow::detail
