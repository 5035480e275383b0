// Line constants from conductor geometry, computed the way OpenDSS computes them for a
// LineGeometry (LineConstants.pas for bare wires, CNTSLineConstants.pas / CNLineConstants.pas /
// TSLineConstants.pas for concentric-neutral and tape-shield cables).
//
// Series impedance per conductor pair (ohm/m), with Lf = j*omega*mu0/(2*pi):
//   self   z_ii = Zint_i + Lf*ln(1/GMR_i) + Ze_ii       (40 Hz < f < 1 kHz: GMR, Re(Zint) only)
//                = Zint_i + Lf*ln(1/r_i)   + Ze_ii       (other frequencies: radius, full Zint)
//   mutual z_ij = Lf*ln(1/D_ij) + Ze_ij
// Shunt admittance: overhead lines invert the potential-coefficient matrix built with images;
// cables take C from the insulation between core and screen (no mutual capacitance).
#include "feederlab/io/line_constants.hpp"

#include <cmath>
#include <complex>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

// src/io links no Eigen3::Eigen target yet; fall back to the Debian include layout.
#if __has_include(<Eigen/Dense>)
#include <Eigen/Dense>
#else
#include <eigen3/Eigen/Dense>
#endif

namespace feederlab::io::lineconst {
namespace {

using Complex = std::complex<double>;
using ZMatrix = Eigen::MatrixXcd;
using Index = Eigen::Index;

// Constants exactly as OpenDSS LineConstants.pas declares them (not CODATA): matching OpenDSS to
// 1e-6 needs its e0 (8.854e-12 differs from 8.8541878e-12 by 2e-5 relative).
constexpr double kE0 = 8.854e-12;     // F/m
constexpr double kMu0 = 12.56637e-7;  // H/m
constexpr double kTwoPi = 6.283185307;
constexpr double kPi = 3.14159265358979323846;  // Pascal's built-in pi (used in Zint, FullCarson)
// Tape shield: copper resistivity and OpenDSS's truncated 1/pi (CNTSLineConstants.pas).
constexpr double kRhoTapeShield = 2.3718e-8;  // ohm-m
constexpr double kInvPiTape = 0.3183;

struct Frame {
  double f = 60.0;
  double w = 0.0;  // 2*pi*f with OpenDSS's twopi
  double rho = 100.0;
  Complex me;  // sqrt(j*omega*mu0/rho): complex depth factor of Deri et al.
  EarthModel model = EarthModel::Deri;
  bool power_freq = true;  // OpenDSS: 40 Hz < f < 1000 Hz uses GMR and drops internal reactance
};

Frame makeFrame(const Options& options) {
  Frame fr;
  fr.f = options.frequency_hz;
  fr.w = kTwoPi * fr.f;
  fr.rho = options.rho_ohm_m;
  fr.me = std::sqrt(Complex(0.0, fr.w * kMu0 / fr.rho));
  fr.model = options.earth_model;
  fr.power_freq = fr.f > 40.0 && fr.f < 1000.0;
  return fr;
}

bool isCable(const Conductor& c) {
  return c.kind != ConductorKind::Bare;
}

[[noreturn]] void fail(const std::string& message) {
  throw std::invalid_argument("line constants: " + message);
}

std::string condName(std::size_t i) {
  return "conductor " + std::to_string(i + 1);
}

double distance(const Conductor& a, const Conductor& b) {
  return std::hypot(a.x_m - b.x_m, a.h_m - b.h_m);
}

// ---------------------------------------------------------------------------------------------
// Validation

void checkPositive(double value, const std::string& what, std::size_t i) {
  if (!(value > 0.0) || !std::isfinite(value))
    fail(condName(i) + ": " + what + " must be > 0 (got " + std::to_string(value) + ")");
}

void validateCable(const Conductor& c, std::size_t i) {
  checkPositive(c.eps_r, "eps_r", i);
  checkPositive(c.ins_layer_m, "insulation layer", i);
  checkPositive(0.5 * c.dia_ins_m - c.ins_layer_m, "inner radius of the insulation", i);
  if (c.kind == ConductorKind::ConcentricNeutral) {
    if (c.k_strands < 1) fail(condName(i) + ": concentric neutral needs k_strands >= 1");
    checkPositive(c.dia_strand_m, "strand diameter", i);
    checkPositive(c.gmr_strand_m, "strand GMR", i);
    checkPositive(c.r_strand_ohm_per_m, "strand resistance", i);
    checkPositive(c.dia_cable_m - c.dia_strand_m, "neutral circle diameter (dia_cable - dia_strand)", i);
  } else {
    checkPositive(c.tape_layer_m, "tape layer", i);
    checkPositive(c.dia_shield_m - c.tape_layer_m, "mean tape diameter (dia_shield - tape_layer)", i);
    if (!(c.tape_lap_pct >= 0.0 && c.tape_lap_pct < 100.0)) fail(condName(i) + ": tape lap must be in [0, 100) %");
  }
}

void validateConductor(const Conductor& c, std::size_t i, bool cable_geometry) {
  if (!std::isfinite(c.x_m) || !std::isfinite(c.h_m)) fail(condName(i) + ": position not finite");
  checkPositive(c.radius_m, "radius", i);
  checkPositive(c.gmr_m, "GMR", i);
  if (!(c.r_ac_ohm_per_m > 0.0) && !(c.r_dc_ohm_per_m > 0.0))
    fail(condName(i) + ": resistance (r_ac or r_dc) must be > 0");
  if (c.h_m == 0.0) fail(condName(i) + ": height must not be 0");
  if (!cable_geometry && c.h_m < 0.0)  // OpenDSS: overhead heights must be > 0 (images)
    fail(condName(i) + ": overhead conductor height must be > 0 (got " + std::to_string(c.h_m) + " m)");
  if (isCable(c)) validateCable(c, i);
}

void validate(const std::vector<Conductor>& conductors, int phases, const Options& options, bool cable_geometry) {
  if (conductors.empty()) fail("no conductors");
  if (phases < 1 || static_cast<std::size_t>(phases) > conductors.size())
    fail("phases (" + std::to_string(phases) + ") must be in 1.." + std::to_string(conductors.size()) +
         " (the number of conductors)");
  if (!(options.frequency_hz > 0.0) || !std::isfinite(options.frequency_hz)) fail("frequency must be > 0 Hz");
  if (!(options.rho_ohm_m > 0.0) || !std::isfinite(options.rho_ohm_m)) fail("earth resistivity must be > 0 ohm-m");
  for (std::size_t i = 0; i < conductors.size(); ++i) validateConductor(conductors[i], i, cable_geometry);
  // As OpenDSS ConductorsInSameSpace: centres closer than the sum of the (core) radii.
  for (std::size_t i = 0; i < conductors.size(); ++i)
    for (std::size_t j = i + 1; j < conductors.size(); ++j)
      if (distance(conductors[i], conductors[j]) < conductors[i].radius_m + conductors[j].radius_m)
        fail(condName(i) + " and " + condName(j) + " occupy the same space");
}

// OpenDSS ConductorData defaults: Rac = 1.02 Rdc, Rdc = Rac / 1.02, capradius = radius.
std::vector<Conductor> withDefaults(std::vector<Conductor> conductors) {
  for (auto& c : conductors) {
    if (!(c.r_ac_ohm_per_m > 0.0)) c.r_ac_ohm_per_m = 1.02 * c.r_dc_ohm_per_m;
    if (!(c.r_dc_ohm_per_m > 0.0)) c.r_dc_ohm_per_m = c.r_ac_ohm_per_m / 1.02;
    if (!(c.cap_radius_m > 0.0)) c.cap_radius_m = c.radius_m;
  }
  return conductors;
}

// ---------------------------------------------------------------------------------------------
// Internal impedance

// Modified Bessel functions of the first kind by their power series (as OpenDSS mathutil does,
// run here to full double precision; |z| <= 35 so the series is well conditioned).
Complex besselI0(Complex z) {
  const Complex q = 0.25 * z * z;
  Complex term(1.0, 0.0);
  Complex sum = term;
  for (int k = 1; k < 1000; ++k) {
    term *= q / static_cast<double>(k * k);
    sum += term;
    if (std::abs(term) < 1e-18 * std::abs(sum)) break;
  }
  return sum;
}

Complex besselI1(Complex z) {
  const Complex q = 0.25 * z * z;
  Complex term = 0.5 * z;
  Complex sum = term;
  for (int k = 1; k < 1000; ++k) {
    term *= q / static_cast<double>(k * (k + 1));
    sum += term;
    if (std::abs(term) < 1e-18 * std::abs(sum)) break;
  }
  return sum;
}

// OpenDSS TLineConstants.Get_Zint. Carson and FullCarson: Rac + j*omega*mu0/(8*pi) (uniform
// current, no skin effect). Deri: exact round-conductor skin effect from Rdc,
// Zint = (1+j)/2 * sqrt(Rdc*f*mu0) * I0(a)/I1(a), a = (1+j)*sqrt(f*mu0/Rdc) (I0/I1 = 1 past |a| 35).
Complex internalImpedance(const Conductor& c, const Frame& fr) {
  if (fr.model != EarthModel::Deri) return {c.r_ac_ohm_per_m, fr.w * kMu0 / (8.0 * kPi)};
  const Complex one_j(1.0, 1.0);
  const Complex alpha = one_j * std::sqrt(fr.f * kMu0 / c.r_dc_ohm_per_m);
  const Complex ratio = std::abs(alpha) > 35.0 ? Complex(1.0, 0.0) : besselI0(alpha) / besselI1(alpha);
  return one_j * ratio * (std::sqrt(c.r_dc_ohm_per_m * fr.f * kMu0) / 2.0);
}

// ---------------------------------------------------------------------------------------------
// Earth return impedance (OpenDSS TLineConstants.Get_Ze); heights enter as |h| so buried cables
// see the same earth as overhead wires.

// Carson (1926) infinite series, first terms, in the notation of Tleis (Power System Modelling
// and Fault Analysis) as OpenDSS "FullCarson" writes it; D is the distance to the image.
Complex fullCarson(double d_image, double theta, const Frame& fr) {
  const double b1 = 1.0 / (3.0 * std::sqrt(2.0));
  const double b2 = 1.0 / 16.0;
  const double b3 = b1 / 3.0 / 5.0;
  const double b4 = b2 / 4.0 / 6.0;
  const double d2 = b2 * kPi / 4.0;
  const double d4 = b4 * kPi / 4.0;
  const double c2 = 1.3659315;
  const double c4 = c2 + 1.0 / 4.0 + 1.0 / 6.0;
  const double m = 2.8099e-3 * d_image * std::sqrt(fr.f / fr.rho);
  const double m2 = m * m;
  const double p = kPi / 8.0 - b1 * m * std::cos(theta) +
                   b2 * m2 * (std::log(std::exp(c2) / m) * std::cos(2.0 * theta) + theta * std::sin(2.0 * theta)) +
                   b3 * m2 * m * std::cos(3.0 * theta) - d4 * m2 * m2 * std::cos(4.0 * theta);
  const double q = 0.5 * std::log(1.85138 / m) + b1 * m * std::cos(theta) - d2 * m2 * std::cos(2.0 * theta) +
                   b3 * m2 * m * std::cos(3.0 * theta) -
                   b4 * m2 * m2 * (std::log(std::exp(c4) / m) * std::cos(4.0 * theta) + theta * std::sin(4.0 * theta));
  // + 0.5 ln(D): OpenDSS's correction so that Lf*ln(1/D_ij) + Ze gives Carson's ln(D'/D).
  return Complex(p, q + 0.5 * std::log(d_image)) * (fr.w * kMu0 / kPi);
}

Complex earthImpedance(const Conductor& a, const Conductor& b, bool self, const Frame& fr) {
  const double ha = std::abs(a.h_m);
  const double hb = std::abs(b.h_m);
  const double dx = a.x_m - b.x_m;
  switch (fr.model) {
    case EarthModel::Carson:  // Kersting's modified Carson (ch. 4): R = omega*mu0/8, one term
      return {fr.w * kMu0 / 8.0, (fr.w * kMu0 / kTwoPi) * std::log(658.5 * std::sqrt(fr.rho / fr.f))};
    case EarthModel::FullCarson: {
      if (self) return fullCarson(2.0 * ha, 0.0, fr);
      const double d_image = std::hypot(ha + hb, dx);
      return fullCarson(d_image, std::acos((ha + hb) / d_image), fr);
    }
    case EarthModel::Deri: {  // complex depth p = 1/me (Deri et al. 1981)
      const Complex lf(0.0, fr.w * kMu0 / kTwoPi);
      if (self) return lf * std::log(2.0 * (ha + 1.0 / fr.me));
      const Complex h = ha + hb + 2.0 / fr.me;
      return lf * std::log(std::sqrt(h * h + dx * dx));
    }
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Cable screens (Kersting ch. 4: CN as an equivalent conductor on the strand circle; TS as a
// conductor at the mean tape radius). Resistances and GMRs as OpenDSS CNTSLineConstants.Calc.

struct Screen {
  std::size_t owner = 0;  // index of the cable's core
  double resistance = 0.0;
  double gmr = 0.0;
};

double cnRadius(const Conductor& c) {
  return 0.5 * (c.dia_cable_m - c.dia_strand_m);
}
double tsGmr(const Conductor& c) {
  return 0.5 * (c.dia_shield_m - c.tape_layer_m);
}

Screen makeScreen(const Conductor& c, std::size_t owner) {
  Screen s;
  s.owner = owner;
  if (c.kind == ConductorKind::ConcentricNeutral) {
    const double k = static_cast<double>(c.k_strands);
    const double radius = cnRadius(c);
    s.resistance = c.r_strand_ohm_per_m / k;
    s.gmr = std::pow(c.gmr_strand_m * k * std::pow(radius, k - 1.0), 1.0 / k);  // Kersting ch. 4 GMR_cn
  } else {
    // r = rho / (pi * d_s * T) scaled by OpenDSS's lap factor sqrt(50 / (100 - lap)).
    s.resistance =
        kInvPiTape * kRhoTapeShield / (c.dia_shield_m * c.tape_layer_m * std::sqrt(50.0 / (100.0 - c.tape_lap_pct)));
    s.gmr = tsGmr(c);  // to the middle of the tape (Kersting)
  }
  return s;
}

// Distance from the screen of cable `c` to conductor `other` at centre distance d.
double screenDistance(const Conductor& c, bool own_core, double d) {
  if (c.kind == ConductorKind::ConcentricNeutral) {
    const double k = static_cast<double>(c.k_strands);
    const double radius = cnRadius(c);
    if (own_core) return radius;
    return std::pow(std::pow(d, k) - std::pow(radius, k), 1.0 / k);  // Kersting eq. for D_nm
  }
  return own_core ? tsGmr(c) : d;
}

// ---------------------------------------------------------------------------------------------
// Matrices

// Primitive impedance of cores/bare wires (first n rows) and screens (after them), ohm/m.
ZMatrix primitiveImpedance(const std::vector<Conductor>& cs, const std::vector<Screen>& screens, const Frame& fr) {
  const std::size_t n = cs.size();
  const auto total = static_cast<Index>(n + screens.size());
  const Complex lf(0.0, fr.w * kMu0 / kTwoPi);
  ZMatrix z = ZMatrix::Zero(total, total);
  for (std::size_t i = 0; i < n; ++i) {
    Complex zi = internalImpedance(cs[i], fr);
    double r_spacing = cs[i].radius_m;
    if (fr.power_freq) {
      zi.imag(0.0);  // the published GMR already holds the internal flux
      r_spacing = cs[i].gmr_m;
    }
    const auto ii = static_cast<Index>(i);
    z(ii, ii) = zi + lf * std::log(1.0 / r_spacing) + earthImpedance(cs[i], cs[i], true, fr);
    for (std::size_t j = 0; j < i; ++j) {
      const auto jj = static_cast<Index>(j);
      z(ii, jj) = lf * std::log(1.0 / distance(cs[i], cs[j])) + earthImpedance(cs[i], cs[j], false, fr);
      z(jj, ii) = z(ii, jj);
    }
  }
  for (std::size_t s = 0; s < screens.size(); ++s) {
    const Conductor& cable = cs[screens[s].owner];
    const auto ss = static_cast<Index>(n + s);
    z(ss, ss) = screens[s].resistance + lf * std::log(1.0 / screens[s].gmr) + earthImpedance(cable, cable, true, fr);
    for (std::size_t t = 0; t < s; ++t) {  // screen to screen: centre distance
      const Conductor& other = cs[screens[t].owner];
      const auto tt = static_cast<Index>(n + t);
      z(ss, tt) = lf * std::log(1.0 / distance(cable, other)) + earthImpedance(cable, other, false, fr);
      z(tt, ss) = z(ss, tt);
    }
    for (std::size_t j = 0; j < n; ++j) {  // screen to cores and bare wires
      const bool own = j == screens[s].owner;
      const double d = screenDistance(cable, own, own ? 0.0 : distance(cable, cs[j]));
      const auto jj = static_cast<Index>(j);
      z(ss, jj) = lf * std::log(1.0 / d) + earthImpedance(cable, cs[j], own, fr);
      z(jj, ss) = z(ss, jj);
    }
  }
  return z;
}

// Kron reduction keeping the first `keep` conductors: Z_pp - Z_pn Z_nn^-1 Z_np.
ZMatrix kronReduce(const ZMatrix& z, Index keep) {
  const Index m = z.rows() - keep;
  if (m <= 0) return z;
  const ZMatrix znn_inv_znp = z.bottomRightCorner(m, m).partialPivLu().solve(z.bottomLeftCorner(m, keep));
  return z.topLeftCorner(keep, keep) - z.topRightCorner(keep, m) * znn_inv_znp;
}

// Overhead: Y = j*omega*C, C = 2*pi*e0 * P^-1, P_ii = ln(2h_i/r_i), P_ij = ln(D'_ij/D_ij)
// (images in perfectly conducting earth; Kersting ch. 5, OpenDSS LineConstants.Calc).
ZMatrix overheadAdmittance(const std::vector<Conductor>& cs, const Frame& fr) {
  const auto n = static_cast<Index>(cs.size());
  Eigen::MatrixXd p(n, n);
  for (Index i = 0; i < n; ++i) {
    const Conductor& a = cs[static_cast<std::size_t>(i)];
    p(i, i) = std::log(2.0 * a.h_m / a.cap_radius_m);
    for (Index j = 0; j < i; ++j) {
      const Conductor& b = cs[static_cast<std::size_t>(j)];
      p(i, j) = std::log(std::hypot(a.x_m - b.x_m, a.h_m + b.h_m) / distance(a, b));
      p(j, i) = p(i, j);
    }
  }
  const Eigen::MatrixXd c = p.inverse() * (kTwoPi * kE0);
  return c.cast<Complex>() * Complex(0.0, fr.w);
}

// Cables: each cable's core sees only its own grounded screen, C = 2*pi*e0*epsR / ln(Ro/Ri)
// across the insulation (semicon layers), or Kersting's CN formula to the strand circle.
// Bare wires in a cable geometry get no capacitance (as OpenDSS).
ZMatrix cableAdmittance(const std::vector<Conductor>& cs, const Frame& fr) {
  const auto n = static_cast<Index>(cs.size());
  ZMatrix y = ZMatrix::Zero(n, n);
  for (Index i = 0; i < n; ++i) {
    const Conductor& c = cs[static_cast<std::size_t>(i)];
    if (!isCable(c)) continue;
    const double rad_out = 0.5 * c.dia_ins_m;
    const double rad_in = rad_out - c.ins_layer_m;
    double denom = std::log(rad_out / rad_in);
    if (c.kind == ConductorKind::ConcentricNeutral && !c.semicon) {
      const double k = static_cast<double>(c.k_strands);
      const double rad_cn = cnRadius(c);
      denom = std::log(rad_cn / rad_in) - std::log(k * 0.5 * c.dia_strand_m / rad_cn) / k;
    }
    if (!(denom > 0.0)) fail(condName(static_cast<std::size_t>(i)) + ": insulation geometry gives no capacitance");
    y(i, i) = Complex(0.0, kTwoPi * kE0 * c.eps_r * fr.w / denom);
  }
  return y;
}

core::CMatrix toCMatrix(const ZMatrix& m) {
  core::CMatrix out(static_cast<std::size_t>(m.rows()));
  for (Index r = 0; r < m.rows(); ++r)
    for (Index c = 0; c < m.cols(); ++c) out(static_cast<std::size_t>(r), static_cast<std::size_t>(c)) = m(r, c);
  return out;
}

}  // namespace

Result computeLineConstants(const std::vector<Conductor>& conductors, int phases, const Options& options) {
  bool cable_geometry = false;
  for (const auto& c : conductors) cable_geometry = cable_geometry || isCable(c);
  validate(conductors, phases, options, cable_geometry);
  const std::vector<Conductor> cs = withDefaults(conductors);
  const Frame fr = makeFrame(options);

  std::vector<Screen> screens;
  for (std::size_t i = 0; i < cs.size(); ++i)
    if (isCable(cs[i])) screens.push_back(makeScreen(cs[i], i));

  const auto n = static_cast<Index>(cs.size());
  // Screens are always reduced (they are grounded at both ends), then the neutrals on request.
  ZMatrix z = kronReduce(primitiveImpedance(cs, screens, fr), n);
  ZMatrix y = cable_geometry ? cableAdmittance(cs, fr) : overheadAdmittance(cs, fr);
  if (options.reduce && phases < n) {
    z = kronReduce(z, phases);
    // C of the grounded-neutral system = phase block of P^-1 (equals Kron-reducing P; OpenDSS
    // copies the block the same way).
    y = ZMatrix(y.topLeftCorner(phases, phases));
  }
  return {toCMatrix(z), toCMatrix(y)};
}

}  // namespace feederlab::io::lineconst
