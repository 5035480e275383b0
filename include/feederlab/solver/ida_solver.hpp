// Time integration of the feeder DAE F(t, y, y') = 0 (dae::Assembler) with SUNDIALS IDA
// (variable-order, variable-step BDF; A. C. Hindmarsh et al., "User Documentation for IDA",
// SUNDIALS v6.4, sections 2 "Mathematical considerations" and 4.5 "User-callable functions")
// and the KLU sparse direct linear solver on the assembler's CSC Jacobian.
//
// Events (architecture.md): the caller gives exact stop times; the solver stops on each
// (IDASetStopTime), calls on_stop(t) to apply the event to the assembler, then IDAReInit and
// IDACalcIC(IDA_YA_YDP_INIT: algebraic y and differential y' made consistent, IDA guide 2.1).
// Device root functions are forwarded (IDARootInit); when a device reports a change the solver
// re-initializes the same way. Every SUNDIALS call is checked: failures throw
// core::NumericalError with the time, IDA's flag and message, and the worst residual entry.
// SUNDIALS types appear only in src/solver/.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "feederlab/dae/assembler.hpp"

namespace feederlab::solver {

struct IdaOptions {
  double rtol = 1e-6;
  double node_abs_tolerance = 1e-6;  // pu, node voltage parts
  double max_step_s = 0.0;           // 0: IDA's default (unbounded)
  long max_steps_per_call = 20000;   // IDASetMaxNumSteps
};

struct Sample {
  double t = 0.0;
  std::array<double, 3> head_v_pu{};  // |V| per phase a/b/c at @head
  double head_p_mw = 0.0;             // into the feeder at @head, sum of phases
  double head_q_mvar = 0.0;
  std::vector<double> probes;  // |V| pu at the recorder's probe nodes
};

// Samples at t0 and every `interval_s` (times k * interval_s from the first run's start).
struct Recorder {
  double interval_s = 0.01;
  std::vector<int> probe_nodes;  // network node indices
  std::vector<Sample> samples;
};

struct SolverStats {
  long steps = 0;
  long residual_evals = 0;
  long jacobian_evals = 0;
  long root_returns = 0;
  long reinits = 0;
};

class IdaSolver {
 public:
  // Takes y0, y0' from the assembler (initialize() must have run) at t0.
  explicit IdaSolver(dae::Assembler& assembler, IdaOptions options = {}, double t0 = 0.0);
  ~IdaSolver();
  IdaSolver(const IdaSolver&) = delete;
  IdaSolver& operator=(const IdaSolver&) = delete;

  // Integrates to t_end, stopping exactly at every stop time in (t, t_end) and calling
  // on_stop(t) there (after recording; then re-initializing). Throws core::NumericalError.
  void run(double t_end, std::span<const double> stop_times = {},
           const std::function<void(double)>& on_stop = {}, Recorder* recorder = nullptr);

  double time() const;
  std::span<const double> y() const;
  std::span<const double> yp() const;
  SolverStats stats() const;

  struct Impl;  // implementation detail (src/solver/ida_solver.cpp)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace feederlab::solver
