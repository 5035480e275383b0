// IDA + KLU driver for dae::Assembler (see include/feederlab/solver/ida_solver.hpp).
// References: A. C. Hindmarsh, R. Serban et al., "User Documentation for IDA v6.4" (SUNDIALS):
// IDAInit/IDASVtolerances/IDASetId (4.5.1-4.5.8), IDACalcIC with IDA_YA_YDP_INIT (4.5.5),
// IDASetStopTime and IDASolve return flags (4.5.7), IDARootInit/IDAGetRootInfo (4.5.6),
// IDAReInit (4.5.11), sparse Jacobian in CSC for SUNLinSol_KLU (9.1.3, 10.9).
#include "feederlab/solver/ida_solver.hpp"

#include <ida/ida.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <limits>
#include <sstream>
#include <string>

#include "feederlab/core/error.hpp"

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
    }
    throw core::NumericalError(os.str());
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

  // After a discontinuity at t: IDAReInit, then consistent algebraic y and differential y'.
  void reinit(double t_next) {
    check("IDAReInit", IDAReInit(mem, t, yy, yp));
    const double tout1 = t + std::max(1e-6, std::min(1e-3, t_next - t));
    check("IDACalcIC", IDACalcIC(mem, IDA_YA_YDP_INIT, tout1));
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

  const auto& pat = assembler.jacobianPattern();
  m.jvals.assign(pat.row_idx.size(), 0.0);
  m.jac = m.checkPtr("SUNSparseMatrix",
                     SUNSparseMatrix(n, n, static_cast<sunindextype>(std::max<std::size_t>(1, pat.row_idx.size())),
                                     CSC_MAT, m.ctx));
  m.ls = m.checkPtr("SUNLinSol_KLU", SUNLinSol_KLU(m.yy, m.jac, m.ctx));
  m.check("IDASetLinearSolver", IDASetLinearSolver(m.mem, m.ls, m.jac));
  m.check("IDASetJacFn", IDASetJacFn(m.mem, &Impl::jacobianFn));
  if (assembler.rootCount() > 0) {
    m.fired.assign(assembler.rootCount(), 0);
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

  auto record = [&] {
    Sample s;
    s.t = m.t;
    const auto y = m.span(m.yy);
    s.head_v_pu = m.assembler->headVoltagePu(y);
    for (const auto& p : m.assembler->headPowerVa(y)) {
      s.head_p_mw += p.real() / 1e6;
      s.head_q_mvar += p.imag() / 1e6;
    }
    for (int node : recorder->probe_nodes) s.probes.push_back(std::abs(m.assembler->nodeVoltagePu(y, node)));
    recorder->samples.push_back(std::move(s));
  };
  long k_out = 0;
  double t_origin = m.t;
  if (recorder) {
    if (!(recorder->interval_s > 0.0)) throw core::NumericalError("recorder interval must be > 0");
    if (recorder->samples.empty()) {
      record();
    } else {
      t_origin = recorder->samples.front().t;
    }
    k_out = static_cast<long>(std::floor((m.t - t_origin) / recorder->interval_s + 1e-9)) + 1;
  }
  auto nextOut = [&] {
    return recorder ? t_origin + static_cast<double>(k_out) * recorder->interval_s
                    : std::numeric_limits<double>::infinity();
  };

  std::size_t si = 0;
  while (si < stops.size()) {
    const double tstop = stops[si];
    m.check("IDASetStopTime", IDASetStopTime(m.mem, tstop));
    const double tout = std::min(nextOut(), tstop);
    realtype tret = m.t;
    m.callback_error.clear();
    const int flag = IDASolve(m.mem, tout, &tret, m.yy, m.yp, IDA_NORMAL);
    m.t = tret;
    if (flag < 0) m.fail("IDASolve", flag);
    if (flag == IDA_ROOT_RETURN) {
      ++m.counts.root_returns;
      m.check("IDAGetRootInfo", IDAGetRootInfo(m.mem, m.fired.data()));
      if (m.assembler->onRoots(m.t, m.span(m.yy), m.fired)) m.reinit(tstop);
      continue;
    }
    const double tol = 1e-9 * std::max(1.0, std::abs(m.t));
    if (recorder && std::abs(m.t - nextOut()) <= tol) {
      record();
      ++k_out;
    }
    if (std::abs(m.t - tstop) <= tol) {
      ++si;
      if (si < stops.size()) {  // an event time (not t_end)
        if (on_stop) on_stop(m.t);
        m.reinit(stops[si]);
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
  if (IDAGetNumSteps(impl_->mem, &v) == IDA_SUCCESS) s.steps = v;
  if (IDAGetNumResEvals(impl_->mem, &v) == IDA_SUCCESS) s.residual_evals = v;
  return s;
}

}  // namespace feederlab::solver
