// Test-only time driver for one dae::Device under a prescribed port voltage v(t) (header-only).
//
// Fixed-step backward Euler on the device states, Newton on the device's own Jacobian (XX block
// with cj = 1/h), the port voltage given by a piecewise-linear magnitude profile at angle 0.
// Roots: a sign change of any root function over a step is located by bisection on the step
// length (re-solving the implicit step from its start) to `root_tol` seconds; the driver then
// stands at the right end of the bracket (after the crossing), calls onRoot with the directions
// and takes the root values there as the new left values. At a profile breakpoint the voltage
// jumps: the step ends on it with the left limit, then roots are re-evaluated with the right
// limit and a sign change fires onRoot at that instant.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <complex>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "feederlab/dae/device.hpp"

namespace feederlab::loads::testing {

// |v|(t): piecewise linear through (times[k], mags[k]); a repeated time makes a step. Constant
// before the first and after the last point.
struct VoltageProfile {
  std::vector<double> times;
  std::vector<double> mags;

  // right = true: value just after t (right limit); false: just before (left limit).
  double at(double t, bool right = true) const {
    const std::size_t n = times.size();
    auto lerp = [&](std::size_t a, std::size_t b) {
      return mags[a] + (mags[b] - mags[a]) * (t - times[a]) / (times[b] - times[a]);
    };
    if (right) {
      if (t < times.front()) return mags.front();
      std::size_t k = 0;
      while (k + 1 < n && times[k + 1] <= t) ++k;
      return k + 1 == n ? mags.back() : lerp(k, k + 1);
    }
    if (t <= times.front()) return mags.front();
    std::size_t k = 0;
    while (k < n && times[k] < t) ++k;
    return k == n ? mags.back() : lerp(k - 1, k);
  }
  bool isBreakpoint(double t) const { return std::find(times.begin(), times.end(), t) != times.end(); }
};

struct RootEvent {
  double t = 0.0;
  std::size_t root = 0;
  int direction = 0;
};

class DenseSink final : public dae::JacobianSink {
 public:
  explicit DenseSink(std::size_t n) : n_(n), xx(n * n, 0.0) {}
  void add(dae::Block block, int row, int col, double value) override {
    if (block == dae::Block::XX) xx[static_cast<std::size_t>(row) * n_ + static_cast<std::size_t>(col)] += value;
  }
  std::size_t n_;
  std::vector<double> xx;
};

// Solves A y = b in place (Gaussian elimination with partial pivoting), A n x n row-major.
inline void solveDense(std::vector<double> a, std::vector<double>& b) {
  const std::size_t n = b.size();
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t piv = c;
    for (std::size_t r = c + 1; r < n; ++r) {
      if (std::abs(a[r * n + c]) > std::abs(a[piv * n + c])) piv = r;
    }
    if (a[piv * n + c] == 0.0) throw std::runtime_error("driver: singular Newton matrix");
    for (std::size_t k = 0; k < n; ++k) std::swap(a[c * n + k], a[piv * n + k]);
    std::swap(b[c], b[piv]);
    for (std::size_t r = c + 1; r < n; ++r) {
      const double m = a[r * n + c] / a[c * n + c];
      for (std::size_t k = c; k < n; ++k) a[r * n + k] -= m * a[c * n + k];
      b[r] -= m * b[c];
    }
  }
  for (std::size_t c = n; c-- > 0;) {
    for (std::size_t k = c + 1; k < n; ++k) b[c] -= a[c * n + k] * b[k];
    b[c] /= a[c * n + c];
  }
}

class DeviceDriver {
 public:
  DeviceDriver(dae::Device& dev, VoltageProfile profile, double h, double frequency_pu = 1.0)
      : dev_(dev), profile_(std::move(profile)), h_(h) {
    ctx_.frequency_pu = frequency_pu;
  }

  // Initializes the device at the profile's first voltage drawing s0, at t = t0.
  void initialize(std::complex<double> s0, double t0 = 0.0) {
    t_ = t0;
    x_.assign(dev_.stateCount(), 0.0);
    dae::PortOperatingPoint op{.v0 = {profile_.at(t0), 0.0}, .s0 = s0};
    dev_.initialize(std::span<const dae::PortOperatingPoint>(&op, 1), x_);
    g_ = rootsAt(t_, x_, voltage(t_, true));
  }

  // Advances to t_end; `observe(t, x, v)` after every accepted step and every event.
  void run(double t_end, const std::function<void(double, const std::vector<double>&, double)>& observe = {}) {
    while (t_ < t_end - 1e-12) {
      double t_next = std::min(t_ + h_, t_end);
      for (double b : profile_.times) {
        if (b > t_ + 1e-12 && b < t_next) t_next = b;
      }
      const bool at_break = profile_.isBreakpoint(t_next);
      std::vector<double> x_next = x_;
      solveStep(t_next, x_next, voltage(t_next, !at_break));
      auto g_next = rootsAt(t_next, x_next, voltage(t_next, !at_break));
      if (changed(g_, g_next)) {
        double lo = t_, hi = t_next;
        std::vector<double> x_hi = x_next, g_hi = g_next;
        while (hi - lo > root_tol) {
          const double mid = 0.5 * (lo + hi);
          std::vector<double> xm = x_;
          solveStep(mid, xm, voltage(mid, true));
          auto gm = rootsAt(mid, xm, voltage(mid, true));
          if (changed(g_, gm)) {
            hi = mid;
            x_hi = xm;
            g_hi = gm;
          } else {
            lo = mid;
          }
        }
        const bool hi_is_break = hi == t_next && at_break;
        t_ = hi;
        x_ = x_hi;
        fire(g_, g_hi, voltage(t_, !hi_is_break));
      } else {
        t_ = t_next;
        x_ = x_next;
        g_ = g_next;
      }
      if (at_break && t_ == t_next) {  // the voltage jumps here: fire what the jump crosses
        auto g_right = rootsAt(t_, x_, voltage(t_, true));
        if (changed(g_, g_right)) fire(g_, g_right, voltage(t_, true));
        g_ = rootsAt(t_, x_, voltage(t_, true));
      }
      if (observe) observe(t_, x_, profile_.at(t_));
    }
  }

  double t() const { return t_; }
  const std::vector<double>& x() const { return x_; }
  const std::vector<RootEvent>& events() const { return events_; }
  std::vector<double> current() const {
    std::vector<double> f(dev_.stateCount()), xd(dev_.stateCount(), 0.0), i(2 * dev_.portCount());
    auto v = voltage(t_, true);
    dev_.residual(ctx(t_), x_, xd, v, f, i);
    return i;
  }
  // First event time of a root index at or after t_from (NaN if none).
  double firstEvent(std::size_t root, double t_from = -1e300, int direction = 0) const {
    for (const auto& e : events_) {
      if (e.root == root && e.t >= t_from && (direction == 0 || e.direction == direction)) return e.t;
    }
    return std::nan("");
  }

  double root_tol = 1e-9;  // s

 private:
  dae::Context ctx(double t) const {
    dae::Context c = ctx_;
    c.t = t;
    return c;
  }
  std::vector<double> voltage(double t, bool right) const { return {profile_.at(t, right), 0.0}; }

  std::vector<double> rootsAt(double t, const std::vector<double>& x, const std::vector<double>& v) const {
    std::vector<double> g(dev_.rootCount(), 0.0);
    dev_.roots(ctx(t), x, v, g);
    return g;
  }
  static bool crossed(double a, double b) { return (a < 0.0 && b >= 0.0) || (a > 0.0 && b <= 0.0); }
  static bool changed(const std::vector<double>& a, const std::vector<double>& b) {
    for (std::size_t k = 0; k < a.size(); ++k) {
      if (crossed(a[k], b[k])) return true;
    }
    return false;
  }
  void fire(const std::vector<double>& g_before, const std::vector<double>& g_after, const std::vector<double>& v) {
    std::vector<int> dir(g_before.size(), 0);
    for (std::size_t k = 0; k < dir.size(); ++k) {
      if (crossed(g_before[k], g_after[k])) {
        dir[k] = g_after[k] > g_before[k] ? 1 : -1;
        events_.push_back({t_, k, dir[k]});
      }
    }
    dev_.onRoot(ctx(t_), x_, v, dir);
    g_ = rootsAt(t_, x_, v);
  }

  // Backward Euler from (t_, x_) to t_new: F(x, (x - x_)/dt, v) = 0, Newton with cj = 1/dt.
  void solveStep(double t_new, std::vector<double>& x, const std::vector<double>& v) const {
    const std::size_t n = dev_.stateCount();
    const double dt = t_new - t_, cj = 1.0 / dt;
    std::vector<double> xd(n), f(n), i(2 * dev_.portCount());
    for (int it = 0; it < 50; ++it) {
      for (std::size_t k = 0; k < n; ++k) xd[k] = (x[k] - x_[k]) * cj;
      dev_.residual(ctx(t_new), x, xd, v, f, i);
      DenseSink sink(n);
      dev_.jacobian(ctx(t_new), x, xd, v, cj, sink);
      std::vector<double> dx = f;
      solveDense(sink.xx, dx);
      double step = 0.0;
      for (std::size_t k = 0; k < n; ++k) {
        x[k] -= dx[k];
        step = std::max(step, std::abs(dx[k]) / (1.0 + std::abs(x[k])));
      }
      if (step < 1e-14) return;  // converged (the update is at round-off level)
    }
    throw std::runtime_error("driver: Newton did not converge at t = " + std::to_string(t_new));
  }

  dae::Device& dev_;
  VoltageProfile profile_;
  double h_;
  dae::Context ctx_;
  double t_ = 0.0;
  std::vector<double> x_, g_;
  std::vector<RootEvent> events_;
};

}  // namespace feederlab::loads::testing
