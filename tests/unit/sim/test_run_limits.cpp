// The wall-clock limit of a run (IdaOptions::max_wall_s) and reading back a run's outputs
// (sim::readOutputs, used by `study --reuse-full`).
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "sim_test_support.hpp"

using namespace feederlab;
namespace col = sim::column;

TEST_CASE("simulate: a run over its wall-clock limit stops as a solver failure naming the limit") {
  auto opts = test::optionsWith(test::residentialSpec());
  opts.ida.max_wall_s = 1e-9;  // exceeded after the first step
  const auto r = sim::simulate(test::ieee13(), test::eventFile("sag-0.5pu-5cyc.json"), opts);
  CHECK_FALSE(r.completed);
  CHECK(r.failure.find("wall-clock limit") != std::string::npos);
  CHECK(r.t_end < 30.0);
  CHECK(r.series.rows() >= 1);  // what was recorded is kept
}

TEST_CASE("simulate: writeOutputs then readOutputs gives back the series and the run's figures") {
  auto sc = test::eventFile("sag-0.5pu-5cyc.json");
  sc.t_end_s = 1.5;
  const auto r = sim::simulate(test::ieee13(), sc, test::optionsWith(test::residentialSpec()));
  REQUIRE(r.completed);
  const auto dir = std::filesystem::temp_directory_path() / "feederlab_test_read_outputs";
  std::filesystem::remove_all(dir);
  sim::writeOutputs(dir, r);
  const auto back = sim::readOutputs(dir);
  REQUIRE(back.has_value());
  CHECK(back->completed);
  CHECK(back->states == r.states);
  CHECK(back->t_end == doctest::Approx(r.t_end));
  CHECK(back->pre_event.v_pu == doctest::Approx(r.pre_event.v_pu));
  REQUIRE(back->series.rows() == r.series.rows());
  CHECK(test::at(back->series, col::kHeadV, 1.05) == doctest::Approx(test::at(r.series, col::kHeadV, 1.05)).epsilon(1e-9));
  CHECK_FALSE(sim::readOutputs(dir / "missing").has_value());
  std::filesystem::remove_all(dir);
}
