// Helpers for the power-flow tests: hand-built feeders, reference CSV reading and comparison.
#pragma once

#include <cmath>
#include <complex>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "feederlab/core/units.hpp"
#include "feederlab/model/feeder.hpp"
#include "feederlab/powerflow/powerflow.hpp"

namespace feederlab::test {

using Complex = std::complex<double>;

inline model::Terminal term(model::Feeder& f, const std::string& bus, std::vector<int> nodes) {
  return model::Terminal{f.addBus(bus), std::move(nodes)};
}

// Phase matrix from lower-triangular R and X rows (OpenDSS rmatrix/xmatrix order).
inline core::CMatrix lowerTri(std::size_t n, const std::vector<double>& r, const std::vector<double>& x) {
  core::CMatrix m(n);
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j <= i; ++j, ++k) m(i, j) = m(j, i) = Complex(r[k], x.empty() ? 0.0 : x[k]);
  return m;
}

// Shunt admittance per length from a lower-triangular capacitance matrix in nF.
inline core::CMatrix shuntFromC(std::size_t n, const std::vector<double>& c_nf, double f_hz = 60.0) {
  core::CMatrix m(n);
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j <= i; ++j, ++k) m(i, j) = m(j, i) = Complex(0.0, 2.0 * core::kPi * f_hz * c_nf[k] * 1e-9);
  return m;
}

// Thevenin impedances from short-circuit MVA as OpenDSS's Vsource does with default X/R ratios.
inline void setShortCircuit(model::Source& s, double mvasc3, double mvasc1, double x1r1 = 4.0, double x0r0 = 3.0) {
  const double z1 = s.base_kv * s.base_kv / mvasc3;
  const double a1 = std::atan(x1r1);
  s.z1_ohm = std::polar(z1, a1);
  // |2 Z1 + Z0| = 3 kV^2 / MVAsc1 with Z0 at angle atan(X0/R0): solve for |Z0|.
  const double zs = 3.0 * s.base_kv * s.base_kv / mvasc1;
  const double a0 = std::atan(x0r0);
  const Complex u = std::polar(1.0, a0);
  const Complex w = 2.0 * s.z1_ohm;
  // |w + t u|^2 = zs^2 -> t^2 + 2 t Re(w conj u) + |w|^2 - zs^2 = 0
  const double b = (w * std::conj(u)).real();
  const double t = -b + std::sqrt(b * b - (std::norm(w) - zs * zs));
  s.z0_ohm = t * u;
}

struct RefNode {
  double vmag = 0, pu = 0, angle = 0, base_kv = 0;
};
using RefTable = std::map<std::string, RefNode>;  // "bus.node"

inline RefTable readReference(const std::string& path) {
  RefTable t;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string bus, node, f[4];
    std::getline(ss, bus, ',');
    std::getline(ss, node, ',');
    for (auto& x : f) std::getline(ss, x, ',');
    t[bus + "." + node] = {std::stod(f[0]), std::stod(f[1]), std::stod(f[2]), std::stod(f[3])};
  }
  return t;
}

struct Agreement {
  double max_dv_pu = 0, max_dang_deg = 0;
  std::string worst_v, worst_a;
  int compared = 0, missing = 0;
};

inline double angleDiff(double a, double b) {
  double d = std::fmod(a - b, 360.0);
  if (d > 180) d -= 360;
  if (d < -180) d += 360;
  return std::abs(d);
}

// Compares every reference node with the solution; angles only where the voltage is not ~0.
inline Agreement compare(const model::Feeder& f, const powerflow::Result& r, const RefTable& ref) {
  Agreement a;
  std::map<std::string, const powerflow::NodeVoltage*> mine;
  for (const auto& nv : r.voltages)
    mine[f.buses[static_cast<std::size_t>(nv.bus)].name + "." + std::to_string(nv.node)] = &nv;
  for (const auto& [key, rn] : ref) {
    auto it = mine.find(key);
    if (it == mine.end()) {
      if (rn.vmag > 1e-3) ++a.missing;
      continue;
    }
    ++a.compared;
    const double base = rn.base_kv > 0 ? core::lnVolts(rn.base_kv) : it->second->base_volts;
    const double dv = std::abs(std::abs(it->second->volts) - rn.vmag) / base;
    if (dv > a.max_dv_pu) a.max_dv_pu = dv, a.worst_v = key;
    if (rn.pu > 0.05) {
      const double da = angleDiff(core::radToDeg(std::arg(it->second->volts)), rn.angle);
      if (da > a.max_dang_deg) a.max_dang_deg = da, a.worst_a = key;
    }
  }
  return a;
}

model::Feeder ieee13Hand();  // IEEE13Nodeckt.dss transcribed by hand (published taps set)

}  // namespace feederlab::test
