// Simulation driver: feeder + power flow + composite loads + scenario -> DAE engine -> time series
// (the `feederlab simulate` command and the study orchestrator call it; docs/simulate.md).
//
// simulate(feeder, scenario, options) does, in order:
//   1. power flow (options.powerflow; controls act as the input says, then stay FROZEN: the
//      dynamic network keeps the converged taps and capacitor states, cli.md "Frozen controls");
//   2. one dae::Device per power-flow load (attachLoads): source-side loads (cli.md) are constant
//      impedance (loads::buildConstantImpedanceLoad); every other load gets a composite built from
//      its CompositeSpec, chosen by precedence
//        a) options.records (a `cmpldw` record attached by io/dyd.hpp's rule: the records naming
//           the load's bus, case-insensitive; with several records at the bus the one whose id is
//           the load's name; a load at such a bus without its record is a ModelError),
//        b) options.spec_for_load(load) when set and it returns a spec,
//        c) options.default_spec;
//      for b) and c) a composition's motor D populations assign the load to one of them
//      (model::unitSpec: a stable hash of the load's name);
//      a record's `mva` is not used: the composite base comes from the load (buildCompositeLoad);
//   3. the events registered on the assembler (fixed sparsity pattern), finalize, initialize from
//      the power flow (scaled residual check, dae::InitReport);
//   4. IDA + KLU from t = 0 to scenario.t_end_s, stopping exactly at every discontinuity time of
//      the scenario (events::discontinuityTimes) and applying the events there; samples at the
//      output interval.
//
// Events (events/scenario.hpp) as applied to the DAE:
//   Fault            shunts between the faulted phase nodes and ground (slg, dlg, three_phase) or
//                    between the two phases (ll), impedance_ohm each; bolted (0) = kBoltedFaultPu.
//   SourceSag        the source EMF magnitude per phase (Assembler::setSourceEmfScale): steps, and
//                    between profile points a linear ramp (the slope between two solver stops).
//   VoltagePlayback  an ideal voltage source at the bus's phase nodes (Assembler::addImposedVoltage:
//                    node rows u_k - u_set(t) = 0); at @head the source path is cut off for the
//                    feeder. The solver starts with a consistent-initial-condition step.
//   SwitchAction     a line's admittance stamp switched by value: opening a switch closed in the
//                    power flow subtracts its primitive admittance; closing one open in the power
//                    flow adds its series/shunt admittance (both ends must be energized nodes).
//   LoadStep         the device's current coupling scaled (more/fewer identical units), the
//                    product of every step so far; "all" excludes source-side loads.
//
// Errors: bad models or events (unknown bus, line, load, phase; a load the composite cannot
// represent) throw core::ModelError naming the element before anything runs; a power flow that
// does not converge or an initialization residual above tolerance throws core::NumericalError.
// A solver failure DURING the run never throws: Result::completed = false, Result::failure holds
// IDA's message (time, flag, worst residual and the variable or device named) and the series holds
// every sample up to the failure.
#pragma once

#include <complex>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "feederlab/core/time_series.hpp"
#include "feederlab/dae/assembler.hpp"
#include "feederlab/events/scenario.hpp"
#include "feederlab/io/dyd.hpp"
#include "feederlab/model/feeder.hpp"
#include "feederlab/model/load_composition.hpp"
#include "feederlab/powerflow/powerflow.hpp"
#include "feederlab/solver/ida_solver.hpp"

namespace feederlab::sim {

// A bolted fault (impedance_ohm = 0) is a resistance of kBoltedFaultPu of the faulted node's base
// impedance Vb_LN^2 / 1 MVA (dae::kSystemBaseVa): 6 micro-ohm at 4.16 kV, 52 at 12.47 kV, far below
// any source impedance (IEEE 13's source is under 1 milli-ohm at 4.16 kV).
inline constexpr double kBoltedFaultPu = 1e-6;

// Extra recorder column `<name>_stalled_fraction` over the named loads (same definition as
// motor_d_stalled_fraction: P0_D-weighted stall share of the still-connected units).
struct LoadGroup {
  std::string name;                // "section_1"
  std::vector<std::string> loads;  // load names as in the feeder (case-insensitive)
};

// Defaults of Options: IDA tolerances for feeder runs; power flow to 1e-12 pu so that the DAE
// starts within its initialization tolerance.
solver::IdaOptions defaultIdaOptions();
powerflow::Options defaultPowerflowOptions();

struct Options {
  // Composite for every non-source-side load that neither a record nor spec_for_load covers.
  model::CompositeSpec default_spec;
  // Optional per-load choice (class-based compositions); nullopt falls through to default_spec.
  std::function<std::optional<model::CompositeSpec>(const model::Load&)> spec_for_load;
  // `cmpldw` records attached by bus (io/dyd.hpp rule); they take precedence over the above.
  std::vector<io::CompositeRecord> records;
  solver::IdaOptions ida = defaultIdaOptions();
  std::optional<double> output_interval_s;  // overrides scenario.output_interval_s
  std::vector<LoadGroup> load_groups;
  // Extra columns `v_<bus>.<node>_pu` (|V| in pu of the node's L-N base) for "bus.node" names.
  std::vector<std::string> probes;
  powerflow::Options powerflow = defaultPowerflowOptions();
  double init_tolerance = 1e-8;  // scaled ||F(y0)||_inf accepted at t = 0
  // Progress (t reached, t_end), called at every sample; optional.
  std::function<void(double t, double t_end)> on_progress;
};

// Series column names (cli.md "simulate"; the study's extras after them).
namespace column {
inline constexpr const char* kTime = "t";
inline constexpr const char* kHeadV = "head_v_pu";  // positive sequence |V1| at @head, pu of nominal L-N
inline constexpr const char* kHeadVa = "head_va_pu";
inline constexpr const char* kHeadVb = "head_vb_pu";
inline constexpr const char* kHeadVc = "head_vc_pu";
inline constexpr const char* kHeadP = "head_p_kw";    // into the feeder at @head, source-side loads excluded
inline constexpr const char* kHeadQ = "head_q_kvar";
inline constexpr const char* kStalled = "motor_d_stalled_fraction";       // sum P0_D stall share Kuv Kcon Fth / sum P0_D
inline constexpr const char* kContactor = "contactor_tripped_fraction";  // sum P0_D (1 - Kcon) / sum P0_D
inline constexpr const char* kThermal = "thermal_tripped_fraction";      // sum P0_D (1 - Fth) / sum P0_D
inline constexpr const char* kUv = "uv_tripped_fraction";                // sum P0_D (1 - Kuv) / sum P0_D
inline constexpr const char* kStallShare = "motor_d_stall_share";        // sum P0_D stall share / sum P0_D (unweighted)
}  // namespace column

struct HeadValues {
  double v_pu = 0.0;  // positive sequence
  double p_kw = 0.0;
  double q_kvar = 0.0;
};

struct Result {
  core::TimeSeries series;  // columns as in `column`, then `<group>_stalled_fraction`
  bool completed = false;
  std::string failure;  // empty when completed
  double t_end = 0.0;   // time reached (scenario t_end when completed)
  solver::SolverStats stats;
  std::size_t states = 0;  // DAE unknowns (node parts + device states)
  std::size_t devices = 0;
  std::size_t composite_loads = 0;
  std::size_t constant_impedance_loads = 0;  // source-side
  double motor_d_p0_kw = 0.0;                // sum P0_D over the feeder
  double max_node_change_pu = 0.0;  // max |u(t_end) - u(0)| over node voltage parts (drift check)
  double runtime_s = 0.0;                    // wall time: power flow, build, init and integration
  double integration_s = 0.0;                // wall time of the integration alone
  dae::InitReport init;
  std::vector<std::string> notes;  // log lines (single-phase equivalents, shunt compensation, ...)
  HeadValues pre_event;            // at t = 0
};

Result simulate(const model::Feeder& feeder, const events::Scenario& scenario, const Options& options);

// DIR/timeseries.csv and DIR/simulation.json (keys: completed, t_end, steps, residual_evals,
// jacobian_evals, root_returns, reinits, states, devices, runtime_s, integration_s, failure (null
// when completed), notes, init_residual, head_pre_event {v_pu, p_kw, q_kvar}); both atomic; the
// folder is created.
void writeOutputs(const std::filesystem::path& dir, const Result& result);
// Reads back what writeOutputs wrote (series, completed, failure, t_end, states, runtimes, head
// pre-event values; solver statistics are not kept); nullopt when either file is missing.
std::optional<Result> readOutputs(const std::filesystem::path& dir);
std::string simulationJson(const Result& result);

// A composition file (data/compositions/*.json) with its parameter set resolved.
model::CompositeSpec readCompositeSpec(const std::filesystem::path& composition_file);

// The project's data/ folder: FEEDERLAB_DATA_DIR from the environment, else data/ next to the
// executable's build tree (<exe>/../../data), else the source tree's data/ (compile time).
std::filesystem::path dataDir();
// data/compositions/residential_summer_peak.json (the default of `simulate`).
std::filesystem::path defaultCompositionFile();

}  // namespace feederlab::sim
