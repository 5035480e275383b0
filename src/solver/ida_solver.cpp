// IDA + KLU driver for dae::Assembler (see include/feederlab/solver/ida_solver.hpp).
// References: A. C. Hindmarsh, R. Serban et al., "User Documentation for IDA v6.4" (SUNDIALS):
// IDAInit/IDASVtolerances/IDASetId (4.5.1-4.5.8), IDACalcIC with IDA_YA_YDP_INIT (4.5.5),
// IDASetStopTime and IDASolve return flags (4.5.7), IDARootInit/IDAGetRootInfo (4.5.6),
// IDAReInit (4.5.11), sparse Jacobian in CSC for KLU (klu_linear_solver.hpp keeps its analysis).
#include "feederlab/solver/ida_solver.hpp"

#include <ida/ida.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <limits>
#include <sstream>
#include <string>

#include "feederlab/core/error.hpp"
#include "klu_linear_solver.hpp"

namespace feederlab::solver {

struct IdaSolver::Impl {
  dae::Assembler* assembler = nullptr;
  IdaOptions options;
  SUNContext ctx = nullptr;
  void* mem = nullptr;
  N_Vector yy = nullptr, yp = nullptr, id = nullptr, atol = nullptr;
  SUNMatrix jac = nullptr;
  SUNLinearSolver ls = nullptr;
  double t = 0.0;
  std::size_t n = 0;
  std::vector<double> jvals;
  std::vector<int> fired;
  std::string last_message;    // from IDA's error handler
  std::string callback_error;  // exception text from a callback
  SolverStats counts;
  bool started = false;
  // FEEDERLAB_IDA_TRACE set: re-initializations, rollbacks, IDACalcIC tries and fired roots on
  // stderr (diagnosis of convergence failures).
  const bool trace = std::getenv("FEEDERLAB_IDA_TRACE") != nullptr;
  std::vector<double> y_before;

  // onRoots left every unknown within a tenth of its absolute tolerance (a clamp that moves a
  // state by rounding) or within options.ignored_reset: IDA's history stays valid (the small
  // reset is dropped: IDA keeps its own value).
  bool statesKept() {
    const auto y = span(yy), a = span(atol);
    for (std::size_t j = 0; j < n; ++j)
      if (std::abs(y[j] - y_before[j]) > std::max(0.1 * a[j], options.ignored_reset)) return false;
    return true;
  }
  long steps_before = 0;  // steps of the integrations before the last IDAReInit
  std::vector<double> g_before, g_after;

  std::vector<double>& rootsNow(std::vector<double>& g) {
    g.assign(assembler->rootCount(), 1.0);
    if (!g.empty()) assembler->roots(t, span(yy), span(yp), g);
    return g;
  }

  // A discontinuity (event at a stop, or a mode change) can move a root function across zero
  // without IDA seeing a crossing (IDA only watches sign changes during a step). After each
  // re-initialization the roots are compared with their values before it (`g_before`, in the
  // same device modes); crossed ones are forwarded to the devices as fired, and the whole is
  // repeated while devices change modes (at most 20 rounds).
  void restartAndSettle(double t_next) {
    for (int round = 0; round < 20; ++round) {
      reinit(t_next);
      if (assembler->rootCount() == 0) return;
      rootsNow(g_after);
      bool any = false;
      auto sgn = [](double x) { return x > 0.0 ? 1 : (x < 0.0 ? -1 : 0); };
      for (std::size_t k = 0; k < g_after.size(); ++k) {
        const int sb = sgn(g_before[k]), sa = sgn(g_after[k]);
        fired[k] = (sb != 0 && sa != sb) ? (g_after[k] > g_before[k] ? 1 : -1) : 0;
        any |= fired[k] != 0;
      }
      if (!any) return;
      ++counts.root_returns;
      const bool changed = assembler->onRoots(t, span(yy), fired);
      if (!changed) return;
      rootsNow(g_before);  // new modes, same point: the reference for the next round
    }
  }

  double t_first_sample = 0.0;
  bool has_first_sample = false;

  ~Impl() {
    if (mem) IDAFree(&mem);
    if (ls) SUNLinSolFree(ls);
    if (jac) SUNMatDestroy(jac);
    for (N_Vector v : {yy, yp, id, atol})
      if (v) N_VDestroy(v);
    if (ctx) SUNContext_Free(&ctx);
  }

  std::span<double> span(N_Vector v) const { return {N_VGetArrayPointer(v), n}; }

  [[noreturn]] void fail(const char* call, int flag) {
    char* name = IDAGetReturnFlagName(flag);
    std::ostringstream os;
    os << "IDA: " << call << " failed at t = " << t << " s (" << (name ? name : "?") << ")";
    std::free(name);
    if (!last_message.empty()) os << ": " << last_message;
    if (!callback_error.empty()) os << "; callback: " << callback_error;
    // The worst residual entry at the current point names the device or node.
    if (yy && yp) {
      std::vector<double> f(n, 0.0);
      try {
        assembler->residual(t, span(yy), span(yp), f);
        std::size_t worst = 0;
        for (std::size_t j = 0; j < n; ++j)
          if (!(std::abs(f[j]) <= std::abs(f[worst]))) worst = j;
        if (n > 0) os << "; worst residual |F| = " << std::abs(f[worst]) << " at " << assembler->variableName(worst);
      } catch (const std::exception& e) {
        os << "; residual not evaluable: " << e.what();
      }
      if (trace) checkJacobian();
      // Root functions that vanish at t (IDA refuses a root that stays at zero after a restart).
      if (assembler->rootCount() > 0) {
        std::vector<double> g(assembler->rootCount(), 1.0);
        try {
          assembler->roots(t, span(yy), span(yp), g);
          int listed = 0;
          for (std::size_t k = 0; k < g.size() && listed < 5; ++k)
            if (g[k] == 0.0) os << (listed++ ? ", " : "; zero root functions: ") << assembler->rootName(k);
        } catch (const std::exception&) {
        }
      }
    }
    throw core::NumericalError(os.str());
  }
  // Diagnosis (FEEDERLAB_IDA_TRACE): the analytic dF/dy at the failure point against central
  // differences, worst entries on stderr (an entry missing from the pattern shows as analytic 0);
  // FEEDERLAB_TRACE_VARS=NAME also lists the unknowns whose name contains NAME.
  void checkJacobian() {
    const auto& pat = assembler->jacobianPattern();
    std::vector<double> vals(pat.row_idx.size()), yv(span(yy).begin(), span(yy).end()), fp(n), fm(n), ana(n);
    assembler->jacobian(t, yv, span(yp), 0.0, vals);
    struct Miss {
      double err;
      std::size_t row, col;
      double ana, num;
    };
    std::vector<Miss> misses;
    for (std::size_t c = 0; c < n; ++c) {
      const double y0 = yv[c], h = 1e-7 * std::max(1.0, std::abs(y0));
      yv[c] = y0 + h;
      assembler->residual(t, yv, span(yp), fp);
      yv[c] = y0 - h;
      assembler->residual(t, yv, span(yp), fm);
      yv[c] = y0;
      std::fill(ana.begin(), ana.end(), 0.0);
      for (int k = pat.col_ptr[c]; k < pat.col_ptr[c + 1]; ++k)
        ana[static_cast<std::size_t>(pat.row_idx[static_cast<std::size_t>(k)])] = vals[static_cast<std::size_t>(k)];
      for (std::size_t r = 0; r < n; ++r) {
        const double num = (fp[r] - fm[r]) / (2 * h);
        const double err = std::abs(num - ana[r]) / std::max(1.0, std::abs(num));
        if (err > 1e-4) misses.push_back({err, r, c, ana[r], num});
      }
    }
    std::sort(misses.begin(), misses.end(), [](const Miss& a, const Miss& b) { return a.err > b.err; });
    std::fprintf(stderr, "jacobian check at t=%.9f: %zu entries off by > 1e-4\n", t, misses.size());
    for (std::size_t k = 0; k < std::min<std::size_t>(15, misses.size()); ++k)
      std::fprintf(stderr, "  dF[%s]/dy[%s]: analytic %g numeric %g\n", assembler->variableName(misses[k].row).c_str(),
                   assembler->variableName(misses[k].col).c_str(), misses[k].ana, misses[k].num);
    if (const char* want = std::getenv("FEEDERLAB_TRACE_VARS"))
      for (std::size_t k = 0; k < n; ++k)
        if (assembler->variableName(k).find(want) != std::string::npos)
          std::fprintf(stderr, "  var %s = %g (yp %g)\n", assembler->variableName(k).c_str(), yv[k], span(yp)[k]);
  }
  void check(const char* call, int flag) {
    if (flag < 0) fail(call, flag);
  }
  template <class T>
  T* checkPtr(const char* call, T* p) {
    if (!p) throw core::NumericalError(std::string("SUNDIALS: ") + call + " returned null");
    return p;
  }

  static int residualFn(realtype tt, N_Vector y, N_Vector ydot, N_Vector rr, void* ud) {
    auto* s = static_cast<Impl*>(ud);
    try {
      auto f = s->span(rr);
      s->assembler->residual(tt, s->span(y), s->span(ydot), f);
      ++s->counts.residual_evals;
      for (double v : f)
        if (!std::isfinite(v)) return 1;  // recoverable: IDA cuts the step
      return 0;
    } catch (const std::exception& e) {
      s->callback_error = e.what();
      return -1;
    }
  }

  static int jacobianFn(realtype tt, realtype cj, N_Vector y, N_Vector ydot, N_Vector, SUNMatrix jm, void* ud,
                        N_Vector, N_Vector, N_Vector) {
    auto* s = static_cast<Impl*>(ud);
    try {
      const auto& pat = s->assembler->jacobianPattern();
      sunindextype* colptr = SUNSparseMatrix_IndexPointers(jm);
      sunindextype* rowval = SUNSparseMatrix_IndexValues(jm);
      realtype* data = SUNSparseMatrix_Data(jm);
      for (std::size_t c = 0; c <= static_cast<std::size_t>(pat.n); ++c) colptr[c] = pat.col_ptr[c];
      for (std::size_t k = 0; k < pat.row_idx.size(); ++k) rowval[k] = pat.row_idx[k];
      s->assembler->jacobian(tt, s->span(y), s->span(ydot), cj, s->jvals);
      std::copy(s->jvals.begin(), s->jvals.end(), data);
      ++s->counts.jacobian_evals;
      return 0;
    } catch (const std::exception& e) {
      s->callback_error = e.what();
      return -1;
    }
  }

  static int rootFn(realtype tt, N_Vector y, N_Vector ydot, realtype* gout, void* ud) {
    auto* s = static_cast<Impl*>(ud);
    try {
      s->assembler->roots(tt, s->span(y), s->span(ydot), {gout, s->assembler->rootCount()});
      return 0;
    } catch (const std::exception& e) {
      s->callback_error = e.what();
      return -1;
    }
  }

  static void errorFn(int, const char* module, const char* function, char* msg, void* ud) {
    auto* s = static_cast<Impl*>(ud);
    s->last_message = std::string(module ? module : "") + "/" + (function ? function : "") + ": " + (msg ? msg : "");
  }

  // IDAReInit zeroes IDA's step counter: keep the total.
  void restart() {
    long v = 0;
    if (IDAGetNumSteps(mem, &v) == IDA_SUCCESS) steps_before += v;
    check("IDAReInit", IDAReInit(mem, t, yy, yp));
  }

  // After a discontinuity at t: IDAReInit, then consistent algebraic y and differential y'.
  void reinit(double t_next) {
    IDASetInitStep(mem, 0.0);  // IDA's own estimate (a fallback below may have set one)
    if (trace) std::fprintf(stderr, "reinit t=%.6f\n", t);
    restart();
    const double tout1 = t + std::max(1e-6, std::min(1e-3, t_next - t));
    // Two tries: full Newton steps (cheap when the jump is nearly linear in the node voltages:
    // a source step), then IDA's line search with more iterations, Jacobians and step
    // reductions (mode changes of stalling motors and tripping units: strongly nonlinear, full
    // steps overshoot across the load characteristics' kinks).
    struct Try {
      booleantype line_search_off;
      int iters, jacs, steps;
    };
    static constexpr Try kTries[] = {{SUNTRUE, 25, 8, 5}, {SUNFALSE, 50, 20, 20}};
    int flag = -1;
    for (std::size_t k = 0; k < std::size(kTries) && flag < 0; ++k) {
      const Try& tr = kTries[options.line_search_first ? std::size(kTries) - 1 - k : k];
      if (k > 0) check("IDAReInit", IDAReInit(mem, t, yy, yp));
      IDASetLineSearchOffIC(mem, tr.line_search_off);
      IDASetMaxNumItersIC(mem, tr.iters);
      IDASetMaxNumJacsIC(mem, tr.jacs);
      IDASetMaxNumStepsIC(mem, tr.steps);
      flag = IDACalcIC(mem, IDA_YA_YDP_INIT, tout1);
      if (trace) std::fprintf(stderr, "  calcic try %zu -> %d\n", k, flag);
    }
    if (flag < 0 && options.implicit_euler_fallback) {
      // Last resort: no consistent-IC solve; IDA's first step (BDF order 1, i.e. implicit Euler
      // from the pre-event point, with a tiny first step) solves for every unknown at t + h. Its
      // corrector uses the new modes' equations on the whole system, so an algebraic solution
      // that is only reachable through the differential states' motion is found too.
      ++counts.ic_fallbacks;
      check("IDAReInit", IDAReInit(mem, t, yy, yp));
      check("IDASetInitStep", IDASetInitStep(mem, 1e-7));
      ++counts.reinits;
      return;
    }
    check("IDACalcIC", flag);
    check("IDAGetConsistentIC", IDAGetConsistentIC(mem, yy, yp));
    ++counts.reinits;
  }
};

IdaSolver::IdaSolver(dae::Assembler& assembler, IdaOptions options, double t0) : impl_(std::make_unique<Impl>()) {
  auto& m = *impl_;
  m.assembler = &assembler;
  m.options = options;
  m.t = t0;
  m.n = assembler.size();
  const auto n = static_cast<sunindextype>(m.n);
  if (SUNContext_Create(nullptr, &m.ctx) != 0) throw core::NumericalError("SUNDIALS: SUNContext_Create failed");
  m.yy = m.checkPtr("N_VNew_Serial", N_VNew_Serial(n, m.ctx));
  m.yp = m.checkPtr("N_VNew_Serial", N_VNew_Serial(n, m.ctx));
  m.id = m.checkPtr("N_VNew_Serial", N_VNew_Serial(n, m.ctx));
  m.atol = m.checkPtr("N_VNew_Serial", N_VNew_Serial(n, m.ctx));
  std::ranges::copy(assembler.y0(), m.span(m.yy).begin());
  std::ranges::copy(assembler.yp0(), m.span(m.yp).begin());
  std::ranges::copy(assembler.differentialMask(), m.span(m.id).begin());
  std::ranges::copy(assembler.absTolerances(options.node_abs_tolerance), m.span(m.atol).begin());

  m.mem = m.checkPtr("IDACreate", IDACreate(m.ctx));
  m.check("IDASetErrHandlerFn", IDASetErrHandlerFn(m.mem, &Impl::errorFn, &m));
  m.check("IDAInit", IDAInit(m.mem, &Impl::residualFn, t0, m.yy, m.yp));
  m.check("IDASVtolerances", IDASVtolerances(m.mem, options.rtol, m.atol));
  m.check("IDASetUserData", IDASetUserData(m.mem, &m));
  m.check("IDASetId", IDASetId(m.mem, m.id));
  m.check("IDASetMaxNumSteps", IDASetMaxNumSteps(m.mem, options.max_steps_per_call));
  if (options.max_step_s > 0.0) m.check("IDASetMaxStep", IDASetMaxStep(m.mem, options.max_step_s));
  // IDACalcIC settings: per try in reinit() (full steps first: the feeder's node rows reach 1e6
  // pu admittances next to O(1) device rows and the line search can stall on the badly scaled
  // norm; a source step is nearly linear in the node voltages, so full steps converge).
  if (options.suppress_algebraic_error) m.check("IDASetSuppressAlg", IDASetSuppressAlg(m.mem, SUNTRUE));
  if (options.max_order != 5) m.check("IDASetMaxOrd", IDASetMaxOrd(m.mem, options.max_order));

  const auto& pat = assembler.jacobianPattern();
  m.jvals.assign(pat.row_idx.size(), 0.0);
  m.jac = m.checkPtr("SUNSparseMatrix",
                     SUNSparseMatrix(n, n, static_cast<sunindextype>(std::max<std::size_t>(1, pat.row_idx.size())),
                                     CSC_MAT, m.ctx));
  m.ls = m.checkPtr("KLU linear solver", makeKeptSymbolicKlu(m.ctx));
  m.check("IDASetLinearSolver", IDASetLinearSolver(m.mem, m.ls, m.jac));
  m.check("IDASetJacFn", IDASetJacFn(m.mem, &Impl::jacobianFn));
  if (assembler.rootCount() > 0) {
    m.fired.assign(assembler.rootCount(), 0);
    if (options.root_location == RootLocation::Exact)
      m.check("IDARootInit", IDARootInit(m.mem, static_cast<int>(assembler.rootCount()), &Impl::rootFn));
  }
}

IdaSolver::~IdaSolver() = default;

void IdaSolver::run(double t_end, std::span<const double> stop_times, const std::function<void(double)>& on_stop,
                    Recorder* recorder) {
  auto& m = *impl_;
  const double eps = 1e-12 * std::max(1.0, std::abs(t_end));
  std::vector<double> stops;
  for (double s : stop_times)
    if (s > m.t + eps && s < t_end - eps) stops.push_back(s);
  std::sort(stops.begin(), stops.end());
  stops.erase(std::unique(stops.begin(), stops.end()), stops.end());
  stops.push_back(t_end);

  auto record = [&](double t, std::span<const double> y, std::span<const double> yp) {
    if (!m.has_first_sample) m.t_first_sample = t, m.has_first_sample = true;
    if (recorder->on_sample) {
      recorder->on_sample(t, y, yp);
      return;
    }
    Sample s;
    s.t = t;
    s.head_v_pu = m.assembler->headVoltagePu(y);
    for (const auto& p : m.assembler->headPowerVa(y)) {
      s.head_p_mw += p.real() / 1e6;
      s.head_q_mvar += p.imag() / 1e6;
    }
    for (int node : recorder->probe_nodes) s.probes.push_back(std::abs(m.assembler->nodeVoltagePu(y, node)));
    recorder->samples.push_back(std::move(s));
  };
  auto consistentStart = [&] {
    if (m.options.consistent_start && !m.started) {
      m.rootsNow(m.g_before);
      m.restartAndSettle(stops.front());
    }
    m.started = true;
  };
  long k_out = 0;
  double t_origin = m.t;
  if (recorder) {
    if (!(recorder->interval_s > 0.0)) throw core::NumericalError("recorder interval must be > 0");
    if (!m.has_first_sample) {
      consistentStart();
      record(m.t, m.span(m.yy), m.span(m.yp));
    } else {
      t_origin = m.t_first_sample;
    }
    k_out = static_cast<long>(std::floor((m.t - t_origin) / recorder->interval_s + 1e-9)) + 1;
  }
  auto nextOut = [&] {
    return recorder ? t_origin + static_cast<double>(k_out) * recorder->interval_s
                    : std::numeric_limits<double>::infinity();
  };
  consistentStart();
  const auto wall_start = std::chrono::steady_clock::now();
  auto checkWall = [&] {
    if (!(m.options.max_wall_s > 0.0)) return;
    const std::chrono::duration<double> used = std::chrono::steady_clock::now() - wall_start;
    if (used.count() <= m.options.max_wall_s) return;
    std::ostringstream os;
    os << "wall-clock limit of " << m.options.max_wall_s << " s reached at t = " << m.t << " s (of " << t_end << " s)";
    m.last_message = os.str();
    m.fail("IDASolve", IDA_TOO_MUCH_WORK);
  };

  if (m.options.root_location == RootLocation::StepEnd) {
    // One internal step at a time; outputs interpolated (IDAGetDky) inside the last step;
    // roots compared between step ends.
    const std::size_t nr = m.assembler->rootCount();
    std::vector<double> g_prev, g_new, yo(m.n), ypo(m.n);
    N_Vector vyo = N_VMake_Serial(static_cast<sunindextype>(m.n), yo.data(), m.ctx);
    N_Vector vypo = N_VMake_Serial(static_cast<sunindextype>(m.n), ypo.data(), m.ctx);
    struct Free {
      N_Vector a, b;
      ~Free() { N_VDestroy(a), N_VDestroy(b); }
    } free_vectors{vyo, vypo};
    if (nr > 0) m.rootsNow(g_prev);
    double t_lo = m.t;
    std::vector<std::size_t> touched;
    std::vector<double> t_dev;
    // The point of the last mode change continued without re-initialization, kept until an
    // output is recorded after it (the series never goes back in time).
    bool have_checkpoint = false;
    long steps_since_output = 0;
    double ck_t = 0.0;
    std::vector<double> ck_y, ck_yp, ck_g;
    std::size_t si = 0;
    m.check("IDASetStopTime", IDASetStopTime(m.mem, stops[si]));
    while (true) {
      realtype tret = m.t;
      m.callback_error.clear();
      const int flag = IDASolve(m.mem, stops[si], &tret, m.yy, m.yp, IDA_ONE_STEP);
      if (flag < 0 && have_checkpoint) {
        // A mode change continued without re-initialization that IDA's corrector cannot follow:
        // back to the point of the mode change (no output recorded since), re-initialize there
        // (IDAReInit + IDACalcIC) and go on.
        if (m.trace) std::fprintf(stderr, "rollback t=%.6f -> %.6f flag %d\n", m.t, ck_t, flag);
        have_checkpoint = false;
        m.t = ck_t;
        std::ranges::copy(ck_y, m.span(m.yy).begin());
        std::ranges::copy(ck_yp, m.span(m.yp).begin());
        m.g_before = ck_g;
        m.restartAndSettle(stops[si]);
        if (nr > 0) m.rootsNow(g_prev);
        t_lo = m.t;
        continue;
      }
      if (flag < 0) m.fail("IDASolve", flag);
      m.t = tret;
      checkWall();
      if (++steps_since_output > m.options.max_steps_per_call) {  // as IDASetMaxNumSteps in IDA_NORMAL
        m.last_message = "more than " + std::to_string(m.options.max_steps_per_call) + " steps between two output times";
        m.fail("IDASolve", IDA_TOO_MUCH_WORK);
      }
      const double tol = 1e-9 * std::max(1.0, std::abs(m.t));
      while (recorder && nextOut() <= m.t + tol) {  // outputs inside the step just taken
        const double to = nextOut();
        have_checkpoint = false;
        steps_since_output = 0;
        if (std::abs(to - m.t) <= tol) {
          record(to, m.span(m.yy), m.span(m.yp));
        } else {
          m.check("IDAGetDky", IDAGetDky(m.mem, to, 0, vyo));
          m.check("IDAGetDky", IDAGetDky(m.mem, to, 1, vypo));
          record(to, yo, ypo);
        }
        ++k_out;
      }
      if (nr > 0) {  // crossings in (t_lo, t]: per device, at the earliest interpolated time
        m.rootsNow(g_new);
        touched.clear();
        std::fill(m.fired.begin(), m.fired.end(), 0);
        for (std::size_t k = 0; k < nr; ++k) {
          const double a = g_prev[k], b = g_new[k];
          if (a == 0.0 || ((a > 0.0) == (b > 0.0) && b != 0.0)) continue;
          m.fired[k] = b > a ? 1 : -1;
          const double tc = t_lo + (m.t - t_lo) * std::clamp(a / (a - b), 0.0, 1.0);
          const std::size_t d = m.assembler->rootDevice(k);
          if (t_dev.size() <= d) t_dev.resize(m.assembler->deviceCount(), 0.0);
          if (touched.empty() || touched.back() != d) touched.push_back(d), t_dev[d] = tc;
          t_dev[d] = std::min(t_dev[d], tc);
        }
        if (!touched.empty()) {
          ++m.counts.root_returns;
          m.y_before.assign(m.span(m.yy).begin(), m.span(m.yy).end());
          bool changed = false;
          for (std::size_t d : touched) changed |= m.assembler->onDeviceRoots(d, t_dev[d], m.span(m.yy), m.fired);
          if (m.trace)
            for (std::size_t k = 0; k < nr; ++k)
              if (m.fired[k]) std::fprintf(stderr, "  t=%.6f fired %s %d g %g -> %g\n", m.t, m.assembler->rootName(k).c_str(), m.fired[k], g_prev[k], g_new[k]);
          if (changed) {
            if (!m.options.restart_on_mode_change && m.statesKept()) {
              ++m.counts.mode_changes;
              have_checkpoint = true;
              ck_t = m.t;
              ck_y.assign(m.span(m.yy).begin(), m.span(m.yy).end());
              ck_yp.assign(m.span(m.yp).begin(), m.span(m.yp).end());
              // New modes at the same point: only the touched devices' functions change (no
              // evaluation of every device's roots per mode change).
              for (std::size_t d : touched) m.assembler->deviceRoots(d, m.t, m.span(m.yy), g_new);
              ck_g = g_new;  // the reference after a re-initialization at this point
            } else {
              m.rootsNow(m.g_before);
              m.restartAndSettle(stops[si]);
              m.rootsNow(g_new);  // the new modes' functions are the reference from here
            }
          }
        }
        std::swap(g_prev, g_new);
      }
      t_lo = m.t;
      if (std::abs(m.t - stops[si]) <= tol) {
        if (++si == stops.size()) break;
        m.rootsNow(m.g_before);
        if (on_stop) on_stop(m.t);
        m.restartAndSettle(stops[si]);
        if (nr > 0) m.rootsNow(g_prev);
        m.check("IDASetStopTime", IDASetStopTime(m.mem, stops[si]));
      }
    }
    return;
  }

  bool after_plain_root = false;  // the last return was a root that changed nothing
  std::size_t si = 0;
  while (si < stops.size()) {
    const double tstop = stops[si];
    m.check("IDASetStopTime", IDASetStopTime(m.mem, tstop));
    const double tout = std::min(nextOut(), tstop);
    realtype tret = m.t;
    m.callback_error.clear();
    // A root or restart a hair before tout: IDA cannot start towards it; take it as reached
    // (the state changes by O(1e-12 s) of dynamics).
    const bool reached = tout - m.t <= 1e-10 * std::max(1.0, std::abs(tout));
    const int flag = reached ? IDA_SUCCESS : IDASolve(m.mem, tout, &tret, m.yy, m.yp, IDA_NORMAL);
    m.t = reached ? tout : tret;
    if (flag == IDA_ILL_INPUT && after_plain_root) {
      // IDA's check after a root return (IDARcheck2) refuses a root function that is still
      // exactly zero a hair later (a device mode whose root function rests at zero); after
      // IDAReInit such a function is only deactivated until it moves away (IDARcheck1).
      after_plain_root = false;
      m.restart();
      continue;
    }
    after_plain_root = false;
    if (flag < 0) m.fail("IDASolve", flag);
    checkWall();
    if (flag == IDA_ROOT_RETURN) {
      ++m.counts.root_returns;
      m.check("IDAGetRootInfo", IDAGetRootInfo(m.mem, m.fired.data()));
      m.y_before.assign(m.span(m.yy).begin(), m.span(m.yy).end());
      if (m.assembler->onRoots(m.t, m.span(m.yy), m.fired)) {
        if (!m.options.restart_on_mode_change && m.statesKept()) {
          // Equations changed, states did not: IDA continues from its history; its corrector
          // lands on the new algebraic solution and, with the algebraic variables out of the
          // error test (suppress_algebraic_error), the jump costs a few Newton iterations
          // instead of a restart at order 1 with a tiny step and a consistent-IC solve.
          ++m.counts.mode_changes;
          after_plain_root = true;
          continue;
        }
        m.rootsNow(m.g_before);
        m.restartAndSettle(tstop);
      } else {
        after_plain_root = true;  // continue without a restart
      }
      continue;
    }
    const double tol = 1e-9 * std::max(1.0, std::abs(m.t));
    if (recorder && std::abs(m.t - nextOut()) <= tol) {
      record(m.t, m.span(m.yy), m.span(m.yp));
      ++k_out;
    }
    if (std::abs(m.t - tstop) <= tol) {
      ++si;
      if (si < stops.size()) {  // an event time (not t_end)
        m.rootsNow(m.g_before);
        if (on_stop) on_stop(m.t);
        m.restartAndSettle(stops[si]);
      }
    }
  }
}

double IdaSolver::time() const { return impl_->t; }
std::span<const double> IdaSolver::y() const { return impl_->span(impl_->yy); }
std::span<const double> IdaSolver::yp() const { return impl_->span(impl_->yp); }

SolverStats IdaSolver::stats() const {
  SolverStats s = impl_->counts;
  long v = 0;
  if (IDAGetNumSteps(impl_->mem, &v) == IDA_SUCCESS) s.steps = impl_->steps_before + v;
  return s;
}

}  // namespace feederlab::solver
