// sweep (validation label, about 1-2 minutes): the example sweep of data/sweeps/example.json
// (synth-small and IEEE 13 x two sags and the SLG fault) with the real study, on 1 thread,
// 2 threads and 2 MPI ranks, and stopped midway then completed.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "paths.hpp"

namespace fs = std::filesystem;
using feederlab::test::cliExecutable;
using feederlab::test::runCommand;
using feederlab::test::scratchDir;
using feederlab::test::sourceDir;
using nlohmann::json;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string q(const fs::path& p) {
  return "'" + p.string() + "'";
}

int sweep(const fs::path& out, const std::string& args, const std::string& prefix = "") {
  const std::string cmd = prefix + q(cliExecutable()) + " sweep " + q(sourceDir() / "data/sweeps/example.json") +
                          " -o " + q(out) + " " + args;
  std::string log;
  const int rc = runCommand(cmd, &log);
  if (rc != 0) MESSAGE(cmd << "\n" << log);
  return rc;
}

}  // namespace

TEST_CASE("example sweep (2 feeders x 3 events with the real study): 1 thread and 2 threads and 2 MPI ranks agree") {
  const fs::path dir = scratchDir("sweep-validation-example");
  REQUIRE(sweep(dir / "t1", "--threads 1 --no-reports") == 0);
  REQUIRE(sweep(dir / "t2", "--threads 2") == 0);
  REQUIRE(sweep(dir / "mpi", "--no-reports", "mpirun --allow-run-as-root --oversubscribe -np 2 ") == 0);
  const std::string reference = read(dir / "t1/sweep.json");
  CHECK(read(dir / "t2/sweep.json") == reference);
  CHECK(read(dir / "mpi/sweep.json") == reference);
  const json j = json::parse(reference);
  CHECK(j["counts"]["cases"] == 6);
  CHECK(j["counts"]["ok"] == 6);
  std::set<std::string> feeders;
  int completed = 0;
  for (const auto& c : j["cases"]) {
    feeders.insert(c["feeder"].get<std::string>());
    completed += c["results"]["runs"]["full"]["completed"] == true ? 1 : 0;
  }
  CHECK(completed >= 3);  // which simulations complete is the sim module's business; most must
  CHECK(feeders == std::set<std::string>{"IEEE13Nodeckt", "synth-small"});
  const json t = json::parse(read(dir / "mpi/timings.json"));
  std::set<int> ranks;
  for (const auto& c : t["cases"]) ranks.insert(c["rank"].get<int>());
  CHECK(ranks == std::set<int>{0, 1});

  // Stopped after 2 cases, then rerun: only the 4 missing cases run, the result is the same.
  const fs::path out = dir / "stopped";
  CHECK(sweep(out, "--threads 1 --no-reports", "env FEEDERLAB_SWEEP_STOP_AFTER=2 ") == 86);
  REQUIRE(sweep(out, "--threads 2 --no-reports") == 0);
  const json t2 = json::parse(read(out / "timings.json"));
  CHECK(t2["cases_reused"] == 2);
  CHECK(t2["cases_run"] == 4);
  CHECK(read(out / "sweep.json") == reference);
}
