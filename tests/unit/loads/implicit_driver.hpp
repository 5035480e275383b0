// Test-only fixed-step driver for ONE dae::Device whose port voltages are prescribed, v = v(t):
// the device states then form an ODE system F(x, x', v(t)) = 0, integrated here with the
// trapezoidal rule and Newton iterations on the device's own analytic Jacobian (cj = 2/h).
//
//   x_{n+1} = x_n + h/2 (x'_n + x'_{n+1}),  F(x_{n+1}, x'_{n+1}, v(t_{n+1}^-)) = 0
//   x'_n is re-solved at the start of every step from F(x_n, x'_n, v(t_n^+)) = 0, so a voltage
//   step placed on the step grid is taken exactly (left limit ends a step, right limit starts one).
// Roots: g is evaluated at both ends of each step; a sign change inside a step is located by
// bisection on the step length (to ~1e-13 s) and the step is cut there; a sign change across a
// voltage jump at a grid point fires at that point. onRoot() receives IDA-style directions.
// Header-only, test tree only.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "device_test_support.hpp"
#include "feederlab/dae/device.hpp"

namespace feederlab::loads::testing {

// Dense n x n solve A z = b (partial pivoting); A row-major, overwritten.
inline std::vector<double> solveDense(std::vector<double> a, std::vector<double> b) {
  const std::size_t n = b.size();
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t piv = k;
    for (std::size_t r = k + 1; r < n; ++r)
      if (std::abs(a[r * n + k]) > std::abs(a[piv * n + k])) piv = r;
    if (a[piv * n + k] == 0.0) throw std::runtime_error("singular Newton matrix");
    if (piv != k) {
      for (std::size_t c = 0; c < n; ++c) std::swap(a[k * n + c], a[piv * n + c]);
      std::swap(b[k], b[piv]);
    }
    for (std::size_t r = k + 1; r < n; ++r) {
      const double m = a[r * n + k] / a[k * n + k];
      for (std::size_t c = k; c < n; ++c) a[r * n + c] -= m * a[k * n + c];
      b[r] -= m * b[k];
    }
  }
  std::vector<double> z(n);
  for (std::size_t k = n; k-- > 0;) {
    double s = b[k];
    for (std::size_t c = k + 1; c < n; ++c) s -= a[k * n + c] * z[c];
    z[k] = s / a[k * n + k];
  }
  return z;
}

class TrapezoidDriver {
 public:
  using VoltageFn = std::function<std::vector<double>(double t)>;
  struct Event {
    double t;
    std::vector<int> fired;
  };

  TrapezoidDriver(dae::Device& dev, VoltageFn v, std::vector<double> x0, double t0 = 0.0, dae::Context ctx = {})
      : dev_(dev), v_(std::move(v)), ctx_(ctx), t_(t0), grid0_(t0), x_(std::move(x0)) {}

  double t() const { return t_; }
  const std::vector<double>& x() const { return x_; }
  const std::vector<Event>& events() const { return events_; }
  // Port currents at the current point, with the voltage's left limit at t() (the value the
  // step that ended at t() integrated with).
  std::vector<double> currents() const {
    const auto v = v_(t_ - kEps);
    return evaluate(dev_, at(t_), x_, xdotAt(x_, v, t_), v).i;
  }
  std::vector<double> voltage() const { return v_(t_ - kEps); }

  // Advances to t_end with nominal step h on the grid t0 + k h (events cut steps).
  void advanceTo(double t_end, double h) {
    while (t_ < t_end - 1e-12 * h) {
      const double next_grid = std::min(t_end, (std::floor((t_ - grid0_) / h + 1e-9) + 1.0) * h + grid0_);
      step(next_grid - t_);
    }
  }

 private:
  static constexpr double kEps = 1e-11;  // s, left/right limits of v at a step end

  dae::Context at(double t) const {
    dae::Context c = ctx_;
    c.t = t;
    return c;
  }
  std::vector<double> rootsAt(double t, const std::vector<double>& x, const std::vector<double>& v) const {
    std::vector<double> g(dev_.rootCount());
    if (!g.empty()) dev_.roots(at(t), x, v, g);
    return g;
  }
  // dF/dx' (XX rows/cols) from two jacobian() calls.
  std::vector<double> xxMatrix(const std::vector<double>& x, const std::vector<double>& xd,
                               const std::vector<double>& v, double t, double cj) const {
    const std::size_t n = x.size();
    MapSink s;
    dev_.jacobian(at(t), x, xd, v, cj, s);
    std::vector<double> a(n * n, 0.0);
    for (const auto& [k, val] : s.values)
      if (std::get<0>(k) == static_cast<int>(dae::Block::XX))
        a[static_cast<std::size_t>(std::get<1>(k)) * n + static_cast<std::size_t>(std::get<2>(k))] += val;
    return a;
  }
  std::vector<double> xdotAt(const std::vector<double>& x, const std::vector<double>& v, double t) const {
    const std::size_t n = x.size();
    std::vector<double> xd(n, 0.0);
    for (int it = 0; it < 2; ++it) {  // F linear in x' for the devices here: one iteration suffices
      auto f = evaluate(dev_, at(t), x, xd, v).f;
      auto j1 = xxMatrix(x, xd, v, t, 1.0), j0 = xxMatrix(x, xd, v, t, 0.0);
      for (std::size_t k = 0; k < n * n; ++k) j1[k] -= j0[k];
      for (double& e : f) e = -e;
      const auto dz = solveDense(j1, f);
      for (std::size_t k = 0; k < n; ++k) xd[k] += dz[k];
    }
    return xd;
  }
  // One trapezoid step of length h from (t_, x_) without event handling.
  std::vector<double> trial(double h) const {
    const std::size_t n = x_.size();
    const auto v0 = v_(t_ + kEps);
    const auto xd0 = xdotAt(x_, v0, t_);
    const auto v1 = v_(t_ + h - kEps);
    const double cj = 2.0 / h;
    std::vector<double> x(n), xd(n);
    for (std::size_t k = 0; k < n; ++k) x[k] = x_[k] + h * xd0[k];
    for (int it = 0; it < 20; ++it) {
      for (std::size_t k = 0; k < n; ++k) xd[k] = cj * (x[k] - x_[k]) - xd0[k];
      auto f = evaluate(dev_, at(t_ + h), x, xd, v1).f;
      const double res = maxAbs(f);
      auto a = xxMatrix(x, xd, v1, t_ + h, cj);
      for (double& e : f) e = -e;
      const auto dz = solveDense(a, f);
      for (std::size_t k = 0; k < n; ++k) x[k] += dz[k];
      (void)res;
      if (maxAbs(dz) < 1e-12 * std::max(1.0, maxAbs(x))) break;
      if (it == 19) throw std::runtime_error("trapezoid Newton did not converge");
    }
    return x;
  }
  static std::vector<int> signChanges(const std::vector<double>& g0, const std::vector<double>& g1) {
    std::vector<int> fired(g0.size(), 0);
    for (std::size_t k = 0; k < g0.size(); ++k) {
      if (g0[k] < 0.0 && g1[k] >= 0.0) fired[k] = 1;
      if (g0[k] > 0.0 && g1[k] <= 0.0) fired[k] = -1;
    }
    return fired;
  }
  static bool any(const std::vector<int>& f) {
    return std::any_of(f.begin(), f.end(), [](int d) { return d != 0; });
  }
  void fire(const std::vector<int>& fired, const std::vector<double>& v) {
    events_.push_back({t_, fired});
    dev_.onRoot(at(t_), x_, v, fired);
  }

  void step(double h) {
    // Roots across a voltage jump at t_ (left limit vs right limit).
    const auto v_left = v_(t_ - kEps), v_right = v_(t_ + kEps);
    auto fired = signChanges(rootsAt(t_, x_, v_left), rootsAt(t_, x_, v_right));
    if (any(fired)) fire(fired, v_right);
    const auto g0 = rootsAt(t_, x_, v_right);
    auto x1 = trial(h);
    fired = signChanges(g0, rootsAt(t_ + h, x1, v_(t_ + h - kEps)));
    if (!any(fired)) {
      t_ += h;
      x_ = std::move(x1);
      return;
    }
    double lo = 0.0, hi = h;  // the first root lies in (lo, hi]
    while (hi - lo > 1e-13) {
      const double mid = 0.5 * (lo + hi);
      const auto xm = trial(mid);
      if (any(signChanges(g0, rootsAt(t_ + mid, xm, v_(t_ + mid - kEps)))))
        hi = mid;
      else
        lo = mid;
    }
    x1 = trial(hi);
    fired = signChanges(g0, rootsAt(t_ + hi, x1, v_(t_ + hi - kEps)));
    t_ += hi;
    x_ = std::move(x1);
    fire(fired, v_(t_ - kEps));
  }

  dae::Device& dev_;
  VoltageFn v_;
  dae::Context ctx_;
  double t_;
  double grid0_ = 0.0;
  std::vector<double> x_;
  std::vector<Event> events_;
};

}  // namespace feederlab::loads::testing
