// `feederlab powerflow` exit codes: non-convergence exits 3 naming nodes, and writes no partial output.
#include <doctest/doctest.h>

#include <filesystem>

#include "paths.hpp"

namespace fs = std::filesystem;
using feederlab::test::cliExecutable;
using feederlab::test::runCommand;

TEST_CASE("non-convergence: exit 3 - worst nodes named - nothing written") {
  const auto dir = feederlab::test::scratchDir("pf-diverge");
  std::string out;
  const auto demo = feederlab::test::sourceDir() / "feeders/demo/demo.dss";
  const int rc = runCommand(cliExecutable().string() + " powerflow " + demo.string() +
                                " --max-iterations 2 --tolerance 1e-14 -o " + (dir / "out").string(),
                            &out);
  CAPTURE(out);
  CHECK(rc == 3);
  CHECK(out.find("worst nodes") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out" / "voltages.csv"));
  CHECK_FALSE(fs::exists(dir / "out" / "summary.json"));
}

TEST_CASE("powerflow on the shipped demo and synthetic feeders") {
  for (const char* feeder : {"feeders/demo/demo.dss", "feeders/synth-small"}) {
    CAPTURE(feeder);
    const auto dir = feederlab::test::scratchDir("pf-shipped");
    std::string out;
    const int rc = runCommand(cliExecutable().string() + " powerflow " +
                                  (feederlab::test::sourceDir() / feeder).string() + " -o " + dir.string(),
                              &out);
    CAPTURE(out);
    CHECK(rc == 0);
    CHECK(fs::file_size(dir / "voltages.csv") > 100);
    CHECK(fs::file_size(dir / "summary.json") > 100);
  }
}
