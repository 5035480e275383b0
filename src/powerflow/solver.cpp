// Power-flow solver: fixed-point current injection on a KLU-factored admittance matrix, with the
// static control loop around it (see powerflow.hpp for the method and its sources).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "anderson.hpp"
#include "controls.hpp"
#include "feederlab/core/error.hpp"
#include "feederlab/core/units.hpp"
#include "feederlab/powerflow/powerflow.hpp"
#include "load_models.hpp"
#include "results.hpp"
#include "sparse_lu.hpp"

namespace feederlab::powerflow {

using std::size_t;

// Changes below this (pu) are rounding noise of the sparse solves on large feeders.
constexpr double kNoiseFloor = 1e-10;

struct Solver::Impl {
  const model::Feeder& feeder;
  Options options;
  Network network;
  detail::SparseLu lu;
  std::vector<Complex> v, rhs, values;
  SparseMatrix matrix;         // pattern of the admittance matrix (values live in `values`)
  std::vector<double> scale;   // 1 / base volts per node for the convergence test
  std::vector<double> scale2;  // its square
  std::vector<double> dv2;     // last squared change per node, pu^2 (for messages)
  int iterations = 0;
  double mismatch = 0;
  std::optional<detail::HeadInfo> head;
  detail::Anderson anderson;
  std::vector<detail::LoadLaw> laws;  // per compiled load

  const detail::HeadInfo& headInfo() {
    if (!head) head = detail::headInfo(network);
    return *head;
  }

  Impl(const model::Feeder& f, Options o) : feeder(f), options(o), network(f) {}

  void factor() {
    network.admittanceValues(true, values);
    if (!lu.factored()) {
      matrix = network.admittance(true);
      lu.factor(matrix);
    } else {
      lu.refactor(values);
    }
  }

  // Rated-impedance start: loads as their rated impedances, sources injecting.
  void start() {
    v = network.sourceInjection();
    lu.solve(v);
    if (scale.empty()) fillBases();
  }

  // Buses without a kV base get the nearest of the circuit's voltage bases (as OpenDSS CalcVoltageBases).
  void fillBases() {
    const auto& nodes = network.nodes();
    scale.assign(nodes.size(), 0.0);
    scale2.assign(nodes.size(), 0.0);
    dv2.assign(nodes.size(), 0.0);
    for (size_t i = 0; i < nodes.size(); ++i) {
      double base = nodes[i].base_volts;
      if (base <= 0.0) {
        const double kv = std::abs(v[i]) * core::kSqrt3 / 1000.0;
        double best = 0.0;
        for (double b : feeder.settings.voltage_bases_kv)
          if (best == 0.0 || std::abs(std::log(b / kv)) < std::abs(std::log(best / kv))) best = b;
        base = best > 0.0 ? core::lnVolts(best) : std::max(std::abs(v[i]), 1.0);
      }
      scale[i] = 1.0 / base;
      scale2[i] = scale[i] * scale[i];
    }
  }

  void injectLoads(std::vector<Complex>& inj) {
    const auto& loads = network.loads();
    if (laws.size() != loads.size()) {
      laws.clear();
      for (const auto& cl : loads) laws.push_back(detail::loadLaw(feeder.loads[static_cast<size_t>(cl.load)], cl));
    }
    for (size_t li = 0; li < loads.size(); ++li) {
      const auto& cl = loads[li];
      const auto& law = laws[li];
      for (size_t ph = 0; ph < cl.from.size(); ++ph) {
        const int a = cl.from[ph], b = cl.to[ph];
        const Complex vd =
            (a >= 0 ? v[static_cast<size_t>(a)] : Complex{}) - (b >= 0 ? v[static_cast<size_t>(b)] : Complex{});
        // Compensation current: what the rated impedance in Y draws minus what the load draws.
        const Complex i = cl.y_eq * vd - detail::loadCurrent(law, vd);
        if (a >= 0) inj[static_cast<size_t>(a)] += i;
        if (b >= 0) inj[static_cast<size_t>(b)] -= i;
      }
    }
  }

  // Fixed point V = G(V) = Y^-1 (I_source + I_comp(V)), accelerated with Anderson mixing
  // (Walker & Ni, "Anderson acceleration for fixed-point iterations", SIAM J. Numer. Anal. 49(4),
  // 2011): the next iterate combines the last few G values so as to minimize the weighted
  // residual G(V) - V. The converged point is the same fixed point; only the path is shorter.
  // Fixed point V = G(V) = Y^-1 (I_source + I_comp(V)), accelerated with Anderson mixing
  // (Walker & Ni, "Anderson acceleration for fixed-point iterations", SIAM J. Numer. Anal. 49(4),
  // 2011): the next iterate combines the last few G values so as to minimize the weighted
  // residual G(V) - V. The converged point is the same fixed point; only the path is shorter.
  void iterate(double tolerance) {
    const auto source = network.sourceInjection();
    const auto depth = static_cast<size_t>(std::max(options.acceleration_depth, 0));
    anderson.reset(v.size(), depth);
    double previous = 0.0, best = 1e300;
    int stalled = 0, since_best = 0;
    for (int k = 0; k < options.max_iterations; ++k) {
      rhs = source;
      injectLoads(rhs);
      lu.solve(rhs);
      ++iterations;
      double worst2 = 0.0;  // squared, to avoid a hypot per node
      for (size_t i = 0; i < v.size(); ++i) {
        dv2[i] = std::norm(rhs[i] - v[i]) * scale2[i];
        worst2 = std::max(worst2, dv2[i]);
      }
      mismatch = std::sqrt(worst2);
      if (!std::isfinite(mismatch)) fail("the iteration diverged (non-finite voltages)");
      if (options.on_iteration) options.on_iteration(iterations, mismatch);
      since_best = mismatch < best ? 0 : since_best + 1;
      best = std::min(best, mismatch);
      // Below kNoiseFloor the change is rounding noise of the sparse solves; a tolerance under it
      // cannot be met, so a stagnating iteration is accepted there (max_mismatch_pu tells).
      if (mismatch < tolerance || (mismatch < kNoiseFloor && since_best >= 5)) {
        std::swap(v, rhs);
        return;
      }
      // Safeguard: the load models are piecewise (vminpu/vmaxpu bands); when a load hops between
      // pieces the mixing history is stale, so drop it as soon as progress stalls.
      stalled = (k > 0 && mismatch > 0.9 * previous) ? stalled + 1 : 0;
      if (stalled >= 2 || (k > 0 && mismatch > 10.0 * previous)) {
        anderson.restart();
        stalled = 0;
      }
      previous = mismatch;
      anderson.step(v, rhs, scale);  // v <- accelerated next iterate
    }
    fail(fmt::format("no convergence after {} iterations", options.max_iterations));
  }

  [[noreturn]] void fail(const std::string& what) const {
    std::vector<std::pair<double, size_t>> worst;
    for (size_t i = 0; i < dv2.size(); ++i) worst.emplace_back(std::isfinite(dv2[i]) ? std::sqrt(dv2[i]) : 1e300, i);
    const size_t k = std::min<size_t>(5, worst.size());
    std::partial_sort(worst.begin(), worst.begin() + static_cast<long>(k), worst.end(), std::greater<>());
    std::string msg = fmt::format("power flow: {}; max |dV| = {:.3g} pu; worst nodes:", what, mismatch);
    for (size_t j = 0; j < k; ++j)
      msg += fmt::format(" {} ({:.3g} pu)", network.nodeName(static_cast<int>(worst[j].second)), worst[j].first);
    throw core::NumericalError(msg);
  }

  ControlMode mode() const {
    if (options.controls) return *options.controls;
    return feeder.settings.controls_off ? ControlMode::Off : ControlMode::Static;
  }
};

Solver::Solver(const model::Feeder& feeder, Options options) : impl_(std::make_unique<Impl>(feeder, options)) {}
Solver::~Solver() = default;
const Network& Solver::network() const {
  return impl_->network;
}

// Control decisions are taken on solutions converged to kControlTolerance (1000 times tighter
// than OpenDSS's 1e-4, so they are the decisions an exact solution gives); the final state is
// then converged to Options::tolerance and sampled once more.
constexpr double kControlTolerance = 1e-7;

Result Solver::solve() {
  auto& d = *impl_;
  d.iterations = 0;
  d.factor();
  d.start();
  const double tol = d.options.tolerance;
  const bool controls = d.mode() == ControlMode::Static;
  d.iterate(controls ? std::max(tol, kControlTolerance) : tol);
  int control_iterations = 1;
  std::vector<std::string> warnings;
  if (controls) {
    detail::ControlLoop loop(d.network);
    const int max_ctrl = d.options.max_control_iterations > 0 ? d.options.max_control_iterations
                                                              : d.feeder.settings.max_control_iterations;
    while (true) {
      if (!loop.sample(d.v)) {
        if (d.mismatch < tol) break;
        d.iterate(tol);  // tighten, then confirm no control wants to act
        continue;
      }
      if (control_iterations >= max_ctrl) {
        warnings.push_back(fmt::format("control iteration limit ({}) reached with actions pending", max_ctrl));
        if (d.mismatch >= tol) d.iterate(tol);
        break;
      }
      if (loop.doNearest() && d.network.applyState()) d.factor();
      d.iterate(std::max(tol, kControlTolerance));
      ++control_iterations;
    }
    warnings.insert(warnings.end(), loop.warnings.begin(), loop.warnings.end());
  }
  Result r = detail::buildResult(d.network, d.v, d.scale, d.headInfo());
  r.converged = true;
  r.iterations = d.iterations;
  r.control_iterations = control_iterations;
  r.max_mismatch_pu = d.mismatch;
  r.warnings = std::move(warnings);
  return r;
}

Result Solver::resolve() {
  auto& d = *impl_;
  d.iterations = 0;
  if (!d.lu.factored()) d.factor();
  d.start();
  d.iterate(d.options.tolerance);
  Result r = detail::buildResult(d.network, d.v, d.scale, d.headInfo());
  r.converged = true;
  r.iterations = d.iterations;
  r.control_iterations = 1;
  r.max_mismatch_pu = d.mismatch;
  return r;
}

Result solvePowerFlow(const model::Feeder& feeder, const Options& options) {
  Solver solver(feeder, options);
  return solver.solve();
}

}  // namespace feederlab::powerflow
