// core::TimeSeries: CSV round trip, NaN as empty fields, malformed files named by line.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include "feederlab/core/error.hpp"
#include "feederlab/core/time_series.hpp"
#include "paths.hpp"

using namespace feederlab;

TEST_CASE("time series: CSV round trip keeps values and NaN") {
  core::TimeSeries ts;
  ts.addColumn("t");
  ts.addColumn("v");
  ts.appendRow({0.0, 1.0});
  ts.appendRow({0.01, std::nan("")});
  ts.appendRow({0.02, 0.123456789012});
  const auto dir = test::scratchDir("time_series");
  core::writeTimeSeriesCsv(dir / "a.csv", ts);
  const auto back = core::readTimeSeriesCsv(dir / "a.csv");
  REQUIRE(back.rows() == 3);
  CHECK(back.names == ts.names);
  CHECK(std::isnan(back.column("v")[1]));
  CHECK(back.column("v")[2] == doctest::Approx(0.123456789012).epsilon(1e-10));
  CHECK_THROWS_AS(ts.addColumn("v", {1, 2, 3}), std::invalid_argument);
  CHECK_THROWS_AS(ts.appendRow({1.0}), std::invalid_argument);
}

TEST_CASE("time series: malformed CSV names the line") {
  const auto dir = test::scratchDir("time_series_bad");
  std::ofstream(dir / "bad.csv") << "t,v\n0,1\n0.01,x\n";
  try {
    core::readTimeSeriesCsv(dir / "bad.csv");
    FAIL("expected an InputError");
  } catch (const core::InputError& e) {
    CHECK(e.where().line == 3);
    CHECK(e.offending() == "x");
  }
  std::ofstream(dir / "back.csv") << "t,v\n0,1\n0,2\n";
  CHECK_THROWS_AS(core::readTimeSeriesCsv(dir / "back.csv"), core::InputError);
}
