// Study report: metrics.json keys and nulls, pass/fail, Markdown, self-contained HTML with
// gnuplot plots, the no-gnuplot fallback, and the page opened in headless Chromium.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "feederlab/compare/metrics.hpp"
#include "feederlab/report/study_report.hpp"
#include "paths.hpp"

namespace fs = std::filesystem;
using feederlab::compare::compareRuns;
using feederlab::core::TimeSeries;
using namespace feederlab::report;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::size_t countOf(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A FIDVR-like run: sag at 1 s cleared at 1.1 s, voltage held at `v_hold` until `t_recover`,
// then back to 1 pu; motor D stalls during the hold. 30 s, 5 ms steps (6,001 rows).
TimeSeries run(double v_hold, double t_recover, double stalled, int sections) {
  TimeSeries s;
  for (const char* n :
       {"t", "head_v_pu", "head_p_kw", "head_q_kvar", "motor_d_stalled_fraction", "contactor_tripped_fraction",
        "thermal_tripped_fraction", "uv_tripped_fraction", "motor_d_stall_share"}) {
    s.addColumn(n);
  }
  for (int k = 0; k < sections; ++k) s.addColumn("section_" + std::to_string(k + 1) + "_stalled_fraction");
  for (int i = 0; i <= 6000; ++i) {
    const double t = i * 0.005;
    const bool sag = t >= 1.0 && t < 1.1, held = t >= 1.1 && t < t_recover;
    const double v = sag ? 0.5 : (held ? v_hold : 1.0);
    const double st = (sag || held) ? stalled : 0.0;
    std::vector<double> row{t,
                            v,
                            3000.0 * (1 + 0.8 * st),
                            900.0 * (1 + 3 * st),
                            st,
                            0.1 * st,
                            t > 5.0 && held ? 0.3 * stalled * std::min(1.0, (t - 5) / 5) : 0.0,
                            0.0,
                            st};
    for (int k = 0; k < sections; ++k) row.push_back(k % 2 == 0 ? st : 0.0);
    s.appendRow(row);
  }
  return s;
}

StudyReportInput studyInput(int events) {
  StudyReportInput in;
  in.feeder = "synthetic <test> feeder";
  in.sections = 3;
  in.notes = {"source replaced by a 1,000 MVA X/R 10 equivalent"};
  in.stage_runtimes_s = {{"power flow", 0.25}, {"reduce", 1.5}};
  for (int k = 0; k < events; ++k) {
    EventResult e;
    e.name = "sag_" + std::to_string(k);
    e.description = "source sag, event " + std::to_string(k);
    e.disturbance = {1.0, 1.1};
    e.full = {run(0.8, 6.0 + k * 0.1, 0.4, 3), 1200, 20.0 + k, ""};
    e.reduced = {run(0.82, 6.3 + k * 0.1, 0.35, 3), 90, 1.5, ""};
    e.baseline = {run(0.7, 30.5, 1.0, 0), 30, 0.4, ""};  // never recovers
    e.reduced_metrics = compareRuns(*e.full.series, *e.reduced.series, e.disturbance);
    e.baseline_metrics = compareRuns(*e.full.series, *e.baseline.series, e.disturbance);
    in.events.push_back(std::move(e));
  }
  FeederDrawing d;
  for (int k = 0; k < 30; ++k) d.segments.push_back({double(k), 0.0, double(k + 1), 0.5 * (k % 3), k / 10});
  d.segments.push_back({0, 0, -2, 0, -1});
  for (int k = 0; k < 3; ++k) d.section_buses.push_back({double(10 * k + 5), 0.5, k, "bus" + std::to_string(k)});
  in.drawing = d;
  return in;
}

}  // namespace

TEST_CASE("study report: metrics.json has cli.md's keys in order, nulls and verdicts") {
  auto in = studyInput(2);
  in.tolerances = {{"head_v_nrmse", 0.05}, {"recovery_time_error_s", 1.0}};
  in.events[1].reduced = {std::nullopt, std::nullopt, std::nullopt, "solver failed at t = 3.2 s"};
  in.events[1].reduced_metrics.reset();
  const auto j = nlohmann::json::parse(studyMetricsJson(in));
  CHECK(j["feeder"] == "synthetic <test> feeder");
  CHECK(j["sections"] == 3);
  REQUIRE(j["cases"].size() == 4);
  const auto& c0 = j["cases"][0];
  const char* keys[] = {"event",
                        "model",
                        "head_v_nrmse",
                        "head_p_nrmse",
                        "head_q_nrmse",
                        "head_v_max_error_pu",
                        "recovery_time_full_s",
                        "recovery_time_model_s",
                        "recovery_time_error_s",
                        "recovery_time_095_full_s",
                        "recovery_time_095_model_s",
                        "stalled_fraction_max_error",
                        "contactor_fraction_max_error",
                        "thermal_fraction_end_error",
                        "uv_fraction_max_error",
                        "full_peak_stalled_fraction",
                        "states_full",
                        "states_model",
                        "runtime_full_s",
                        "runtime_model_s"};
  // nlohmann::json sorts keys: check presence here, the order in the text below
  for (const char* k : keys) CHECK_MESSAGE(c0.contains(k), k);
  const std::string all = studyMetricsJson(in);
  const std::string text = all.substr(all.find("\"cases\""));  // "tolerances" above names keys too
  for (std::size_t k = 1; k < std::size(keys); ++k) {
    CHECK_MESSAGE(text.find(std::string("\"") + keys[k - 1] + "\"") < text.find(std::string("\"") + keys[k] + "\""),
                  keys[k]);
  }
  CHECK(c0["event"] == "sag_0");
  CHECK(c0["model"] == "reduced");
  CHECK(c0["states_full"] == 1200);
  CHECK(c0["states_full"].is_number_integer());
  CHECK(c0["states_model"] == 90);
  CHECK(c0["runtime_model_s"] == 1.5);
  // The step back to 1 pu lies between the samples at 5.995 s and 6 s: 0.9 pu crossed half-way.
  CHECK(c0["recovery_time_full_s"].get<double>() == doctest::Approx(5.9975 - 1.1).epsilon(1e-9));
  CHECK(c0["recovery_time_model_s"].get<double>() == doctest::Approx(6.295 + 0.005 * 0.08 / 0.18 - 1.1).epsilon(1e-9));
  CHECK(c0["full_peak_stalled_fraction"].get<double>() == doctest::Approx(0.4));
  CHECK(c0["within_tolerance"] == true);
  CHECK(c0["section_stall"].size() == 3);
  // The baseline never recovers: null recovery, which fails its tolerance.
  const auto& c1 = j["cases"][1];
  CHECK(c1["model"] == "baseline");
  CHECK(c1["recovery_time_model_s"].is_null());
  CHECK(c1["recovery_time_error_s"].is_null());
  CHECK(c1["within_tolerance"] == false);
  CHECK(c1["failed_metrics"].dump().find("recovery_time_error_s") != std::string::npos);
  CHECK(c1["section_stall"].empty());  // single bus: no sections
  // A failed reduced run: every metric null, the failure named.
  const auto& c2 = j["cases"][2];
  CHECK(c2["model"] == "reduced");
  CHECK(c2["head_v_nrmse"].is_null());
  CHECK(c2["runtime_model_s"].is_null());
  CHECK(c2["run_failure"].get<std::string>().find("solver failed") != std::string::npos);
  CHECK(c2["within_tolerance"] == false);
}

TEST_CASE("study report: ten events written with gnuplot plots, Markdown and self-contained HTML") {
  auto in = studyInput(10);
  in.tolerances = {{"head_v_nrmse", 0.05}};
  const fs::path dir = feederlab::test::scratchDir("study_report_ten");
  std::size_t calls = 0, last_total = 0;
  const auto t0 = std::chrono::steady_clock::now();
  const auto summary = writeStudyReport(dir, in, [&](std::size_t done, std::size_t total, const std::string&) {
    ++calls;
    CHECK(done == calls);
    last_total = total;
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  MESSAGE("ten events rendered in " << seconds << " s");
  CHECK(calls == last_total);
  CHECK(calls == 13);
  CHECK(summary.plots_rendered);
  CHECK(summary.plot_problem.empty());
  CHECK(summary.cases == 20);
  CHECK(summary.reduced_cases_failed == 0);
  const auto json = nlohmann::json::parse(slurp(dir / "metrics.json"));
  CHECK(json["cases"].size() == 20);

  const std::string md = slurp(dir / "report.md");
  CHECK(md.find("# Study report: synthetic <test> feeder") == 0);
  CHECK(countOf(md, "| sag_") == 20);
  CHECK(md.find("source replaced by a 1,000 MVA") != std::string::npos);

  const std::string html = slurp(dir / "report.html");
  CHECK(countOf(html, "<svg") == 11);  // ten plots and the feeder drawing
  CHECK(countOf(html, "head V (pu)") == 10);
  CHECK(countOf(html, "UV tripped fraction") >= 10);
  CHECK(html.find("synthetic &lt;test&gt; feeder") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  // The only URLs are SVG namespace names.
  const std::regex url(R"(https?://[^"' ]+)");
  for (auto m = std::sregex_iterator(html.begin(), html.end(), url); m != std::sregex_iterator(); ++m) {
    const std::string u = m->str();
    CHECK_MESSAGE((u == "http://www.w3.org/2000/svg" || u == "http://www.w3.org/1999/xlink"), u);
  }
  // Ids of inlined plots are unique.
  std::set<std::string> ids;
  const std::regex id(R"(id=['"]([^'"]+)['"])");
  std::size_t n_ids = 0;
  for (auto m = std::sregex_iterator(html.begin(), html.end(), id); m != std::sregex_iterator(); ++m, ++n_ids) {
    ids.insert((*m)[1].str());
  }
  CHECK(ids.size() == n_ids);
  CHECK(html.find("class=\"fail\"") != std::string::npos);  // baselines miss head_v_nrmse
  CHECK(html.size() < 8'000'000);                           // long series thinned
}

TEST_CASE("study report: without gnuplot the report says so and still succeeds") {
  auto in = studyInput(2);
  in.gnuplot = "feederlab-no-such-gnuplot";
  const fs::path dir = feederlab::test::scratchDir("study_report_nognuplot");
  const auto summary = writeStudyReport(dir, in);
  CHECK_FALSE(summary.plots_rendered);
  CHECK(summary.plot_problem.find("gnuplot not found") != std::string::npos);
  const std::string html = slurp(dir / "report.html");
  CHECK(countOf(html, "Plot not drawn: gnuplot not found") == 2);
  CHECK(countOf(html, "<svg") == 1);  // the feeder drawing needs no gnuplot
  CHECK(fs::exists(dir / "metrics.json"));
  CHECK(fs::exists(dir / "report.md"));
}

TEST_CASE("study report: thinning keeps a one-sample spike and the ends of flat stretches") {
  std::vector<double> t, y;
  for (int i = 0; i <= 30000; ++i) {
    t.push_back(i * 0.001);
    y.push_back(i == 12345 ? 0.3 : (i < 20000 ? 1.0 : 0.9 + 0.1 * std::sin(i * 0.01)));
  }
  const auto rows = plotRows(t, y);
  CHECK(rows.size() <= 4 * 600);
  CHECK(rows.front() == 0);
  CHECK(rows.back() == 30000);
  const auto spike = std::find(rows.begin(), rows.end(), 12345);
  REQUIRE(spike != rows.end());
  CHECK(*(spike + 1) - *(spike - 1) <= 50);                        // its neighbours within one 50 ms bucket
  CHECK(std::find(rows.begin(), rows.end(), 5000) == rows.end());  // inside a flat run
  CHECK(std::is_sorted(rows.begin(), rows.end()));
  const std::vector<double> t3{0.0, 1.0, 2.0}, y3{1.0, 1.0, 1.0};
  CHECK(plotRows(t3, y3) == std::vector<std::size_t>{0, 2});
}

TEST_CASE("study report: a run without motor columns still plots") {
  auto in = studyInput(1);
  TimeSeries bare;
  bare.addColumn("t", {0.0, 1.0, 2.0});
  bare.addColumn("head_v_pu", {1.0, 0.5, 1.0});
  in.events[0].baseline.series = bare;
  in.events[0].full.series.reset();
  const auto plot = renderEventPlot(in.events[0]);
  CHECK(plot.problem.empty());
  CHECK(plot.svg.find("<svg") == 0);
  EventResult empty;
  CHECK(renderEventPlot(empty).problem == "no time series for this event");
}

TEST_CASE("study report: the HTML opens in headless Chromium with its plots") {
  const fs::path dir = feederlab::test::scratchDir("study_report_chromium");
  const auto summary = writeStudyReport(dir, studyInput(3));
  REQUIRE(summary.plots_rendered);
  const fs::path png = dir / "page.png";
  const std::string command = "chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir='" +
                              (dir / "profile").string() + "' --window-size=1200,2000 --screenshot='" + png.string() +
                              "' --dump-dom 'file://" + (dir / "report.html").string() + "' 2>/dev/null";
  std::string dom;
  const int status = feederlab::test::runCommand(command, &dom);
  REQUIRE(status == 0);
  CHECK(countOf(dom, "<svg") == 4);  // parsed DOM: three plots and the drawing
  CHECK(dom.find("FIDVR study: synthetic &lt;test&gt; feeder") != std::string::npos);
  REQUIRE(fs::exists(png));
  MESSAGE("screenshot " << fs::file_size(png) << " bytes");
  CHECK(fs::file_size(png) > 30'000);  // a blank 1200x2000 page is a few kB
}
