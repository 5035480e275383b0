// Renders a `feederlab study` (cli.md `study`): DIR/metrics.json, DIR/report.md and a
// self-contained DIR/report.html (inline CSS and SVG, no external URL) with per-event plots of
// head V, P, Q and the motor D state fractions (full vs reduced vs baseline), metrics tables,
// pass/fail against tolerances and the feeder drawing coloured by section.
//
// Plots are drawn by gnuplot (`set terminal svg`), one child process per event run in a
// temporary folder (data files + script), the SVG then inlined. Without gnuplot the report says
// so in place of each plot and writing still succeeds (StudyReportSummary::plots_rendered false).
// Long series are thinned for plotting (min/max per time bucket, so peaks and steps stay).
//
// metrics.json: {"feeder", "sections", "notes", "stage_runtimes_s", "tolerances", "cases": [{
//   "event", "model": "reduced|baseline", <every key of cli.md in its order>,
//   "head_p_max_error_kw", "head_q_max_error_kvar", "section_stall" [{"section", "full_s",
//   "model_s"}], "run_failure" (string or null), "within_tolerance" (bool, or null without
//   tolerances), "failed_metrics" [keys]}]}; null for anything undefined.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "feederlab/compare/metrics.hpp"
#include "feederlab/core/time_series.hpp"

namespace feederlab::report {

// One simulation run of one event (full feeder, reduced feeder or single-bus baseline).
struct RunResult {
  std::optional<core::TimeSeries> series;  // timeseries.csv columns (cli.md `simulate`); nullopt = none
  std::optional<long> states;              // DAE states
  std::optional<double> runtime_s;         // wall time of the simulation (s)
  std::string failure;                     // why the run is missing or stopped early ("" = fine)
};

struct EventResult {
  std::string name;                  // "sag_0.45pu_5cyc"
  std::string description;           // one line, e.g. "source EMF sag to 0.45 pu for 5 cycles at t = 1 s"
  compare::Disturbance disturbance;  // shaded on the plots
  RunResult full;
  RunResult reduced;
  RunResult baseline;
  std::optional<compare::CaseMetrics> reduced_metrics;   // compareRuns(full, reduced)
  std::optional<compare::CaseMetrics> baseline_metrics;  // compareRuns(full, baseline)
};

// Optional drawing of the full feeder: line segments in any planar coordinates (y up), each
// with its section index (-1: not in a section / source side), and the section buses. Section
// indices are the k of section_<k>_stalled_fraction (same colour in tables and drawing).
struct FeederDrawing {
  struct Segment {
    double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
    int section = -1;
  };
  struct Marker {
    double x = 0, y = 0;
    int section = -1;
    std::string label;  // bus name
  };
  std::vector<Segment> segments;
  std::vector<Marker> section_buses;
};

struct StudyReportInput {
  std::string feeder;              // feeder name
  int sections = 0;                // N of the reduced feeder
  std::vector<std::string> notes;  // e.g. "source replaced by a 1,000 MVA X/R 10 equivalent"
  std::vector<std::pair<std::string, double>> stage_runtimes_s;  // ("power flow", 0.8), in order
  std::vector<EventResult> events;
  // Pass/fail: metrics.json key -> largest value allowed (a null value fails). Empty = no verdict.
  std::map<std::string, double> tolerances;
  std::optional<FeederDrawing> drawing;
  std::string gnuplot = "gnuplot";  // executable (name on PATH or path)
};

// Called after each rendering step: (steps done, steps in all, what was done).
using ReportProgress = std::function<void(std::size_t, std::size_t, const std::string&)>;

struct StudyReportSummary {
  bool plots_rendered = false;   // every event's plot drawn
  std::string plot_problem;      // why not (e.g. "gnuplot not found"), "" when drawn
  int cases = 0;                 // metrics.json cases
  int cases_failed = 0;          // cases outside a tolerance (0 without tolerances)
  int reduced_cases_failed = 0;  // of which the reduced model's (what `study --strict` checks)
};

// One plot of an event: the inline <svg> element, or the reason there is none.
struct EventPlot {
  std::string svg;
  std::string problem;
};

std::string studyMetricsJson(const StudyReportInput& input);
std::string studyMarkdown(const StudyReportInput& input);
// `plots` in the order of input.events (missing entries: "no plot").
std::string studyHtml(const StudyReportInput& input, const std::vector<EventPlot>& plots);
EventPlot renderEventPlot(const EventResult& event, const std::string& gnuplot = "gnuplot");
std::string feederDrawingSvg(const FeederDrawing& drawing);
// Rows of one column drawn: all of a short series (<= 1,200 rows); of a longer one, per time
// bucket (600 buckets) its first and last rows and the rows holding the minimum and the maximum,
// so peaks and steps survive;
// then the inside of every run of equal values goes (a flat stretch needs only its two ends).
std::vector<std::size_t> plotRows(const std::vector<double>& t, const std::vector<double>& y);

// The values of one case under their metrics.json keys, in cli.md's order (then the extra
// max-error keys): null = std::nullopt.
std::vector<std::pair<std::string, std::optional<double>>> caseValues(const compare::CaseMetrics& metrics,
                                                                      const RunResult& full, const RunResult& model);

// Keys of one case that miss their tolerance (null values miss every tolerance).
std::vector<std::string> failedMetrics(const compare::CaseMetrics& metrics, const RunResult& full,
                                       const RunResult& model, const std::map<std::string, double>& tolerances);

// Writes DIR/metrics.json, DIR/report.md, DIR/report.html (each atomically; DIR created).
StudyReportSummary writeStudyReport(const std::filesystem::path& dir, const StudyReportInput& input,
                                    const ReportProgress& progress = {});

}  // namespace feederlab::report
