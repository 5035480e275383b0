// Test helpers for dae::Device implementations (header-only, test tree only).
//
//   evaluate(dev, ctx, x, xdot, v)           -> Evaluation {f, i}: one residual call
//   checkJacobian(dev, ctx, x, xdot, v, cj)  -> JacobianCheck: analytic jacobian() against central
//        differences of residual() w.r.t. x, x' (scaled by cj) and v, entry-wise, plus the rule
//        that every entry jacobian() writes was declared by jacobianPattern() (declared once).
//
// Comparison: err = |analytic - fd| / max(abs_floor, |analytic|, |fd|); the check passes when the
// largest err is <= rel_tol (default 1e-6) and the pattern rules hold. abs_floor = 1 makes tiny
// entries compare absolutely (residuals and currents are per unit, O(1)).
// Steps: h_j = rel_step * max(1, |y_j|) for each perturbed variable y_j (default 1e-6).
//
// API kept stable: the motor D tests use it too.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <span>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "feederlab/dae/device.hpp"

namespace feederlab::loads::testing {

struct Evaluation {
  std::vector<double> f;  // state residuals, stateCount()
  std::vector<double> i;  // port currents, 2 * portCount()
};

inline Evaluation evaluate(const dae::Device& dev, const dae::Context& ctx, std::span<const double> x,
                           std::span<const double> xdot, std::span<const double> v) {
  Evaluation e{std::vector<double>(dev.stateCount(), 0.0), std::vector<double>(2 * dev.portCount(), 0.0)};
  dev.residual(ctx, x, xdot, v, e.f, e.i);
  return e;
}

inline double maxAbs(std::span<const double> a) {
  double m = 0.0;
  for (double d : a) m = std::max(m, std::abs(d));
  return m;
}

inline const char* blockName(dae::Block b) {
  switch (b) {
    case dae::Block::XX:
      return "XX";
    case dae::Block::XV:
      return "XV";
    case dae::Block::IX:
      return "IX";
    case dae::Block::IV:
      return "IV";
  }
  return "?";
}

using EntryKey = std::tuple<int, int, int>;  // (block, row, col)

// Accumulates add() calls (duplicates sum, as an assembler would) and counts them per entry.
class MapSink final : public dae::JacobianSink {
 public:
  void add(dae::Block block, int row, int col, double value) override {
    EntryKey k{static_cast<int>(block), row, col};
    values[k] += value;
    ++count[k];
  }
  std::map<EntryKey, double> values;
  std::map<EntryKey, int> count;
};

struct JacobianCheck {
  double max_rel_error = 0.0;         // largest err over all entries of the four blocks
  std::string worst;                  // "IV(1,0): analytic a fd b"
  std::vector<std::string> problems;  // pattern violations, out-of-range entries
  bool ok(double rel_tol = 1e-6) const { return problems.empty() && max_rel_error <= rel_tol; }
  std::string report() const {
    std::ostringstream os;
    os << "max rel error " << max_rel_error << " at " << worst;
    for (const auto& p : problems) os << "\n  " << p;
    return os.str();
  }
};

namespace detail {
// Central-difference column of [f; i] w.r.t. one perturbed variable in `which` (0 x, 1 xdot, 2 v).
inline std::vector<double> fdColumn(const dae::Device& dev, const dae::Context& ctx, std::vector<double> x,
                                    std::vector<double> xdot, std::vector<double> v, int which, std::size_t j,
                                    double rel_step) {
  std::vector<double>& y = which == 0 ? x : (which == 1 ? xdot : v);
  const double y0 = y[j];
  const double h = rel_step * std::max(1.0, std::abs(y0));
  y[j] = y0 + h;
  Evaluation plus = evaluate(dev, ctx, x, xdot, v);
  y[j] = y0 - h;
  Evaluation minus = evaluate(dev, ctx, x, xdot, v);
  std::vector<double> col;
  col.reserve(plus.f.size() + plus.i.size());
  for (std::size_t r = 0; r < plus.f.size(); ++r) col.push_back((plus.f[r] - minus.f[r]) / (2.0 * h));
  for (std::size_t r = 0; r < plus.i.size(); ++r) col.push_back((plus.i[r] - minus.i[r]) / (2.0 * h));
  return col;
}

// Pattern rules: declared once; every written entry declared and inside the block's range.
inline void checkPattern(const dae::Device& dev, const MapSink& jac, JacobianCheck& out) {
  const std::size_t nx = dev.stateCount();
  const std::size_t nv = 2 * dev.portCount();
  MapSink pattern;
  dev.jacobianPattern(pattern);
  for (const auto& [k, n] : pattern.count) {
    if (n > 1) {
      out.problems.push_back("pattern declares " + std::string(blockName(static_cast<dae::Block>(std::get<0>(k)))) +
                             "(" + std::to_string(std::get<1>(k)) + "," + std::to_string(std::get<2>(k)) +
                             ") more than once");
    }
  }
  for (const auto& [k, value] : jac.values) {
    const auto b = static_cast<dae::Block>(std::get<0>(k));
    const int r = std::get<1>(k), c = std::get<2>(k);
    const bool row_x = b == dae::Block::XX || b == dae::Block::XV;
    const bool col_x = b == dae::Block::XX || b == dae::Block::IX;
    const std::size_t nrow = row_x ? nx : nv, ncol = col_x ? nx : nv;
    const std::string where = std::string(blockName(b)) + "(" + std::to_string(r) + "," + std::to_string(c) + ")";
    if (r < 0 || c < 0 || static_cast<std::size_t>(r) >= nrow || static_cast<std::size_t>(c) >= ncol) {
      out.problems.push_back("jacobian() writes out of range " + where);
    }
    if (!pattern.values.contains(k)) out.problems.push_back("jacobian() writes " + where + " not in jacobianPattern()");
    (void)value;
  }
}
}  // namespace detail

inline JacobianCheck checkJacobian(const dae::Device& dev, const dae::Context& ctx, std::span<const double> x,
                                   std::span<const double> xdot, std::span<const double> v, double cj,
                                   double rel_step = 1e-6, double abs_floor = 1.0) {
  const std::size_t nx = dev.stateCount();
  const std::size_t nv = 2 * dev.portCount();
  JacobianCheck out;

  MapSink jac;
  dev.jacobian(ctx, x, xdot, v, cj, jac);
  detail::checkPattern(dev, jac, out);

  const std::vector<double> xv(x.begin(), x.end()), xd(xdot.begin(), xdot.end()), vv(v.begin(), v.end());
  auto compare = [&](dae::Block b, int r, int c, double fd) {
    auto it = jac.values.find(EntryKey{static_cast<int>(b), r, c});
    const double a = it == jac.values.end() ? 0.0 : it->second;
    const double err = std::abs(a - fd) / std::max({abs_floor, std::abs(a), std::abs(fd)});
    if (err > out.max_rel_error || out.worst.empty()) {
      out.max_rel_error = std::max(err, out.max_rel_error);
      std::ostringstream os;
      os << blockName(b) << "(" << r << "," << c << "): analytic " << a << " fd " << fd;
      out.worst = os.str();
    }
  };
  // Columns of x: dF/dx + cj dF/dx' (XX) and dI/dx (IX; I never depends on x' by convention,
  // but a dependence would show up here as a mismatch).
  for (std::size_t j = 0; j < nx; ++j) {
    const auto cx = detail::fdColumn(dev, ctx, xv, xd, vv, 0, j, rel_step);
    const auto cd = detail::fdColumn(dev, ctx, xv, xd, vv, 1, j, rel_step);
    for (std::size_t r = 0; r < nx; ++r) {
      compare(dae::Block::XX, static_cast<int>(r), static_cast<int>(j), cx[r] + cj * cd[r]);
    }
    for (std::size_t r = 0; r < nv; ++r) {
      compare(dae::Block::IX, static_cast<int>(r), static_cast<int>(j), cx[nx + r] + cj * cd[nx + r]);
    }
  }
  for (std::size_t j = 0; j < nv; ++j) {
    const auto cv = detail::fdColumn(dev, ctx, xv, xd, vv, 2, j, rel_step);
    for (std::size_t r = 0; r < nx; ++r) compare(dae::Block::XV, static_cast<int>(r), static_cast<int>(j), cv[r]);
    for (std::size_t r = 0; r < nv; ++r) {
      compare(dae::Block::IV, static_cast<int>(r), static_cast<int>(j), cv[nx + r]);
    }
  }
  return out;
}

}  // namespace feederlab::loads::testing
