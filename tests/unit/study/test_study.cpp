// study: the source equivalent, disturbance windows, and a short study on the small synthetic
// feeder end to end (outputs, metrics, reduced model within tolerance, CLI exit codes).
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "feederlab/core/time_series.hpp"
#include "feederlab/events/scenario_io.hpp"
#include "feederlab/events/study_events.hpp"
#include "feederlab/io/import.hpp"
#include "feederlab/study/study.hpp"
#include "paths.hpp"

using namespace feederlab;

namespace {

events::Scenario shortSag(double magnitude, double cycles, double t_end) {
  events::Scenario s;
  s.name = "sag";
  s.t_end_s = t_end;
  events::SourceSag sag;
  sag.magnitude_pu = {magnitude, magnitude, magnitude};
  sag.t_on_s = 1.0;
  sag.duration_s = cycles / 60.0;
  s.events.push_back({sag, ""});
  return s;
}

}  // namespace

TEST_CASE("study: a stiff source is replaced by the transmission equivalent, a weak one is kept") {
  auto feeder = io::importFeeder(test::sharedFeeder("ieee13/opendss/IEEE13Nodeckt.dss"), "auto");
  const auto r = study::applySourceEquivalent(feeder, {});
  CHECK(r.replaced);
  CHECK(r.original_mvasc3 > 100.0 * r.load_mva);
  const auto& src = feeder.sources.front();
  // |Z1| = kV^2 / MVA at X/R 10.
  CHECK(std::abs(src.z1_ohm) == doctest::Approx(src.base_kv * src.base_kv / 1000.0).epsilon(1e-12));
  CHECK(src.z1_ohm.imag() / src.z1_ohm.real() == doctest::Approx(10.0));
  auto weak = io::importFeeder(test::sharedFeeder("ieee13/opendss/IEEE13Nodeckt.dss"), "auto");
  weak.sources.front().mvasc3 = 50.0 * r.load_mva;  // a weak system: kept as given
  const auto z_before = weak.sources.front().z1_ohm;
  CHECK_FALSE(study::applySourceEquivalent(weak, {}).replaced);
  CHECK(weak.sources.front().z1_ohm == z_before);
}

TEST_CASE("study: disturbance windows of the default events") {
  const auto ev = events::defaultStudyEvents();
  REQUIRE(ev.size() == 10);
  const auto d0 = study::disturbanceOf(ev.front());
  CHECK(d0.t_on_s == doctest::Approx(1.0));
  CHECK(d0.t_clear_s == doctest::Approx(1.0 + 3.0 / 60.0));
  const auto slg = study::disturbanceOf(ev.back());
  CHECK(slg.t_clear_s == doctest::Approx(1.0 + 5.0 / 60.0));
}

TEST_CASE("study: short sag on synth-small, full vs reduced vs baseline, reports and metrics") {
  const auto feeder = io::importFeeder(test::sourceDir() / "feeders/synth-small", "auto");
  study::Options o;
  o.events = {shortSag(0.5, 5, 4.0)};
  o.threads = 2;
  const auto dir = test::scratchDir("study_synth_small");
  const auto r = study::runStudy(feeder, "synth-small", o, dir);
  REQUIRE(r.events.size() == 1);
  const auto& e = r.events.front();
  for (const auto& run : e.runs) {
    INFO(run.model << ": " << run.failure);
    CHECK(run.completed);
  }
  REQUIRE(e.reduced);
  REQUIRE(e.baseline);
  MESSAGE("synth-small sag 0.5 pu 5 cyc: reduced V/P/Q nrmse " << *e.reduced->head_v_nrmse << " / "
                                                              << *e.reduced->head_p_nrmse << " / "
                                                              << *e.reduced->head_q_nrmse << ", stall err "
                                                              << *e.reduced->stalled_fraction_max_error
                                                              << "; baseline stall err "
                                                              << *e.baseline->stalled_fraction_max_error);
  CHECK(e.reduced_passes);
  CHECK(*e.reduced->head_p_nrmse < 0.03);
  // the reduced model is much smaller (synth-small is tiny: 3 sections of 6 blocks, each block a
  // composite plus one motor-D-only load per population, against ~250 customers)
  CHECK(e.runs[1].states < e.runs[0].states / 5);
  CHECK(*e.reduced->full_peak_stalled_fraction > 0.0);
  for (const char* f : {"metrics.json", "report.md", "report.html", "validation.json", "reduction/reduced.dss",
                        "reduction/baseline.dyd", "cases/sag/full/timeseries.csv", "cases/sag/reduced/simulation.json"})
    CHECK_MESSAGE(std::filesystem::exists(dir / f), f);
  // Per-section columns on the full and reduced runs.
  const auto full = core::readTimeSeriesCsv(dir / "cases/sag/full/timeseries.csv");
  CHECK(full.find("section_1_stalled_fraction"));
  std::ifstream in(dir / "metrics.json");
  const auto m = nlohmann::json::parse(in);
  CHECK(m["sections"] == r.sections);
  REQUIRE(m["cases"].size() == 2);
  CHECK(m["cases"][0]["model"] == "reduced");
  CHECK(m["cases"][1]["model"] == "baseline");
  CHECK(m["cases"][0]["states_full"].get<double>() > m["cases"][0]["states_model"].get<double>());
}

TEST_CASE("study CLI: bad --sections and missing feeder exit 2") {
  const auto dir = test::scratchDir("study_cli");
  const auto exe = test::cliExecutable().string();
  CHECK(test::runCommand(exe + " study " + (test::sourceDir() / "feeders/synth-small").string() +
                         " --sections x -o " + (dir / "a").string()) == 2);
  CHECK(test::runCommand(exe + " study /nonexistent.dss -o " + (dir / "b").string()) == 2);
  CHECK_FALSE(std::filesystem::exists(dir / "b" / "report.html"));
}
