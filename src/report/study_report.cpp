// Study report: metrics.json, report.md and the writer (see study_report.hpp).
#include "feederlab/report/study_report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include "feederlab/core/atomic_file.hpp"

namespace feederlab::report {

namespace {

using nlohmann::ordered_json;

ordered_json jsonOf(const std::optional<double>& x) {
  return x ? ordered_json(*x) : ordered_json(nullptr);
}

struct CaseRef {
  const EventResult& event;
  const char* model;  // "reduced" | "baseline"
  const RunResult& run;
  const std::optional<compare::CaseMetrics>& metrics;
};

// Every (event, model) pair with a run or metrics to report.
std::vector<CaseRef> casesOf(const StudyReportInput& in) {
  std::vector<CaseRef> out;
  for (const auto& e : in.events) {
    for (const CaseRef c : {CaseRef{e, "reduced", e.reduced, e.reduced_metrics},
                            CaseRef{e, "baseline", e.baseline, e.baseline_metrics}}) {
      if (c.metrics || c.run.series || !c.run.failure.empty()) out.push_back(c);
    }
  }
  return out;
}

std::string failureOf(const CaseRef& c) {
  std::string f = c.event.full.failure;
  if (!f.empty()) f = "full: " + f;
  if (!c.run.failure.empty()) f += (f.empty() ? "" : "; ") + std::string(c.model) + ": " + c.run.failure;
  return f;
}

std::string cell(const std::optional<double>& x) {
  return x ? fmt::format("{:.4g}", *x) : "–";
}

std::string mdEscape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|')
      out += "\\|";
    else if (ch == '\n')
      out += ' ';
    else
      out += ch;
  }
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::optional<double>>> caseValues(const compare::CaseMetrics& m,
                                                                      const RunResult& full, const RunResult& model) {
  auto count = [](const std::optional<long>& n) {
    return n ? std::optional<double>(static_cast<double>(*n)) : std::nullopt;
  };
  return {{"head_v_nrmse", m.head_v_nrmse},
          {"head_p_nrmse", m.head_p_nrmse},
          {"head_q_nrmse", m.head_q_nrmse},
          {"head_v_max_error_pu", m.head_v_max_error_pu},
          {"recovery_time_full_s", m.recovery_time_full_s},
          {"recovery_time_model_s", m.recovery_time_model_s},
          {"recovery_time_error_s", m.recovery_time_error_s},
          {"recovery_time_095_full_s", m.recovery_time_095_full_s},
          {"recovery_time_095_model_s", m.recovery_time_095_model_s},
          {"stalled_fraction_max_error", m.stalled_fraction_max_error},
          {"contactor_fraction_max_error", m.contactor_fraction_max_error},
          {"thermal_fraction_end_error", m.thermal_fraction_end_error},
          {"uv_fraction_max_error", m.uv_fraction_max_error},
          {"full_peak_stalled_fraction", m.full_peak_stalled_fraction},
          {"states_full", count(full.states)},
          {"states_model", count(model.states)},
          {"runtime_full_s", full.runtime_s},
          {"runtime_model_s", model.runtime_s},
          {"head_p_max_error_kw", m.head_p_max_error_kw},
          {"head_q_max_error_kvar", m.head_q_max_error_kvar},
          {"stalled_fraction_max_error_pointwise", m.stalled_fraction_max_error_pointwise},
          {"contactor_fraction_max_error_pointwise", m.contactor_fraction_max_error_pointwise},
          {"uv_fraction_max_error_pointwise", m.uv_fraction_max_error_pointwise}};
}

std::vector<std::string> failedMetrics(const compare::CaseMetrics& metrics, const RunResult& full,
                                       const RunResult& model, const std::map<std::string, double>& tolerances) {
  std::vector<std::string> failed;
  const auto values = caseValues(metrics, full, model);
  for (const auto& [key, limit] : tolerances) {
    std::optional<double> value;
    for (const auto& [k, v] : values) {
      if (k == key) value = v;
    }
    if (!value || !(*value <= limit)) failed.push_back(key);  // null (or unknown key) fails
  }
  return failed;
}

std::string studyMetricsJson(const StudyReportInput& in) {
  ordered_json root;
  root["feeder"] = in.feeder;
  root["sections"] = in.sections;
  root["notes"] = in.notes;
  ordered_json stages = ordered_json::object();
  for (const auto& [stage, seconds] : in.stage_runtimes_s) stages[stage] = seconds;
  root["stage_runtimes_s"] = stages;
  ordered_json tol = ordered_json::object();
  for (const auto& [key, limit] : in.tolerances) tol[key] = limit;
  root["tolerances"] = tol;
  ordered_json cases = ordered_json::array();
  const compare::CaseMetrics none;  // all null
  for (const auto& c : casesOf(in)) {
    ordered_json j;
    j["event"] = c.event.name;
    j["model"] = c.model;
    const auto& m = c.metrics ? *c.metrics : none;
    for (const auto& [key, value] : caseValues(m, c.event.full, c.run)) {
      const bool count = key.starts_with("states_");  // state counts are integers in JSON
      j[key] = (count && value) ? ordered_json(static_cast<long>(*value)) : jsonOf(value);
    }
    ordered_json sections = ordered_json::array();
    for (const auto& s : m.sections) {
      sections.push_back({{"section", s.section}, {"full_s", jsonOf(s.full_s)}, {"model_s", jsonOf(s.model_s)}});
    }
    j["section_stall"] = sections;
    const std::string failure = failureOf(c);
    j["run_failure"] = failure.empty() ? ordered_json(nullptr) : ordered_json(failure);
    if (in.tolerances.empty()) {
      j["within_tolerance"] = nullptr;
      j["failed_metrics"] = ordered_json::array();
    } else {
      const auto failed = failedMetrics(m, c.event.full, c.run, in.tolerances);
      j["within_tolerance"] = failed.empty();
      j["failed_metrics"] = failed;
    }
    cases.push_back(std::move(j));
  }
  root["cases"] = cases;
  return root.dump(2) + "\n";
}

std::string studyMarkdown(const StudyReportInput& in) {
  std::string md = fmt::format("# Study report: {}\n\n", mdEscape(in.feeder));
  md += fmt::format("- Sections of the reduced feeder: {}\n- Events: {}\n", in.sections, in.events.size());
  for (const auto& n : in.notes) md += "- Note: " + mdEscape(n) + "\n";
  if (!in.stage_runtimes_s.empty()) {
    md += "\n## Stage runtimes\n\n| stage | s |\n| --- | --- |\n";
    for (const auto& [stage, s] : in.stage_runtimes_s) md += fmt::format("| {} | {:.3g} |\n", mdEscape(stage), s);
  }
  if (!in.tolerances.empty()) {
    md += "\n## Tolerances\n\n| metric | at most |\n| --- | --- |\n";
    for (const auto& [key, limit] : in.tolerances) md += fmt::format("| {} | {:g} |\n", key, limit);
  }
  md +=
      "\n## Metrics\n\nNRMSE over [fault on, end] on a 1 ms grid, P and Q over the full feeder's pre-event head "
      "|S|, V over its pre-event head V. Recovery: seconds from the end of the disturbance to the last upward "
      "crossing of 0.9 pu (0.95 pu); – = not recovered or undefined. Fraction max errors (stalled, contactor, UV) "
      "allow 20 ms of timing difference (a step taken by both runs within 20 ms costs nothing); the pointwise "
      "values are in metrics.json (`*_pointwise`).\n\n";
  md +=
      "| event | model | V nrmse | P nrmse | Q nrmse | V max err (pu) | recovery full (s) | recovery model (s) | "
      "recovery 0.95 full / model (s) | stalled max err | contactor max err | thermal end err | UV max err | "
      "peak stalled (full) | states full / model | runtime full / model (s) | verdict |\n";
  md += "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
  const compare::CaseMetrics none;
  for (const auto& c : casesOf(in)) {
    const auto& m = c.metrics ? *c.metrics : none;
    std::string verdict = "–";
    if (!in.tolerances.empty()) {
      const auto failed = failedMetrics(m, c.event.full, c.run, in.tolerances);
      verdict = failed.empty() ? "pass" : "FAIL (" + fmt::format("{}", fmt::join(failed, ", ")) + ")";
    }
    auto n = [](const std::optional<long>& x) { return x ? std::to_string(*x) : std::string("–"); };
    md += fmt::format(
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} / {} | {} | {} | {} | {} | {} | {} / {} | {} / {} | {} |\n",
        mdEscape(c.event.name), c.model, cell(m.head_v_nrmse), cell(m.head_p_nrmse), cell(m.head_q_nrmse),
        cell(m.head_v_max_error_pu), cell(m.recovery_time_full_s), cell(m.recovery_time_model_s),
        cell(m.recovery_time_095_full_s), cell(m.recovery_time_095_model_s), cell(m.stalled_fraction_max_error),
        cell(m.contactor_fraction_max_error), cell(m.thermal_fraction_end_error), cell(m.uv_fraction_max_error),
        cell(m.full_peak_stalled_fraction), n(c.event.full.states), n(c.run.states), cell(c.event.full.runtime_s),
        cell(c.run.runtime_s), verdict);
  }
  for (const auto& e : in.events) {
    md += fmt::format("\n### {}\n\n{}\n", mdEscape(e.name), mdEscape(e.description));
    for (const auto* r : {&e.full, &e.reduced, &e.baseline}) {
      if (!r->failure.empty()) {
        const char* which = r == &e.full ? "full" : (r == &e.reduced ? "reduced" : "baseline");
        md += fmt::format("\n- {} run: {}\n", which, mdEscape(r->failure));
      }
    }
    if (e.reduced_metrics && !e.reduced_metrics->sections.empty()) {
      md += "\n| section | stalls (full) at s | stalls (reduced) at s | agree |\n| --- | --- | --- | --- |\n";
      for (const auto& s : e.reduced_metrics->sections) {
        md += fmt::format("| {} | {} | {} | {} |\n", s.section, cell(s.full_s), cell(s.model_s),
                          s.flags_agree() ? "yes" : "no");
      }
    }
  }
  md += "\nPlots and the feeder drawing: report.html.\n";
  return md;
}

StudyReportSummary writeStudyReport(const std::filesystem::path& dir, const StudyReportInput& in,
                                    const ReportProgress& progress) {
  std::filesystem::create_directories(dir);
  StudyReportSummary summary;
  const std::size_t total = in.events.size() + 3;
  std::size_t done = 0;
  auto step = [&](const std::string& what) {
    if (progress) progress(++done, total, what);
  };
  core::writeFileAtomic(dir / "metrics.json", studyMetricsJson(in));
  step("metrics.json");
  for (const auto& c : casesOf(in)) {
    ++summary.cases;
    if (in.tolerances.empty()) continue;
    const compare::CaseMetrics none;
    if (!failedMetrics(c.metrics ? *c.metrics : none, c.event.full, c.run, in.tolerances).empty()) {
      ++summary.cases_failed;
      if (std::string(c.model) == "reduced") ++summary.reduced_cases_failed;
    }
  }
  core::writeFileAtomic(dir / "report.md", studyMarkdown(in));
  step("report.md");
  std::vector<EventPlot> plots;
  summary.plots_rendered = true;
  bool gnuplot_missing = false;
  for (const auto& e : in.events) {
    if (gnuplot_missing) {
      plots.push_back({"", plots.back().problem});  // do not retry a missing executable per event
    } else {
      plots.push_back(renderEventPlot(e, in.gnuplot));
      gnuplot_missing = plots.back().problem.find("gnuplot not found") != std::string::npos;
    }
    if (!plots.back().problem.empty() && summary.plot_problem.empty()) summary.plot_problem = plots.back().problem;
    if (plots.back().svg.empty()) summary.plots_rendered = false;
    step("plot " + e.name);
  }
  core::writeFileAtomic(dir / "report.html", studyHtml(in, plots));
  step("report.html");
  return summary;
}

}  // namespace feederlab::report
