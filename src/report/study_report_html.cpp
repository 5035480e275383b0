// Study report HTML: self-contained page (inline CSS, inline SVG) and the feeder drawing.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <tuple>

#include "feederlab/report/study_report.hpp"

namespace feederlab::report {

namespace {

std::string esc(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string cell(const std::optional<double>& x) {
  return x ? fmt::format("{:.4g}", *x) : "–";
}
std::string count(const std::optional<long>& x) {
  return x ? std::to_string(*x) : "–";
}

// Distinct colours for sections (cycled), grey for lines outside every section.
const char* sectionColour(int section) {
  static const char* palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
                                  "#8c564b", "#e377c2", "#bcbd22", "#393b79", "#637939", "#843c39"};
  if (section < 0) return "#9a9a9a";
  return palette[section % static_cast<int>(std::size(palette))];
}

constexpr const char* kStyle =
    "body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:1180px;color:#222}"
    "h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:.6em 0;font-size:.88em}"
    "th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#f0f0f0}"
    "td.l,th.l{text-align:left}.pass{color:#1a7f37;font-weight:bold}.fail{color:#c62828;font-weight:bold}"
    ".note{background:#fff8e1;border-left:4px solid #f0b400;padding:.4em .8em}"
    ".missing{background:#fdecea;border:1px solid #e57373;padding:1em}"
    "figure{margin:.5em 0}svg{max-width:100%;height:auto}";

struct Row {
  const char* key;
  const char* label;
};

// The per-event comparison table: one row per metric, reduced and baseline side by side.
std::string metricsTable(const EventResult& e, const StudyReportInput& in) {
  const compare::CaseMetrics none;
  const auto red = caseValues(e.reduced_metrics ? *e.reduced_metrics : none, e.full, e.reduced);
  const auto base = caseValues(e.baseline_metrics ? *e.baseline_metrics : none, e.full, e.baseline);
  std::string html = "<table><tr><th class=\"l\">metric</th><th>reduced</th><th>baseline</th>";
  if (!in.tolerances.empty()) html += "<th>at most</th>";
  html += "</tr>\n";
  for (std::size_t k = 0; k < red.size(); ++k) {
    const auto& key = red[k].first;
    const auto tol = in.tolerances.find(key);
    auto mark = [&](const std::optional<double>& v) {
      if (tol == in.tolerances.end()) return std::string();
      return (v && *v <= tol->second) ? std::string(" class=\"pass\"") : std::string(" class=\"fail\"");
    };
    html += fmt::format("<tr><td class=\"l\">{}</td><td{}>{}</td><td{}>{}</td>", key, mark(red[k].second),
                        cell(red[k].second), mark(base[k].second), cell(base[k].second));
    if (!in.tolerances.empty())
      html += "<td>" + (tol == in.tolerances.end() ? std::string("") : fmt::format("{:g}", tol->second)) + "</td>";
    html += "</tr>\n";
  }
  return html + "</table>\n";
}

std::string sectionTable(const EventResult& e) {
  if (!e.reduced_metrics || e.reduced_metrics->sections.empty()) return {};
  std::string html =
      "<table><tr><th>section</th><th>full: stalls at (s)</th><th>reduced: stalls at (s)</th>"
      "<th>|difference| (s)</th><th>flags agree</th></tr>\n";
  for (const auto& s : e.reduced_metrics->sections) {
    html += fmt::format(
        "<tr><td style=\"color:{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td></tr>\n",
        sectionColour(s.section), s.section, cell(s.full_s), cell(s.model_s), cell(s.error_s()),
        s.flags_agree() ? "pass" : "fail", s.flags_agree() ? "yes" : "no");
  }
  return html + "</table>\n";
}

std::string summaryTable(const StudyReportInput& in) {
  std::string html =
      "<table><tr><th class=\"l\">event</th><th class=\"l\">model</th><th>V nrmse</th><th>P nrmse</th>"
      "<th>Q nrmse</th><th>V max err (pu)</th><th>recovery full (s)</th><th>recovery model (s)</th>"
      "<th>stalled max err</th><th>thermal end err</th><th>peak stalled (full)</th>"
      "<th>states full / model</th><th>runtime full / model (s)</th><th>verdict</th></tr>\n";
  const compare::CaseMetrics none;
  for (const auto& e : in.events) {
    for (const auto& [model, run, metrics] : {std::tuple{"reduced", &e.reduced, &e.reduced_metrics},
                                              std::tuple{"baseline", &e.baseline, &e.baseline_metrics}}) {
      if (!*metrics && !run->series && run->failure.empty()) continue;
      const auto& m = *metrics ? **metrics : none;
      std::string verdict = "–";
      if (!in.tolerances.empty()) {
        const auto failed = failedMetrics(m, e.full, *run, in.tolerances);
        verdict = failed.empty()
                      ? "<span class=\"pass\">pass</span>"
                      : "<span class=\"fail\">FAIL</span> " + esc(fmt::format("{}", fmt::join(failed, ", ")));
      }
      html += fmt::format(
          "<tr><td class=\"l\"><a href=\"#ev-{}\">{}</a></td><td class=\"l\">{}</td><td>{}</td><td>{}</td>"
          "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} / {}</td>"
          "<td>{} / {}</td><td class=\"l\">{}</td></tr>\n",
          &e - in.events.data(), esc(e.name), model, cell(m.head_v_nrmse), cell(m.head_p_nrmse), cell(m.head_q_nrmse),
          cell(m.head_v_max_error_pu), cell(m.recovery_time_full_s), cell(m.recovery_time_model_s),
          cell(m.stalled_fraction_max_error), cell(m.thermal_fraction_end_error), cell(m.full_peak_stalled_fraction),
          count(e.full.states), count(run->states), cell(e.full.runtime_s), cell(run->runtime_s), verdict);
    }
  }
  return html + "</table>\n";
}

}  // namespace

std::string feederDrawingSvg(const FeederDrawing& d) {
  double x0 = std::numeric_limits<double>::infinity(), y0 = x0, x1 = -x0, y1 = -x0;
  auto extend = [&](double x, double y) {
    if (!std::isfinite(x) || !std::isfinite(y)) return;
    x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
  };
  for (const auto& s : d.segments) extend(s.x1, s.y1), extend(s.x2, s.y2);
  for (const auto& m : d.section_buses) extend(m.x, m.y);
  if (!(x1 >= x0)) return {};
  const double margin = 30.0, max_w = 1000.0, max_h = 700.0;
  const double span_x = std::max(x1 - x0, 1e-9), span_y = std::max(y1 - y0, 1e-9);
  const double scale = std::min((max_w - 2 * margin) / span_x, (max_h - 2 * margin) / span_y);
  const double w = span_x * scale + 2 * margin, h = span_y * scale + 2 * margin;
  auto px = [&](double x) { return margin + (x - x0) * scale; };
  auto py = [&](double y) { return h - margin - (y - y0) * scale; };  // y up
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {:.0f} {:.0f}\" width=\"{:.0f}\" "
      "height=\"{:.0f}\" class=\"feeder\"><rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
      w, h, w, h);
  for (const auto& s : d.segments) {
    if (!std::isfinite(s.x1 + s.y1 + s.x2 + s.y2)) continue;
    svg += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-width=\"{}\"/>\n", px(s.x1),
        py(s.y1), px(s.x2), py(s.y2), sectionColour(s.section), s.section < 0 ? 1 : 2);
  }
  for (const auto& m : d.section_buses) {
    if (!std::isfinite(m.x + m.y)) continue;
    svg += fmt::format(
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"5\" fill=\"{}\" stroke=\"#000\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" font-family=\"sans-serif\">{}</text>\n",
        px(m.x), py(m.y), sectionColour(m.section), px(m.x) + 7, py(m.y) - 6,
        esc(m.label.empty() ? fmt::format("section {}", m.section) : m.label));
  }
  return svg + "</svg>\n";
}

std::string studyHtml(const StudyReportInput& in, const std::vector<EventPlot>& plots) {
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Study: {}</title>"
      "\n<style>{}</style></head><body>\n",
      esc(in.feeder), kStyle);
  html += fmt::format("<h1>FIDVR study: {}</h1>\n<p>Reduced feeder with <b>{}</b> section(s); {} event(s).</p>\n",
                      esc(in.feeder), in.sections, in.events.size());
  for (const auto& n : in.notes) html += "<p class=\"note\">" + esc(n) + "</p>\n";
  if (!in.stage_runtimes_s.empty()) {
    html += "<table><tr><th class=\"l\">stage</th><th>runtime (s)</th></tr>\n";
    for (const auto& [stage, s] : in.stage_runtimes_s)
      html += fmt::format("<tr><td class=\"l\">{}</td><td>{:.3g}</td></tr>\n", esc(stage), s);
    html += "</table>\n";
  }
  html +=
      "<h2>Metrics</h2>\n<p>NRMSE over [fault on, end] on a 1&nbsp;ms grid: P and Q divided by the full feeder's "
      "pre-event head |S|, V by its pre-event head V. Recovery: seconds from the end of the disturbance to the "
      "last upward crossing of 0.9&nbsp;pu by the head voltage; – = not recovered or undefined. Fraction max "
      "errors allow 20&nbsp;ms of timing difference (pointwise values in metrics.json).</p>\n";
  html += summaryTable(in);
  for (std::size_t k = 0; k < in.events.size(); ++k) {
    const auto& e = in.events[k];
    html += fmt::format("<h2 id=\"ev-{}\">{}</h2>\n<p>{}</p>\n", k, esc(e.name), esc(e.description));
    for (const auto& [which, run] : {std::pair{"full", &e.full}, {"reduced", &e.reduced}, {"baseline", &e.baseline}}) {
      if (!run->failure.empty()) html += fmt::format("<p class=\"note\">{} run: {}</p>\n", which, esc(run->failure));
    }
    if (k < plots.size() && !plots[k].svg.empty()) {
      html += "<figure>" + plots[k].svg + "</figure>\n";
    } else {
      html += fmt::format("<div class=\"missing\">Plot not drawn: {}</div>\n",
                          esc(k < plots.size() ? plots[k].problem : std::string("no plot")));
    }
    html += metricsTable(e, in);
    html += sectionTable(e);
  }
  if (in.drawing) {
    const auto svg = feederDrawingSvg(*in.drawing);
    if (!svg.empty()) {
      std::set<int> sections;
      for (const auto& seg : in.drawing->segments) sections.insert(seg.section);
      std::string legend;
      for (int k : sections) {
        legend += fmt::format("<span style=\"color:{}\">&#9632; {}</span> ", sectionColour(k),
                              k < 0 ? std::string("outside the sections") : fmt::format("section {}", k));
      }
      html += "<h2>Feeder, coloured by section</h2>\n<p>" + legend + "</p>\n<figure>" + svg + "</figure>\n";
    }
  }
  return html + "</body></html>\n";
}

}  // namespace feederlab::report
