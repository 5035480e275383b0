// Time integration of the feeder DAE F(t, y, y') = 0 (dae::Assembler) with SUNDIALS IDA
// (variable-order, variable-step BDF; A. C. Hindmarsh et al., "User Documentation for IDA",
// SUNDIALS v6.4, sections 2 "Mathematical considerations" and 4.5 "User-callable functions")
// and the KLU sparse direct linear solver on the assembler's CSC Jacobian.
//
// Events (architecture.md): the caller gives exact stop times; the solver stops on each
// (IDASetStopTime), calls on_stop(t) to apply the event to the assembler, then IDAReInit and
// IDACalcIC(IDA_YA_YDP_INIT: algebraic y and differential y' made consistent, IDA guide 2.1),
// tried with full Newton steps and with IDA's line search (IdaOptions::line_search_first), and as a
// last resort a restart whose first implicit-Euler step solves the new equations.
// Device root functions are handled per IdaOptions::root_location (IDA's root finding, or once
// per step at step ends); a mode change that keeps the states continues from IDA's history (with
// a rollback to a re-initialization at that point if IDA cannot follow it), one that resets
// states re-initializes the same way as an event. Root functions that jump across zero at a
// re-initialization are forwarded as crossings. The KLU factorization keeps its symbolic analysis
// for the whole run (klu_linear_solver.hpp). Every SUNDIALS call is checked: failures throw
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

// How device root functions (discrete modes) are located:
//   Exact    IDA's root finding (IDARootInit): every crossing located to ~1e-14 s and returned
//            one by one; for single devices and validation against reference instants;
//   StepEnd  the root functions are evaluated once per internal step (IDA_ONE_STEP); every
//            crossing in the step is handed to its device together, with the crossing time
//            interpolated linearly within the step (timers start there) and the mode taking
//            effect from the step end (lag <= one step; cap it with max_step_s). A feeder has
//            thousands of near-simultaneous crossings after a disturbance; located one by one
//            they cost tens of root-function evaluations each.
enum class RootLocation { Exact, StepEnd };

struct IdaOptions {
  double rtol = 1e-6;
  double node_abs_tolerance = 1e-6;  // pu, node voltage parts
  double max_step_s = 0.0;           // 0: IDA's default (unbounded)
  long max_steps_per_call = 20000;   // IDASetMaxNumSteps
  int max_order = 5;                 // IDASetMaxOrd (1..5)
  // IDACalcIC before the first step (the start is not the assembler's consistent y0, e.g. an
  // imposed playback voltage that differs from the power flow at t0).
  bool consistent_start = false;
  // Defaults: exact and conservative (single devices, reference instants); feeder runs use
  // sim::defaultIdaOptions() (StepEnd roots, no restart on mode changes, suppressed algebraic
  // error test, ignored small resets).
  // Algebraic unknowns (node voltages, device algebraic states) out of IDA's local error test
  // (IDASetSuppressAlg): the feeder DAE is index 1, and after a device mode change the algebraic
  // variables jump; only the differential states carry truncation error.
  bool suppress_algebraic_error = false;
  // A device mode change (root) that leaves the states as they are: false = IDA continues from
  // its history (the corrector finds the new algebraic solution); true = IDAReInit + IDACalcIC as
  // after an event. A mode change that resets states always re-initializes.
  bool restart_on_mode_change = true;
  RootLocation root_location = RootLocation::Exact;
  // A device state reset (onRoot writing a state) of at most this much (absolute, in the state's
  // unit) is not worth a re-initialization: it is dropped and IDA continues with its own value.
  // 0: every reset beyond a tenth of the absolute tolerance re-initializes.
  double ignored_reset = 0.0;
  // When IDACalcIC fails after a discontinuity (also when retried with its line search and more
  // iterations): restart without consistent initial conditions and let IDA's first step (implicit
  // Euler from the pre-event point, 1e-7 s) find the new solution. false: throw.
  bool implicit_euler_fallback = true;
  // IDACalcIC is tried with full Newton steps, then with IDA's line search (more iterations);
  // true: the other way round.
  bool line_search_first = false;
  // Wall-clock limit of one run() call in seconds (0: none). A run that makes no progress (IDA
  // taking ever smaller steps through chattering modes) stops with core::NumericalError naming the
  // time reached, so a study or sweep case fails cleanly instead of hanging.
  double max_wall_s = 0.0;
};

struct Sample {
  double t = 0.0;
  std::array<double, 3> head_v_pu{};  // |V| per phase a/b/c at @head
  double head_p_mw = 0.0;             // into the feeder at @head, sum of phases
  double head_q_mvar = 0.0;
  std::vector<double> probes;  // |V| pu at the recorder's probe nodes
};

// Called at every output time with the solver's state (before any event at that time is applied).
using SampleCallback = std::function<void(double t, std::span<const double> y, std::span<const double> yp)>;

// Samples at t0 and every `interval_s` (times k * interval_s from the first run's start).
struct Recorder {
  double interval_s = 0.01;
  std::vector<int> probe_nodes;  // network node indices
  std::vector<Sample> samples;
  // When set, called at every output time; `samples` is then left empty (the caller records).
  SampleCallback on_sample;
};

// Totals over the whole run (IDAReInit does not reset them): every residual and Jacobian
// evaluation counts, those of IDACalcIC included; root_returns counts IDA's root returns and the
// root crossings found across re-initializations.
struct SolverStats {
  long steps = 0;
  long residual_evals = 0;
  long jacobian_evals = 0;
  long root_returns = 0;
  long reinits = 0;
  long mode_changes = 0;  // device mode changes continued without re-initialization
  long ic_fallbacks = 0;  // re-initializations that IDACalcIC could not solve (see IdaOptions)
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
