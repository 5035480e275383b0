// Full-versus-model comparison of two simulation runs of one event (cli.md `study`,
// metrics.json; fidvr-studies.md "Metrics to report"). Plain structs: JSON lives in report/.
//
// Inputs are core::TimeSeries with the column names of cli.md `simulate`: t, head_v_pu,
// head_p_kw, head_q_kvar, motor_d_stalled_fraction, contactor_tripped_fraction,
// thermal_tripped_fraction, uv_tripped_fraction, motor_d_stall_share (unweighted stall share,
// full run only) and section_<k>_stalled_fraction. A metric whose columns are missing (or whose
// values are NaN throughout) is std::nullopt (`null` in metrics.json); only a series without a
// time column or rows is an error (std::invalid_argument).
//
// Definitions (cli.md):
// - Window: [t_on, t_end], t_end = the earlier of the two runs' last times; both runs are
//   interpolated linearly onto a uniform grid (Options::grid_step_s, 1 ms).
// - head_v_nrmse = RMS(V_model - V_full) / V_full(pre-event); head_p_nrmse and head_q_nrmse =
//   RMS(dP) / |S_full(pre-event)|, RMS(dQ) / |S_full(pre-event)|, |S| = sqrt(P^2 + Q^2) of the
//   full feeder's head just before t_on.
// - *_max_error of head V, P, Q: max |model - full| over the grid (absolute, never signed).
// - stalled / contactor / uv fraction max errors: the motor D fractions move in steps (a
//   restart moves Frst of every unit at once, an 18-point step in Set W), so a pointwise max
//   error charges a full step for a restart instant a few ms apart. They are computed with a
//   time tolerance of Options::fraction_time_tolerance_s (20 ms): each sample of one run is
//   compared with the nearest value the other run (linearly interpolated on the 1 ms grid) takes
//   within +-20 ms, i.e. the distance to the range [min, max] of its samples in the window, both
//   ways, and the worst of those distances is the error (a step one run takes between two grid
//   points and the other over a few ms costs nothing). A step missed or of the wrong size still costs its full
//   height; a step taken within 20 ms costs nothing. The pointwise values are kept beside them
//   (`*_pointwise`) and the timing itself is judged by the recovery-time and section-stall
//   metrics.
// - Recovery time (each run on its own samples): seconds from t_clear to the last upward crossing
//   of 0.9 pu (0.95 pu for the _095 keys) by head_v_pu; 0 if it never is below after t_clear;
//   nullopt if still below at the run's end. recovery_time_error_s = |model - full| when both
//   are defined, else nullopt.
// - thermal_fraction_end_error = |model - full| of thermal_tripped_fraction at t_end.
// - full_peak_stalled_fraction = max over the full run of motor_d_stall_share.
// - Per-section stall timing: first time t >= t_on at which section_<k>_stalled_fraction exceeds
//   Options::section_stall_threshold, for every k found in either run.
#pragma once

#include <optional>
#include <vector>

#include "feederlab/core/time_series.hpp"

namespace feederlab::compare {

struct Disturbance {
  double t_on_s = 1.0;     // fault or sag applied (s)
  double t_clear_s = 1.1;  // fault cleared or sag ended: the end of the disturbance (s)
};

struct Options {
  double grid_step_s = 1e-3;              // comparison grid (cli.md: 1 ms)
  double section_stall_threshold = 0.05;  // section "stalled" when its stalled fraction exceeds this (-)
  double recovery_threshold_pu = 0.9;
  double recovery_threshold_095_pu = 0.95;
  // Time tolerance of the fraction max errors (see the header block): about one 60 Hz cycle.
  double fraction_time_tolerance_s = 0.02;
};

struct SectionStallTiming {
  int section = 0;                // k of section_<k>_stalled_fraction
  std::optional<double> full_s;   // first time above the threshold, full run (s)
  std::optional<double> model_s;  // same, model run (s)
  bool stalled_full() const { return full_s.has_value(); }
  bool stalled_model() const { return model_s.has_value(); }
  bool flags_agree() const { return stalled_full() == stalled_model(); }
  // |model - full| when both stalled, else nullopt.
  std::optional<double> error_s() const;
};

struct CaseMetrics {
  // Normalised RMS errors over [t_on, t_end] (-).
  std::optional<double> head_v_nrmse;
  std::optional<double> head_p_nrmse;
  std::optional<double> head_q_nrmse;
  // Maximum absolute errors over [t_on, t_end].
  std::optional<double> head_v_max_error_pu;
  std::optional<double> head_p_max_error_kw;
  std::optional<double> head_q_max_error_kvar;
  // Recovery of head_v_pu after t_clear (s).
  std::optional<double> recovery_time_full_s;
  std::optional<double> recovery_time_model_s;
  std::optional<double> recovery_time_error_s;
  std::optional<double> recovery_time_095_full_s;
  std::optional<double> recovery_time_095_model_s;
  // Motor D state fractions (-).
  std::optional<double> stalled_fraction_max_error;
  std::optional<double> contactor_fraction_max_error;
  std::optional<double> thermal_fraction_end_error;
  std::optional<double> uv_fraction_max_error;
  // The same three without the time tolerance (plain max |model - full| on the grid).
  std::optional<double> stalled_fraction_max_error_pointwise;
  std::optional<double> contactor_fraction_max_error_pointwise;
  std::optional<double> uv_fraction_max_error_pointwise;
  std::optional<double> full_peak_stalled_fraction;
  std::vector<SectionStallTiming> sections;  // ascending k
  // Normalisation bases and window, for the report.
  std::optional<double> base_v_pu;   // full run's pre-event head V (pu)
  std::optional<double> base_s_kva;  // full run's pre-event head |S| (kVA)
  double t_end_s = 0.0;              // end of the comparison window (s)
};

CaseMetrics compareRuns(const core::TimeSeries& full, const core::TimeSeries& model, const Disturbance& disturbance,
                        const Options& options = {});

}  // namespace feederlab::compare
